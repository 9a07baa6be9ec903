package reports

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
)

// table is a small form rendered whole: the Appendix 1 request and the
// p.12 notice. Unlike Appendix 2 these are a handful of lines, so they are
// built in memory and written at once.
type table struct {
	columns []Column
	rows    [][]string
	footer  [][2]string // label, value
}

// writeCSV writes the table as CSV, UTF-8 with a BOM: the headings in
// lang, the rows, and after an empty line the footer, padded to the
// table's width.
func (t table) writeCSV(w io.Writer, lang string) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	rec := make([]string, len(t.columns))
	for i, c := range t.columns {
		rec[i] = c.Names.In(lang)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, r := range t.rows {
		clear(rec)
		copy(rec, r)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if len(t.footer) > 0 {
		if err := cw.Write(nil); err != nil {
			return err
		}
		for _, f := range t.footer {
			clear(rec)
			copy(rec, f[:])
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func itoa(n int) string { return strconv.Itoa(n) }
