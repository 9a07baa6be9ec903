package sqlstore_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

// stores returns a fresh *sqlstore.Store per dialect (PostgreSQL when
// QYZMET_TEST_POSTGRES is set).
func stores(t *testing.T) map[string]func(t *testing.T) *sqlstore.Store {
	t.Helper()
	from := func(h storetest.Harness) func(t *testing.T) *sqlstore.Store {
		return func(t *testing.T) *sqlstore.Store {
			return h.NewStores(t.Context(), t).Timers.(*sqlstore.Store)
		}
	}
	return map[string]func(t *testing.T) *sqlstore.Store{
		"sqlite": from(sqliteHarness{}),
		"postgres": func(t *testing.T) *sqlstore.Store {
			return from(postgres(t))(t)
		},
	}
}

// TestRecordDenialChainsEveryDenialPerPrincipal: concurrent denials of one
// principal all land, in one verified chain, each saying what was refused;
// deleting one is caught.
func TestRecordDenialChainsEveryDenialPerPrincipal(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ctx := t.Context()
			const n = 8
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					require.NoError(t, s.RecordDenial(ctx, sqlstore.Denial{Principal: "Citizen 850515400012", Role: "citizen", Route: "GET /v1/deadlines", Status: 403}))
				})
			}
			wg.Wait()
			require.NoError(t, s.RecordDenial(ctx, sqlstore.Denial{Principal: "Registry office", Role: "body", Route: "POST /v1/onboardings/{id}/{step}", Status: 404}))
			require.Error(t, s.RecordDenial(ctx, sqlstore.Denial{Role: "citizen", Status: 403}), "no principal")

			trail, err := s.AuditTrail(ctx, "access_log/Citizen 850515400012")
			require.NoError(t, err)
			require.Len(t, trail, n)
			for i, e := range trail {
				require.Equal(t, i+1, e.Seq)
				require.Equal(t, "denied 403 GET /v1/deadlines", e.Type)
				require.Equal(t, "Citizen 850515400012 (citizen)", e.Actor)
			}
			require.NoError(t, s.VerifyAudit(ctx))

			res, err := s.DB().ExecContext(ctx, `DELETE FROM audit WHERE aggregate = 'access_log/Citizen 850515400012' AND seq = 3`)
			require.NoError(t, err)
			affected, err := res.RowsAffected()
			require.NoError(t, err)
			require.EqualValues(t, 1, affected)
			require.ErrorIs(t, s.VerifyAudit(ctx), audit.ErrTampered)
			// Put it back so the harness's own VerifyAudit at cleanup passes.
			_, err = s.DB().ExecContext(ctx, `DELETE FROM audit WHERE aggregate = 'access_log/Citizen 850515400012'`)
			require.NoError(t, err)
			_, err = s.DB().ExecContext(ctx, `DELETE FROM access_log WHERE principal = 'Citizen 850515400012'`)
			require.NoError(t, err)
			require.NoError(t, s.VerifyAudit(ctx))
		})
	}
}
