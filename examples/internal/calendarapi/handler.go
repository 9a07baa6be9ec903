package calendarapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

const (
	// The years a deadlines.Calendar is compiled for.
	minYear = 1992
	maxYear = 2100
	// maxN bounds the work one request can ask for; legal terms are far shorter.
	maxN = 1000
)

type handler struct {
	cal    *deadlines.Calendar
	logger *slog.Logger
}

// NewHandler returns the calendar and terms API over cal (see the package
// doc). A nil logger discards the log. It panics if cal is nil.
func NewHandler(cal *deadlines.Calendar, logger *slog.Logger) http.Handler {
	if cal == nil {
		panic("calendarapi: nil calendar")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{cal: cal, logger: logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/calendar/kz/{year}", h.calendar)
	mux.HandleFunc("GET /v1/terms", h.terms)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return mux
}

// day is one date in a JSON answer.
type day struct {
	Date      string            `json:"date"`
	Workday   bool              `json:"workday"`
	Kind      deadlines.DayKind `json:"kind"`
	Names     *deadlines.Names  `json:"names,omitempty"`
	ShiftOf   string            `json:"shift_of,omitempty"`
	Decree    string            `json:"decree,omitempty"`
	Source    string            `json:"source,omitempty"`
	Estimated bool              `json:"estimated"`
}

func dayOf(info deadlines.DayInfo) day {
	d := day{
		Date:      info.Date.Format(time.DateOnly),
		Workday:   info.Workday,
		Kind:      info.Kind,
		Source:    info.Source(),
		Estimated: info.Estimated,
	}
	if info.Holiday != nil {
		d.Names = &info.Holiday.Names
	}
	if !info.ShiftOf.IsZero() {
		d.ShiftOf = info.ShiftOf.String()
	}
	if info.Transfer != nil {
		d.Decree = info.Transfer.Decree
	}
	return d
}

func daysOf(infos []deadlines.DayInfo) []day {
	out := make([]day, 0, len(infos))
	for _, info := range infos {
		out = append(out, dayOf(info))
	}
	return out
}

type calendarResponse struct {
	Year            int    `json:"year"`
	CalendarVersion string `json:"calendar_version"`
	Confirmed       bool   `json:"confirmed"`
	Workdays        int    `json:"workdays"`
	DaysOff         int    `json:"days_off"`
	Days            []day  `json:"days"` // every day that is not an ordinary working day
}

func (h *handler) calendar(w http.ResponseWriter, r *http.Request) {
	s := r.PathValue("year")
	year, err := strconv.Atoi(s)
	if err != nil || year < minYear || year > maxYear {
		h.writeError(w, deadlines.Invalid(deadlines.Citation{}, "year",
			fmt.Sprintf("year %q is not an integer %d–%d", s, minYear, maxYear)))
		return
	}
	c := h.cal
	resp := calendarResponse{Year: year, CalendarVersion: c.Version(), Confirmed: c.Confirmed(year), Days: []day{}}
	for d := c.Date(year, 1, 1); d.Year() == year; d = c.Date(year, d.Month(), d.Day()+1) {
		info := c.Explain(d)
		if info.Workday {
			resp.Workdays++
		} else {
			resp.DaysOff++
		}
		if info.Kind != deadlines.DayWorking {
			resp.Days = append(resp.Days, dayOf(info))
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

type termsResponse struct {
	Rule            string `json:"rule,omitempty"`
	Kind            string `json:"kind"`
	N               int    `json:"n"`
	Term            string `json:"term"`
	Start           string `json:"start"` // the civil date counting starts from
	Due             string `json:"due"`
	Ends            string `json:"ends"`
	CalendarVersion string `json:"calendar_version"`
	Estimated       bool   `json:"estimated"`
	Immediate       bool   `json:"immediate"`
	Explanation     []day  `json:"explanation"`
	Text            string `json:"text"`
}

func (h *handler) terms(w http.ResponseWriter, r *http.Request) {
	term, from, err := h.parseTerm(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	d, err := term.Due(h.cal, from)
	if err != nil {
		h.writeError(w, err)
		return
	}
	off := h.cal.DaysOff(d.Start, d.Due)
	writeJSON(w, http.StatusOK, termsResponse{
		Rule:            d.Rule.String(),
		Kind:            d.Term.Kind.String(),
		N:               d.Term.N,
		Term:            d.Term.String(),
		Start:           d.Start.Format(time.DateOnly),
		Due:             d.Due.Format(time.DateOnly),
		Ends:            d.Ends.Format(time.RFC3339),
		CalendarVersion: d.CalendarVersion,
		Estimated:       d.Estimated,
		Immediate:       d.Immediate,
		Explanation:     daysOf(off),
		Text:            sentence(d, off),
	})
}

// parseTerm reads the query. The rule is parsed first so that every later
// error can name it.
func (h *handler) parseTerm(r *http.Request) (deadlines.Term, time.Time, error) {
	q := r.URL.Query()
	rule, err := deadlines.ParseCitation(q.Get("rule"))
	if err != nil {
		return deadlines.Term{}, time.Time{}, err
	}
	kind, err := deadlines.ParseTermKind(q.Get("kind"))
	if err != nil {
		return deadlines.Term{}, time.Time{}, withRule(err, rule)
	}
	n := 0
	if s := q.Get("n"); s != "" {
		if n, err = strconv.Atoi(s); err != nil {
			return deadlines.Term{}, time.Time{}, deadlines.Invalid(rule, "n", fmt.Sprintf("%q is not an integer", s))
		}
		if n > maxN {
			return deadlines.Term{}, time.Time{}, deadlines.Invalid(rule, "n", fmt.Sprintf("at most %d, got %d", maxN, n))
		}
	}
	from, err := h.parseFrom(q.Get("from"), rule)
	if err != nil {
		return deadlines.Term{}, time.Time{}, err
	}
	return deadlines.Term{Kind: kind, N: n, Rule: rule}, from, nil
}

// parseFrom accepts a civil date, read in the calendar's location, or an
// RFC 3339 instant.
func (h *handler) parseFrom(s string, rule deadlines.Citation) (time.Time, error) {
	if s == "" {
		return time.Time{}, deadlines.Invalid(rule, "from", "required: a date YYYY-MM-DD or an RFC 3339 instant")
	}
	if d, err := deadlines.ParseCivilDate(s); err == nil {
		return h.cal.Date(d.Year, d.Month, d.Day), nil
	}
	// An unescaped "+05:00" in a query string arrives as " 05:00".
	if t, err := time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1)); err == nil {
		return t, nil
	}
	return time.Time{}, deadlines.Invalid(rule, "from", fmt.Sprintf("%q is neither a date YYYY-MM-DD nor an RFC 3339 instant", s))
}

// withRule returns err naming rule when err is a *deadlines.RuleError that
// names none.
func withRule(err error, rule deadlines.Citation) error {
	var re *deadlines.RuleError
	if !errors.As(err, &re) || !re.Rule.IsZero() {
		return err
	}
	return &deadlines.RuleError{Rule: rule, Field: re.Field, Err: re.Err}
}

// sentence says in English when the term is due and which non-working days
// lie between its start and its due date.
func sentence(d deadlines.Deadline, off []deadlines.DayInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (ends %s)", d, d.Ends.Format(time.RFC3339))

	// Working-day terms skip days off; calendar-day terms count them and only
	// roll a last day off forward.
	counted := d.Term.Kind == deadlines.CalendarDays || d.Term.Kind == deadlines.DayOfNextMonth
	noun := "non-working days"
	if len(off) == 1 {
		noun = "non-working day"
	}
	switch {
	case len(off) == 0:
		b.WriteString("; no non-working days in between")
	case counted:
		fmt.Fprintf(&b, "; %d %s in between: ", len(off), noun)
	default:
		fmt.Fprintf(&b, "; skipped %d %s: ", len(off), noun)
	}
	for i, g := range groups(off) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(span(g.first, g.last, d.Start.Year()) + " " + g.label)
	}
	b.WriteString(".")
	return b.String()
}

type group struct {
	first, last time.Time
	label       string
}

// groups joins consecutive days with the same reason: "21–25 Mar Nauryz".
func groups(off []deadlines.DayInfo) []group {
	var out []group
	for _, info := range off {
		l := label(info)
		if n := len(out); n > 0 && out[n-1].label == l && sameDate(out[n-1].last.AddDate(0, 0, 1), info.Date) {
			out[n-1].last = info.Date
			continue
		}
		out = append(out, group{first: info.Date, last: info.Date, label: l})
	}
	return out
}

func label(info deadlines.DayInfo) string {
	switch {
	case info.Holiday != nil:
		return info.Holiday.Names.EN
	case info.Transfer != nil:
		return "day off moved by decree " + info.Transfer.Decree
	}
	return info.Kind.String()
}

func sameDate(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

// span prints a range of dates, with the year only when it is not year.
func span(a, b time.Time, year int) string {
	var s string
	switch {
	case a.Year() != b.Year():
		return a.Format("2 Jan 2006") + "–" + b.Format("2 Jan 2006")
	case sameDate(a, b):
		s = a.Format("2 Jan")
	case a.Month() == b.Month():
		s = a.Format("2") + "–" + b.Format("2 Jan")
	default:
		s = a.Format("2 Jan") + "–" + b.Format("2 Jan")
	}
	if a.Year() != year {
		s += " " + strconv.Itoa(a.Year())
	}
	return s
}

// writeError answers with the error through the shared mapping.
func (h *handler) writeError(w http.ResponseWriter, err error) { httpx.WriteError(w, h.logger, err) }

func writeJSON(w http.ResponseWriter, status int, v any) { httpx.WriteJSON(w, status, v) }

// Routes returns the calendar and terms endpoints for the server's route
// table; they are public (the calendar is public information).
func Routes(cal *deadlines.Calendar, logger *slog.Logger) []httpx.Route {
	h := NewHandler(cal, logger)
	return []httpx.Route{
		{Pattern: "GET /v1/calendar/kz/{year}", Handler: h},
		{Pattern: "GET /v1/terms", Handler: h},
	}
}
