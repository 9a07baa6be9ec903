package xlsx

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"time"
	"unicode/utf8"
)

// Limits of an Excel worksheet.
const (
	maxRows      = 1 << 20 // rows in a sheet
	maxCellChars = 32767   // UTF-16 code units in a text cell
)

// Cell styles: indexes into cellXfs in stylesXML.
const (
	styleNone = 0
	styleHead = 1 // bold, wrapped, top-aligned
	styleDate = 2 // yyyy-mm-dd hh:mm
)

// The package parts other than the worksheet.
const (
	contentTypesXML = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`</Types>`
	rootRelsXML = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`
	workbookRelsXML = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`</Relationships>`
	// workbookXML is completed by the escaped sheet name and workbookEnd.
	workbookXML = xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="`
	workbookEnd = `" sheetId="1" r:id="rId1"/></sheets></workbook>`
	stylesXML   = xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`</styleSheet>`
	sheetStart = xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	sheetEnd   = `</sheetData></worksheet>`
)

// columnNames are the references of the columns a row may use.
var columnNames = [...]string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"}

// rowBuf builds one <row> of the worksheet; its slices are reused from row
// to row, so writing a row allocates nothing.
type rowBuf struct {
	b   []byte
	num []byte // the row number, for the cell references
	esc bytes.Buffer
}

func (r *rowBuf) start(row int) {
	r.num = strconv.AppendInt(r.num[:0], int64(row), 10)
	r.b = append(r.b[:0], `<row r="`...)
	r.b = append(r.b, r.num...)
	r.b = append(r.b, `">`...)
}

func (r *rowBuf) end() { r.b = append(r.b, `</row>`...) }

// cell opens cell col (0 for A) with a style and a type ("" for a number).
func (r *rowBuf) cell(col, style int, typ string) {
	r.b = append(r.b, `<c r="`...)
	r.b = append(r.b, columnNames[col]...)
	r.b = append(r.b, r.num...)
	if style != styleNone {
		r.b = append(r.b, `" s="`...)
		r.b = strconv.AppendInt(r.b, int64(style), 10)
	}
	if typ != "" {
		r.b = append(r.b, `" t="`...)
		r.b = append(r.b, typ...)
	}
	r.b = append(r.b, `">`...)
}

// text writes a text cell; an empty text writes no cell.
func (r *rowBuf) text(col, style int, s string) {
	if s == "" {
		return
	}
	r.cell(col, style, "inlineStr")
	if preserve(s) {
		r.b = append(r.b, `<is><t xml:space="preserve">`...)
	} else {
		r.b = append(r.b, `<is><t>`...)
	}
	if plain(s) {
		r.b = append(r.b, s...)
	} else {
		r.b = r.escape(s)
	}
	r.b = append(r.b, `</t></is></c>`...)
}

// int writes a number cell.
func (r *rowBuf) int(col, style, v int) {
	r.cell(col, style, "")
	r.b = append(r.b, `<v>`...)
	r.b = strconv.AppendInt(r.b, int64(v), 10)
	r.b = append(r.b, `</v></c>`...)
}

// date writes t's wall clock as a date cell.
func (r *rowBuf) date(col int, t time.Time) {
	r.cell(col, styleDate, "")
	r.b = append(r.b, `<v>`...)
	r.b = strconv.AppendFloat(r.b, serial(t), 'f', -1, 64)
	r.b = append(r.b, `</v></c>`...)
}

// preserve reports whether s begins or ends with white space, which XML
// readers drop unless told to keep it.
func preserve(s string) bool {
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	return space(s[0]) || space(s[len(s)-1])
}

// plain reports whether s can be written as it is: valid UTF-8 no longer
// than a cell holds, without markup characters, control characters or an
// underscore (which could start an _xHHHH_ escape), and without the bytes
// that begin U+F000–U+FFFF (where XML's forbidden U+FFFE and U+FFFF are).
// It checks and validates in one pass, two-byte sequences (Cyrillic and
// Kazakh letters) inline; FuzzPlainNeedsNoEscaping holds it to escape.
func plain(s string) bool {
	if len(s) > maxCellChars { // UTF-16 units never outnumber UTF-8 bytes
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if special[c] {
				return false
			}
			i++
		case 0xC2 <= c && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			i += 2
		case c == 0xEF:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
			i += size
		}
	}
	return true
}

// special marks the ASCII bytes plain text may not hold.
var special = func() (t [utf8.RuneSelf]bool) {
	for c := range byte(0x20) {
		t[c] = true
	}
	for _, c := range []byte("&<>_") {
		t[c] = true
	}
	return t
}()

// escape appends s to the row as XML text: cut to a cell's length, an
// "_xHHHH_" that Excel would decode protected, then escaped by
// encoding/xml, which also replaces what XML cannot hold by U+FFFD.
func (r *rowBuf) escape(s string) []byte {
	s = truncate(s, maxCellChars)
	var protected []byte
	for i := 0; i < len(s); i++ {
		if isBstr(s[i:]) {
			protected = append(protected, "_x005F"...)
		}
		protected = append(protected, s[i])
	}
	r.esc.Reset()
	_ = xml.EscapeText(&r.esc, protected) // a bytes.Buffer does not fail
	return append(r.b, r.esc.Bytes()...)
}

// isBstr reports whether s begins with "_xHHHH_", the escape OOXML uses for
// characters in strings.
func isBstr(s string) bool {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n UTF-16 code units, at a character boundary.
func truncate(s string, n int) string {
	units := 0
	for i, c := range s {
		units++
		if c >= 0x10000 {
			units++
		}
		if units > n {
			return s[:i]
		}
	}
	return s
}

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
