package reports

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// Nature is what an appeal is about (Appendix 2, columns 6–7): a violation
// of the service standard, actions or inaction of employees, or both.
type Nature uint8

// Natures of an appeal; an appeal has one or both.
const (
	StandardViolation Nature = 1 << iota // column 6: violation of the state service standard
	EmployeeConduct                      // column 7: actions (inaction) of employees
)

const natureMask = StandardViolation | EmployeeConduct

var natureLabels = []struct {
	n     Nature
	key   string
	names deadlines.Names
}{
	{StandardViolation, "standard_violation", deadlines.Names{KK: "Мемлекеттік қызметтің стандартын бұзу", RU: "Нарушение стандарта государственной услуги", EN: "Violation of the service standard"}},
	{EmployeeConduct, "employee_conduct", deadlines.Names{KK: "Қызметкерлердің іс-әрекетіне (әрекетсіздігіне)", RU: "Действия (бездействие) сотрудников", EN: "Actions (inaction) of employees"}},
}

// Has reports whether n includes every nature of o.
func (n Nature) Has(o Nature) bool { return o != 0 && n&o == o }

// Label returns the nature's name in kk, ru and en (a single nature only).
func (n Nature) Label() deadlines.Names {
	for _, l := range natureLabels {
		if l.n == n {
			return l.names
		}
	}
	return deadlines.Names{}
}

func (n Nature) String() string {
	var parts []string
	for _, l := range natureLabels {
		if n.Has(l.n) {
			parts = append(parts, l.key)
		}
	}
	if rest := n &^ natureMask; rest != 0 || n == 0 {
		parts = append(parts, fmt.Sprintf("Nature(%d)", uint8(rest)))
	}
	return strings.Join(parts, "+")
}

// MarshalText implements encoding.TextMarshaler: "standard_violation",
// "employee_conduct" or both joined with "+".
func (n Nature) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (n *Nature) UnmarshalText(b []byte) error {
	v, ok := parseNature(string(b))
	if !ok {
		return deadlines.Invalid(rule(14), "nature", fmt.Sprintf("%q is not standard_violation, employee_conduct or both joined with +", b))
	}
	*n = v
	return nil
}

func parseNature(s string) (Nature, bool) {
	var n Nature
	for part := range strings.SplitSeq(s, "+") {
		found := false
		for _, l := range natureLabels {
			if part == l.key {
				n, found = n|l.n, true
			}
		}
		if !found {
			return 0, false
		}
	}
	return n, n != 0
}

// Appeal is a complaint or application the UCC received about a state
// service: one row of the appeal register, the source of Appendix 2.
//
// The applicant's IIN is personal data. Appeal's String, GoString and
// LogValue mask it, so an appeal logged with fmt or log/slog shows
// "850101******"; Appendix 2 has no IIN column, and no report prints it.
type Appeal struct {
	ID               string    `json:"id"`
	ReceivedAt       time.Time `json:"received_at"`       // column 2: date and time received
	ForumResponsible string    `json:"forum_responsible"` // column 3: full name of the person responsible for the forum
	Region           string    `json:"region"`            // column 4
	ApplicantName    string    `json:"applicant_name"`    // column 5: the applicant's full name
	ApplicantIIN     string    `json:"applicant_iin"`     // personal data: never printed unmasked
	Nature           Nature    `json:"nature"`            // columns 6–7
	Content          string    `json:"content"`           // column 8
	RequestNo        string    `json:"request_no"`        // column 9: measure taken, the request number
	BodyID           string    `json:"body_id"`           // the body concerned
	ServiceID        string    `json:"service_id"`        // the state service concerned
	RecordedAt       time.Time `json:"recorded_at"`       // when the UCC entered it (the clock's now)
	RecordedBy       string    `json:"recorded_by"`
}

// String describes the appeal with the IIN masked.
func (a Appeal) String() string {
	return fmt.Sprintf("appeal %s (%s, IIN %s, received %s, body %s, service %s)",
		a.ID, a.ApplicantName, kzid.Mask(a.ApplicantIIN), a.ReceivedAt.Format(time.RFC3339), a.BodyID, a.ServiceID)
}

// GoString is String, so %#v masks the IIN too.
func (a Appeal) GoString() string { return "reports." + a.String() }

// LogValue implements slog.LogValuer with the IIN masked.
func (a Appeal) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", a.ID),
		slog.Time("received_at", a.ReceivedAt),
		slog.String("region", a.Region),
		slog.String("applicant_iin", kzid.Mask(a.ApplicantIIN)),
		slog.String("nature", a.Nature.String()),
		slog.String("body_id", a.BodyID),
		slog.String("service_id", a.ServiceID),
	)
}

// maxText bounds the free-text fields of an appeal, in characters.
const maxText = 10000

// validate checks the fields that need no store: every problem at once.
func (a *Appeal) validate(now time.Time) []error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(14), field, msg)) }
	if strings.ContainsAny(a.ID, "/ \t\n") {
		bad("id", "no slashes or spaces")
	}
	switch {
	case a.ReceivedAt.IsZero():
		bad("received_at", "the date and time the appeal was received are required")
	case a.ReceivedAt.After(now):
		bad("received_at", "is in the future ("+a.ReceivedAt.Format(time.RFC3339)+")")
	}
	for _, f := range []struct{ name, v, msg string }{
		{"forum_responsible", a.ForumResponsible, "the full name of the person responsible for the forum is required"},
		{"region", a.Region, "required"},
		{"applicant_name", a.ApplicantName, "the applicant's full name is required"},
		{"content", a.Content, "the content of the complaint or application is required"},
		{"request_no", a.RequestNo, "the measure taken (the request number) is required"},
		{"body_id", a.BodyID, "the body concerned is required"},
		{"service_id", a.ServiceID, "the state service concerned is required"},
	} {
		switch {
		case strings.TrimSpace(f.v) == "":
			bad(f.name, f.msg)
		case !utf8.ValidString(f.v):
			bad(f.name, "is not valid UTF-8")
		case len(f.v) > maxText && utf8.RuneCountInString(f.v) > maxText: // never more characters than bytes
			bad(f.name, fmt.Sprintf("longer than %d characters", maxText))
		}
	}
	if a.ApplicantIIN != "" {
		if err := kzid.ValidateIIN(a.ApplicantIIN); err != nil {
			// kzid's messages never repeat the number.
			errs = append(errs, &deadlines.RuleError{Rule: rule(14), Field: "applicant_iin", Err: err})
		}
	}
	if a.Nature == 0 || a.Nature&^natureMask != 0 {
		bad("nature", "violation of the service standard, actions (inaction) of employees, or both")
	}
	return errs
}
