package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
)

// TestDigestCoversEveryTable: the digest is stable while nothing is
// written, and a row inserted into any table the schema has (listed from
// the database, so a table of a later migration is covered too), or an
// update of the one pre-filled table, changes it and is reported for that
// table alone; removing the row brings the digest back.
func TestDigestCoversEveryTable(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ctx := t.Context()
			before, err := s.Snapshot(ctx)
			require.NoError(t, err)
			d0, err := s.Digest(ctx)
			require.NoError(t, err)
			require.Equal(t, before.Digest(), d0)
			again, err := s.Digest(ctx)
			require.NoError(t, err)
			require.Equal(t, d0, again, "deterministic")
			require.Len(t, d0, 64)

			// schedule and claims are views of rungs (migrations 011 and 014).
			for _, table := range []string{"rungs", "timers", "bodies", "services", "onboardings", "requests", "ledgers",
				"quality_trainings", "definitions", "applications", "appeals", "monthly_reports", "reconciliations", "audit",
				"desk_deliveries", "desk_escalations", "outbox", "access_log", "qyzmet_schema_version"} {
				require.Contains(t, before, table)
			}
			for table := range before {
				// Not parallel: each case puts the one database back as it was.
				t.Run(table, func(t *testing.T) {
					if table == "qyzmet_schema_version" {
						exec(t, s, `UPDATE qyzmet_schema_version SET name = name || '~' WHERE version = 1`)
						t.Cleanup(func() { exec(t, s, `UPDATE qyzmet_schema_version SET name = rtrim(name, '~') WHERE version = 1`) })
					} else {
						require.Empty(t, before[table], "a fresh database")
						exec(t, s, insertRow(t, s, table))
					}
					after, err := s.Snapshot(ctx)
					require.NoError(t, err)
					require.NotEqual(t, d0, after.Digest())
					require.Equal(t, []string{table}, before.Changed(after))
					require.NotEqual(t, before.TableDigests()[table], after.TableDigests()[table])

					if table != "qyzmet_schema_version" {
						exec(t, s, `DELETE FROM `+table)
						back, err := s.Digest(ctx)
						require.NoError(t, err)
						require.Equal(t, d0, back)
					}
				})
			}
		})
	}
}

// TestDigestTellsValuesApart: the same text in another column, or a
// number stored as text, is another database.
func TestDigestTellsValuesApart(t *testing.T) {
	t.Parallel()
	s := stores(t)["sqlite"](t)
	t.Cleanup(func() { exec(t, s, `DELETE FROM requests`) }) // before the harness verifies the audit chains
	digest := func(stmt string) string {
		exec(t, s, `DELETE FROM requests`)
		exec(t, s, stmt)
		d, err := s.Digest(t.Context())
		require.NoError(t, err)
		return d
	}
	a := digest(`INSERT INTO requests (id, doc) VALUES ('ab', 'c')`)
	b := digest(`INSERT INTO requests (id, doc) VALUES ('a', 'bc')`)
	c := digest(`INSERT INTO requests (id, doc) VALUES ('a', 1)`)
	d := digest(`INSERT INTO requests (id, doc) VALUES ('a', '1')`)
	require.NotEqual(t, a, b)
	require.Equal(t, c, d, "the TEXT column's affinity stores 1 as '1'")
	e := digest(`INSERT INTO requests (id, doc, audit_head) VALUES ('a', '1', 'h')`)
	require.NotEqual(t, d, e)
}

func exec(t *testing.T, s *sqlstore.Store, stmt string) {
	t.Helper()
	_, err := s.DB().ExecContext(context.WithoutCancel(t.Context()), stmt)
	require.NoError(t, err, stmt)
}

// insertRow builds an INSERT of one row with a value for every column,
// by its declared type.
func insertRow(t *testing.T, s *sqlstore.Store, table string) string {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), `SELECT * FROM `+table+` LIMIT 0`)
	require.NoError(t, err)
	defer rows.Close()
	types, err := rows.ColumnTypes()
	require.NoError(t, err)
	var cols, vals []string
	for _, ct := range types {
		cols = append(cols, ct.Name())
		switch typ := strings.ToUpper(ct.DatabaseTypeName()); {
		case strings.Contains(typ, "INT"):
			vals = append(vals, "7")
		case strings.Contains(typ, "BOOL"):
			vals = append(vals, "TRUE")
		default:
			vals = append(vals, "'v'")
		}
	}
	return `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(vals, ", ") + `)`
}
