package reports

import (
	"errors"
	"io"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Appendix1Columns are the columns of the request for information about a
// state service (Rules130 Appendix 1, columns 1–9).
var Appendix1Columns = []Column{
	{"no", deadlines.Names{KK: "Р/с №", RU: "№ п/п", EN: "No."}},
	{"register_number", deadlines.Names{KK: "Мемлекеттік көрсетілетін қызметтің тізілімдегі №", RU: "№ государственной услуги в реестре", EN: "Register number of the service"}},
	{"service_name", deadlines.Names{KK: "Мемлекеттік көрсетілетін қызметтің атауы", RU: "Наименование государственной услуги", EN: "Name of the service"}},
	{"standard", deadlines.Names{KK: "Мемлекеттік көрсетілетін қызмет стандарты (оның деректемелерін көрсете отырып)", RU: "Стандарт государственной услуги (с указанием реквизитов)", EN: "Service standard (with its requisites)"}},
	{"regulation", deadlines.Names{KK: "Мемлекеттік көрсетілетін қызмет регламенті (оның деректемелерін көрсете отырып)", RU: "Регламент государственной услуги (с указанием реквизитов)", EN: "Service regulation (with its requisites)"}},
	{"act_changes", deadlines.Names{KK: "Нормативтік құқықтық актілердің өзгерістері", RU: "Изменения нормативных правовых актов", EN: "Changes to normative legal acts"}},
	{"internet_resource", deadlines.Names{KK: "Мемлекеттік көрсетілетін қызмет туралы ақпарат орналасқан интернет-ресурс", RU: "Интернет-ресурс, на котором размещена информация о государственной услуге", EN: "Internet resource with information about the service"}},
	{"responsible_person", deadlines.Names{KK: "Жауапты тұлғаның тегі, аты, әкесінің аты, лауазымы", RU: "Ф.И.О., должность ответственного лица", EN: "Responsible person: full name, position"}},
	{"responsible_contacts", deadlines.Names{KK: "Жауапты тұлғаның байланыс телефоны, электрондық пошта мекенжайы", RU: "Контактный телефон, адрес электронной почты ответственного лица", EN: "Responsible person: contact phone, e-mail"}},
}

// Appendix1Title is the form's title.
var Appendix1Title = deadlines.Names{KK: "Мемлекеттік көрсетілетін қызмет туралы ақпарат беру туралы сұрау салу", RU: "Запрос о предоставлении информации о государственной услуге", EN: "Request for information about a state service"}

var appendix1Footer = struct{ executor, date deadlines.Names }{
	executor: deadlines.Names{KK: "Жауапты орындаушының Т.А.Ә.", RU: "Ф.И.О. ответственного исполнителя", EN: "Full name of the executor"},
	date:     deadlines.Names{KK: "Күні", RU: "Дата", EN: "Date"},
}

// Appendix1Row is one service of the request.
type Appendix1Row struct {
	No               int             `json:"no"`
	OnboardingID     string          `json:"onboarding_id"`
	RegisterNumber   string          `json:"register_number"`
	ServiceName      deadlines.Names `json:"service_name"`
	Standard         string          `json:"standard"`
	Regulation       string          `json:"regulation"`
	ActChanges       []string        `json:"act_changes"`
	InternetResource string          `json:"internet_resource"`
	PersonName       string          `json:"person_name"`     // empty until the body appoints one (p.5)
	PersonPosition   string          `json:"person_position"` //
	PersonPhone      string          `json:"person_phone"`
	PersonEmail      string          `json:"person_email"`
}

// Appendix1 is the request the UCC sends a body to train its staff and
// provide the information about a service (Rules130 p.4, Appendix 1).
type Appendix1 struct {
	Form     string              `json:"form"` // "Appendix 1"
	Title    deadlines.Names     `json:"title"`
	Rule     deadlines.Citation  `json:"rule"`
	Body     Recipient           `json:"body"` // the body asked
	Rows     []Appendix1Row      `json:"rows"`
	Executor string              `json:"executor"` // the UCC's responsible executor
	Date     deadlines.CivilDate `json:"date"`
	Columns  []Column            `json:"columns"`
}

// requisites prints a normative act's requisites: "No. 112 of 2015-04-17,
// title".
func requisites(r onboarding.Requisites) string {
	s := r.String()
	if s != "" && r.Title != "" {
		s += ", " + r.Title
	}
	return s
}

// Appendix1From renders the request from the onboardings of services with
// one body, in order: each row takes the Register entry's requisites (or,
// where the entry has none, those of the information the body provided)
// and the responsible person once appointed. The date is the request's
// date, in the body's zone when known (the onboarding's RequestSentAt when
// date is zero). Every problem is reported at once.
func Appendix1From(body onboarding.Body, executor string, date time.Time, items ...Appendix1Item) (*Appendix1, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(4), field, msg)) }
	if !body.Kind.Provider() {
		bad("body", body.ID+" is not a service provider")
	}
	if strings.TrimSpace(executor) == "" {
		bad("executor", "the full name of the UCC's responsible executor is required")
	}
	if len(items) == 0 {
		bad("onboardings", "at least one service")
	}
	f := &Appendix1{Form: "Appendix 1", Title: Appendix1Title, Rule: rule(4), Body: Recipient{ID: body.ID, Kind: body.Kind, Name: body.Name},
		Executor: executor, Columns: Appendix1Columns}
	for i, it := range items {
		o, svc := it.Onboarding, it.Service
		switch {
		case o == nil:
			bad("onboardings", "nil onboarding")
			continue
		case o.BodyID != body.ID:
			bad("onboardings", "onboarding "+o.ID+" is with "+o.BodyID+", not "+body.ID)
		case o.ServiceID != svc.ID:
			bad("onboardings", "onboarding "+o.ID+" is of service "+o.ServiceID+", not "+svc.ID)
		}
		if date.IsZero() {
			date = o.RequestSentAt
		}
		row := Appendix1Row{No: i + 1, OnboardingID: o.ID, RegisterNumber: svc.RegisterNumber, ServiceName: svc.Name,
			Standard: requisites(svc.Standard), Regulation: requisites(svc.Regulation), ActChanges: svc.ActChanges, InternetResource: svc.InternetResource}
		if info := o.CurrentInformation(); info != nil {
			in := info.Information
			if row.Standard == "" {
				row.Standard = requisites(in.Standard)
			}
			if row.Regulation == "" {
				row.Regulation = requisites(in.Regulation)
			}
			if len(row.ActChanges) == 0 {
				row.ActChanges = in.ActChanges
			}
			if row.InternetResource == "" {
				row.InternetResource = in.InternetResource
			}
		}
		if row.ActChanges == nil {
			row.ActChanges = []string{}
		}
		if p := o.Person(); p != nil {
			row.PersonName, row.PersonPosition, row.PersonPhone, row.PersonEmail = p.FullName, p.Position, p.Phone, p.Email
		}
		f.Rows = append(f.Rows, row)
	}
	if date.IsZero() {
		bad("date", "the request's date is required (the request has not been sent)")
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	loc := time.UTC
	if l, err := body.Location(); err == nil {
		loc = l
	}
	y, m, d := date.In(loc).Date()
	f.Date = deadlines.CivilDate{Year: y, Month: m, Day: d}
	return f, nil
}

// Appendix1Item is one service of a request: its onboarding with the body
// and its Register entry.
type Appendix1Item struct {
	Onboarding *onboarding.Onboarding
	Service    onboarding.StateService
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func (f *Appendix1) table(lang string) table {
	t := table{columns: f.Columns}
	for _, r := range f.Rows {
		t.rows = append(t.rows, []string{itoa(r.No), r.RegisterNumber, r.ServiceName.In(lang), r.Standard, r.Regulation,
			strings.Join(r.ActChanges, "; "), r.InternetResource, joinNonEmpty(", ", r.PersonName, r.PersonPosition), joinNonEmpty(", ", r.PersonPhone, r.PersonEmail)})
	}
	t.footer = [][2]string{{appendix1Footer.executor.In(lang), f.Executor}, {appendix1Footer.date.In(lang), f.Date.String()}}
	return t
}

// WriteAppendix1CSV writes the request as CSV (UTF-8 with a BOM), headings
// in lang, the executor and the date after the rows.
func WriteAppendix1CSV(w io.Writer, f *Appendix1, lang string) error {
	return f.table(lang).writeCSV(w, lang)
}

// WriteAppendix1JSON writes the request as JSON, headings in kk, ru and en.
func WriteAppendix1JSON(w io.Writer, f *Appendix1) error { return writeJSON(w, f) }
