package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
)

func TestZZPlan(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT COUNT(DISTINCT timer_id) FROM schedule`,
		`SELECT COUNT(*) FROM schedule WHERE at <= 5`,
		`SELECT ` + firingColumns + ` FROM schedule WHERE at <= 5 ORDER BY at, key LIMIT 3`,
		`SELECT ` + firingColumns + ` FROM rungs INDEXED BY rungs_due WHERE NOT acked AND at < 5 AND claimed AND pending_since < 5 ORDER BY pending_since, key LIMIT 3`,
		`SELECT ` + firingColumns + ` FROM claims WHERE timer_id = 'a' AND key >= 'a/' AND key < 'a0'`,
		`UPDATE rungs SET pending_since = 1, acked = TRUE WHERE pending_since IS NOT NULL AND key IN ('a', 'b')`,
		`DELETE FROM rungs WHERE timer_id = 'a' AND key IN ('a','b') AND NOT claimed`,
		`SELECT at, key FROM rungs INDEXED BY rungs_due WHERE (at, key) > (1, 'a') AND NOT acked AND NOT claimed ORDER BY at, key LIMIT 1`,
	} {
		rows, err := s.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q)
		if err != nil {
			t.Fatal(q, err)
		}
		t.Log(q)
		for rows.Next() {
			var a, b, c any
			var d string
			rows.Scan(&a, &b, &c, &d)
			t.Log("   ", d)
		}
		rows.Close()
	}
}
