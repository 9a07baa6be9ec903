package reportsapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

func TestRules130_P4_Appendix1OfAnOnboarding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	list, err := b.app.Store.ListOnboardings(t.Context(), onboarding.OnboardingFilter{BodyID: "education-department"})
	require.NoError(t, err)
	require.Len(t, list, 1, "the seeded onboarding")
	id := list[0].ID
	path := "/v1/onboardings/" + id + "/appendix1"

	t.Run("the draft, before the request is sent, as JSON", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, educationKey, path)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		var f reports.Appendix1
		require.NoError(t, json.Unmarshal(data, &f))
		require.Equal(t, "Appendix 1", f.Form)
		require.Equal(t, "Rules130 p.4", f.Rule.String())
		require.Equal(t, "education-department", f.Body.ID)
		require.Len(t, f.Rows, 1)
		require.Equal(t, "00301002", f.Rows[0].RegisterNumber)
		require.Equal(t, "2025-03-17", f.Date.String(), "dated today")
	})
	t.Run("CSV with a BOM, Russian headings", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, operatorKey, path+"?format=csv&lang=ru&executor=Olga+Kim")
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
		_, name := filename(t, resp)
		require.Equal(t, "appendix1-"+id+"-ru.csv", name)
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(reports.BOM))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		require.NoError(t, err)
		require.Equal(t, reports.Appendix1Columns[1].Names.RU, recs[0][1])
		require.Equal(t, "00301002", recs[1][1])
		require.Contains(t, recs, append([]string{"Ф.И.О. ответственного исполнителя", "Olga Kim"}, make([]string, len(reports.Appendix1Columns)-2)...))
	})
	for _, tc := range []struct {
		name, key, path string
		status          int
		field           string
	}{
		{"another body's onboarding", registryKey, path, http.StatusNotFound, ""},
		{"a missing onboarding", operatorKey, "/v1/onboardings/nope/appendix1", http.StatusNotFound, ""},
		{"a bad format", operatorKey, path + "?format=xlsx", http.StatusBadRequest, "format"},
		{"a citizen", citizenKey, path, http.StatusForbidden, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var e reportsapi.ErrorBody
			require.Equal(t, tc.status, b.do(t, tc.key, "GET", tc.path, nil, &e))
			require.Equal(t, tc.field, e.Field)
		})
	}
}

func TestRules130_P12_NoticeOfRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx, now := t.Context(), b.clock.Now()
	// Two unlawful refusals by the registry office in March raise a notice.
	for i, subject := range []string{"the birth registration standard", "the marriage registration standard"} {
		req, err := b.app.Onboarding.AskBody(ctx, "registry-office", "", subject, now.Add(-3*time.Hour), "ucc")
		require.NoError(t, err)
		_, err = b.app.Onboarding.Answer(ctx, req.ID, onboarding.Answer{Kind: onboarding.Refused, At: now.Add(time.Duration(i-2) * time.Hour), By: "registry clerk",
			Text: "we do not give it", Documents: []onboarding.Document{{Name: "letter", Ref: "REG-" + subject[:5]}}})
		require.NoError(t, err)
	}
	const path = "/v1/notices/registry-office/2025-03/1/"

	t.Run("JSON for the quality authority", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, qualityKey, path+"json")
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		var f reports.NoticeForm
		require.NoError(t, json.Unmarshal(data, &f))
		require.Equal(t, "Rules130 p.12", f.Rule.String())
		require.Equal(t, "quality-authority", f.To.ID)
		require.Equal(t, "registry-office", f.Body.ID)
		require.Len(t, f.Refusals, 2)
		require.Len(t, f.Attachments, 2)
	})
	t.Run("CSV for the body itself", func(t *testing.T) {
		t.Parallel()
		resp, data := download(t, b, registryKey, path+"csv?lang=kk")
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.True(t, bytes.HasPrefix(data, []byte(reports.BOM)))
		_, name := filename(t, resp)
		require.Equal(t, "notice-registry-office-2025-03-1-kk.csv", name)
		require.Contains(t, string(data), reports.NoticeColumns[1].Names.KK)
	})
	for _, tc := range []struct {
		name, key, path string
		status          int
	}{
		{"another body", educationKey, path + "json", http.StatusNotFound},
		{"no such notice", operatorKey, "/v1/notices/registry-office/2025-03/2/json", http.StatusNotFound},
		{"no such ledger", operatorKey, "/v1/notices/education-department/2025-03/1/json", http.StatusNotFound},
		{"a bad seq", operatorKey, "/v1/notices/registry-office/2025-03/first/json", http.StatusBadRequest},
		{"a bad format", operatorKey, path + "pdf", http.StatusBadRequest},
		{"a citizen", citizenKey, path + "json", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.status, b.do(t, tc.key, "GET", tc.path, nil, nil))
		})
	}
}
