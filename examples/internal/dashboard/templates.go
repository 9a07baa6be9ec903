package dashboard

import (
	"html/template"

	"github.com/qyzmet/qyzmet/reports"
)

// countsView is one summary table of the report page.
type countsView struct {
	Lang, Heading string
	Rows          []reports.Count
}

// T translates a message key into the table's language.
func (c countsView) T(key string) string { return translate(c.Lang, key) }

var funcs = template.FuncMap{
	"statusClass": statusClass,
	"counts": func(lang, key string, rows []reports.Count) countsView {
		return countsView{Lang: lang, Heading: translate(lang, key), Rows: rows}
	},
}

// pageNames are the page templates; each is parsed with the layout.
var pageNames = []string{"board", "onboarding", "application", "report", "calendar", "error"}

func parsePages() map[string]*template.Template {
	out := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}
