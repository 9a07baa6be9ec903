package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// ClaimDue copies the due rungs into claims without re-encoding them: the
// instant they fired is kept beside the document and read back by Firings.
func TestClaimDueKeepsFiredAt(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]func(t *testing.T) storetest.Harness{
		"SQLite":   func(*testing.T) storetest.Harness { return sqliteHarness{} },
		"Postgres": func(t *testing.T) storetest.Harness { return postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := h(t).NewStores(ctx, t).Timers.(*sqlstore.Store)
			c := kz.Calendar()
			start := c.Date(2025, time.March, 17).Add(10 * time.Hour)
			rule := deadlines.Cite(deadlines.Rules130, 5)
			for i := range 3 {
				tm, err := deadlines.NewTimer(c, fmt.Sprintf("t%d", i), "claim", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule},
					start.AddDate(0, 0, i), deadlines.Warning(1, rule), deadlines.Breach(rule))
				require.NoError(t, err)
				require.NoError(t, s.CreateTimer(ctx, tm))
			}
			all, err := s.DueFirings(ctx, start.AddDate(0, 2, 0), 10)
			require.NoError(t, err)
			require.Len(t, all, 6)
			now := all[1].At // the first two rungs are due
			require.True(t, all[2].At.After(now))
			got, err := s.ClaimDue(ctx, now, 10)
			require.NoError(t, err)
			require.Len(t, got, 2)
			require.Equal(t, all[0].Key(), got[0].Key())
			require.Equal(t, all[1].Key(), got[1].Key())
			for _, f := range got {
				require.True(t, now.Equal(f.FiredAt))
				stored, err := s.Firings(ctx, f.TimerID)
				require.NoError(t, err)
				require.Len(t, stored, 1)
				require.Equal(t, f.Key(), stored[0].Key())
				require.True(t, f.At.Equal(stored[0].At))
				require.True(t, now.Equal(stored[0].FiredAt), "fired_at is read back")
				won, err := s.ClaimFiring(ctx, f)
				require.NoError(t, err)
				require.False(t, won, "a rung ClaimDue claimed is claimed")
			}
			again, err := s.ClaimDue(ctx, now, 10)
			require.NoError(t, err)
			require.Empty(t, again)
			due, err := s.DueFirings(ctx, now.AddDate(0, 1, 0), 10)
			require.NoError(t, err)
			require.Len(t, due, 4, "the four later rungs are left")
			// A claim made one by one keeps the document's FiredAt.
			f := due[0]
			f.FiredAt = now.Add(time.Minute)
			won, err := s.ClaimFiring(ctx, f)
			require.NoError(t, err)
			require.True(t, won)
			stored, err := s.Firings(ctx, f.TimerID)
			require.NoError(t, err)
			require.True(t, f.FiredAt.Equal(stored[len(stored)-1].FiredAt))
		})
	}
}
