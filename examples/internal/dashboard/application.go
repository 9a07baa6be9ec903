package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

func rule472(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules472, p) }

// statusClass is a status's CSS class and data-status value. The page never
// shows a status by colour alone: each node also prints its label.
func statusClass(s chain.Status) string {
	switch s {
	case chain.StatusWaiting:
		return "waiting"
	case chain.StatusRouted:
		return "routed"
	case chain.StatusInProgress:
		return "in-progress"
	case chain.StatusCompleted:
		return "completed"
	case chain.StatusRefused:
		return "refused"
	case chain.StatusStopped:
		return "stopped"
	}
	return "unknown"
}

// The graph's geometry, in SVG user units.
const (
	nodeW, nodeH = 260, 88
	colGap       = 70
	rowGap       = 24
	pad          = 12
)

// node is one component in the graph.
type node struct {
	ID, Status, Class, Due string
	Lines                  []string // the name, wrapped
	Title                  string   // the full name
	StatusLabel            string
	Overdue                bool
	X, Y                   int
}

// TextX and the line positions place the node's text.
func (n node) TextX() int      { return n.X + 10 }
func (n node) LineY(i int) int { return n.Y + 20 + 16*i }
func (n node) StatusY() int    { return n.Y + 58 }
func (n node) DueY() int       { return n.Y + 76 }

// edge is an arrow from a prerequisite to its dependant.
type edge struct {
	From, To       string
	X1, Y1, X2, Y2 int
}

// graph is the application's components laid out by DAG level.
type graph struct {
	Width, Height int
	Nodes         []node
	Edges         []edge
}

// layout places each component in the column of its level (the longest
// chain of prerequisites before it) and draws an arrow per prerequisite.
func layout(def *chain.Definition, comps []chain.UCCComponent, lang string) graph {
	level := map[string]int{}
	var levelOf func(id string) int
	levelOf = func(id string) int {
		if l, ok := level[id]; ok {
			return l
		}
		level[id] = 0 // the definition is acyclic (chain validates it); this guards the recursion anyway
		c, _ := def.Component(id)
		l := 0
		for _, p := range c.Requires {
			l = max(l, levelOf(p.Component)+1)
		}
		level[id] = l
		return l
	}
	rows := map[int]int{}
	pos := map[string]node{}
	var g graph
	for _, cv := range comps {
		l := levelOf(cv.ID)
		n := node{ID: cv.ID, Status: cv.Status.String(), Class: statusClass(cv.Status), StatusLabel: cv.StatusLabel, Title: cv.Name,
			Lines: wrap(cv.Name, 36, 2), Overdue: cv.Overdue, X: pad + l*(nodeW+colGap), Y: pad + rows[l]*(nodeH+rowGap)}
		if !cv.Due.IsZero() {
			n.Due = translate(lang, "app.due") + " " + cv.Due.Format(time.DateOnly)
		}
		rows[l]++
		pos[cv.ID] = n
		g.Nodes = append(g.Nodes, n)
		g.Width = max(g.Width, n.X+nodeW+pad)
		g.Height = max(g.Height, n.Y+nodeH+pad)
	}
	for _, cv := range comps {
		c, _ := def.Component(cv.ID)
		to := pos[cv.ID]
		for _, p := range c.Requires {
			from, ok := pos[p.Component]
			if !ok {
				continue
			}
			g.Edges = append(g.Edges, edge{From: p.Component, To: cv.ID, X1: from.X + nodeW, Y1: from.Y + nodeH/2, X2: to.X - 2, Y2: to.Y + nodeH/2})
		}
	}
	return g
}

// wrap breaks s into at most n lines of about width runes, at spaces,
// ending the last with "…" when s is longer.
func wrap(s string, width, n int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	if len(out) > n {
		out = out[:n]
		r := []rune(out[n-1])
		if len(r) > width-1 {
			r = r[:width-1]
		}
		out[n-1] = string(r) + "…"
	}
	return out
}

// loadApplication returns the application if p may see it; one p may not
// see is not found, exactly like a missing one.
func (h *handler) loadApplication(ctx context.Context, p auth.Principal, id string) (*chain.Application, error) {
	a, err := h.Applications.GetApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	if !(scope{p}).application(a) {
		auth.Denied(ctx)
		return nil, notFound("application " + id)
	}
	return a, nil
}

// mayRecord reports whether p may record a result of component cs: the
// UCC operator, or the responsible person of its provider.
func mayRecord(p auth.Principal, cs *chain.ComponentState) bool {
	return p.Role == auth.Operator || (p.Role == auth.BodyPerson && p.BodyID == cs.ProviderID)
}

// resultForm is the form that records component c's result (Rules472 p.4,
// p.7, p.11, p.13).
func resultForm(appID string, c chain.Component, name, lang string, now time.Time) form {
	t := func(k string) string { return translate(lang, k) }
	f := form{ID: "result-" + c.ID, Title: t("app.record-result") + ": " + name, Action: "/ui/applications/" + appID + "/result",
		Submit: t("app.record"), Hidden: []hidden{{"component", c.ID}}, Citation: rule472(4).String()}
	ch := field{Name: "channel", Label: t("app.channel"), Type: "select", Required: true}
	for i, c := range c.Result.Channels {
		ch.Options = append(ch.Options, option{Value: string(c), Label: t("channel." + string(c)), Selected: i == 0})
	}
	f.Fields = append(f.Fields,
		field{Name: "at", Label: t("form.at"), Type: "datetime-local", Value: now.Format(localLayout + ":05"), Required: true},
		ch,
		field{Name: "reference", Label: t("app.reference") + " (" + c.Result.Form + ")", Type: "text", Required: true})
	for _, p := range c.Produces {
		f.Fields = append(f.Fields, field{Name: "fields." + p, Label: p, Type: "text", Required: true, Hint: t("app.produces")})
	}
	return f
}

func (h *handler) application(w http.ResponseWriter, r *http.Request) {
	h.showApplication(w, r, http.StatusOK, "", nil, nil)
}

// showApplication renders the application; after a failed result it shows
// that component's form with the errors and the submitted values.
func (h *handler) showApplication(w http.ResponseWriter, r *http.Request, status int, failed string, values url.Values, errs []formError) {
	pg := h.newPage(w, r, "app.title")
	ctx := r.Context()
	a, err := h.loadApplication(ctx, pg.Principal, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	def, err := h.Router.Definition(ctx, a.DefinitionID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.Router.ForUCC(ctx, a.ID, pg.Lang)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var forms []form
	for _, cv := range v.Components {
		cs := a.Component(cv.ID)
		if cs.Status != chain.StatusInProgress || !mayRecord(pg.Principal, cs) {
			continue
		}
		c, _ := def.Component(cv.ID)
		now := h.Clock.Now()
		if loc, err := time.LoadLocation(cs.Zone); err == nil {
			now = now.In(loc)
		}
		f := resultForm(a.ID, c, cv.Name, pg.Lang, now)
		if cv.ID == failed {
			f = f.withInput(values, errs)
		}
		forms = append(forms, f)
	}
	var orphan []formError // errors about a component that has no form (any more)
	if failed != "" && !containsForm(forms, "result-"+failed) {
		orphan = errs
	}
	pg.Status = status
	h.render(w, "application", status, struct {
		page
		V       *chain.UCCView
		Graph   graph
		Forms   []form
		Errors  []formError
		Citizen bool
	}{pg, v, layout(def, v.Components, pg.Lang), forms, orphan, pg.Principal.Role == auth.Citizen})
}

func containsForm(forms []form, id string) bool {
	for _, f := range forms {
		if f.ID == id {
			return true
		}
	}
	return false
}

func (h *handler) applicationResult(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, _ := auth.FromContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, deadlines.Invalid(deadlines.Citation{}, "form", "cannot read the form"))
		return
	}
	a, err := h.loadApplication(ctx, p, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := r.PostForm
	id := v.Get("component")
	cs := a.Component(id)
	if cs == nil || !mayRecord(p, cs) {
		if cs != nil {
			auth.Denied(ctx)
		}
		h.fail(w, r, notFound("component "+id))
		return
	}
	loc, err := time.LoadLocation(cs.Zone)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	at, err := parseLocal(rule472(4), "at", v.Get("at"), loc)
	if err == nil {
		fields := map[string]string{}
		for k := range v {
			if name, ok := strings.CutPrefix(k, "fields."); ok {
				fields[name] = strings.TrimSpace(v.Get(k))
			}
		}
		_, err = h.Router.Complete(ctx, a.ID, id, chain.Issued{Channel: chain.Channel(v.Get("channel")), Reference: strings.TrimSpace(v.Get("reference")),
			Fields: fields, At: at, Actor: p.Name})
	}
	if err != nil {
		status := httpx.Status(err)
		if status == http.StatusInternalServerError || status == http.StatusNotFound {
			h.fail(w, r, err)
			return
		}
		errs := ruleErrors(err)
		if len(errs) == 0 {
			errs = []formError{{Message: err.Error()}}
		}
		h.showApplication(w, r, status, id, v, errs)
		return
	}
	http.Redirect(w, r, "/ui/applications/"+a.ID, http.StatusSeeOther)
}
