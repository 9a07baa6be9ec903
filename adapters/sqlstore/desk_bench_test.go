package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// The desk lookup by IIN among a million deliveries (Rules130 p.13). The
// rows are seeded in bulk with one INSERT … SELECT per dialect (a recursive
// CTE on SQLite, generate_series on PostgreSQL), not through the domain:
// 1,000,000 deliveries of 250,000 recipients, four each, with documents
// shaped like the feed's (a receipt, a stage, a timer). 1,000 of the
// recipients are probe IINs with valid check digits, which the benchmark
// looks up in turn. It reports the median and the 99th percentile of one
// lookup: the store's ListDeliveries and the whole Desk.ByRecipient answer.
//
//	go test ./adapters/sqlstore -run '^$' -bench DeskLookupByIIN -benchtime 20000x
//	QYZMET_TEST_POSTGRES=postgres://… adds PostgreSQL
const (
	benchDeliveries   = 1_000_000
	benchPerRecipient = 4
	benchProbes       = 1_000
)

func BenchmarkDeskLookupByIIN(b *testing.B) {
	b.Run("SQLite", func(b *testing.B) {
		ctx := context.Background()
		s, err := Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "desk.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		benchDeskLookup(b, s)
	})
	b.Run("PostgreSQL", func(b *testing.B) {
		dsn := os.Getenv("QYZMET_TEST_POSTGRES")
		if dsn == "" {
			b.Skip("QYZMET_TEST_POSTGRES is not set")
		}
		benchDeskLookup(b, postgresSchema(b, dsn))
	})
}

// postgresSchema opens a store on a fresh schema, dropped afterwards.
func postgresSchema(b *testing.B, dsn string) *Store {
	b.Helper()
	ctx := context.Background()
	schema := "bench_" + strings.ToLower(rand.Text()[:16])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if db, err := sql.Open("pgx", dsn); err == nil {
			_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// probeIINs returns n valid IINs of people born on 1 Jan 1990.
func probeIINs(n int) []string {
	out := make([]string, 0, n)
	for serial := 0; len(out) < n; serial++ {
		prefix := fmt.Sprintf("9001013%04d", serial)
		for d := 0; d <= 9; d++ {
			if s := prefix + strconv.Itoa(d); kzid.ValidateIIN(s) == nil {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// templateDoc is a delivery document as the feed writes it, with @ID@ and
// @IIN@ where each row's own values go.
func templateDoc(b *testing.B, cal *deadlines.Calendar, received time.Time) string {
	b.Helper()
	term := deadlines.Term{Kind: deadlines.WorkingDays, N: 5}
	t, err := deadlines.NewTimer(cal, "desk/@ID@", "delivery @ID@: birth-registration", term, received, desk.StageLag)
	if err != nil {
		b.Fatal(err)
	}
	d := desk.Delivery{
		ID: "@ID@", Application: "@ID@", ServiceID: "birth-registration", ProviderID: "registry-office",
		Recipient: "@IIN@", Zone: "Asia/Almaty", ReceivedAt: received, Timer: *t,
		Stages: []desk.StageRecord{
			{Stage: desk.StageReceived, At: received, Provider: "registry-office", Actor: "registrar", Rule: deadlines.Cite(deadlines.Rules130, 13), Recorded: received},
			{Stage: desk.StageInProgress, At: received.Add(time.Hour), Provider: "registry-office", Actor: "registrar", Rule: deadlines.Cite(deadlines.Rules130, 13), Recorded: received.Add(time.Hour)},
		},
	}
	raw, err := json.Marshal(d)
	if err != nil {
		b.Fatal(err)
	}
	return string(raw)
}

// seedDeliveries inserts the bulk rows with one statement, then the probe
// recipients' rows, and refreshes the planner's statistics.
func seedDeliveries(b *testing.B, s *Store, doc string, base time.Time, probes []string) {
	b.Helper()
	ctx := context.Background()
	bulk := benchDeliveries - len(probes)*benchPerRecipient
	recipients := benchDeliveries / benchPerRecipient
	var query string
	switch s.d.name {
	case "sqlite":
		query = `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?)
			INSERT INTO desk_deliveries (id, application, recipient, provider_id, service_id, received_at, doc)
			SELECT printf('N%07d', n), printf('N%07d', n), printf('%012d', 100000000000 + n % ?), 'registry-office', 'birth-registration',
				? + n * 1000000000, replace(replace(?, '@ID@', printf('N%07d', n)), '@IIN@', printf('%012d', 100000000000 + n % ?))
			FROM seq`
	case "postgres":
		query = `INSERT INTO desk_deliveries (id, application, recipient, provider_id, service_id, received_at, doc)
			SELECT 'N' || lpad(n::text, 7, '0'), 'N' || lpad(n::text, 7, '0'), (100000000000 + n % $2)::text, 'registry-office', 'birth-registration',
				$3 + n::bigint * 1000000000, replace(replace($4, '@ID@', 'N' || lpad(n::text, 7, '0')), '@IIN@', (100000000000 + n % $5)::text)
			FROM generate_series(0, $1 - 1) AS n`
	}
	start := time.Now()
	if _, err := s.db.ExecContext(ctx, query, bulk, recipients, base.UnixNano(), doc, recipients); err != nil {
		b.Fatal(err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO desk_deliveries (id, application, recipient, provider_id, service_id, received_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, iin := range probes {
			for k := range benchPerRecipient {
				id := fmt.Sprintf("P%04d-%d", i, k)
				at := base.Add(time.Duration(k) * 24 * time.Hour)
				row := strings.ReplaceAll(strings.ReplaceAll(doc, "@ID@", id), "@IIN@", iin)
				if _, err := stmt.ExecContext(ctx, id, id, iin, "registry-office", "birth-registration", at.UnixNano(), row); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM desk_deliveries`).Scan(&n); err != nil || n != benchDeliveries {
		b.Fatalf("seeded %d deliveries (%v), want %d", n, err, benchDeliveries)
	}
	b.Logf("%s: seeded %d deliveries in %s", s.d.name, n, time.Since(start).Round(time.Millisecond))
}

// explain logs the plan of the lookup by recipient and fails unless it
// reads the recipient index.
func explain(b *testing.B, s *Store, iin string) {
	b.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if s.d.name == "postgres" {
		prefix = "EXPLAIN "
	}
	rows, err := s.db.QueryContext(context.Background(), prefix+s.q(`SELECT doc FROM desk_deliveries WHERE 1 = 1 AND recipient = ? ORDER BY received_at, id`), iin)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
	}
	b.Logf("%s plan: %s", s.d.name, strings.Join(plan, " | "))
	if !strings.Contains(strings.Join(plan, " "), "desk_deliveries_recipient") {
		b.Fatalf("the lookup does not use the recipient index: %s", plan)
	}
}

func benchDeskLookup(b *testing.B, s *Store) {
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	cal := kz.Calendar()
	base := cal.Date(2025, time.May, 12).Add(10 * time.Hour)
	probes := probeIINs(benchProbes)
	seedDeliveries(b, s, templateDoc(b, cal, base), base, probes)
	explain(b, s, probes[0])

	// The catalogue the desk names services and providers from.
	if err := s.CreateBody(ctx, onboarding.Body{ID: "registry-office", Kind: onboarding.KindCentral, BIN: "000140000032",
		Name: deadlines.Names{KK: "АХАТ органы", RU: "Орган ЗАГС", EN: "Registry office"}, Region: "Astana", Zone: "Asia/Almaty"}); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateService(ctx, onboarding.StateService{ID: "birth-registration", RegisterNumber: "00101001",
		Name: deadlines.Names{KK: "Баланың тууын тіркеу", RU: "Регистрация рождения ребенка", EN: "Registration of a child's birth"}, Providers: []string{"registry-office"}}); err != nil {
		b.Fatal(err)
	}
	d, err := desk.New(desk.Config{Deliveries: s, Catalogue: s, Calendar: cal, Clock: deadlinestest.NewClock(base.AddDate(0, 0, 10))})
	if err != nil {
		b.Fatal(err)
	}

	measure := func(b *testing.B, lookup func(iin string) (int, error)) {
		durations := make([]time.Duration, 0, 1<<16)
		i := 0
		for b.Loop() {
			start := time.Now()
			n, err := lookup(probes[i%len(probes)])
			durations = append(durations, time.Since(start))
			if err != nil || n != benchPerRecipient {
				b.Fatalf("%d deliveries (%v), want %d", n, err, benchPerRecipient)
			}
			i++
		}
		if len(durations) > benchProbes { // the first pass over the probes reads cold pages
			first, rest := slices.Clone(durations[:benchProbes]), slices.Clone(durations[benchProbes:])
			slices.Sort(first)
			slices.Sort(rest)
			b.Logf("first pass: p50 %v, p99 %v; later: p50 %v, p99 %v, max %v", first[len(first)/2], first[len(first)*99/100],
				rest[len(rest)/2], rest[len(rest)*99/100], rest[len(rest)-1])
		}
		slices.Sort(durations)
		q := func(p float64) float64 {
			return float64(durations[min(len(durations)-1, int(p*float64(len(durations))))]) / float64(time.Millisecond)
		}
		b.ReportMetric(q(0.50), "p50-ms")
		b.ReportMetric(q(0.99), "p99-ms")
	}
	b.Run("Store", func(b *testing.B) {
		measure(b, func(iin string) (int, error) {
			ds, err := s.ListDeliveries(ctx, desk.DeliveryFilter{Recipient: iin})
			return len(ds), err
		})
	})
	b.Run("Desk", func(b *testing.B) {
		measure(b, func(iin string) (int, error) {
			as, err := d.ByRecipient(ctx, iin, "ru")
			return len(as), err
		})
	})
}
