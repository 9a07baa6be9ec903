package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// FiguresHeader is the header line of a CSV import of reporting figures.
var FiguresHeader = []string{"period", "body_id", "dimension", "key", "count"}

// MaxImportSize bounds an import of reporting figures, in bytes.
const MaxImportSize = 32 << 20

// maxImportErrors bounds how many problems one import reports.
const maxImportErrors = 100

// figureKey identifies a figure within an import.
type figureKey struct {
	period         Period
	body, dim, key string
}

// importer collects the figures and problems of one import.
type importer struct {
	figs []Figure
	seen map[figureKey]int // → the line it was first seen on
	errs []error
}

func (im *importer) fail(err error) bool {
	im.errs = append(im.errs, err)
	return len(im.errs) >= maxImportErrors
}

// add validates one record's fields; count is the raw text of a number.
func (im *importer) add(line int, period, body, dim, key, count string) {
	bad := func(field, msg string) { im.fail(lineErr(line, field, msg)) }
	f := Figure{Line: line, BodyID: body, Dimension: Dimension(dim), Key: key}
	ok := true
	p, err := ParsePeriod(period)
	if err != nil {
		bad("period", fmt.Sprintf("%q is not a month of the form 2025-03", period))
		ok = false
	}
	f.Period = p
	if strings.TrimSpace(body) == "" || strings.ContainsAny(body, "/ \t\n") {
		bad("body_id", "a body ID is required, without slashes or spaces")
		ok = false
	}
	switch {
	case !f.Dimension.valid():
		bad("dimension", fmt.Sprintf("%q is not total, region, nature or service", dim))
		ok = false
	case f.Dimension == DimTotal && key != "":
		bad("key", "the total has no key")
		ok = false
	case f.Dimension != DimTotal && strings.TrimSpace(key) == "":
		bad("key", "a "+dim+" figure needs its key")
		ok = false
	case f.Dimension == DimNature && key != "standard_violation" && key != "employee_conduct":
		bad("key", fmt.Sprintf("%q is not standard_violation or employee_conduct", key))
		ok = false
	}
	n, err := strconv.ParseInt(count, 10, 64)
	switch {
	case err != nil:
		bad("count", fmt.Sprintf("%q is not a whole number", count))
		ok = false
	case n < 0:
		bad("count", "cannot be negative")
		ok = false
	}
	f.Count = n
	if !ok {
		return
	}
	k := figureKey{f.Period, f.BodyID, dim, key}
	if first, dup := im.seen[k]; dup {
		bad("key", fmt.Sprintf("repeats the figure on line %d", first))
		return
	}
	im.seen[k] = line
	im.figs = append(im.figs, f)
}

func (im *importer) result() ([]Figure, error) {
	if len(im.errs) > 0 {
		return nil, errors.Join(im.errs...)
	}
	if len(im.figs) == 0 {
		return nil, lineErr(1, "", "no figures")
	}
	return im.figs, nil
}

// DecodeFiguresCSV reads a body's reporting figures from CSV (UTF-8, a BOM
// allowed): the header period,body_id,dimension,key,count, then one figure
// per line. It checks the file's form only; Service.Reconcile checks the
// figures against the catalogue. Every problem is reported (up to 100),
// each a *LineError naming the line and the field around a *RuleError
// citing Rules130 p.16.
func DecodeFiguresCSV(r io.Reader) ([]Figure, error) {
	data, err := readImport(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(BOM))))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	im := &importer{seen: map[figureKey]int{}}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, lineErr(1, "header", "the file is empty")
	}
	if err != nil {
		return nil, csvErr(err)
	}
	if !slices.Equal(header, FiguresHeader) {
		return nil, lineErr(1, "header", fmt.Sprintf("want %s, got %s", strings.Join(FiguresHeader, ","), strings.Join(header, ",")))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			im.fail(csvErr(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(FiguresHeader) {
			if im.fail(lineErr(line, "", fmt.Sprintf("want %d fields, got %d", len(FiguresHeader), len(rec)))) {
				break
			}
			continue
		}
		im.add(line, rec[0], rec[1], rec[2], rec[3], rec[4])
		if len(im.errs) >= maxImportErrors {
			break
		}
	}
	return im.result()
}

// csvErr turns a csv.ParseError into a *LineError.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		field := ""
		if pe.Column > 0 && pe.Line > 0 {
			field = "column " + strconv.Itoa(pe.Column)
		}
		return lineErr(pe.Line, field, pe.Err.Error())
	}
	return lineErr(1, "", err.Error())
}

func readImport(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, fmt.Errorf("reports: reading the import: %w", err)
	}
	if len(data) > MaxImportSize {
		return nil, lineErr(1, "", fmt.Sprintf("the import is larger than %d bytes", MaxImportSize))
	}
	return data, nil
}

// DecodeFiguresJSON reads a body's reporting figures from a JSON array of
// objects with the keys of the CSV header:
//
//	[{"period": "2025-03", "body_id": "ministry", "dimension": "total", "key": "", "count": 3}, …]
//
// count is a JSON number; every key is required except key for the total,
// and no other key is allowed. Problems are reported as DecodeFiguresCSV's,
// the line being where the object starts.
func DecodeFiguresJSON(r io.Reader) ([]Figure, error) {
	data, err := readImport(r)
	if err != nil {
		return nil, err
	}
	lineAt := func(off int64) int { return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1 }
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return nil, lineErr(lineAt(dec.InputOffset()), "", "want a JSON array of figures")
	}
	im := &importer{seen: map[figureKey]int{}}
	for dec.More() {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		line := lineAt(off)
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				line = lineAt(se.Offset)
			}
			im.fail(lineErr(line, "", "not a JSON object: "+err.Error()))
			return im.result()
		}
		if im.addJSON(line, obj) {
			break
		}
	}
	if len(im.errs) == 0 {
		if _, err := dec.Token(); err != nil {
			return nil, lineErr(lineAt(dec.InputOffset()), "", "the array is not closed: "+err.Error())
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, lineErr(lineAt(dec.InputOffset()), "", "data after the array")
		}
	}
	return im.result()
}

// addJSON validates one object; it reports whether to stop.
func (im *importer) addJSON(line int, obj map[string]json.RawMessage) bool {
	ok := true
	bad := func(field, msg string) {
		im.fail(lineErr(line, field, msg))
		ok = false
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(FiguresHeader, k) {
			bad(k, "unknown field")
		}
	}
	str := func(field string, required bool) string {
		raw, found := obj[field]
		if !found {
			if required {
				bad(field, "required")
			}
			return ""
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			bad(field, "want a string")
		}
		return s
	}
	period, body, dim, key := str("period", true), str("body_id", true), str("dimension", true), str("key", false)
	count := ""
	switch raw, found := obj["count"]; {
	case !found:
		bad("count", "required")
	case len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9'):
		bad("count", fmt.Sprintf("%s is not a number", raw))
	default:
		count = string(raw)
	}
	if ok {
		im.add(line, period, body, dim, key, count)
	}
	return len(im.errs) >= maxImportErrors
}

// WriteFiguresCSV writes figures in the import's CSV form (UTF-8 with a
// BOM): what the UCC sends a body to compare, and what DecodeFiguresCSV
// reads back.
func WriteFiguresCSV(w io.Writer, figs []Figure) error {
	var buf bytes.Buffer
	buf.WriteString(BOM)
	cw := csv.NewWriter(&buf)
	if err := cw.Write(FiguresHeader); err != nil {
		return err
	}
	for _, f := range figs {
		if err := cw.Write([]string{f.Period.String(), f.BodyID, string(f.Dimension), f.Key, strconv.FormatInt(f.Count, 10)}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
