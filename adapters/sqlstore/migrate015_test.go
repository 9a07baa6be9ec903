package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Migration 015 (SQLite) turns the firing documents of rungs into
// columns, as PostgreSQL's 014 does (see testFiringColumns); a claim's
// FiredAt from its document keeps milliseconds.
func TestMigration015TurnsFiringDocumentsIntoColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "sqlite", 14)
	testFiringColumns(t, s, time.Millisecond, func(f deadlines.Firing, doc string, claimed bool, firedAt, pendingSince any) {
		_, err := s.db.ExecContext(ctx, `INSERT INTO rungs (at, key, timer_id, firing, claimed, fired_at, pending_since) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			f.At.UnixNano(), f.Key(), f.TimerID, doc, claimed, firedAt, pendingSince)
		require.NoError(t, err)
	})
}
