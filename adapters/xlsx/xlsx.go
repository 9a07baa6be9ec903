// Package xlsx renders the monthly analytical report (Rules130 p.14,
// Appendix 2) as an Excel workbook with excelize's StreamWriter, so rows
// flow from the appeal register to the file without the month being held
// in memory: excelize keeps a bounded buffer and spills to a temporary
// file. It sits outside the domain because excelize is an infrastructure
// dependency the reports package must not import.
//
//	w := xlsx.NewWriter(out, "kk")
//	_, err := svc.Generate(ctx, period, "quality", w, "ucc-analyst")
//
// The sheet holds the title and recipient, the headings in the chosen
// language (the form's own Kazakh headings for "kk"), a row per appeal and,
// after an empty row, the summary by region, body and service.
package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"
	"github.com/xuri/excelize/v2"

	"github.com/qyzmet/qyzmet/reports"
)

// Writer is a reports.Writer producing one XLSX workbook. It is used for
// one report and is not safe for concurrent use.
type Writer struct {
	out   io.Writer
	lang  string
	f     *excelize.File
	sw    *excelize.StreamWriter
	row   int
	cells []any // reused for every appeal row
	ref   []byte
	when  excelize.Cell

	bold, date int
}

// NewWriter returns a writer rendering to out, headings in lang ("kk",
// "ru" or "en").
func NewWriter(out io.Writer, lang string) *Writer {
	return &Writer{out: out, lang: lang, cells: make([]any, len(reports.Appendix2Columns))}
}

// Begin creates the workbook and writes the title and headings.
func (w *Writer) Begin(h *reports.Header) error {
	w.f = excelize.NewFile()
	// excelize's WriteTo assembles the whole zip in a bytes.Buffer before
	// copying it out, which for a month of a million appeals is tens of
	// megabytes on the heap. Its zip-writer hook lets the archive go
	// straight to out instead (the buffer stays empty), compressed at
	// flate.BestSpeed: a report is written once and read rarely.
	out := w.out
	w.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
		return zw
	})
	sheet := h.Period.String()
	if err := w.f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sw, err := w.f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	w.sw = sw
	if w.bold, err = w.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if w.date, err = w.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	w.when.StyleID = w.date
	for i, width := range []float64{6, 18, 24, 14, 28, 12, 12, 48, 16, 28, 28} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	title := fmt.Sprintf("%s — %s, %s (%s)", h.Title.In(w.lang), h.Period, h.Recipient.Name.In(w.lang), h.Rule)
	if err := w.put([]any{excelize.Cell{StyleID: w.bold, Value: title}}); err != nil {
		return err
	}
	head := make([]any, len(h.Columns))
	for i, c := range h.Columns {
		head[i] = excelize.Cell{StyleID: w.bold, Value: c.Names.In(w.lang)}
	}
	return w.put(head)
}

// put writes the next row.
func (w *Writer) put(values []any) error {
	w.row++
	w.ref = strconv.AppendInt(append(w.ref[:0], 'A'), int64(w.row), 10)
	if err := w.sw.SetRow(string(w.ref), values); err != nil {
		return fmt.Errorf("xlsx: row %d: %w", w.row, err)
	}
	return nil
}

// Row writes one appeal: the number is a number, the received time a date
// cell holding the wall clock in the report's zone shown as
// reports.TimeLayout, the natures 1 or empty.
func (w *Writer) Row(r *reports.Row) error {
	w.when.Value = serial(r.ReceivedAt)
	c := w.cells
	c[0] = r.No
	c[1] = &w.when
	c[2] = r.ForumResponsible
	c[3] = r.Region
	c[4] = r.ApplicantName
	c[5] = mark(r.Nature, reports.StandardViolation)
	c[6] = mark(r.Nature, reports.EmployeeConduct)
	c[7] = r.Content
	c[8] = r.RequestNo
	c[9] = label(r.Body.In(w.lang), r.BodyID)
	c[10] = label(r.Service.In(w.lang), r.ServiceID)
	return w.put(c)
}

// dateFormat shows a received time as reports.TimeLayout does.
var dateFormat = "yyyy-mm-dd hh:mm"

// excelEpoch is day 0 of Excel's 1900 date system for the dates after
// 1900-02-28 (Excel counts a 29 February 1900 that did not exist).
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// serial returns t's wall clock, in t's own location, as an Excel serial
// date and time. Appeals are received long after 1900-03-01, where the
// serial numbers of the 1900 date system are days since excelEpoch.
func serial(t time.Time) float64 {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch) / (24 * time.Hour)
	h, mi, s := t.Clock()
	return float64(days) + float64(h*3600+mi*60+s)/86400
}

func mark(n, of reports.Nature) any {
	if n.Has(of) {
		return 1
	}
	return nil
}

func label(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// End writes the summary, finishes the workbook and writes it to out.
func (w *Writer) End(s *reports.Summary) error {
	cols := reports.Appendix2Columns
	w.row++ // an empty row
	bold := func(v string) excelize.Cell { return excelize.Cell{StyleID: w.bold, Value: v} }
	lines := [][]any{
		{bold(summaryLabel.In(w.lang)), nil, bold(totalLabel.In(w.lang)), bold(cols[5].Names.In(w.lang)), bold(cols[6].Names.In(w.lang))},
		{totalLabel.In(w.lang), "", s.Total, s.StandardViolation, s.EmployeeConduct},
	}
	for _, dim := range []struct {
		col    reports.Column
		counts []reports.Count
	}{{cols[3], s.ByRegion}, {cols[9], s.ByBody}, {cols[10], s.ByService}} {
		for _, n := range dim.counts {
			lines = append(lines, []any{dim.col.Names.In(w.lang), label(n.Label.In(w.lang), n.Key), n.Total, n.StandardViolation, n.EmployeeConduct})
		}
	}
	for _, l := range lines {
		if err := w.put(l); err != nil {
			return err
		}
	}
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := w.f.WriteTo(w.out); err != nil {
		return fmt.Errorf("xlsx: writing the workbook: %w", err)
	}
	return w.f.Close()
}

var _ reports.Writer = (*Writer)(nil)

var (
	summaryLabel = names("Жиынтық", "Сводка", "Summary")
	totalLabel   = names("Барлығы", "Всего", "Total")
)

type trio struct{ kk, ru, en string }

func names(kk, ru, en string) trio { return trio{kk, ru, en} }

func (t trio) In(lang string) string {
	switch lang {
	case "kk":
		return t.kk
	case "ru":
		return t.ru
	}
	return t.en
}
