// Package xlsx renders the monthly analytical report (Rules130 p.14,
// Appendix 2) as an Excel workbook, streamed: each row goes through a
// deflate writer straight to the destination, so a month of a million
// appeals renders in a few MiB of heap and no temporary file.
//
//	w := xlsx.NewWriter(out, "kk")
//	_, err := svc.Generate(ctx, period, "quality", w, "ucc-analyst")
//
// It sits outside the domain because the reports package must stay free of
// file formats beyond CSV and JSON.
//
// # Sheet
//
// One sheet, named after the period ("2025-03"), holds the title and
// recipient, the headings in the chosen language (the form's own Kazakh
// headings for "kk"), a row per appeal and, after an empty row, the summary
// by region, body and service. The appeal number and the summary counts are
// number cells, the received time a date cell showing the wall clock in the
// report's zone as reports.TimeLayout does, the natures 1 or empty, the rest
// text.
//
// # Format
//
// The workbook is a minimal SpreadsheetML package (ECMA-376 Part 1): content
// types, relationships, workbook, styles (bold wrapped headings, the date
// format) and the worksheet, zipped by github.com/klauspost/compress/zip at
// deflate level 1. Text is written as inline strings, as excelize's
// StreamWriter does: a shared-string table would have to hold every
// distinct text of the month in memory. Text is escaped for XML
// (encoding/xml.EscapeText, which also replaces invalid UTF-8 and characters
// XML forbids with U+FFFD), a literal "_xHHHH_" is protected as
// "_x005F_xHHHH_" so Excel does not decode it, leading or trailing white
// space is kept with xml:space="preserve", and a text longer than Excel's
// 32,767 characters is cut there.
//
// The package does not use excelize to write: its StreamWriter escapes and
// copies every text cell several times and buffers 16 MiB before spilling
// to a temporary file, which kept a month of a million appeals under
// 100,000 rows/s and at the 64 MiB heap limit (see README.md). The tests
// read every workbook back with excelize.
//
// # Concurrency
//
// A Writer is used for one report from one goroutine. It builds the sheet
// in 256 KiB chunks and compresses each on a goroutine of its own while the
// next is built, so a report uses two cores; at most one chunk is in flight
// and its goroutine ends with it. The compressed bytes go to the
// destination only from the caller's goroutine, inside Begin, Row and End,
// so a caller that abandons a report (Render returning a source error) may
// write to the destination at once, an error page to an
// http.ResponseWriter say.
//
// # Errors
//
// Begin, Row and End return the destination's write error, wrapped. Row
// returns an error wrapping ErrTooManyRows when the sheet would pass Excel's
// 1,048,576 rows; nothing more is written to the sheet then.
package xlsx
