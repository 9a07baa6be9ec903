package calendarapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// FuzzTermsQuery sends arbitrary query values to /v1/terms. The answer is
// a 200 whose due date is not before its start, or a 400/422 naming the
// field; never a 500 or a panic, whatever the rule, kind, n or from.
func FuzzTermsQuery(f *testing.F) {
	h := NewHandler(kz.Calendar(), nil)
	f.Add("Rules130 p.5", "working-days", "5", "2025-03-20")
	f.Add("Rules130+p.14", "day-of-next-month", "5", "2025-12-31T23:59:59+05:00")
	f.Add("Rules472 p.5", "immediately", "", "2025-03-21")
	f.Add("Rules130 p.5", "calendar-days", "1000", "2100-12-31")
	f.Add("Rules130 p.5", "working-days", "-2147483648", "1992-01-01")
	f.Add("", "", "x", "2025-02-29")
	f.Fuzz(func(t *testing.T, rule, kind, n, from string) {
		q := url.Values{"rule": {rule}, "kind": {kind}, "n": {n}, "from": {from}}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v1/terms?"+q.Encode(), nil))
		switch rec.Code {
		case http.StatusOK:
			var body struct {
				Start, Due      string
				CalendarVersion string `json:"calendar_version"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
			require.GreaterOrEqual(t, body.Due, body.Start, "%v", q)
			require.NotEmpty(t, body.CalendarVersion)
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			var e struct{ Error, Field string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), rec.Body.String())
			require.NotEmpty(t, e.Error)
			require.NotEmpty(t, e.Field, "%v: %s", q, rec.Body)
		default:
			require.Failf(t, "unexpected status", "%v: %d %s", q, rec.Code, rec.Body)
		}
	})
}

// FuzzCalendarYear: /v1/calendar/kz/{year} answers 200 for a year the
// calendar covers and 400 naming "year" for anything else.
func FuzzCalendarYear(f *testing.F) {
	h := NewHandler(kz.Calendar(), nil)
	for _, s := range []string{"2025", "1992", "2100", "1991", "2101", "-0", "+2025", "2025.0", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, year string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v1/calendar/kz/x", nil)
		req.URL.Path, req.URL.RawPath = "/v1/calendar/kz/"+year, "/v1/calendar/kz/"+url.PathEscape(year)
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var body struct {
				Year, Workdays int
				DaysOff        int `json:"days_off"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			require.GreaterOrEqual(t, body.Year, minYear)
			require.LessOrEqual(t, body.Year, maxYear)
			require.Contains(t, []int{365, 366}, body.Workdays+body.DaysOff, rec.Body.String())
		case http.StatusBadRequest:
			require.Contains(t, rec.Body.String(), `"field":"year"`)
		case http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			// the mux: an empty or multi-segment year is another path
		default:
			require.Failf(t, "unexpected status", "%q: %d %s", year, rec.Code, rec.Body)
		}
	})
}
