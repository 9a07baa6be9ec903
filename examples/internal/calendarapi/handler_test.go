package calendarapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// The JSON contract, spelled out independently of the handler's types.
type (
	dayBody struct {
		Date      string            `json:"date"`
		Workday   bool              `json:"workday"`
		Kind      string            `json:"kind"`
		Names     map[string]string `json:"names"`
		ShiftOf   string            `json:"shift_of"`
		Decree    string            `json:"decree"`
		Source    string            `json:"source"`
		Estimated bool              `json:"estimated"`
	}
	calendarBody struct {
		Year            int       `json:"year"`
		CalendarVersion string    `json:"calendar_version"`
		Confirmed       bool      `json:"confirmed"`
		DaysOff         int       `json:"days_off"`
		Workdays        int       `json:"workdays"`
		Days            []dayBody `json:"days"`
	}
	termsBody struct {
		Rule            string    `json:"rule"`
		Kind            string    `json:"kind"`
		N               int       `json:"n"`
		Term            string    `json:"term"`
		Start           string    `json:"start"`
		Due             string    `json:"due"`
		Ends            string    `json:"ends"`
		CalendarVersion string    `json:"calendar_version"`
		Estimated       bool      `json:"estimated"`
		Immediate       bool      `json:"immediate"`
		Explanation     []dayBody `json:"explanation"`
		Text            string    `json:"text"`
	}
	errorBody struct {
		Error string `json:"error"`
		Rule  string `json:"rule"`
		Field string `json:"field"`
	}
)

type testBundle struct {
	cal     *deadlines.Calendar
	handler *handler
	http    http.Handler
	logs    *bytes.Buffer
}

// setup builds the handler over kz.Calendar, or over kz.New(opts...) when
// options are given.
func setup(t *testing.T, opts ...deadlines.Option) *testBundle {
	t.Helper()
	cal := kz.Calendar()
	if len(opts) > 0 {
		var err error
		cal, err = kz.New(opts...)
		require.NoError(t, err)
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	return &testBundle{
		cal:     cal,
		handler: &handler{cal: cal, logger: logger},
		http:    NewHandler(cal, logger),
		logs:    logs,
	}
}

// get serves GET target and decodes a JSON answer strictly into out.
func (b *testBundle) get(t *testing.T, target string, out any) int {
	t.Helper()
	rec := httptest.NewRecorder()
	b.http.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"), rec.Body.String())
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(out))
	return rec.Code
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var body map[string]string
	require.Equal(t, http.StatusOK, b.get(t, "/healthz", &body))
	require.Equal(t, map[string]string{"status": "ok"}, body)
}

func TestRouting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, target string
		want           int
	}{
		{http.MethodGet, "/v1/nope", http.StatusNotFound},
		{http.MethodGet, "/v1/calendar/kz/", http.StatusNotFound},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/v1/calendar/kz/2025", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			setup(t).http.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
			require.Equal(t, tt.want, rec.Code)
		})
	}
}

func TestCalendar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year      int
		daysInYr  int
		confirmed bool
		contains  []dayBody // compared field by field; Source only checked non-empty
	}{
		{
			year: 2025, daysInYr: 365, confirmed: true,
			contains: []dayBody{
				{
					Date: "2025-03-24", Kind: "weekend-shift", ShiftOf: "2025-03-22",
					Names: map[string]string{"kk": "Наурыз мейрамы", "ru": "Наурыз мейрамы", "en": "Nauryz"},
				},
				{Date: "2025-01-03", Kind: "transferred-day-off", Decree: "G24G0000436"},
				{Date: "2025-01-05", Kind: "transferred-working-day", Workday: true, Decree: "G24G0000436"},
				{Date: "2025-01-04", Kind: "weekend"},
			},
		},
		{
			year: 2024, daysInYr: 366, confirmed: true,
			contains: []dayBody{{Date: "2024-05-08", Kind: "transferred-day-off", Decree: "G24G0000109"}},
		},
		{
			year: 2026, daysInYr: 365, confirmed: false,
			contains: []dayBody{{
				Date: "2026-03-24", Kind: "weekend-shift", ShiftOf: "2026-03-21", Estimated: true,
				Names: map[string]string{"kk": "Наурыз мейрамы", "ru": "Наурыз мейрамы", "en": "Nauryz"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			var body calendarBody
			require.Equal(t, http.StatusOK, b.get(t, fmt.Sprintf("/v1/calendar/kz/%d", tt.year), &body))
			require.Equal(t, tt.year, body.Year)
			require.Equal(t, tt.confirmed, body.Confirmed)
			require.Equal(t, b.cal.Version(), body.CalendarVersion)

			byDate := map[string]dayBody{}
			daysOff := 0
			for _, d := range body.Days {
				require.NotEmpty(t, d.Source, d.Date)
				require.Equal(t, !tt.confirmed, d.Estimated, d.Date)
				require.NotEqual(t, "working", d.Kind, d.Date)
				byDate[d.Date] = d
				if !d.Workday {
					daysOff++
				}
			}
			for _, want := range tt.contains {
				got, ok := byDate[want.Date]
				require.True(t, ok, "%s missing from days", want.Date)
				want.Source = got.Source
				require.Equal(t, want, got)
			}
			// Every day off is listed, and every day is a working day or a day off.
			require.Equal(t, body.DaysOff, daysOff)
			require.Equal(t, tt.daysInYr, body.Workdays+body.DaysOff)
			require.Equal(t, b.cal.WorkdaysBetween(b.cal.Date(tt.year-1, 12, 31), b.cal.Date(tt.year, 12, 31)), body.Workdays)
		})
	}
}

func TestCalendar_BadYear(t *testing.T) {
	t.Parallel()
	for _, year := range []string{"abc", "1800", "1991", "2101", "-2025", "2025.0"} {
		t.Run(year, func(t *testing.T) {
			t.Parallel()
			var body errorBody
			require.Equal(t, http.StatusBadRequest, setup(t).get(t, "/v1/calendar/kz/"+year, &body))
			require.Equal(t, "year", body.Field)
			require.Empty(t, body.Rule)
			require.Contains(t, body.Error, year)
		})
	}
}

func TestRules130_P5_Terms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query            string
		start, due, ends, rule string
		skipped                []string
		text                   string // checked when set
	}{
		{
			name:  "within 5 working days skips Nauryz and a weekend",
			query: "from=2025-03-20&kind=working-days&n=5&rule=Rules130+p.5",
			start: "2025-03-20", due: "2025-04-01", ends: "2025-04-02T00:00:00+05:00", rule: "Rules130 p.5",
			skipped: []string{"2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24", "2025-03-25", "2025-03-29", "2025-03-30"},
			text: "within 5 working days of 2025-03-20 (Rules130 p.5), due 2025-04-01 (ends 2025-04-02T00:00:00+05:00); " +
				"skipped 7 non-working days: 21–25 Mar Nauryz, 29–30 Mar weekend.",
		},
		{
			name:  "5 working days after",
			query: "from=2025-03-20&kind=working-days-after&n=5&rule=Rules130+p.9",
			start: "2025-03-20", due: "2025-04-02", ends: "2025-04-03T00:00:00+05:00", rule: "Rules130 p.9",
			skipped: []string{"2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24", "2025-03-25", "2025-03-29", "2025-03-30"},
		},
		{
			name:  "by the 5th of the next month",
			query: "from=2025-01-15&kind=day-of-next-month&n=5&rule=Rules130%2Bp.14",
			start: "2025-01-15", due: "2025-02-05", ends: "2025-02-06T00:00:00+05:00", rule: "Rules130 p.14",
			skipped: []string{"2025-01-18", "2025-01-19", "2025-01-25", "2025-01-26", "2025-02-01", "2025-02-02"},
			text: "by day 5 of the month after 2025-01-15 (Rules130 p.14), due 2025-02-05 (ends 2025-02-06T00:00:00+05:00); " +
				"6 non-working days in between: 18–19 Jan weekend, 25–26 Jan weekend, 1–2 Feb weekend.",
		},
		{
			name:  "decree transfer, no rule",
			query: "from=2025-01-02&kind=working-days&n=1",
			start: "2025-01-02", due: "2025-01-05", ends: "2025-01-06T00:00:00+05:00",
			skipped: []string{"2025-01-03", "2025-01-04"},
			text: "within 1 working day of 2025-01-02, due 2025-01-05 (ends 2025-01-06T00:00:00+05:00); " +
				"skipped 2 non-working days: 3 Jan day off moved by decree G24G0000436, 4 Jan weekend.",
		},
		{
			name:  "RFC 3339 instant is read in the calendar's zone",
			query: "from=2025-03-19T20:00:00Z&kind=working-days&n=1",
			start: "2025-03-20", due: "2025-03-26", ends: "2025-03-27T00:00:00+05:00",
			skipped: []string{"2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24", "2025-03-25"},
		},
		{
			name:  "unescaped plus in an RFC 3339 offset",
			query: "from=2025-03-20T01:00:00+05:00&kind=immediately",
			start: "2025-03-20", due: "2025-03-20", ends: "2025-03-21T00:00:00+05:00",
			text: "immediately after 2025-03-20, due 2025-03-20 (ends 2025-03-21T00:00:00+05:00); no non-working days in between.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			var body termsBody
			require.Equal(t, http.StatusOK, b.get(t, "/v1/terms?"+tt.query, &body))
			require.Equal(t, tt.start, body.Start)
			require.Equal(t, tt.due, body.Due)
			require.Equal(t, tt.ends, body.Ends)
			require.Equal(t, tt.rule, body.Rule)
			require.Equal(t, b.cal.Version(), body.CalendarVersion)
			require.False(t, body.Estimated)
			var skipped []string
			for _, d := range body.Explanation {
				require.False(t, d.Workday, d.Date)
				require.NotEmpty(t, d.Kind, d.Date)
				skipped = append(skipped, d.Date)
			}
			require.Equal(t, tt.skipped, skipped)
			if tt.text != "" {
				require.Equal(t, tt.text, body.Text)
			}
		})
	}
}

func TestRules130_P5_TermsExplanation(t *testing.T) {
	t.Parallel()
	var body termsBody
	require.Equal(t, http.StatusOK, setup(t).get(t, "/v1/terms?from=2025-03-20&kind=working-days&n=5&rule=Rules130+p.5", &body))
	require.Equal(t, "within 5 working days (Rules130 p.5)", body.Term)
	require.Equal(t, "working-days", body.Kind)
	require.Equal(t, 5, body.N)
	require.False(t, body.Immediate)
	shift := body.Explanation[3]
	require.Equal(t, "2025-03-24", shift.Date)
	require.Equal(t, "weekend-shift", shift.Kind)
	require.Equal(t, "2025-03-22", shift.ShiftOf)
	require.Equal(t, map[string]string{"kk": "Наурыз мейрамы", "ru": "Наурыз мейрамы", "en": "Nauryz"}, shift.Names)
	weekend := body.Explanation[5]
	require.Equal(t, "weekend", weekend.Kind)
	require.Nil(t, weekend.Names)
}

func TestRules130_P5_TermsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
		field, rule string
	}{
		{"bad kind", "from=2025-03-20&kind=fortnight&n=5&rule=Rules130+p.5", "kind", "Rules130 p.5"},
		{"no kind", "from=2025-03-20&n=5", "kind", ""},
		{"negative n", "from=2025-03-20&kind=working-days&n=-1&rule=Rules130+p.5", "n", "Rules130 p.5"},
		{"n not a number", "from=2025-03-20&kind=working-days&n=five&rule=Rules130+p.5", "n", "Rules130 p.5"},
		{"n too large", "from=2025-03-20&kind=working-days&n=1001", "n", ""},
		{"day 32", "from=2025-03-20&kind=day-of-next-month&n=32&rule=Rules130+p.14", "n", "Rules130 p.14"},
		{"bad from", "from=20-03-2025&kind=working-days&n=5&rule=Rules130+p.5", "from", "Rules130 p.5"},
		{"impossible date", "from=2025-02-30&kind=working-days&n=5", "from", ""},
		{"no from", "kind=working-days&n=5&rule=Rules130+p.5", "from", "Rules130 p.5"},
		{"unknown act", "from=2025-03-20&kind=working-days&n=5&rule=Rules999+p.5", "rule", ""},
		{"no point", "from=2025-03-20&kind=working-days&n=5&rule=Rules130", "rule", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body errorBody
			require.Equal(t, http.StatusBadRequest, setup(t).get(t, "/v1/terms?"+tt.query, &body))
			require.Equal(t, tt.field, body.Field, body.Error)
			require.Equal(t, tt.rule, body.Rule, body.Error)
			require.Contains(t, body.Error, tt.field+": ")
		})
	}
}

func TestTerms_StrictCalendarRefusesUnconfirmedYear(t *testing.T) {
	t.Parallel()
	b := setup(t, deadlines.WithStrict(true))
	var body errorBody
	require.Equal(t, http.StatusUnprocessableEntity, b.get(t, "/v1/terms?from=2026-03-20&kind=working-days&n=5&rule=Rules130+p.5", &body))
	require.Equal(t, "Rules130 p.5", body.Rule)
	require.Equal(t, "event", body.Field)
	require.Contains(t, body.Error, deadlines.ErrCalendarNotConfirmed.Error())

	var ok termsBody
	require.Equal(t, http.StatusOK, b.get(t, "/v1/terms?from=2025-03-20&kind=working-days&n=5", &ok))
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	rule := deadlines.Cite(deadlines.Rules130, 5)
	tests := []struct {
		name   string
		err    error
		status int
		body   errorBody
	}{
		{
			name: "invalid", err: deadlines.Invalid(rule, "n", "negative"), status: http.StatusBadRequest,
			body: errorBody{Error: "Rules130 p.5: n: invalid input: negative", Rule: "Rules130 p.5", Field: "n"},
		},
		{
			name: "bare invalid", err: fmt.Errorf("decode: %w", deadlines.ErrInvalid), status: http.StatusBadRequest,
			body: errorBody{Error: "decode: invalid input"},
		},
		{
			name: "rule error with another cause", err: &deadlines.RuleError{Rule: rule, Field: "x", Err: errors.New("odd")},
			status: http.StatusBadRequest, body: errorBody{Error: "Rules130 p.5: x: odd", Rule: "Rules130 p.5", Field: "x"},
		},
		{
			name: "not confirmed", err: deadlines.Wrap(rule, "event", deadlines.ErrCalendarNotConfirmed, "2026"),
			status: http.StatusUnprocessableEntity,
			body:   errorBody{Error: "Rules130 p.5: event: calendar year not confirmed: 2026", Rule: "Rules130 p.5", Field: "event"},
		},
		{
			name: "not found", err: fmt.Errorf("timer 7: %w", deadlines.ErrNotFound), status: http.StatusNotFound,
			body: errorBody{Error: "timer 7: not found"},
		},
		{
			name: "conflict", err: deadlines.Wrap(deadlines.Citation{}, "id", deadlines.ErrConflict, "exists"), status: http.StatusConflict,
			body: errorBody{Error: "id: conflict: exists", Field: "id"},
		},
		{
			name: "term expired", err: deadlines.ErrTermExpired, status: http.StatusConflict,
			body: errorBody{Error: "term expired"},
		},
		{
			name: "internal", err: errors.New("disk on fire"), status: http.StatusInternalServerError,
			body: errorBody{Error: "internal error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			rec := httptest.NewRecorder()
			b.handler.writeError(rec, tt.err)
			require.Equal(t, tt.status, rec.Code)
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			var body errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			require.Equal(t, tt.body, body)
			if tt.status == http.StatusInternalServerError {
				require.Contains(t, b.logs.String(), tt.err.Error())
			} else {
				require.Empty(t, b.logs.String())
			}
		})
	}
}
