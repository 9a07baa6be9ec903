package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Snapshot is the content of every table of the database, for tests that
// prove a request changed nothing (or exactly what it should): the tables
// by name, each with its rows in primary-key order, each row its columns'
// values in a canonical text form. Build one with Store.Snapshot.
type Snapshot map[string][]string

// Digest is a hex SHA-256 over the snapshot: table names, column names and
// every value, in a fixed order, each length-prefixed so that no two
// different databases hash the same input.
func (s Snapshot) Digest() string {
	h := sha256.New()
	for _, table := range slices.Sorted(maps.Keys(s)) {
		writeField(h, "table:"+table)
		for _, row := range s[table] {
			writeField(h, row)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TableDigests is each table's own digest, so a difference can be told
// table by table.
func (s Snapshot) TableDigests() map[string]string {
	out := make(map[string]string, len(s))
	for table, rows := range s {
		out[table] = Snapshot{table: rows}.Digest()
	}
	return out
}

// Changed names the tables whose rows differ between s and other (a table
// only one of them has counts), sorted.
func (s Snapshot) Changed(other Snapshot) []string {
	var out []string
	for _, t := range slices.Sorted(maps.Keys(s)) {
		if !slices.Equal(s[t], other[t]) {
			out = append(out, t)
		}
	}
	for _, t := range slices.Sorted(maps.Keys(other)) {
		if _, ok := s[t]; !ok {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

func writeField(h interface{ Write([]byte) (int, error) }, v string) {
	_, _ = h.Write([]byte(strconv.Itoa(len(v)) + ":" + v))
}

// Digest returns a deterministic SHA-256 (hex) over every row of every
// table of the store's database (Snapshot(ctx).Digest()). Two calls with
// nothing written between them return the same digest; any insert,
// update or delete in any table changes it. It excludes nothing of the
// application's: only the database engine's own bookkeeping is left out
// (SQLite's sqlite_* tables such as sqlite_sequence, PostgreSQL's system
// catalogues), because it is not data. It reads table by table, not in one
// snapshot transaction: call it while nothing else writes.
func (s *Store) Digest(ctx context.Context) (string, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	return snap.Digest(), nil
}

// Snapshot reads every row of every table. The tables come from the
// schema itself (sqlite_master, or information_schema for the current
// PostgreSQL schema), so a table added by a later migration is never
// missed. Rows are ordered by primary key (by every column for a table
// without one).
func (s *Store) Snapshot(ctx context.Context) (Snapshot, error) {
	tables, err := s.tables(ctx)
	if err != nil {
		return nil, err
	}
	snap := make(Snapshot, len(tables))
	for _, t := range tables {
		rows, err := s.tableRows(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: snapshot of %s: %w", t, err)
		}
		snap[t] = rows
	}
	return snap, nil
}

// tables lists the database's tables, sorted.
func (s *Store) tables(ctx context.Context) ([]string, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`
	if s.d.name == postgres.name {
		query = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	return s.strings(ctx, query)
}

// primaryKey lists the table's primary-key columns in key order.
func (s *Store) primaryKey(ctx context.Context, table string) ([]string, error) {
	if s.d.name == postgres.name {
		return s.strings(ctx, `SELECT k.column_name FROM information_schema.table_constraints c
			JOIN information_schema.key_column_usage k
			  ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY'
			ORDER BY k.ordinal_position`, table)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		var pk int
		if err := rows.Scan(&name, &pk); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: schema: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("sqlstore: schema: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: schema: %w", err)
	}
	return out, nil
}

// quoteIdent quotes a table or column name read from the schema.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// tableRows reads the table's rows in key order, each as its columns'
// canonical values.
func (s *Store) tableRows(ctx context.Context, table string) ([]string, error) {
	key, err := s.primaryKey(ctx, table)
	if err != nil {
		return nil, err
	}
	query := `SELECT * FROM ` + quoteIdent(table)
	if len(key) > 0 {
		quoted := make([]string, len(key))
		for i, k := range key {
			quoted[i] = quoteIdent(k)
		}
		query += ` ORDER BY ` + strings.Join(quoted, ", ")
	}
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var b strings.Builder
		for i, c := range cols {
			v := canonical(vals[i])
			b.WriteString(strconv.Quote(c) + "=" + strconv.Itoa(len(v)) + ":" + v + ";")
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(key) == 0 {
		slices.Sort(out) // no key: order by every column, in canonical form
	}
	return out, nil
}

// canonical renders a scanned value with its kind, so that 1, "1" and
// true stay apart.
func canonical(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case int64:
		return "i" + strconv.FormatInt(v, 10)
	case float64:
		return "f" + strconv.FormatUint(math.Float64bits(v), 16)
	case bool:
		return "b" + strconv.FormatBool(v)
	case string:
		return "s" + v
	case []byte:
		return "x" + hex.EncodeToString(v)
	case time.Time:
		return "t" + v.UTC().Format(time.RFC3339Nano)
	default:
		return fmt.Sprintf("%T:%v", v, v)
	}
}
