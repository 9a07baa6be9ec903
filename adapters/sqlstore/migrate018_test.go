package sqlstore

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Migration 018 (PostgreSQL) compresses every document column with lz4:
// a document over PostgreSQL's 2 KB threshold is then stored lz4
// compressed, and one written before keeps its compression and reads the
// same.
func TestMigration018CompressesDocumentsWithLZ4(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "postgres", 17)
	var lz4 bool
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_settings
		WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`).Scan(&lz4))
	if !lz4 {
		t.Skip("this PostgreSQL server is built without lz4: 018 keeps pglz")
	}
	// Whatever the server's default_toast_compression, a value written
	// before 018 is pglz here.
	_, err := s.db.ExecContext(ctx, `ALTER TABLE bodies ALTER COLUMN doc SET COMPRESSION pglz`)
	require.NoError(t, err)
	before := `{"note":"` + strings.Repeat("written before 018, ", 200) + `"}`
	_, err = s.db.ExecContext(ctx, `INSERT INTO bodies (id, bin, doc) VALUES ('before', '1', $1)`, before)
	require.NoError(t, err)

	require.NoError(t, s.Migrate(ctx))

	rows, err := s.db.QueryContext(ctx, `SELECT c.relname, a.attcompression FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		WHERE a.attname = 'doc' AND c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace`)
	require.NoError(t, err)
	methods := map[string]string{}
	for rows.Next() {
		var table, method string
		require.NoError(t, rows.Scan(&table, &method))
		methods[table] = method
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, len(methods), 13, "every table with a document (13 at 018, more from later migrations)")
	for table, method := range methods {
		require.Equal(t, "l", method, table)
	}

	after := strings.ReplaceAll(before, "before", "after")
	_, err = s.db.ExecContext(ctx, `INSERT INTO bodies (id, bin, doc) VALUES ('after', '2', $1)`, after)
	require.NoError(t, err)
	for id, want := range map[string]struct{ doc, method string }{"before": {before, "pglz"}, "after": {after, "lz4"}} {
		var doc, method string
		require.NoError(t, s.db.QueryRowContext(ctx, `SELECT doc, pg_column_compression(doc) FROM bodies WHERE id = $1`, id).Scan(&doc, &method))
		require.Equal(t, want.doc, doc, id)
		require.Equal(t, want.method, method, id)
	}
}
