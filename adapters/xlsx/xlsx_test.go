package xlsx_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"
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

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
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

	// The number is a number and the received time a date: the raw values
	// are the Excel serial numbers of the wall clock in Asia/Almaty.
	raw := func(cell string) string {
		v, err := f.GetCellValue("2025-03", cell, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		return v
	}
	require.Equal(t, "1", raw("A3"))
	require.Equal(t, 45719+10.0/24, mustFloat(t, raw("B3")), "2025-03-03 10:00 is day 45719 of Excel's 1900 system")
	require.Equal(t, 45744+17.0/24, mustFloat(t, raw("B4")))
	requireWellFormed(t, buf.Bytes())
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}

// requireWellFormed checks that the workbook is a zip of the parts an XLSX
// package needs, each well-formed XML.
func requireWellFormed(t *testing.T, workbook []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	require.NoError(t, err)
	var parts []string
	for _, zf := range zr.File {
		parts = append(parts, zf.Name)
		rc, err := zf.Open()
		require.NoError(t, err)
		d := xml.NewDecoder(rc)
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, zf.Name)
		}
		require.NoError(t, rc.Close())
	}
	require.ElementsMatch(t, []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"}, parts)
}

// render writes one report of the given rows straight through a Writer.
func render(t *testing.T, lang string, rows ...reports.Row) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := xlsx.NewWriter(&buf, lang)
	require.NoError(t, w.Begin(&reports.Header{Title: reports.Appendix2Title, Rule: deadlines.Citation{Act: deadlines.Rules130, Point: 14}, Period: march,
		Recipient: reports.Recipient{ID: "quality", Name: deadlines.Names{KK: "Сапа органы", RU: "Орган качества", EN: "Quality authority"}}, Columns: reports.Appendix2Columns}))
	for i := range rows {
		require.NoError(t, w.Row(&rows[i]))
	}
	require.NoError(t, w.End(&reports.Summary{Total: len(rows)}))
	requireWellFormed(t, buf.Bytes())
	return buf.Bytes()
}

func readRows(t *testing.T, workbook []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(workbook))
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"2025-03"}, f.GetSheetList())
	rows, err := f.GetRows("2025-03")
	require.NoError(t, err)
	return rows
}

func TestRules130_P14_XLSXHeadingsInEachLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang, title, summary, total string
	}{
		{"kk", "Талдамалық есеп — 2025-03, Сапа органы (Rules130 p.14)", "Жиынтық", "Барлығы"},
		{"ru", "Аналитический отчет — 2025-03, Орган качества (Rules130 p.14)", "Сводка", "Всего"},
		{"en", "Analytical report — 2025-03, Quality authority (Rules130 p.14)", "Summary", "Total"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			rows := readRows(t, render(t, tc.lang, reports.Row{No: 1, ReceivedAt: time.Date(2025, time.March, 3, 9, 5, 0, 0, time.UTC), Region: "Astana", BodyID: "b1", ServiceID: "s1"}))
			require.Equal(t, tc.title, rows[0][0])
			var want []string
			for _, c := range reports.Appendix2Columns {
				want = append(want, c.Names.In(tc.lang))
			}
			require.Equal(t, want, rows[1])
			require.Equal(t, []string{"1", "2025-03-03 09:05", "", "Astana", "", "", "", "", "", "b1", "s1"}, rows[2], "IDs stand in for missing names")
			require.Empty(t, rows[3])
			require.Equal(t, []string{tc.summary, "", tc.total, want[5], want[6]}, rows[4])
			require.Equal(t, []string{tc.total, "", "1", "0", "0"}, rows[5])
		})
	}
}

func TestXLSXTextIsEscaped(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ж", 40000)
	emoji := strings.Repeat("😀", 20000)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain Kazakh", "Өтініш беруші", "Өтініш беруші"},
		{"markup", `a & b < c > d "e" 'f'`, `a & b < c > d "e" 'f'`},
		{"leading and trailing space", "  two spaces ", "  two spaces "},
		{"line breaks and tabs", "line 1\nline 2\tend\r\n", "line 1\nline 2\tend\r\n"},
		{"an _xHHHH_ lookalike", "_x0041_ and x_x00e9_y", "_x0041_ and x_x00e9_y"},
		{"underscores", "REQ_1 _x _x12_", "REQ_1 _x _x12_"},
		{"invalid UTF-8", "bad \xff byte", "bad \uFFFD byte"},
		{"control character", "bell\x07", "bell\uFFFD"},
		{"noncharacter", "x\uFFFEy", "x\uFFFDy"},
		{"longer than a cell", long, long[:2*32767]},
		{"astral characters past a cell", emoji, emoji[:4*16383]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows := readRows(t, render(t, "en", reports.Row{No: 7, ReceivedAt: time.Date(2025, time.March, 31, 23, 59, 0, 0, time.UTC), ApplicantName: tc.in, Content: tc.in}))
			require.Equal(t, tc.want, rows[2][4])
			require.Equal(t, tc.want, rows[2][7])
		})
	}
}

func TestXLSXRowLimit(t *testing.T) {
	t.Parallel()
	w := xlsx.NewWriter(io.Discard, "en")
	require.NoError(t, w.Begin(&reports.Header{Period: march, Columns: reports.Appendix2Columns}))
	xlsx.SkipRows(w, xlsx.MaxRows-4) // after the title and headings (rows 1 and 2), up to row 1,048,574
	row := reports.Row{No: 1, ReceivedAt: time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)}
	require.NoError(t, w.Row(&row), "row 1,048,575")
	require.NoError(t, w.Row(&row), "row 1,048,576, the last")
	err := w.Row(&row)
	require.ErrorIs(t, err, xlsx.ErrTooManyRows)
	require.ErrorContains(t, err, "row 1048577")
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errDiskFull
	}
	f.n -= len(p)
	return len(p), nil
}

func TestXLSXWriteErrorsAreReturned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	src := &reportstest.Synthetic{Store: b.store, N: 4_000, BodyIDs: []string{"ministry"}, ServiceID: "birth"}
	svc, err := reports.NewService(src, b.cal, b.clock)
	require.NoError(t, err)
	var whole bytes.Buffer
	_, err = svc.Render(b.ctx, march, "quality", xlsx.NewWriter(&whole, "kk"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		after int
		where string
	}{
		{"in the header", 10, "writing the header"},
		{"among the rows", whole.Len() / 2, "writing row"},
		{"at the end", whole.Len() - 10, "writing the summary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := svc.Render(b.ctx, march, "quality", xlsx.NewWriter(&failingWriter{n: tc.after}, "kk"))
			require.ErrorIs(t, err, errDiskFull)
			require.ErrorContains(t, err, tc.where)
		})
	}
}

// brokenSource fails after n appeals.
type brokenSource struct {
	*reportstest.Synthetic
	n int
}

var errSourceGone = errors.New("source gone")

func (s brokenSource) Appeals(ctx context.Context, q reports.AppealQuery) iter.Seq2[reports.Appeal, error] {
	return func(yield func(reports.Appeal, error) bool) {
		i := 0
		for a, err := range s.Synthetic.Appeals(ctx, q) {
			if i == s.n {
				yield(reports.Appeal{}, errSourceGone)
				return
			}
			if !yield(a, err) {
				return
			}
			i++
		}
	}
}

// A report abandoned mid-way (Render returns without calling End) leaves
// the destination to the caller at once: the compressing goroutine never
// writes to it, so the caller's own write below does not race (run with
// -race).
func TestXLSXAbandonedReportLeavesTheDestinationAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	src := brokenSource{Synthetic: &reportstest.Synthetic{Store: b.store, N: 10_000, BodyIDs: []string{"ministry"}, ServiceID: "birth"}, n: 3_000}
	svc, err := reports.NewService(src, b.cal, b.clock)
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = svc.Render(b.ctx, march, "quality", xlsx.NewWriter(&out, "kk"))
	require.ErrorIs(t, err, errSourceGone)
	written := out.Len()
	require.Positive(t, written, "whole chunks were compressed and passed on")
	out.WriteString("an error page")
	time.Sleep(50 * time.Millisecond)
	require.Equal(t, written+len("an error page"), out.Len())
}

// A month spanning many chunks reads back whole, in order; the excelize
// baseline renders the same cells (its received time is text, ours a date
// shown the same way).
func TestXLSXManyRowsMatchTheExcelizeBaseline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 1_500
	src := &reportstest.Synthetic{Store: b.store, N: n, BodyIDs: []string{"ministry"}, ServiceID: "birth"}
	svc, err := reports.NewService(src, b.cal, b.clock)
	require.NoError(t, err)
	var ours, base bytes.Buffer
	_, err = svc.Render(b.ctx, march, "quality", xlsx.NewWriter(&ours, "ru"))
	require.NoError(t, err)
	_, err = svc.Render(b.ctx, march, "quality", newExcelizeWriter(&base, "ru"))
	require.NoError(t, err)
	requireWellFormed(t, ours.Bytes())
	zr, err := zip.NewReader(bytes.NewReader(ours.Bytes()), int64(ours.Len()))
	require.NoError(t, err)
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			require.Greater(t, zf.UncompressedSize64, uint64(3*256<<10), "the sheet spans several 256 KiB chunks")
		}
	}
	got, want := readRows(t, ours.Bytes()), readRows(t, base.Bytes())
	require.Len(t, got, 2+n+1+2+len(reportstest.Regions)+1+1)
	require.Equal(t, want, got)
	require.Equal(t, []string{"1500", "2025-03-31 23:30", "Нұрланов Әсет", "Mangystau", "Заявитель Иван Иванович", "1", "1", "Услуга оказана с нарушением срока, установленного стандартом государственной услуги", "REQ-1499", "Ministry of Justice", "Birth registration"}, got[2+n-1])
}

// BenchmarkXLSX renders a month of a million appeals, generated by the
// source as they are read, for the quality authority. Three renderers run
// on the same source in the same run:
//
//   - baseline=CSV: reports.CSVWriter, what the source and Render cost;
//   - baseline=excelize: the excelize StreamWriter renderer this package
//     used before (baseline_test.go);
//   - Writer: this package.
//
// Each reports rows/s (wall clock), cpu-ns/row (user and system CPU of the
// whole process, garbage collector included: the figure to trust when the
// machine is shared) and peak-heap-MiB (reportstest.Measure). Targets for
// Writer: >= 100,000 rows/s and a peak heap < 64 MiB, with the process's
// default GC settings: run it with GOGC and GOMEMLIMIT unset.
//
//	go test -run '^$' -bench XLSX -benchtime 1x -count 3 ./adapters/xlsx/
func BenchmarkXLSX(b *testing.B) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		if v, ok := os.LookupEnv(env); ok {
			b.Logf("%s=%s: the figures are not those of the default settings", env, v)
		}
	}
	for _, tc := range []struct {
		name string
		w    func(io.Writer) reports.Writer
	}{
		{"baseline=CSV", func(w io.Writer) reports.Writer { return reports.NewCSVWriter(w, "kk") }},
		{"baseline=excelize", func(w io.Writer) reports.Writer { return newExcelizeWriter(w, "kk") }},
		{"Writer", func(w io.Writer) reports.Writer { return xlsx.NewWriter(w, "kk") }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tb := setup(b)
			src := &reportstest.Synthetic{Store: tb.store, N: benchN, BodyIDs: []string{"ministry"}, ServiceID: "birth"}
			svc, err := reports.NewService(src, tb.cal, tb.clock)
			require.NoError(b, err)
			reportstest.BenchRender(b, svc, march, "quality", tc.w)
		})
	}
}

const benchN = 1_000_000
