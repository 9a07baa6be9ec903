package sqlstore

import (
	"context"
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// claimJoinPostgresQuery is PostgreSQL's claim as it was before, the
// baseline of BenchmarkClaimDueStatementPostgres: the locked rows joined
// (UPDATE … FROM), which rescans a TID scan once per row.
const claimJoinPostgresQuery = `UPDATE rungs r SET claimed = TRUE, fired_at = $3, pending_since = $3
	FROM (
		SELECT ctid FROM rungs
		WHERE (at, key) > ($4, $5) AND at <= $1 AND NOT acked AND NOT claimed
		ORDER BY at, key LIMIT $2 FOR UPDATE SKIP LOCKED
	) batch
	WHERE r.ctid = batch.ctid
	RETURNING ` + dueColumns

// BenchmarkClaimDueStatementPostgres runs PostgreSQL's claim statement
// (claimDuePostgresQuery) and its baseline (claimJoinPostgresQuery) in
// turn among a million open rungs, each claiming the next 1,000 due ones
// and reading them (no decoding), each first in every other iteration:
// both meet the same machine. It reports each one's milliseconds per
// claim and join/array.
//
//	QYZMET_TEST_POSTGRES=postgres://… go test ./adapters/sqlstore -run '^$' -bench ClaimDueStatement
func BenchmarkClaimDueStatementPostgres(b *testing.B) {
	dsn := os.Getenv("QYZMET_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("QYZMET_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	s := postgresSchema(b, dsn)
	require.NoError(b, s.Migrate(ctx))
	const open, batch = 1_000_000, 1000
	SeedSchedule(b, s, open)
	now := int64(open) // every rung is due
	statements := [2]string{claimDuePostgresQuery, claimJoinPostgresQuery}
	var spent [2]time.Duration
	from := frontKey{at: -1}
	claim := func(q string) {
		err := s.withPgx(ctx, "claiming", func(pc *pgx.Conn) error {
			rows, err := pc.Query(ctx, q, now, batch, now, from.at, from.key)
			if err != nil {
				return err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				v := rows.RawValues() // key first, at sixth (dueColumns), in binary
				if at, key := int64(binary.BigEndian.Uint64(v[5])), string(v[0]); at > from.at || at == from.at && key > from.key {
					from = frontKey{at, key}
				}
				n++
			}
			if n != batch && rows.Err() == nil {
				b.Fatalf("claimed %d, want %d (run at most %d iterations)", n, batch, open/batch/2)
			}
			return rows.Err()
		})
		require.NoError(b, err)
	}
	i := 0
	for b.Loop() {
		for k := range 2 {
			which := (i + k) % 2
			start := time.Now()
			claim(statements[which])
			spent[which] += time.Since(start)
		}
		i++
	}
	array, join := spent[0].Seconds()*1e3/float64(i), spent[1].Seconds()*1e3/float64(i)
	b.ReportMetric(array, "array-ms/claim")
	b.ReportMetric(join, "join-ms/claim")
	b.ReportMetric(join/array, "join/array")
}
