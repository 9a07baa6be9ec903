package reports

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"

	"github.com/qyzmet/qyzmet/deadlines"
)

// BOM is the UTF-8 byte order mark the CSV writers put first, so that
// spreadsheet programs read Kazakh and Russian text as UTF-8.
const BOM = "\uFEFF"

// TimeLayout is how the CSV, XLSX and HTML renderings print an instant, in
// the report's zone.
const TimeLayout = "2006-01-02 15:04"

var summaryNames = struct {
	summary, total, all deadlines.Names
}{
	summary: deadlines.Names{KK: "Жиынтық", RU: "Сводка", EN: "Summary"},
	total:   deadlines.Names{KK: "Барлығы", RU: "Всего", EN: "Total"},
	all:     deadlines.Names{KK: "Барлық өтініштер", RU: "Все обращения", EN: "All appeals"},
}

// Mark is what a nature cell holds: "1" when the appeal has the nature, ""
// otherwise.
func Mark(n, of Nature) string {
	if n.Has(of) {
		return "1"
	}
	return ""
}

// CSVWriter renders Appendix 2 as CSV (RFC 4180 via encoding/csv, UTF-8
// with a BOM): a header line in one language, a line per appeal, an empty
// line, then the summary padded to the same number of fields.
type CSVWriter struct {
	bw   *bufio.Writer
	w    *csv.Writer
	lang string
	rec  []string
	buf  []byte
}

// NewCSVWriter returns a writer whose headings are in lang ("kk", "ru" or
// "en"; names fall back to English, then to IDs).
func NewCSVWriter(w io.Writer, lang string) *CSVWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &CSVWriter{bw: bw, w: csv.NewWriter(bw), lang: lang, rec: make([]string, len(Appendix2Columns))}
}

// Begin writes the BOM and the header line.
func (c *CSVWriter) Begin(*Header) error {
	if _, err := c.bw.WriteString(BOM); err != nil {
		return err
	}
	for i, col := range Appendix2Columns {
		c.rec[i] = col.Names.In(c.lang)
	}
	return c.w.Write(c.rec)
}

// name returns a label in the writer's language, or the ID without one.
func name(n deadlines.Names, lang, id string) string {
	if s := n.In(lang); s != "" {
		return s
	}
	return id
}

// Row writes one appeal.
func (c *CSVWriter) Row(r *Row) error {
	c.buf = r.ReceivedAt.AppendFormat(c.buf[:0], TimeLayout)
	c.rec[0] = strconv.Itoa(r.No)
	c.rec[1] = string(c.buf)
	c.rec[2] = r.ForumResponsible
	c.rec[3] = r.Region
	c.rec[4] = r.ApplicantName
	c.rec[5] = Mark(r.Nature, StandardViolation)
	c.rec[6] = Mark(r.Nature, EmployeeConduct)
	c.rec[7] = r.Content
	c.rec[8] = r.RequestNo
	c.rec[9] = name(r.Body, c.lang, r.BodyID)
	c.rec[10] = name(r.Service, c.lang, r.ServiceID)
	return c.w.Write(c.rec)
}

// End writes the summary and flushes.
func (c *CSVWriter) End(s *Summary) error {
	pad := func(fields ...string) []string {
		clear(c.rec)
		copy(c.rec, fields)
		return c.rec
	}
	cols := Appendix2Columns
	for _, line := range []func() []string{
		func() []string { return nil }, // an empty line between the rows and the summary
		func() []string {
			return pad(summaryNames.summary.In(c.lang), "", summaryNames.total.In(c.lang), cols[5].Names.In(c.lang), cols[6].Names.In(c.lang))
		},
		func() []string {
			return pad(summaryNames.total.In(c.lang), summaryNames.all.In(c.lang), strconv.Itoa(s.Total), strconv.Itoa(s.StandardViolation), strconv.Itoa(s.EmployeeConduct))
		},
	} {
		if err := c.w.Write(line()); err != nil {
			return err
		}
	}
	for _, dim := range []struct {
		col    Column
		counts []Count
	}{{cols[3], s.ByRegion}, {cols[9], s.ByBody}, {cols[10], s.ByService}} {
		for _, n := range dim.counts {
			line := pad(dim.col.Names.In(c.lang), name(n.Label, c.lang, n.Key), strconv.Itoa(n.Total), strconv.Itoa(n.StandardViolation), strconv.Itoa(n.EmployeeConduct))
			if err := c.w.Write(line); err != nil {
				return err
			}
		}
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

var _ Writer = (*CSVWriter)(nil)
