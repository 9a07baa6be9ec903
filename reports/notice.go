package reports

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// NoticeColumns are the columns of the notice's list of refusals, followed
// by those of the list of attachments.
var (
	NoticeColumns = []Column{
		{"no", deadlines.Names{KK: "Р/с №", RU: "№ п/п", EN: "No."}},
		{"request_id", deadlines.Names{KK: "Сұрау салу №", RU: "№ запроса", EN: "Request No."}},
		{"refused_at", deadlines.Names{KK: "Бас тарту күні мен уақыты", RU: "Дата и время отказа", EN: "Date and time of the refusal"}},
		{"text", deadlines.Names{KK: "Бас тарту мазмұны", RU: "Содержание отказа", EN: "What the body said"}},
	}
	NoticeAttachmentColumns = []Column{
		{"no", deadlines.Names{KK: "Р/с №", RU: "№ п/п", EN: "No."}},
		{"document", deadlines.Names{KK: "Растайтын құжат", RU: "Подтверждающий документ", EN: "Supporting document"}},
		{"ref", deadlines.Names{KK: "Тіркеу нөмірі немесе сілтеме", RU: "Регистрационный номер или ссылка", EN: "Registry number or reference"}},
	}
)

// NoticeTitle is the notice's title.
var NoticeTitle = deadlines.Names{KK: "Ақпаратты ұсынудан бас тарту туралы хабарлама", RU: "Уведомление об отказе в предоставлении информации", EN: "Notice of refusals to provide information"}

// NoticeRefusal is one refusal the notice reports.
type NoticeRefusal struct {
	No        int       `json:"no"`
	RequestID string    `json:"request_id"`
	At        time.Time `json:"at"`
	Text      string    `json:"text"`
}

// NoticeAttachment is one supporting document attached to the notice.
type NoticeAttachment struct {
	No   int    `json:"no"`
	Name string `json:"name"`
	Ref  string `json:"ref"`
}

// NoticeForm is the notice to the quality authority of a body's repeated
// refusals in a month (Rules130 p.12), with the refusals and the
// supporting documents attached.
type NoticeForm struct {
	Form        string              `json:"form"` // "Notice"
	Title       deadlines.Names     `json:"title"`
	Rule        deadlines.Citation  `json:"rule"`
	ID          string              `json:"id"`
	Period      string              `json:"period"`
	To          Recipient           `json:"to"`   // the quality authority
	Body        Recipient           `json:"body"` // the body that refused
	Due         deadlines.CivilDate `json:"due"`  // 3 working days after the refusal that reached the threshold
	SentAt      time.Time           `json:"sent_at,omitzero"`
	Refusals    []NoticeRefusal     `json:"refusals"`
	Attachments []NoticeAttachment  `json:"attachments"`
}

// NoticeFrom renders notice seq of a refusal ledger for the quality
// authority, listing the refusals it reports and every attached document,
// with its due date on cal (in the body's zone). Every problem is reported
// at once.
func NoticeFrom(cal *deadlines.Calendar, l *onboarding.RefusalLedger, seq int, body, quality onboarding.Body) (*NoticeForm, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(12), field, msg)) }
	if cal == nil {
		bad("calendar", "nil Calendar")
	}
	if quality.Kind != onboarding.KindQualityAuthority {
		bad("to", quality.ID+" is not the quality authority")
	}
	if l == nil {
		return nil, errors.Join(append(errs, deadlines.Invalid(rule(12), "ledger", "nil ledger"))...)
	}
	if body.ID != l.Key.BodyID {
		bad("body", "the ledger is of "+l.Key.BodyID+", not "+body.ID)
	}
	n := l.Notice(seq)
	if n == nil {
		errs = append(errs, deadlines.Wrap(rule(12), "seq", ErrNotFound, "no notice "+strconv.Itoa(seq)+" in "+l.Key.String()))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	loc := cal.Location()
	if z, err := body.Location(); err == nil {
		loc = z
	}
	due := n.Timer.Deadline(cal.In(loc)).Due
	f := &NoticeForm{Form: "Notice", Title: NoticeTitle, Rule: rule(12), ID: n.ID, Period: l.Key.Period,
		To:   Recipient{ID: quality.ID, Kind: quality.Kind, Name: quality.Name},
		Body: Recipient{ID: body.ID, Kind: body.Kind, Name: body.Name},
		Due:  deadlines.CivilDate{Year: due.Year(), Month: due.Month(), Day: due.Day()}, SentAt: n.SentAt,
		Refusals: []NoticeRefusal{}, Attachments: []NoticeAttachment{}}
	for _, id := range n.RequestIDs {
		for _, r := range l.Refusals {
			if r.RequestID == id {
				f.Refusals = append(f.Refusals, NoticeRefusal{No: len(f.Refusals) + 1, RequestID: id, At: r.At.In(loc), Text: r.Text})
			}
		}
	}
	for _, d := range n.Attachments {
		f.Attachments = append(f.Attachments, NoticeAttachment{No: len(f.Attachments) + 1, Name: d.Name, Ref: d.Ref})
	}
	return f, nil
}

var noticeFooter = struct{ to, body, due deadlines.Names }{
	to:   deadlines.Names{KK: "Кімге", RU: "Кому", EN: "To"},
	body: deadlines.Names{KK: "Бас тартқан орган", RU: "Отказавший орган", EN: "Body that refused"},
	due:  deadlines.Names{KK: "Мерзімі", RU: "Срок", EN: "Due"},
}

// WriteNoticeCSV writes the notice as CSV (UTF-8 with a BOM), headings in
// lang: the refusals, then after an empty line the attachments, then the
// addressee, the body and the due date.
func WriteNoticeCSV(w io.Writer, f *NoticeForm, lang string) error {
	t := table{columns: NoticeColumns}
	for _, r := range f.Refusals {
		t.rows = append(t.rows, []string{itoa(r.No), r.RequestID, r.At.Format(TimeLayout), r.Text})
	}
	t.rows = append(t.rows, nil)
	head := make([]string, len(NoticeAttachmentColumns))
	for i, c := range NoticeAttachmentColumns {
		head[i] = c.Names.In(lang)
	}
	t.rows = append(t.rows, head)
	for _, a := range f.Attachments {
		t.rows = append(t.rows, []string{itoa(a.No), a.Name, a.Ref})
	}
	t.footer = [][2]string{{noticeFooter.to.In(lang), name(f.To.Name, lang, f.To.ID)}, {noticeFooter.body.In(lang), name(f.Body.Name, lang, f.Body.ID)},
		{noticeFooter.due.In(lang), f.Due.String()}}
	return t.writeCSV(w, lang)
}

// WriteNoticeJSON writes the notice as JSON.
func WriteNoticeJSON(w io.Writer, f *NoticeForm) error { return writeJSON(w, f) }
