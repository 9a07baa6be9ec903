package xlsx_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/adapters/xlsx"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
	"github.com/qyzmet/qyzmet/reports/reportstest"
)

type testBundle struct {
	ctx   context.Context
	store *memory.Store
	svc   *reports.Service
	cal   *deadlines.Calendar
	clock *deadlinestest.Clock
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	ctx := context.Background()
	cal := kz.Calendar()
	b := &testBundle{ctx: ctx, store: memory.New(), cal: cal, clock: deadlinestest.NewClock(cal.Date(2025, time.April, 2).Add(10 * time.Hour))}
	svc, err := reports.NewService(b.store, cal, b.clock)
	require.NoError(t, err)
	b.svc = svc
	names := func(kk, en string) deadlines.Names { return deadlines.Names{KK: kk, RU: en, EN: en} }
	require.NoError(t, b.store.CreateBody(ctx, onboarding.Body{ID: "quality", Kind: onboarding.KindQualityAuthority, BIN: "050140000203", Name: names("Сапа органы", "Quality authority"), Region: "Astana", Zone: "Asia/Almaty"}))
	require.NoError(t, b.store.CreateBody(ctx, onboarding.Body{ID: "ministry", Kind: onboarding.KindCentral, BIN: "050140000401", Name: names("Әділет министрлігі", "Ministry of Justice"), Region: "Astana", Zone: "Asia/Almaty"}))
	require.NoError(t, b.store.CreateService(ctx, onboarding.StateService{ID: "birth", RegisterNumber: "00101001", Name: names("Баланың тууын тіркеу", "Birth registration"), Providers: []string{"ministry"}}))
	return b
}

var march = reports.Period{Year: 2025, Month: time.March}

func TestRules130_P14_XLSXRendersAppendix2(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i, when := range []time.Time{b.cal.Date(2025, time.March, 3).Add(10 * time.Hour), b.cal.Date(2025, time.March, 28).Add(17 * time.Hour)} {
		_, err := b.svc.RecordAppeal(b.ctx, reports.Appeal{ReceivedAt: when, ForumResponsible: "Нұрланов Әсет", Region: []string{"Astana", "Almaty"}[i],
			ApplicantName: "Өтініш беруші", Nature: []reports.Nature{reports.StandardViolation, reports.StandardViolation | reports.EmployeeConduct}[i],
			Content: "мерзім бұзылды", RequestNo: "REQ-1", BodyID: "ministry", ServiceID: "birth"}, "ucc-operator")
		require.NoError(t, err)
	}
	var buf bytes.Buffer
	sum, err := b.svc.Render(b.ctx, march, "quality", xlsx.NewWriter(&buf, "kk"))
	require.NoError(t, err)
	require.Equal(t, 2, sum.Total)

	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"2025-03"}, f.GetSheetList())
	rows, err := f.GetRows("2025-03")
	require.NoError(t, err)
	require.Equal(t, "Талдамалық есеп — 2025-03, Сапа органы (Rules130 p.14)", rows[0][0])
	require.Equal(t, "Р/с №", rows[1][0])
	require.Equal(t, "Өтініш сипаты: Мемлекеттік қызметтің стандартын бұзу", rows[1][5])
	require.Equal(t, []string{"1", "2025-03-03 10:00", "Нұрланов Әсет", "Astana", "Өтініш беруші", "1", "", "мерзім бұзылды", "REQ-1", "Әділет министрлігі", "Баланың тууын тіркеу"}, rows[2])
	require.Equal(t, []string{"2", "2025-03-28 17:00", "Нұрланов Әсет", "Almaty", "Өтініш беруші", "1", "1", "мерзім бұзылды", "REQ-1", "Әділет министрлігі", "Баланың тууын тіркеу"}, rows[3])
	require.Empty(t, rows[4])
	require.Equal(t, []string{"Барлығы", "", "2", "2", "1"}, rows[6])
	require.Equal(t, []string{"Өңір", "Almaty", "1", "1", "1"}, rows[7])
	require.Len(t, rows, 11, "title, headings, 2 rows, empty, summary heading, total, 2 regions, body, service")
}

// BenchmarkXLSX streams a million generated appeals into a workbook.
// Targets: >= 100,000 rows/s, peak heap < 64 MiB.
//
//	go test -run '^$' -bench XLSX -benchtime 2x ./adapters/xlsx/
func BenchmarkXLSX(b *testing.B) {
	tb := setup(b)
	src := &reportstest.Synthetic{Store: tb.store, N: benchN, BodyIDs: []string{"ministry"}, ServiceID: "birth"}
	svc, err := reports.NewService(src, tb.cal, tb.clock)
	require.NoError(b, err)
	b.ReportAllocs()
	var peak uint64
	rows := 0
	for b.Loop() {
		peak = max(peak, reportstest.PeakHeap(func() {
			sum, err := svc.Render(tb.ctx, march, "quality", xlsx.NewWriter(io.Discard, "kk"))
			if err != nil {
				b.Fatal(err)
			}
			rows += sum.Total
		}))
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

var benchN = 1_000_000
