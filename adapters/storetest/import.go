package storetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/reports"
)

// importBundle is a reports bundle whose store has the bulk path.
type importBundle struct {
	*reportsBundle
	importer reports.AppealImporter
	at       time.Time // 1 Mar 2025, 00:00 in Almaty
}

func setupImport(t testing.TB, h Harness) *importBundle {
	t.Helper()
	b := setupReports(t, h)
	im, ok := b.store.(reports.AppealImporter)
	if !ok {
		t.Skip("the adapter has no bulk import (Stores.Reports is not a reports.AppealImporter)")
	}
	return &importBundle{reportsBundle: b, importer: im, at: b.cal.Date(2025, time.March, 1)}
}

// appealLines yields n appeals "<prefix>-<i>" a second apart, about the
// ministry's or the akimat's service in turn; bad(i) may change appeal i.
func (b *importBundle) appealLines(prefix string, n int, bad func(i int, a *reports.Appeal)) iter.Seq2[reports.Appeal, error] {
	iin := validIIN(7) // computed once: the generator is not what is measured
	return func(yield func(reports.Appeal, error) bool) {
		for i := range n {
			body := "ministry"
			if i%2 == 1 {
				body = "akimat-mangystau"
			}
			id := prefix + "-" + strconv.Itoa(i)
			a := reports.Appeal{ID: id, ReceivedAt: b.at.Add(time.Duration(i) * time.Second), ForumResponsible: "Forum Keeper",
				Region: "Astana", ApplicantName: "Applicant " + id, ApplicantIIN: iin, Nature: reports.StandardViolation | reports.EmployeeConduct,
				Content: "Услуга оказана с нарушением срока, установленного стандартом государственной услуги", RequestNo: "REQ-" + id,
				BodyID: body, ServiceID: "birth-registration"}
			if bad != nil {
				bad(i, &a)
			}
			if !yield(a, nil) {
				return
			}
		}
	}
}

// count returns how many appeals March holds.
func (b *importBundle) count(t testing.TB) int {
	t.Helper()
	return len(collect(t, b.store, reports.AppealQuery{From: b.at, To: b.at.AddDate(0, 1, 0)}))
}

func requireLine(t testing.TB, err error, line int, field string) {
	t.Helper()
	var le *reports.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, line, le.Line)
	require.Equal(t, field, le.Field)
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, deadlines.Cite(deadlines.Rules130, 14), re.Rule)
}

// lineErrors returns every *reports.LineError in err's tree.
func lineErrors(err error) []*reports.LineError {
	if le, ok := err.(*reports.LineError); ok {
		return []*reports.LineError{le}
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var out []*reports.LineError
		for _, e := range u.Unwrap() {
			out = append(out, lineErrors(e)...)
		}
		return out
	case interface{ Unwrap() error }:
		return lineErrors(u.Unwrap())
	}
	return nil
}

func runImport(t *testing.T, h Harness) {
	t.Run("ImportStoresEveryAppealInOrder", func(t *testing.T) {
		t.Parallel()
		b := setupImport(t, h)
		const n = 1234 // more than one batch of any adapter's
		got, err := b.svc.ImportAppeals(b.ctx, b.appealLines("imp", n, nil), "importer")
		require.NoError(t, err)
		require.Equal(t, n, got)
		ids := collect(t, b.store, reports.AppealQuery{From: b.at, To: b.at.AddDate(0, 1, 0)})
		require.Len(t, ids, n)
		require.Equal(t, "imp-0", ids[0])
		require.Equal(t, "imp-"+strconv.Itoa(n-1), ids[n-1], "streamed by received time")
		a, err := b.store.GetAppeal(b.ctx, "imp-7")
		require.NoError(t, err)
		require.Equal(t, "importer", a.RecordedBy)
		require.True(t, b.clock.Now().Equal(a.RecordedAt))
		require.True(t, b.at.Add(7*time.Second).Equal(a.ReceivedAt))
		require.Equal(t, "akimat-mangystau", a.BodyID)
		akimat := collect(t, b.store, reports.AppealQuery{From: b.at, To: b.at.AddDate(0, 1, 0), BodyID: "akimat-mangystau"})
		require.Len(t, akimat, n/2)
		// The imported appeals sit in one register with the ones recorded
		// one by one.
		_, err = b.svc.RecordAppeal(b.ctx, newAppeal("single", b.at.Add(1500*time.Millisecond), "ministry"), "ucc-operator")
		require.NoError(t, err)
		ids = collect(t, b.store, reports.AppealQuery{From: b.at, To: b.at.Add(3 * time.Second)})
		require.Equal(t, []string{"imp-0", "imp-1", "single", "imp-2"}, ids)
	})
	t.Run("EmptyImport", func(t *testing.T) {
		t.Parallel()
		b := setupImport(t, h)
		got, err := b.svc.ImportAppeals(b.ctx, b.appealLines("none", 0, nil), "importer")
		require.NoError(t, err)
		require.Zero(t, got)
		require.Zero(t, b.count(t))
	})
	t.Run("InvalidLinesChangeNothing", func(t *testing.T) {
		t.Parallel()
		b := setupImport(t, h)
		_, err := b.svc.ImportAppeals(b.ctx, b.appealLines("bad", 900, func(i int, a *reports.Appeal) {
			switch i {
			case 600: // line 601, past the first batch
				a.Region = ""
			case 700:
				a.ServiceID = "no-such-service"
				a.Nature = 0
			}
		}), "importer")
		require.ErrorIs(t, err, reports.ErrInvalid)
		requireLine(t, err, 601, "region")
		var lines []string
		for _, le := range lineErrors(err) {
			require.ErrorIs(t, le, reports.ErrInvalid)
			lines = append(lines, strconv.Itoa(le.Line)+":"+le.Field)
		}
		require.ElementsMatch(t, []string{"601:region", "701:nature", "701:service_id"}, lines, "every problem is reported")
		require.Zero(t, b.count(t), "nothing is stored")
		_, err = b.svc.ImportAppeals(b.ctx, b.appealLines("ok", 3, nil), " ")
		require.ErrorIs(t, err, reports.ErrInvalid, "an actor is required")
		require.Zero(t, b.count(t))
	})
	t.Run("DuplicateIDsChangeNothing", func(t *testing.T) {
		t.Parallel()
		b := setupImport(t, h)
		_, err := b.svc.RecordAppeal(b.ctx, newAppeal("taken", b.at, "ministry"), "ucc-operator")
		require.NoError(t, err)
		for _, tc := range []struct {
			name string
			id   func(i int) string
			line int
		}{
			{"InTheStore", func(i int) string {
				if i == 777 {
					return "taken"
				}
				return ""
			}, 778},
			{"EarlierInTheImport", func(i int) string {
				if i == 3 || i == 650 {
					return "twice"
				}
				return ""
			}, 651},
		} {
			_, err := b.svc.ImportAppeals(b.ctx, b.appealLines(tc.name, 900, func(i int, a *reports.Appeal) {
				if id := tc.id(i); id != "" {
					a.ID = id
				}
			}), "importer")
			require.ErrorIs(t, err, reports.ErrConflict, tc.name)
			requireLine(t, err, tc.line, "id")
			require.Equal(t, 1, b.count(t), "%s: nothing is stored", tc.name)
		}
		_, err = b.store.GetAppeal(b.ctx, "twice")
		require.ErrorIs(t, err, reports.ErrNotFound)
	})
	t.Run("SourceErrorChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := setupImport(t, h)
		boom := errors.New("unreadable line")
		src := func(yield func(reports.Appeal, error) bool) {
			for a := range b.appealLines("src", 800, nil) {
				if a.ID == "src-700" {
					yield(reports.Appeal{}, boom)
					return
				}
				if !yield(a, nil) {
					return
				}
			}
		}
		_, err := b.svc.ImportAppeals(b.ctx, src, "importer")
		require.ErrorIs(t, err, boom)
		_, err = b.importer.ImportAppeals(b.ctx, src)
		require.ErrorIs(t, err, boom, "straight through the port")
		require.Zero(t, b.count(t))
	})
	t.Run("GeneratedIDs", func(t *testing.T) {
		t.Parallel()
		b := setupImport(t, h)
		got, err := b.svc.ImportAppeals(b.ctx, b.appealLines("gen", 3, func(_ int, a *reports.Appeal) { a.ID = "" }), "importer")
		require.NoError(t, err)
		require.Equal(t, 3, got)
		ids := collect(t, b.store, reports.AppealQuery{From: b.at, To: b.at.AddDate(0, 1, 0)})
		require.Equal(t, []string{"id-0001", "id-0002", "id-0003"}, ids)
	})
}

// importRows is the issue 7 bulk import: 100,000 appeals per op.
const importRows = 100_000

// benchImport imports importRows appeals per op through the reports
// Service (validation included) and reports rows per second (issue 7:
// at least 50,000).
func benchImport(b *testing.B, h Harness) {
	b.Run("Appeals100k", func(b *testing.B) {
		bb := setupImport(b, h)
		b.ReportAllocs()
		op := 0
		for b.Loop() {
			n, err := bb.svc.ImportAppeals(context.Background(), bb.appealLines(fmt.Sprintf("b%d", op), importRows, nil), "importer")
			if err != nil {
				b.Fatal(err)
			}
			if n != importRows {
				b.Fatalf("imported %d", n)
			}
			op++
		}
		b.ReportMetric(float64(op*importRows)/b.Elapsed().Seconds(), "rows/s")
	})
}
