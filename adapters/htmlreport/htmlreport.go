// Package htmlreport renders the monthly analytical report (Rules130 p.14,
// Appendix 2) as one printable HTML page: the heading, a table row per
// appeal as it streams in, the summary, and a bar chart of the month's
// appeals by region and nature drawn as inline SVG by
// github.com/go-analyze/charts. The page is self-contained: no script, no
// style sheet, font or image is fetched from the network, so it opens and
// prints offline. It sits outside the domain because the charting library
// is not something reports may import.
package htmlreport

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"io"
	"strconv"

	"github.com/go-analyze/charts"

	"github.com/qyzmet/qyzmet/reports"
)

// Writer is a reports.Writer producing one HTML page. It is used for one
// report and is not safe for concurrent use.
type Writer struct {
	bw   *bufio.Writer
	lang string
	h    *reports.Header
	buf  []byte
}

// NewWriter returns a writer rendering to w in lang ("kk", "ru" or "en").
func NewWriter(w io.Writer, lang string) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10), lang: lang}
}

const style = `body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;font-size:10pt;margin:1.5cm;color:#111}
h1{font-size:14pt;margin:0 0 .3em}h2{font-size:12pt;margin:1.2em 0 .4em}
p.meta{margin:0 0 1em;color:#444}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:2px 4px;vertical-align:top}
th{background:#eee;font-weight:bold}td.n{text-align:right}td.c{text-align:center}
thead{display:table-header-group}tr{page-break-inside:avoid}
figure{margin:1em 0;page-break-inside:avoid}figure svg{max-width:100%;height:auto}
@page{size:A4 landscape;margin:1cm}@media print{body{margin:0}}`

func (w *Writer) text(s string) { w.bw.WriteString(html.EscapeString(s)) }

// Begin writes the page's head, heading and table headings.
func (w *Writer) Begin(h *reports.Header) error {
	w.h = h
	w.bw.WriteString("<!DOCTYPE html>\n<html lang=\"" + html.EscapeString(w.lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	w.text(h.Title.In(w.lang) + " " + h.Period.String())
	w.bw.WriteString("</title>\n<style>\n" + style + "\n</style>\n</head>\n<body>\n<h1>")
	w.text(h.Title.In(w.lang))
	w.bw.WriteString("</h1>\n<p class=\"meta\">")
	w.text(fmt.Sprintf("%s · %s · %s · %s · %s", h.Period, h.Recipient.Name.In(w.lang), h.Rule, h.Zone, h.GeneratedAt.Format(reports.TimeLayout)))
	w.bw.WriteString("</p>\n<table>\n<thead><tr>")
	for _, c := range h.Columns {
		w.bw.WriteString("<th>")
		w.text(c.Names.In(w.lang))
		w.bw.WriteString("</th>")
	}
	_, err := w.bw.WriteString("</tr></thead>\n<tbody>\n")
	return err
}

func label(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// Row writes one appeal as a table row.
func (w *Writer) Row(r *reports.Row) error {
	w.buf = append(w.buf[:0], "<tr><td class=\"n\">"...)
	w.buf = strconv.AppendInt(w.buf, int64(r.No), 10)
	w.buf = append(w.buf, "</td><td>"...)
	w.buf = r.ReceivedAt.AppendFormat(w.buf, reports.TimeLayout)
	w.buf = append(w.buf, "</td>"...)
	w.bw.Write(w.buf)
	for _, s := range []string{r.ForumResponsible, r.Region, r.ApplicantName} {
		w.bw.WriteString("<td>")
		w.text(s)
		w.bw.WriteString("</td>")
	}
	w.bw.WriteString("<td class=\"c\">" + reports.Mark(r.Nature, reports.StandardViolation) + "</td><td class=\"c\">" + reports.Mark(r.Nature, reports.EmployeeConduct) + "</td>")
	for _, s := range []string{r.Content, r.RequestNo, label(r.Body.In(w.lang), r.BodyID), label(r.Service.In(w.lang), r.ServiceID)} {
		w.bw.WriteString("<td>")
		w.text(s)
		w.bw.WriteString("</td>")
	}
	_, err := w.bw.WriteString("</tr>\n")
	return err
}

var (
	summaryLabel = map[string]string{"kk": "Жиынтық", "ru": "Сводка", "en": "Summary"}
	totalLabel   = map[string]string{"kk": "Барлығы", "ru": "Всего", "en": "Total"}
	chartLabel   = map[string]string{"kk": "Өңірлер мен өтініш сипаты бойынша өтініштер", "ru": "Обращения по регионам и характеру", "en": "Appeals by region and nature"}
)

func in(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	return m["en"]
}

// End writes the summary and the chart, and flushes.
func (w *Writer) End(s *reports.Summary) error {
	cols := reports.Appendix2Columns
	w.bw.WriteString("</tbody>\n</table>\n<h2>")
	w.text(in(summaryLabel, w.lang))
	w.bw.WriteString("</h2>\n<table>\n<thead><tr><th></th><th></th><th>")
	w.text(in(totalLabel, w.lang))
	w.bw.WriteString("</th><th>")
	w.text(cols[5].Names.In(w.lang))
	w.bw.WriteString("</th><th>")
	w.text(cols[6].Names.In(w.lang))
	w.bw.WriteString("</th></tr></thead>\n<tbody>\n")
	line := func(dim, key string, total, std, conduct int) {
		w.bw.WriteString("<tr><td>")
		w.text(dim)
		w.bw.WriteString("</td><td>")
		w.text(key)
		fmt.Fprintf(w.bw, "</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td></tr>\n", total, std, conduct)
	}
	line(in(totalLabel, w.lang), "", s.Total, s.StandardViolation, s.EmployeeConduct)
	for _, dim := range []struct {
		col    reports.Column
		counts []reports.Count
	}{{cols[3], s.ByRegion}, {cols[9], s.ByBody}, {cols[10], s.ByService}} {
		for _, n := range dim.counts {
			line(dim.col.Names.In(w.lang), label(n.Label.In(w.lang), n.Key), n.Total, n.StandardViolation, n.EmployeeConduct)
		}
	}
	w.bw.WriteString("</tbody>\n</table>\n")
	if len(s.ByRegion) > 0 {
		svg, err := Chart(s, w.lang)
		if err != nil {
			return err
		}
		w.bw.WriteString("<figure>\n")
		w.bw.Write(svg)
		w.bw.WriteString("\n<figcaption>")
		w.text(in(chartLabel, w.lang))
		w.bw.WriteString("</figcaption>\n</figure>\n")
	}
	w.bw.WriteString("</body>\n</html>\n")
	return w.bw.Flush()
}

// Chart draws the month's appeals by region, one bar per nature, as an SVG
// document with no external references.
func Chart(s *reports.Summary, lang string) ([]byte, error) {
	regions := make([]string, len(s.ByRegion))
	std := make([]float64, len(s.ByRegion))
	conduct := make([]float64, len(s.ByRegion))
	for i, c := range s.ByRegion {
		regions[i], std[i], conduct[i] = c.Key, float64(c.StandardViolation), float64(c.EmployeeConduct)
	}
	cols := reports.Appendix2Columns
	p, err := charts.BarRender([][]float64{std, conduct},
		charts.SVGOutputOptionFunc(),
		charts.DimensionsOptionFunc(900, 420),
		charts.TitleTextOptionFunc(in(chartLabel, lang)),
		charts.XAxisLabelsOptionFunc(regions),
		charts.LegendLabelsOptionFunc([]string{cols[5].Names.In(lang), cols[6].Names.In(lang)}),
		func(o *charts.ChartOption) {
			o.Legend.Offset = charts.OffsetRight
			o.Legend.Vertical = charts.Ptr(true)
		},
	)
	if err != nil {
		return nil, fmt.Errorf("htmlreport: chart: %w", err)
	}
	svg, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("htmlreport: chart: %w", err)
	}
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:] // inline: no XML declaration
	}
	return svg, nil
}

var _ reports.Writer = (*Writer)(nil)
