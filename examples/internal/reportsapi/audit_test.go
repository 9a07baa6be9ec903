package reportsapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
)

func decodeJSON(t *testing.T, resp *http.Response, out any) {
	t.Helper()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, out), string(data))
}

func TestAuditTrailAndVerify(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var created struct{ ID string }
	require.Equal(t, http.StatusCreated, b.do(t, operatorKey, "POST", "/v1/appeals", goodAppeal(b.clock.Now()), &created))

	var trail []audit.Entry
	require.Equal(t, http.StatusOK, b.do(t, qualityKey, "GET", "/v1/audit/appeals/"+created.ID, nil, &trail))
	require.Len(t, trail, 1)
	require.Equal(t, "appeals/"+created.ID, trail[0].Aggregate)
	require.Equal(t, "UCC operator", trail[0].Actor)

	require.Equal(t, http.StatusOK, b.do(t, operatorKey, "GET", "/v1/audit/monthly_reports/2025-02", nil, &trail), "a month's duties are audited")
	require.NotEmpty(t, trail)
	for key, status := range map[string]int{educationKey: 403, citizenKey: 403, "": 401} {
		require.Equal(t, status, b.do(t, key, "GET", "/v1/audit/appeals/"+created.ID, nil, nil), key)
		require.Equal(t, status, b.do(t, key, "GET", "/v1/audit/verify", nil, nil), key)
	}
	require.Equal(t, http.StatusNotFound, b.do(t, operatorKey, "GET", "/v1/audit/passwords/1", nil, nil), "not an audited table")
	require.Equal(t, http.StatusNotFound, b.do(t, operatorKey, "GET", "/v1/audit/appeals/nope", nil, nil))

	var v reportsapi.VerifyResult
	require.Equal(t, http.StatusOK, b.do(t, qualityKey, "GET", "/v1/audit/verify", nil, &v))
	require.True(t, v.OK)

	// Someone edits the appeal's audit entry behind the API's back.
	_, err := b.app.Store.DB().ExecContext(t.Context(), `UPDATE audit SET entry = REPLACE(entry, '"actor":"UCC operator"', '"actor":"nobody"') WHERE aggregate = ?`, "appeals/"+created.ID)
	require.NoError(t, err)
	v = reportsapi.VerifyResult{}
	require.Equal(t, http.StatusConflict, b.do(t, operatorKey, "GET", "/v1/audit/verify", nil, &v))
	require.False(t, v.OK)
	require.Equal(t, []audit.Problem{{Aggregate: "appeals/" + created.ID, Seq: 1, Kind: audit.Edited, Detail: "its content does not match its hash"}}, v.Problems)
	require.Contains(t, v.Error, "appeals/"+created.ID)
}

// An anchor taken through the API names what the chains alone cannot see:
// an appeal deleted together with its whole audit trail.
func TestAuditAnchorFindsADeletedAggregate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var created struct{ ID string }
	require.Equal(t, http.StatusCreated, b.do(t, operatorKey, "POST", "/v1/appeals", goodAppeal(b.clock.Now()), &created))
	agg := "appeals/" + created.ID

	var anchor reportsapi.Anchor
	require.Equal(t, http.StatusOK, b.do(t, qualityKey, "GET", "/v1/audit/anchor", nil, &anchor))
	require.Equal(t, audit.AnchorDigest(anchor.Heads), anchor.Digest)
	i := slices.IndexFunc(anchor.Heads, func(h audit.Head) bool { return h.Aggregate == agg })
	require.GreaterOrEqual(t, i, 0, "the new appeal is anchored")
	require.Equal(t, 1, anchor.Heads[i].Seq)
	for key, status := range map[string]int{educationKey: 403, citizenKey: 403, "": 401} {
		require.Equal(t, status, b.do(t, key, "GET", "/v1/audit/anchor", nil, nil), key)
		require.Equal(t, status, b.do(t, key, "POST", "/v1/audit/verify", anchor, nil), key)
	}
	var v reportsapi.VerifyResult
	require.Equal(t, http.StatusOK, b.do(t, operatorKey, "POST", "/v1/audit/verify", anchor, &v))
	require.True(t, v.OK)

	for _, tt := range []struct {
		name, field string
		in          any
	}{
		{"a changed head", "digest", reportsapi.Anchor{Heads: append(slices.Clone(anchor.Heads[:i]), append([]audit.Head{{Aggregate: agg, Seq: 2, Hash: anchor.Heads[i].Hash}}, anchor.Heads[i+1:]...)...), Digest: anchor.Digest}},
		{"no heads", "heads", reportsapi.Anchor{Digest: anchor.Digest}},
		{"not an anchor", "body", map[string]any{"heads": "all of them"}},
	} {
		var e struct{ Field string }
		require.Equal(t, http.StatusBadRequest, b.do(t, operatorKey, "POST", "/v1/audit/verify", tt.in, &e), tt.name)
		require.Equal(t, tt.field, e.Field, tt.name)
	}

	// Someone with write access deletes the appeal and its whole trail.
	db := b.app.Store.DB()
	_, err := db.ExecContext(t.Context(), `DELETE FROM audit WHERE aggregate = ?`, agg)
	require.NoError(t, err)
	_, err = db.ExecContext(t.Context(), `DELETE FROM appeals WHERE id = ?`, created.ID)
	require.NoError(t, err)
	v = reportsapi.VerifyResult{}
	require.Equal(t, http.StatusOK, b.do(t, operatorKey, "GET", "/v1/audit/verify", nil, &v), "the chains alone cannot see it")
	require.Equal(t, http.StatusConflict, b.do(t, operatorKey, "POST", "/v1/audit/verify", anchor, &v))
	require.False(t, v.OK)
	require.Len(t, v.Problems, 1)
	require.Equal(t, agg, v.Problems[0].Aggregate)
	require.Equal(t, audit.Deleted, v.Problems[0].Kind)
}
