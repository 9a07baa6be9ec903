package xlsx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/reports"
)

// ErrTooManyRows is wrapped by the error Row returns when the sheet would
// pass Excel's limit of 1,048,576 rows.
var ErrTooManyRows = errors.New("xlsx: more rows than a sheet holds")

// Writer is a reports.Writer producing one XLSX workbook. It is used for
// one report and is not safe for concurrent use.
type Writer struct {
	out   io.Writer
	lang  string
	zw    *zip.Writer
	spool spool    // the zip writer's output, until it goes to out
	sheet pipeline // the worksheet part
	row   int
	r     rowBuf
}

// NewWriter returns a writer rendering to out, headings in lang ("kk",
// "ru" or "en").
func NewWriter(out io.Writer, lang string) *Writer {
	return &Writer{out: out, lang: lang}
}

// columnWidths are the widths of columns A–K, in characters.
var columnWidths = [...]float64{6, 18, 24, 14, 28, 12, 12, 48, 16, 28, 28}

// Begin writes the package parts, opens the worksheet and writes the title
// and headings.
func (w *Writer) Begin(h *reports.Header) error {
	w.zw = zip.NewWriter(&w.spool)
	// Level 1: a report is written once and read rarely, and the sheet
	// XML of a month is about a gigabyte.
	w.zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	var name bytes.Buffer
	_ = xml.EscapeText(&name, []byte(h.Period.String())) // a bytes.Buffer does not fail
	for _, part := range []struct{ path, content string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"xl/workbook.xml", workbookXML + name.String() + workbookEnd},
		{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		{"xl/styles.xml", stylesXML},
	} {
		f, err := w.zw.Create(part.path)
		if err != nil {
			return fmt.Errorf("xlsx: %s: %w", part.path, err)
		}
		if _, err := io.WriteString(f, part.content); err != nil {
			return fmt.Errorf("xlsx: %s: %w", part.path, err)
		}
	}
	f, err := w.zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	w.sheet = pipeline{dst: f, out: w.out, spool: &w.spool}
	b := append(w.r.b[:0], sheetStart...)
	b = append(b, `<cols>`...)
	for i, width := range columnWidths {
		b = append(b, `<col min="`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `" max="`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `" width="`...)
		b = strconv.AppendFloat(b, width, 'f', -1, 64)
		b = append(b, `" customWidth="1"/>`...)
	}
	b = append(b, `</cols><sheetData>`...)
	if err := w.sheet.Write(b); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	w.r.b = b
	// The package parts go out now; the sheet follows chunk by chunk.
	if err := w.zw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := w.spool.drain(w.out); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}

	r := w.next()
	r.text(0, styleHead, fmt.Sprintf("%s — %s, %s (%s)", h.Title.In(w.lang), h.Period, h.Recipient.Name.In(w.lang), h.Rule))
	if err := w.put(); err != nil {
		return err
	}
	r = w.next()
	for i, c := range h.Columns[:min(len(h.Columns), len(columnNames))] {
		r.text(i, styleHead, c.Names.In(w.lang))
	}
	return w.put()
}

// next starts the next row.
func (w *Writer) next() *rowBuf {
	w.row++
	w.r.start(w.row)
	return &w.r
}

// put ends the row and writes it to the sheet.
func (w *Writer) put() error {
	if w.row > maxRows {
		return fmt.Errorf("xlsx: row %d: %w", w.row, ErrTooManyRows)
	}
	w.r.end()
	if err := w.sheet.Write(w.r.b); err != nil {
		return fmt.Errorf("xlsx: row %d: %w", w.row, err)
	}
	return nil
}

// Row writes one appeal: the number is a number, the received time a date
// cell holding the wall clock in the report's zone shown as
// reports.TimeLayout, the natures 1 or empty.
func (w *Writer) Row(a *reports.Row) error {
	r := w.next()
	r.int(0, styleNone, a.No)
	r.date(1, a.ReceivedAt)
	r.text(2, styleNone, a.ForumResponsible)
	r.text(3, styleNone, a.Region)
	r.text(4, styleNone, a.ApplicantName)
	if a.Nature.Has(reports.StandardViolation) {
		r.int(5, styleNone, 1)
	}
	if a.Nature.Has(reports.EmployeeConduct) {
		r.int(6, styleNone, 1)
	}
	r.text(7, styleNone, a.Content)
	r.text(8, styleNone, a.RequestNo)
	r.text(9, styleNone, label(a.Body.In(w.lang), a.BodyID))
	r.text(10, styleNone, label(a.Service.In(w.lang), a.ServiceID))
	return w.put()
}

func label(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// End writes the summary, closes the worksheet and the package.
func (w *Writer) End(s *reports.Summary) error {
	cols := reports.Appendix2Columns
	w.row++ // an empty row
	r := w.next()
	r.text(0, styleHead, summaryLabel.In(w.lang))
	r.text(2, styleHead, totalLabel.In(w.lang))
	r.text(3, styleHead, cols[5].Names.In(w.lang))
	r.text(4, styleHead, cols[6].Names.In(w.lang))
	if err := w.put(); err != nil {
		return err
	}
	line := func(name, key string, total, standard, conduct int) error {
		r := w.next()
		r.text(0, styleNone, name)
		r.text(1, styleNone, key)
		r.int(2, styleNone, total)
		r.int(3, styleNone, standard)
		r.int(4, styleNone, conduct)
		return w.put()
	}
	if err := line(totalLabel.In(w.lang), "", s.Total, s.StandardViolation, s.EmployeeConduct); err != nil {
		return err
	}
	for _, dim := range []struct {
		col    reports.Column
		counts []reports.Count
	}{{cols[3], s.ByRegion}, {cols[9], s.ByBody}, {cols[10], s.ByService}} {
		for _, n := range dim.counts {
			if err := line(dim.col.Names.In(w.lang), label(n.Label.In(w.lang), n.Key), n.Total, n.StandardViolation, n.EmployeeConduct); err != nil {
				return err
			}
		}
	}
	if err := w.sheet.Write([]byte(sheetEnd)); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := w.sheet.Flush(); err != nil {
		return fmt.Errorf("xlsx: writing the workbook: %w", err)
	}
	if err := w.zw.Close(); err != nil {
		return fmt.Errorf("xlsx: writing the workbook: %w", err)
	}
	if err := w.spool.drain(w.out); err != nil {
		return fmt.Errorf("xlsx: writing the workbook: %w", err)
	}
	return nil
}

var _ reports.Writer = (*Writer)(nil)

var (
	summaryLabel = deadlines.Names{KK: "Жиынтық", RU: "Сводка", EN: "Summary"}
	totalLabel   = deadlines.Names{KK: "Барлығы", RU: "Всего", EN: "Total"}
)
