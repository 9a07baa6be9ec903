package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// auditBundle is a SQLite store with one application routed and its
// registration completed: 4 audited changes of the application.
type auditBundle struct {
	ctx   context.Context
	store *sqlstore.Store
	db    *sql.DB
	app   string
}

func setupAudit(t *testing.T) *auditBundle {
	t.Helper()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "audit.db")
	s, err := sqlstore.Open(ctx, "sqlite://"+file)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(ctx))
	for _, b := range demo.Bodies() {
		require.NoError(t, s.CreateBody(ctx, b))
	}
	for _, v := range demo.Services() {
		require.NoError(t, s.CreateService(ctx, v))
	}
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	r, err := chain.NewRouter(chain.Config{Store: s, Catalogue: s, Verifier: &chaintest.Verifier{}, Data: noData{}, Dispatcher: &chaintest.Dispatcher{}, Calendar: cal, Clock: clock})
	require.NoError(t, err)
	defs, err := demo.Definitions()
	require.NoError(t, err)
	require.NoError(t, r.RegisterDefinition(ctx, defs[0]))
	iin := "900101300017"
	rc, err := r.Submit(ctx, chain.Submission{DefinitionID: defs[0].ID, Recipient: iin, Document: []byte("d"), Signature: chaintest.Sign(iin), Actor: "portal"})
	require.NoError(t, err)
	_, err = r.Complete(ctx, rc.ApplicationID, "birth-registration", chain.Issued{Channel: chain.Electronic, Reference: "AB-1", At: clock.Now(), Actor: "registrar",
		Fields: map[string]string{"child_iin": "250315600019", "birth_record_number": "1"}})
	require.NoError(t, err)
	return &auditBundle{ctx: ctx, store: s, db: s.DB(), app: "applications/" + rc.ApplicationID}
}

type noData struct{}

func (noData) Missing(context.Context, string, []string) ([]string, error) { return nil, nil }

func TestAuditTrailRecordsEveryChange(t *testing.T) {
	t.Parallel()
	b := setupAudit(t)
	require.NoError(t, b.store.VerifyAudit(b.ctx))
	trail, err := b.store.AuditTrail(b.ctx, b.app)
	require.NoError(t, err)
	var got []string
	for _, e := range trail {
		got = append(got, e.Type+"/"+e.Actor+"/"+e.Rule)
	}
	require.Equal(t, []string{
		"routed/portal/Rules472 p.8",       // submitted and routed to the registry office
		"received/dispatcher/Rules472 p.5", // its receipt
		"routed/registrar/Rules472 p.8",    // the result, routed onwards
		"received/dispatcher/Rules472 p.5", // the two receipts
	}, got)
	for i := 1; i < len(trail); i++ {
		require.Equal(t, trail[i-1].After, trail[i].Before, "each change starts where the last one ended")
	}
}

func TestVerifyAuditFindsTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		kind  audit.Kind
		seq   int
	}{
		{"an edited entry", `UPDATE audit SET entry = REPLACE(entry, '"actor":"registrar"', '"actor":"nobody"') WHERE seq = 3 AND aggregate LIKE 'applications/%'`, audit.Edited, 3},
		{"a deleted entry", `DELETE FROM audit WHERE seq = 2 AND aggregate LIKE 'applications/%'`, audit.Deleted, 2},
		{"the newest entry deleted", `DELETE FROM audit WHERE seq = 4 AND aggregate LIKE 'applications/%'`, audit.Deleted, 4},
		{"a reordered entry", `UPDATE audit SET id = id + 1000 WHERE seq = 1 AND aggregate LIKE 'applications/%'`, audit.Reordered, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupAudit(t)
			res, err := b.db.ExecContext(b.ctx, tc.query)
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			require.EqualValues(t, 1, n)
			err = b.store.VerifyAudit(b.ctx)
			require.ErrorIs(t, err, audit.ErrTampered)
			var te *audit.TamperError
			require.True(t, errors.As(err, &te))
			found := false
			for _, p := range te.Problems {
				found = found || (p.Aggregate == b.app && p.Seq == tc.seq && p.Kind == tc.kind)
			}
			require.True(t, found, "want %s #%d %s in %v", b.app, tc.seq, tc.kind, te)
		})
	}
}
