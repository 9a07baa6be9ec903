package xlsx

// SkipRows moves w on by n empty rows, so a test reaches the sheet's row
// limit without writing a million rows.
func SkipRows(w *Writer, n int) { w.row += n }

// MaxRows is Excel's limit of rows in a sheet.
const MaxRows = maxRows
