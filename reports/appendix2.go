package reports

import (
	"cmp"
	"slices"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Column is a column of a rendered form: a stable key and its heading in
// kk, ru and en. The Kazakh headings are the forms' own.
type Column struct {
	Key   string          `json:"key"`
	Names deadlines.Names `json:"names"`
}

// Appendix2Columns are the columns of the analytical report (Rules130
// Appendix 2, columns 1–9), followed by the body and the service the appeal
// concerns.
var Appendix2Columns = []Column{
	{"no", deadlines.Names{KK: "Р/с №", RU: "№ п/п", EN: "No."}},
	{"received_at", deadlines.Names{KK: "Шағымның және өтініштің келіп түскен күні мен уақыты", RU: "Дата и время поступления жалобы и заявления", EN: "Date and time the complaint or application was received"}},
	{"forum_responsible", deadlines.Names{KK: "Форумқа жауапты тұлғаның Т.А.Ж.", RU: "Ф.И.О. ответственного лица за форум", EN: "Full name of the person responsible for the forum"}},
	{"region", deadlines.Names{KK: "Өңір", RU: "Регион", EN: "Region"}},
	{"applicant_name", deadlines.Names{KK: "Өтініш берушінің Т.А.Ж.", RU: "Ф.И.О. заявителя", EN: "Applicant's full name"}},
	{"standard_violation", deadlines.Names{KK: "Өтініш сипаты: Мемлекеттік қызметтің стандартын бұзу", RU: "Характер обращения: нарушение стандарта государственной услуги", EN: "Nature of the appeal: violation of the service standard"}},
	{"employee_conduct", deadlines.Names{KK: "Өтініш сипаты: Қызметкерлердің іс-әрекетіне (әрекетсіздігіне)", RU: "Характер обращения: действия (бездействие) сотрудников", EN: "Nature of the appeal: actions (inaction) of employees"}},
	{"content", deadlines.Names{KK: "Шағымның және өтініштің мазмұны", RU: "Содержание жалобы и заявления", EN: "Content of the complaint or application"}},
	{"request_no", deadlines.Names{KK: "Қолданылатын шара: сұрау №", RU: "Принятые меры: запрос №", EN: "Measure taken: request No."}},
	{"body", deadlines.Names{KK: "Мемлекеттік орган", RU: "Государственный орган", EN: "State body"}},
	{"service", deadlines.Names{KK: "Мемлекеттік көрсетілетін қызмет", RU: "Государственная услуга", EN: "State service"}},
}

// Appendix2Title is the form's title.
var Appendix2Title = deadlines.Names{KK: "Талдамалық есеп", RU: "Аналитический отчет", EN: "Analytical report"}

// Scope says which appeals a report covers.
type Scope string

// Scopes of a monthly report.
const (
	ScopeFull Scope = "full" // every appeal: the quality authority's report
	ScopeBody Scope = "body" // the appeals about one providing body's services
)

// Recipient is who a report goes to.
type Recipient struct {
	ID   string              `json:"id"`
	Kind onboarding.BodyKind `json:"kind"`
	Name deadlines.Names     `json:"name"`
}

// Header opens a rendered report.
type Header struct {
	Form        string             `json:"form"` // "Appendix 2"
	Title       deadlines.Names    `json:"title"`
	Rule        deadlines.Citation `json:"rule"`
	Period      Period             `json:"period"`
	Zone        string             `json:"zone"`
	From        time.Time          `json:"from"` // first instant of the month in Zone
	To          time.Time          `json:"to"`   // first instant of the next month
	Recipient   Recipient          `json:"recipient"`
	Scope       Scope              `json:"scope"`
	GeneratedAt time.Time          `json:"generated_at"`
	Columns     []Column           `json:"columns"`
}

// Row is one line of Appendix 2. Writers receive a pointer they must not
// retain: the next row reuses it.
type Row struct {
	No               int
	AppealID         string
	ReceivedAt       time.Time // in the report's zone
	ForumResponsible string
	Region           string
	ApplicantName    string
	Nature           Nature
	Content          string
	RequestNo        string
	BodyID           string
	Body             deadlines.Names
	ServiceID        string
	Service          deadlines.Names
}

// Count is one line of a summary: the appeals with one key of a dimension,
// in total and by nature (an appeal of both natures counts in both).
type Count struct {
	Key               string          `json:"key"`
	Label             deadlines.Names `json:"label,omitzero"`
	Total             int             `json:"total"`
	StandardViolation int             `json:"standard_violation"`
	EmployeeConduct   int             `json:"employee_conduct"`
}

// Summary are the figures accompanying the rows: totals by nature and
// counts by region, body and service, each sorted by key.
type Summary struct {
	Total             int     `json:"total"`
	StandardViolation int     `json:"standard_violation"`
	EmployeeConduct   int     `json:"employee_conduct"`
	Both              int     `json:"both"`
	ByRegion          []Count `json:"by_region"`
	ByBody            []Count `json:"by_body"`
	ByService         []Count `json:"by_service"`
}

// Writer renders a report as it streams: Begin once, Row per appeal in
// order, End once with the summary (which flushes). Implementations are
// in this package (CSV, JSON) and in adapters (XLSX, HTML).
type Writer interface {
	Begin(h *Header) error
	Row(r *Row) error
	End(s *Summary) error
}

// summer accumulates a Summary; its memory is bounded by the number of
// distinct regions, bodies and services, not by the number of appeals.
type summer struct {
	s                       Summary
	region, body, service   map[string]*Count
	bodyLabel, serviceLabel func(string) deadlines.Names
}

func newSummer(bodyLabel, serviceLabel func(string) deadlines.Names) *summer {
	return &summer{region: map[string]*Count{}, body: map[string]*Count{}, service: map[string]*Count{}, bodyLabel: bodyLabel, serviceLabel: serviceLabel}
}

func bump(m map[string]*Count, key string, n Nature, label func(string) deadlines.Names) {
	c := m[key]
	if c == nil {
		c = &Count{Key: key}
		if label != nil {
			c.Label = label(key)
		}
		m[key] = c
	}
	c.Total++
	if n.Has(StandardViolation) {
		c.StandardViolation++
	}
	if n.Has(EmployeeConduct) {
		c.EmployeeConduct++
	}
}

func (s *summer) add(region, bodyID, serviceID string, n Nature) {
	s.s.Total++
	if n.Has(StandardViolation) {
		s.s.StandardViolation++
	}
	if n.Has(EmployeeConduct) {
		s.s.EmployeeConduct++
	}
	if n.Has(StandardViolation | EmployeeConduct) {
		s.s.Both++
	}
	bump(s.region, region, n, nil)
	bump(s.body, bodyID, n, s.bodyLabel)
	bump(s.service, serviceID, n, s.serviceLabel)
}

func sorted(m map[string]*Count) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

func (s *summer) summary() Summary {
	out := s.s
	out.ByRegion, out.ByBody, out.ByService = sorted(s.region), sorted(s.body), sorted(s.service)
	return out
}
