package reportsapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
	"github.com/qyzmet/qyzmet/reports"
)

// download fetches a monthly report and checks its headers.
func download(t *testing.T, b *testBundle, key, path string) (*http.Response, []byte) {
	t.Helper()
	resp := b.raw(t, key, "GET", path, "", nil)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, data
}

func filename(t *testing.T, resp *http.Response) (string, string) {
	t.Helper()
	kind, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	return kind, params["filename"]
}

// appendix2JSON is the JSON rendering, decoded.
type appendix2JSON struct {
	Header struct {
		Recipient reports.Recipient `json:"recipient"`
		Period    reports.Period    `json:"period"`
	} `json:"header"`
	Rows []struct {
		AppealID string `json:"appeal_id"`
		BodyID   string `json:"body_id"`
	} `json:"rows"`
	Summary reports.Summary `json:"summary"`
}

func TestRules130_P14_MonthlyReportDownloads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	all, education := b.seeded(feb, ""), b.seeded(feb, "education-department")
	require.NotEmpty(t, education)

	t.Run("json: the quality authority's full report", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, qualityKey, "/v1/reports/monthly/2025-02/json")
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
		kind, name := filename(t, resp)
		require.Equal(t, "attachment", kind)
		require.Equal(t, "appendix2-2025-02-quality-authority-en.json", name)
		var doc appendix2JSON
		require.NoError(t, json.Unmarshal(data, &doc))
		require.Equal(t, "quality-authority", doc.Header.Recipient.ID)
		require.Len(t, doc.Rows, len(all))
		require.Equal(t, len(all), doc.Summary.Total)
	})
	t.Run("csv: a body's own report, with a BOM and Kazakh headings", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, educationKey, "/v1/reports/monthly/2025-02/csv?lang=kk")
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
		_, name := filename(t, resp)
		require.Equal(t, "appendix2-2025-02-education-department-kk.csv", name)
		require.True(t, bytes.HasPrefix(data, []byte(reports.BOM)), "UTF-8 with a BOM")
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(reports.BOM))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		require.NoError(t, err)
		require.Equal(t, reports.Appendix2Columns[0].Names.KK, recs[0][0])
		rows := 0 // the lines numbered 1, 2, …; the summary's are labelled
		for _, rec := range recs[1:] {
			if _, err := strconv.Atoi(rec[0]); err == nil {
				rows++
			}
		}
		require.Equal(t, len(education), rows, "the body's own appeals only")
	})
	t.Run("xlsx opens with excelize", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, operatorKey, "/v1/reports/monthly/2025-02/xlsx?body=education-department&lang=ru")
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", resp.Header.Get("Content-Type"))
		_, name := filename(t, resp)
		require.Equal(t, "appendix2-2025-02-education-department-ru.xlsx", name)
		f, err := excelize.OpenReader(bytes.NewReader(data))
		require.NoError(t, err)
		defer f.Close()
		rows, err := f.GetRows("2025-02")
		require.NoError(t, err)
		require.Equal(t, reports.Appendix2Columns[0].Names.RU, rows[1][0], "the title, then the headings")
		require.Equal(t, "1", rows[2][0])
		require.Equal(t, strconv.Itoa(len(education)), rows[1+len(education)][0], "one row per appeal")
	})
	t.Run("html is one page, shown inline", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, qualityKey, "/v1/reports/monthly/2025-02/html?lang=ru")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		kind, name := filename(t, resp)
		require.Equal(t, "inline", kind)
		require.Equal(t, "appendix2-2025-02-quality-authority-ru.html", name)
		require.True(t, strings.HasPrefix(string(data), "<!DOCTYPE html>"))
		require.Contains(t, string(data), "</html>")
		require.Contains(t, string(data), "<svg", "the chart")
	})
	t.Run("a download records nothing", func(t *testing.T) {
		t.Parallel()
		var m reportsapi.MonthView
		require.Equal(t, http.StatusOK, b.do(t, qualityKey, "GET", "/v1/reports/monthly/2025-02", nil, &m))
		for _, d := range m.Deliveries {
			require.Equal(t, reports.Owed, d.State)
		}
	})
	for _, tc := range []struct {
		name, key, path string
		status          int
		field           string
	}{
		{"another body's report", educationKey, "/v1/reports/monthly/2025-02/csv?body=registry-office", http.StatusNotFound, ""},
		{"an unknown body", operatorKey, "/v1/reports/monthly/2025-02/csv?body=nobody", http.StatusNotFound, "recipient"},
		{"a body that is owed no report", operatorKey, "/v1/reports/monthly/2025-02/csv?body=ucc", http.StatusBadRequest, "recipient"},
		{"a bad format", operatorKey, "/v1/reports/monthly/2025-02/pdf", http.StatusBadRequest, "format"},
		{"a bad period", operatorKey, "/v1/reports/monthly/2025-2/csv", http.StatusBadRequest, "period"},
		{"a bad language", operatorKey, "/v1/reports/monthly/2025-02/csv?lang=de", http.StatusBadRequest, "lang"},
		{"a citizen", citizenKey, "/v1/reports/monthly/2025-02/csv", http.StatusForbidden, ""},
		{"anonymous", "", "/v1/reports/monthly/2025-02/csv", http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, data := download(t, b, tc.key, tc.path)
			require.Equal(t, tc.status, resp.StatusCode, string(data))
			require.Empty(t, resp.Header.Get("Content-Disposition"), "an error is no download")
			var e reportsapi.ErrorBody
			require.NoError(t, json.Unmarshal(data, &e))
			require.Equal(t, tc.field, e.Field)
		})
	}
}

func TestRules130_P14_MonthlyDuties(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const base = "/v1/reports/monthly/2025-02"

	var m reportsapi.MonthView
	require.Equal(t, http.StatusOK, b.do(t, qualityKey, "GET", base, nil, &m))
	require.Equal(t, "quality-authority", m.Deliveries[0].Recipient.ID, "the quality authority first")
	ids := []string{}
	for _, d := range m.Deliveries {
		ids = append(ids, d.Recipient.ID)
		require.Equal(t, "Rules130 p.14", d.Rule)
		require.Equal(t, "2025-03-05", d.Due, "by the 5th of the next month")
		require.True(t, d.Breached, "on 17 March the February reports are late")
		require.Equal(t, reports.Owed, d.State)
	}
	require.ElementsMatch(t, []string{"quality-authority", "registry-office", "labour-ministry", "education-department", "migration-service"}, ids)
	require.NotEmpty(t, m.History)

	var own reportsapi.MonthView
	require.Equal(t, http.StatusOK, b.do(t, educationKey, "GET", base, nil, &own))
	require.Len(t, own.Deliveries, 1, "a body's person sees its own delivery")
	require.Equal(t, "education-department", own.Deliveries[0].Recipient.ID)
	require.Empty(t, own.History)

	step := func(key, recipient, action string, wantStatus int) reportsapi.MonthView {
		t.Helper()
		var v reportsapi.MonthView
		var e reportsapi.ErrorBody
		out := any(&v)
		if wantStatus != http.StatusOK {
			out = &e
		}
		require.Equal(t, wantStatus, b.do(t, key, "POST", base+"/"+recipient+"/"+action, nil, out), e.Error)
		return v
	}
	step(operatorKey, "quality-authority", "sent", http.StatusConflict) // not generated yet
	step(qualityKey, "quality-authority", "generate", http.StatusForbidden)
	v := step(operatorKey, "quality-authority", "generate", http.StatusOK)
	require.Equal(t, reports.Generated, v.Deliveries[0].State)
	require.Equal(t, len(b.seeded(feb, "")), v.Deliveries[0].Rows)
	v = step(operatorKey, "quality-authority", "sent", http.StatusOK)
	require.Equal(t, reports.Sent, v.Deliveries[0].State)
	require.Equal(t, "UCC operator", v.Deliveries[0].SentBy)
	step(educationKey, "quality-authority", "acknowledged", http.StatusNotFound)
	v = step(qualityKey, "quality-authority", "acknowledged", http.StatusOK)
	require.Equal(t, reports.Acknowledged, v.Deliveries[0].State)
	step(qualityKey, "quality-authority", "acknowledged", http.StatusConflict)
	step(qualityKey, "education-department", "acknowledged", http.StatusForbidden)
	step(operatorKey, "nobody", "generate", http.StatusNotFound)

	t.Run("the current month has not ended", func(t *testing.T) {
		t.Parallel()
		var e reportsapi.ErrorBody
		require.Equal(t, http.StatusConflict, b.do(t, operatorKey, "POST", "/v1/reports/monthly/2025-03/quality-authority/generate", nil, &e))
		require.Equal(t, "Rules130 p.14", e.Rule)
	})
	t.Run("a month never opened", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, http.StatusNotFound, b.do(t, qualityKey, "GET", "/v1/reports/monthly/2024-01", nil, nil))
	})
	t.Run("opening a month twice", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, http.StatusConflict, b.do(t, operatorKey, "POST", "/v1/reports/monthly/2025-03", nil, nil))
	})
}

// TestRules130_P14_LateReportEscalates checks demoapp's wiring: the
// sweeper hands the report timers to reports.Service, which records the
// escalation once.
func TestRules130_P14_LateReportEscalates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.Set(time.Date(2025, time.April, 10, 10, 0, 0, 0, b.app.Reports.Location()))
	require.NoError(t, b.app.OpenMonth(t.Context()), "April opens on the first round")
	_, err := b.app.Sweeper.Sweep(t.Context())
	require.NoError(t, err)
	_, err = b.app.Sweeper.Sweep(t.Context())
	require.NoError(t, err)

	var m reportsapi.MonthView
	require.Equal(t, http.StatusOK, b.do(t, operatorKey, "GET", "/v1/reports/monthly/2025-03", nil, &m))
	breaches := 0
	for _, e := range m.History {
		if e.Type == "escalation" && e.Rule == deadlines.Cite(deadlines.Rules130, 14) && strings.HasPrefix(e.Note, "breach") {
			breaches++
		}
	}
	require.Equal(t, len(m.Deliveries), breaches, "one breach per late report, once")
	require.Equal(t, http.StatusOK, b.do(t, operatorKey, "GET", "/v1/reports/monthly/2025-04", nil, nil))
}
