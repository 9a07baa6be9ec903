package xlsx_test

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/qyzmet/qyzmet/reports"
)

// excelizeWriter is the renderer this package had before it wrote the
// sheet XML itself: excelize's StreamWriter, every cell through SetRow,
// the received time as text, the zip deflated by compress/flate at
// BestSpeed straight to out. BenchmarkXLSX runs it as the named baseline,
// and TestExcelizeBaselineMatches keeps it rendering the same cells.
type excelizeWriter struct {
	out   io.Writer
	lang  string
	f     *excelize.File
	sw    *excelize.StreamWriter
	row   int
	cells []any
	time  []byte
	bold  int
}

func newExcelizeWriter(out io.Writer, lang string) *excelizeWriter {
	return &excelizeWriter{out: out, lang: lang, cells: make([]any, len(reports.Appendix2Columns))}
}

func (w *excelizeWriter) Begin(h *reports.Header) error {
	w.f = excelize.NewFile()
	out := w.out
	w.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
		return zw
	})
	sheet := h.Period.String()
	if err := w.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	w.sw = sw
	if w.bold, err = w.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return err
	}
	for i, width := range []float64{6, 18, 24, 14, 28, 12, 12, 48, 16, 28, 28} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
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

func (w *excelizeWriter) put(values []any) error {
	w.row++
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, values)
}

func (w *excelizeWriter) Row(r *reports.Row) error {
	w.time = r.ReceivedAt.AppendFormat(w.time[:0], reports.TimeLayout)
	c := w.cells
	c[0] = r.No
	c[1] = string(w.time)
	c[2] = r.ForumResponsible
	c[3] = r.Region
	c[4] = r.ApplicantName
	c[5] = baselineMark(r.Nature, reports.StandardViolation)
	c[6] = baselineMark(r.Nature, reports.EmployeeConduct)
	c[7] = r.Content
	c[8] = r.RequestNo
	c[9] = baselineLabel(r.Body.In(w.lang), r.BodyID)
	c[10] = baselineLabel(r.Service.In(w.lang), r.ServiceID)
	return w.put(c)
}

func baselineMark(n, of reports.Nature) any {
	if n.Has(of) {
		return 1
	}
	return nil
}

func baselineLabel(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

func (w *excelizeWriter) End(s *reports.Summary) error {
	cols := reports.Appendix2Columns
	w.row++
	names := map[string][3]string{"summary": {"Жиынтық", "Сводка", "Summary"}, "total": {"Барлығы", "Всего", "Total"}}
	in := func(key string) string {
		switch w.lang {
		case "kk":
			return names[key][0]
		case "ru":
			return names[key][1]
		}
		return names[key][2]
	}
	bold := func(v string) excelize.Cell { return excelize.Cell{StyleID: w.bold, Value: v} }
	lines := [][]any{
		{bold(in("summary")), nil, bold(in("total")), bold(cols[5].Names.In(w.lang)), bold(cols[6].Names.In(w.lang))},
		{in("total"), "", s.Total, s.StandardViolation, s.EmployeeConduct},
	}
	for _, dim := range []struct {
		col    reports.Column
		counts []reports.Count
	}{{cols[3], s.ByRegion}, {cols[9], s.ByBody}, {cols[10], s.ByService}} {
		for _, n := range dim.counts {
			lines = append(lines, []any{dim.col.Names.In(w.lang), baselineLabel(n.Label.In(w.lang), n.Key), n.Total, n.StandardViolation, n.EmployeeConduct})
		}
	}
	for _, l := range lines {
		if err := w.put(l); err != nil {
			return err
		}
	}
	if err := w.sw.Flush(); err != nil {
		return err
	}
	if _, err := w.f.WriteTo(w.out); err != nil {
		return err
	}
	return w.f.Close()
}

var _ reports.Writer = (*excelizeWriter)(nil)
