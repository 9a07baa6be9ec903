package reportsapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
	"github.com/qyzmet/qyzmet/reports"
)

// figuresCSV is the education department's February figures with the
// total off by one.
func figuresCSV(b *testBundle) string {
	n := len(b.seeded(feb, "education-department"))
	return fmt.Sprintf("period,body_id,dimension,key,count\n2025-02,education-department,total,,%d\n", n+1)
}

func postFigures(t *testing.T, b *testBundle, key, contentType, body string, out any) int {
	t.Helper()
	resp := b.raw(t, key, "POST", "/v1/reconciliations?source=feb.csv", contentType, strings.NewReader(body))
	if out != nil {
		decodeJSON(t, resp, out)
	}
	return resp.StatusCode
}

func TestRules130_P16_Reconciliation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := len(b.seeded(feb, "education-department"))

	var rec reports.Reconciliation
	require.Equal(t, http.StatusCreated, postFigures(t, b, educationKey, "text/csv", figuresCSV(b), &rec))
	require.Equal(t, "feb.csv", rec.Source)
	require.Len(t, rec.Discrepancies, 1)
	d := rec.Discrepancies[0]
	require.Equal(t, int64(n+1), d.Reported)
	require.Equal(t, int64(n), d.UCC)
	require.False(t, rec.Closed())

	t.Run("the body and the staff see it, another body does not", func(t *testing.T) {
		t.Parallel()
		for key, status := range map[string]int{educationKey: 200, operatorKey: 200, qualityKey: 200, registryKey: 404, citizenKey: 403} {
			require.Equal(t, status, b.do(t, key, "GET", "/v1/reconciliations/"+rec.ID, nil, nil), key)
		}
		require.Equal(t, http.StatusNotFound, b.do(t, operatorKey, "GET", "/v1/reconciliations/nope", nil, nil))
	})

	path := "/v1/reconciliations/" + rec.ID + "/explanations"
	require.Equal(t, http.StatusForbidden, b.do(t, educationKey, "POST", path, map[string]any{"seq": 1, "explanation": "x"}, nil), "the UCC explains")
	var e reportsapi.ErrorBody
	require.Equal(t, http.StatusBadRequest, b.do(t, operatorKey, "POST", path, map[string]any{"seq": 1, "explanation": " "}, &e))
	require.Equal(t, "explanation", e.Field)
	require.Equal(t, http.StatusNotFound, b.do(t, operatorKey, "POST", path, map[string]any{"seq": 2, "explanation": "x"}, nil))
	var closed reports.Reconciliation
	require.Equal(t, http.StatusOK, b.do(t, operatorKey, "POST", path, map[string]any{"seq": 1, "explanation": "one appeal was registered on 1 March"}, &closed))
	require.True(t, closed.Closed(), "every discrepancy explained")
	require.Equal(t, "UCC operator", closed.Discrepancies[0].ExplainedBy)
	require.Equal(t, http.StatusConflict, b.do(t, operatorKey, "POST", path, map[string]any{"seq": 1, "explanation": "again"}, nil), "one explanation per discrepancy")
	require.Equal(t, http.StatusNotFound, b.do(t, operatorKey, "POST", "/v1/reconciliations/nope/explanations", map[string]any{"seq": 1, "explanation": "x"}, nil))

	t.Run("JSON figures that agree close at once", func(t *testing.T) {
		t.Parallel()
		body := fmt.Sprintf(`[{"period":"2025-02","body_id":"education-department","dimension":"total","key":"","count":%d}]`, n)
		var r reports.Reconciliation
		require.Equal(t, http.StatusCreated, postFigures(t, b, operatorKey, "application/json", body, &r))
		require.Empty(t, r.Discrepancies)
		require.True(t, r.Closed())
	})
}

func TestRules130_P16_BadImportStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		name, key, contentType, body string
		status                       int
		lines                        []int
		field                        string
	}{
		{"bad lines are named", operatorKey, "text/csv",
			"period,body_id,dimension,key,count\n2025-02,education-department,total,,3\n2025-02,education-department,total,,x\n2025-02,education-department,colour,red,1\n",
			http.StatusBadRequest, []int{3, 4}, "count"},
		{"a bad header", operatorKey, "text/csv", "when,who\n", http.StatusBadRequest, []int{1}, "header"},
		{"an unregistered body", operatorKey, "text/csv", "period,body_id,dimension,key,count\n2025-02,nobody,total,,3\n", http.StatusBadRequest, []int{2}, "body_id"},
		{"bad JSON", operatorKey, "application/json", `[{"period":"2025-02"}`, http.StatusBadRequest, nil, ""},
		{"another body's figures", registryKey, "text/csv", figuresCSV(b), http.StatusForbidden, []int{2}, "body_id"},
		{"not CSV or JSON", operatorKey, "application/xml", "<figures/>", http.StatusUnsupportedMediaType, nil, "body"},
		{"the quality authority does not import", qualityKey, "text/csv", figuresCSV(b), http.StatusForbidden, nil, ""},
	} {
		// Not parallel: each compares the whole store before and after.
		t.Run(tc.name, func(t *testing.T) {
			before := b.counts(t)
			var e reportsapi.ErrorBody
			require.Equal(t, tc.status, postFigures(t, b, tc.key, tc.contentType, tc.body, &e), e.Error)
			if tc.field != "" {
				require.Equal(t, tc.field, e.Field)
			}
			var lines []int
			for _, p := range e.Problems {
				lines = append(lines, p.Line)
				require.Equal(t, "Rules130 p.16", p.Rule)
			}
			if len(tc.lines) > 1 || tc.status == http.StatusForbidden && tc.lines != nil {
				require.Equal(t, tc.lines, lines)
			}
			for _, l := range tc.lines {
				require.Contains(t, e.Error, fmt.Sprintf("line %d", l))
			}
			if tc.status == http.StatusForbidden {
				before["audit"]++ // the denied attempt itself is audited (access_log)
			}
			require.Equal(t, before, b.counts(t), "nothing is stored")
		})
	}
}
