package reportsapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
	"github.com/qyzmet/qyzmet/reports"
)

const applicantIIN = "900101300017"

func goodAppeal(now time.Time) reportsapi.AppealInput {
	return reportsapi.AppealInput{
		ReceivedAt: now.Add(-time.Hour), ForumResponsible: "Aigerim Sadykova", Region: "Mangystau",
		ApplicantName: "Aruzhan Bekova", ApplicantIIN: applicantIIN, Nature: "standard_violation+employee_conduct",
		Content: "The queue number was not issued", RequestNo: "KZ-1", BodyID: "education-department", ServiceID: "kindergarten-queue",
	}
}

func TestRules130_P14_RecordAndReadAppeals(t *testing.T) {
	t.Parallel()
	b := setup(t)

	var created reports.Appeal
	require.Equal(t, http.StatusCreated, b.do(t, operatorKey, "POST", "/v1/appeals", goodAppeal(b.clock.Now()), &created))
	require.NotEmpty(t, created.ID)
	require.Equal(t, applicantIIN, created.ApplicantIIN, "the operator who records it sees the IIN")
	require.Equal(t, "UCC operator", created.RecordedBy, "the caller is the actor")
	require.True(t, created.Nature.Has(reports.StandardViolation|reports.EmployeeConduct))

	for _, tc := range []struct {
		name, key string
		status    int
		iin       string
	}{
		{"operator sees the IIN", operatorKey, http.StatusOK, applicantIIN},
		{"quality authority sees it masked", qualityKey, http.StatusOK, kzid.Mask(applicantIIN)},
		{"the body concerned sees it masked", educationKey, http.StatusOK, kzid.Mask(applicantIIN)},
		{"another body gets 404", registryKey, http.StatusNotFound, ""},
		{"a citizen is refused", citizenKey, http.StatusForbidden, ""},
		{"anonymous is 401", "", http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got reports.Appeal
			status := b.do(t, tc.key, "GET", "/v1/appeals/"+created.ID, nil, &got)
			require.Equal(t, tc.status, status)
			if status == http.StatusOK {
				require.Equal(t, tc.iin, got.ApplicantIIN)
				require.Equal(t, created.ID, got.ID)
			}
		})
	}

	t.Run("another body's appeal answers exactly like a missing one", func(t *testing.T) {
		t.Parallel()
		other := b.raw(t, registryKey, "GET", "/v1/appeals/"+created.ID, "", nil)
		missing := b.raw(t, registryKey, "GET", "/v1/appeals/no-such-appeal", "", nil)
		o, err := io.ReadAll(other.Body)
		require.NoError(t, err)
		m, err := io.ReadAll(missing.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, other.StatusCode)
		require.Equal(t, missing.StatusCode, other.StatusCode)
		require.Equal(t, string(m), string(o))
	})

	t.Run("only operators record appeals", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, http.StatusForbidden, b.do(t, educationKey, "POST", "/v1/appeals", goodAppeal(b.clock.Now()), nil))
	})
}

func TestRules130_P14_BadAppealStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now()
	for _, tc := range []struct {
		name   string
		edit   func(*reportsapi.AppealInput)
		fields []string
	}{
		{"three bad fields", func(a *reportsapi.AppealInput) {
			a.Region, a.ReceivedAt, a.ApplicantIIN = "", now.Add(time.Hour), "900101300018"
		}, []string{"received_at", "region", "applicant_iin"}},
		{"an unknown nature", func(a *reportsapi.AppealInput) { a.Nature = "rudeness" }, []string{"nature"}},
		{"a service the body does not provide", func(a *reportsapi.AppealInput) { a.ServiceID = "birth-registration" }, []string{"service_id"}},
		{"an unknown body", func(a *reportsapi.AppealInput) { a.BodyID = "nobody" }, []string{"body_id"}},
	} {
		// Not parallel: each compares the whole store before and after.
		t.Run(tc.name, func(t *testing.T) {
			before := b.counts(t)
			in := goodAppeal(now)
			tc.edit(&in)
			var e reportsapi.ErrorBody
			require.Equal(t, http.StatusBadRequest, b.do(t, operatorKey, "POST", "/v1/appeals", in, &e))
			require.Equal(t, "Rules130 p.14", e.Rule)
			var fields []string
			for _, p := range e.Problems {
				fields = append(fields, p.Field)
			}
			if len(tc.fields) == 1 {
				require.Contains(t, append(fields, e.Field), tc.fields[0])
			} else {
				require.Subset(t, fields, tc.fields, e.Error)
			}
			require.NotContains(t, e.Error, "900101300018", "errors never repeat the IIN")
			require.Equal(t, before, b.counts(t), "nothing is stored")
		})
	}
	t.Run("unknown JSON fields", func(t *testing.T) {
		before := b.counts(t)
		resp := b.raw(t, operatorKey, "POST", "/v1/appeals", "application/json", strings.NewReader(`{"colour":"red"}`))
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.Equal(t, before, b.counts(t))
	})
}

// listAppeals decodes GET /v1/appeals.
func listAppeals(t *testing.T, b *testBundle, key, query string) (int, []reports.Appeal) {
	t.Helper()
	resp := b.raw(t, key, "GET", "/v1/appeals?"+query, "", nil)
	var out []reports.Appeal
	if resp.StatusCode == http.StatusOK {
		require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	}
	return resp.StatusCode, out
}

func TestRules130_P14_ListAppeals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	all := b.seeded(feb, "")
	require.Len(t, all, 240, "the seed fills the previous month")

	t.Run("operator, a month", func(t *testing.T) {
		t.Parallel()
		status, got := listAppeals(t, b, operatorKey, "period=2025-02")
		require.Equal(t, http.StatusOK, status)
		require.Len(t, got, len(all))
		require.True(t, slices.IsSortedFunc(got, func(x, y reports.Appeal) int { return x.ReceivedAt.Compare(y.ReceivedAt) }), "ordered by receipt")
		require.Equal(t, 12, len(got[0].ApplicantIIN))
		require.NoError(t, kzid.ValidateIIN(got[0].ApplicantIIN), "operators get the IIN")
	})
	t.Run("from and to, with a limit", func(t *testing.T) {
		t.Parallel()
		status, got := listAppeals(t, b, qualityKey, "from=2025-02-01&to=2025-02-08&limit=5")
		require.Equal(t, http.StatusOK, status)
		require.Len(t, got, 5)
		for _, a := range got {
			require.True(t, strings.HasSuffix(a.ApplicantIIN, "******"), "masked for the quality authority")
		}
	})
	t.Run("a body's person gets its own body's only", func(t *testing.T) {
		t.Parallel()
		status, got := listAppeals(t, b, educationKey, "period=2025-02")
		require.Equal(t, http.StatusOK, status)
		require.Len(t, got, len(b.seeded(feb, "education-department")))
		require.NotEmpty(t, got)
		for _, a := range got {
			require.Equal(t, "education-department", a.BodyID)
			require.Equal(t, kzid.Mask(a.ApplicantIIN), a.ApplicantIIN)
		}
	})
	t.Run("an empty range is an empty array", func(t *testing.T) {
		t.Parallel()
		status, got := listAppeals(t, b, operatorKey, "period=2020-01")
		require.Equal(t, http.StatusOK, status)
		require.NotNil(t, got)
		require.Empty(t, got)
	})
	for _, tc := range []struct {
		name, key, query string
		status           int
		field            string
	}{
		{"another body", educationKey, "period=2025-02&body=registry-office", http.StatusNotFound, ""},
		{"an unknown body", operatorKey, "period=2025-02&body=nobody", http.StatusNotFound, ""},
		{"no range", operatorKey, "", http.StatusBadRequest, "from"},
		{"a bad from", operatorKey, "from=yesterday&to=2025-02-02", http.StatusBadRequest, "from"},
		{"to before from", operatorKey, "from=2025-02-02&to=2025-02-01", http.StatusBadRequest, "to"},
		{"a bad period", operatorKey, "period=2025-13", http.StatusBadRequest, "period"},
		{"a citizen", citizenKey, "period=2025-02", http.StatusForbidden, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var e reportsapi.ErrorBody
			require.Equal(t, tc.status, b.do(t, tc.key, "GET", "/v1/appeals?"+tc.query, nil, &e))
			require.Equal(t, tc.field, e.Field)
		})
	}
}
