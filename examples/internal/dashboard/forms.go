package dashboard

import (
	"net/url"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// form is a server-rendered HTML form: the fields are named after the
// domain's input fields, so a *deadlines.RuleError's Field marks the input
// it is about.
type form struct {
	ID       string
	Title    string
	Action   string
	Submit   string
	Hidden   []hidden
	Fields   []field
	Errors   []formError
	Citation string
}

type hidden struct{ Name, Value string }

type field struct {
	Name, Label, Type, Value, Hint, Error string
	Required                              bool
	Options                               []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// InputID is the field's element id.
func (f field) InputID() string {
	return "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(f.Name)
}

// withInput fills the fields with the submitted values and marks the
// fields the errors are about; errors about no shown field stay in the
// form's list only.
func (f form) withInput(values url.Values, errs []formError) form {
	f.Errors = errs
	for i := range f.Fields {
		fl := &f.Fields[i]
		if values != nil && values.Has(fl.Name) {
			fl.Value = values.Get(fl.Name)
			for j := range fl.Options {
				fl.Options[j].Selected = fl.Options[j].Value == fl.Value
			}
		}
		for _, e := range errs {
			if e.Field != "" && (e.Field == fl.Name || strings.HasPrefix(e.Field, fl.Name+".") || strings.HasPrefix(fl.Name, e.Field+".")) {
				fl.Error = e.Message
			}
		}
	}
	return f
}

// localLayout is what a datetime-local input sends.
const localLayout = "2006-01-02T15:04"

// parseLocal reads a datetime-local value in loc. A blank value is the
// zero time, which the domain reports as required under its rule.
func parseLocal(rule deadlines.Citation, field, v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{localLayout, localLayout + ":05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, deadlines.Invalid(rule, field, "a date and time such as 2025-03-20T10:00")
}

// lines splits a textarea into its non-blank lines.
func lines(v string) []string {
	var out []string
	for l := range strings.Lines(v) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
