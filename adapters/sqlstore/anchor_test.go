package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// A row stored before its table was audited (migration 003) has no audit
// head: it verifies, is left out of an anchor, and an anchor taken with it
// in the database verifies too.
func TestAnchorLeavesOutRowsStoredBeforeAudit(t *testing.T) {
	t.Parallel()
	for name, open := range paramStores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			require.NoError(t, s.CreateCalendarData(ctx, "kz", deadlines.CalendarData{ConfirmedYears: []int{2030}}))
			q := `INSERT INTO requests (id, doc) VALUES ('legacy', '{}')` // audit_head takes its default, ''
			_, err := s.DB().ExecContext(ctx, q)
			require.NoError(t, err)

			require.NoError(t, s.VerifyAudit(ctx))
			anchor, err := s.AuditHeads(ctx)
			require.NoError(t, err)
			require.Len(t, anchor, 1)
			require.Equal(t, "calendars/kz", anchor[0].Aggregate)
			require.Equal(t, 1, anchor[0].Seq)
			require.NoError(t, s.VerifyAuditAnchored(ctx, anchor))
		})
	}
}
