package chain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Channel is a form in which applications are accepted and results issued
// (Rules472 p.11, p.13).
type Channel string

// Channels.
const (
	Electronic Channel = "electronic"
	Paper      Channel = "paper"
)

// PaymentMethod is how a paid component is paid for (Rules472 p.6).
type PaymentMethod string

// Payment methods.
const (
	Cash    PaymentMethod = "cash"
	NonCash PaymentMethod = "non-cash"
)

// Fee is what a component costs (Rules472 p.6).
type Fee struct {
	Paid        bool            `json:"paid"`
	AmountTiyn  int64           `json:"amount_tiyn,omitempty"` // in tiyn (1/100 tenge), to stay exact
	Methods     []PaymentMethod `json:"methods,omitempty"`
	ReceiptForm string          `json:"receipt_form,omitempty"` // e.g. "payment order", "e-receipt from the payment gateway"
}

// Ground is a refusal ground of a component's by-laws (Rules472 p.10).
type Ground struct {
	Code  string          `json:"code"`
	Names deadlines.Names `json:"names"`
}

// Result is what a component issues and how (Rules472 p.4, p.11, p.13).
type Result struct {
	Form     string    `json:"form"` // e.g. "birth certificate"
	Channels []Channel `json:"channels"`
}

// Appeal is where and within what term a recipient appeals a component's
// result or refusal (Rules472 p.12).
type Appeal struct {
	Route string         `json:"route"` // the body that hears it, or "court"
	Term  deadlines.Term `json:"term"`
}

// Condition switches a component to another term, for example a longer
// term when the application is filed late (Rules472 p.5).
type Condition struct {
	When string         `json:"when"` // a fact key set on the application, e.g. "filed_late"
	Term deadlines.Term `json:"term"`
}

// Prerequisite says that a component needs another's result, and which of
// its result fields enrich the application for it (Rules472 p.7).
type Prerequisite struct {
	Component string   `json:"component"`
	Fields    []string `json:"fields,omitempty"`
}

// Component is one state service of a composite service.
type Component struct {
	ID           string          `json:"id"`
	ServiceID    string          `json:"service_id"` // the Register entry
	ProviderID   string          `json:"provider_id"`
	Names        deadlines.Names `json:"names"`
	Term         deadlines.Term  `json:"term"` // counted from receipt by the provider (p.5)
	Conditions   []Condition     `json:"conditions,omitempty"`
	Fee          Fee             `json:"fee"`
	Grounds      []Ground        `json:"grounds"`
	Result       Result          `json:"result"`
	Produces     []string        `json:"produces,omitempty"` // result fields other components may need
	Appeal       Appeal          `json:"appeal"`
	RequiredData []string        `json:"required_data,omitempty"` // data needed from state information systems (p.3)
	Requires     []Prerequisite  `json:"requires,omitempty"`
}

// TermFor returns the component's term for an application with the given
// facts: the first condition whose fact is set, else the default term.
func (c Component) TermFor(facts map[string]bool) deadlines.Term {
	for _, cond := range c.Conditions {
		if facts[cond.When] {
			return cond.Term
		}
	}
	return c.Term
}

// Definition is a composite service: a directed acyclic graph of component
// services delivered on one application (Rules472 p.2).
type Definition struct {
	ID         string          `json:"id"`
	Names      deadlines.Names `json:"names"`
	Components []Component     `json:"components"`
}

// Component returns the component with the ID, or false.
func (d *Definition) Component(id string) (Component, bool) {
	i := slices.IndexFunc(d.Components, func(c Component) bool { return c.ID == id })
	if i < 0 {
		return Component{}, false
	}
	return d.Components[i], true
}

// Roots are the components with no prerequisite: the application goes to
// their providers first (Rules472 p.7).
func (d *Definition) Roots() []string {
	var out []string
	for _, c := range d.Components {
		if len(c.Requires) == 0 {
			out = append(out, c.ID)
		}
	}
	return out
}

// Dependants returns the components that need the result of id, directly.
func (d *Definition) Dependants(id string) []string {
	var out []string
	for _, c := range d.Components {
		if slices.ContainsFunc(c.Requires, func(p Prerequisite) bool { return p.Component == id }) {
			out = append(out, c.ID)
		}
	}
	return out
}

// ParseDefinition decodes a definition from JSON strictly (unknown fields
// and trailing data are errors) and validates it.
func ParseDefinition(b []byte) (*Definition, error) {
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, &deadlines.RuleError{Rule: rule(2), Field: "definition", Err: fmt.Errorf("%w: %v", ErrInvalid, err)}
	}
	if dec.More() {
		return nil, deadlines.Invalid(rule(2), "definition", "trailing data after the JSON document")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Builder assembles a Definition in Go.
type Builder struct{ d Definition }

// NewBuilder starts a definition.
func NewBuilder(id string, names deadlines.Names) *Builder {
	return &Builder{d: Definition{ID: id, Names: names}}
}

// Add appends components.
func (b *Builder) Add(cs ...Component) *Builder {
	b.d.Components = append(b.d.Components, cs...)
	return b
}

// Definition validates and returns the definition.
func (b *Builder) Definition() (*Definition, error) {
	d := b.d
	d.Components = slices.Clone(b.d.Components)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Validate reports every problem at once, each a *deadlines.RuleError
// naming the Rules472 point and the field: duplicate or unknown components,
// cycles (with their path), enrichment fields a prerequisite does not
// produce, missing or invalid terms, inconsistent fees, refusal grounds,
// result channels and appeals.
func (d *Definition) Validate() error {
	var errs []error
	bad := func(p int, field, msg string) { errs = append(errs, deadlines.Invalid(rule(p), field, msg)) }
	if strings.TrimSpace(d.ID) == "" {
		bad(2, "id", "required")
	}
	if d.Names.KK == "" || d.Names.RU == "" {
		bad(2, "names", "the Kazakh and Russian names are required")
	}
	if len(d.Components) < 2 {
		bad(2, "components", "a composite service has at least two component services")
	}
	byID := make(map[string]*Component, len(d.Components))
	for i := range d.Components {
		c := &d.Components[i]
		f := "components[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(c.ID) == "" {
			bad(2, f+".id", "required")
		} else if _, dup := byID[c.ID]; dup {
			bad(2, f+".id", "duplicate component "+strconv.Quote(c.ID))
		} else {
			byID[c.ID] = c
		}
	}
	for i, c := range d.Components {
		errs = append(errs, c.validate(i, byID)...)
	}
	if cycle := findCycle(d.Components, byID); cycle != nil {
		bad(7, "requires", "cycle "+strings.Join(cycle, " → ")+": the application must go first to a provider whose result is a prerequisite")
	}
	return errors.Join(errs...)
}

func (c Component) validate(i int, byID map[string]*Component) []error {
	var errs []error
	// The field prefix is built only when there is something to report.
	prefix := func() string { return "components[" + strconv.Itoa(i) + "]" }
	bad := func(p int, field, msg string) {
		errs = append(errs, deadlines.Invalid(rule(p), prefix()+"."+field, msg))
	}
	if c.ServiceID == "" {
		bad(2, "service_id", "the component's state service is required")
	}
	if c.ProviderID == "" {
		bad(2, "provider_id", "the provider is required")
	}
	if c.Names.KK == "" || c.Names.RU == "" {
		bad(9, "names", "the recipient sees each component: Kazakh and Russian names are required")
	}
	if c.Term.Kind == 0 {
		bad(5, "term", "each component's term is set by its by-laws: required")
	} else if err := c.Term.Validate(); err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(5), Field: prefix() + ".term", Err: err})
	}
	for j, cond := range c.Conditions {
		cf := "conditions[" + strconv.Itoa(j) + "]" // conditions are few
		if strings.TrimSpace(cond.When) == "" {
			bad(5, cf+".when", "a conditional term names its fact")
		}
		if err := cond.Term.Validate(); err != nil {
			errs = append(errs, &deadlines.RuleError{Rule: rule(5), Field: prefix() + "." + cf + ".term", Err: err})
		}
	}
	switch {
	case c.Fee.Paid && c.Fee.AmountTiyn <= 0:
		bad(6, "fee.amount_tiyn", "a paid component has a positive cost")
	case c.Fee.Paid && len(c.Fee.Methods) == 0:
		bad(6, "fee.methods", "a paid component names its payment methods (cash, non-cash)")
	case c.Fee.Paid && c.Fee.ReceiptForm == "":
		bad(6, "fee.receipt_form", "a paid component names the form of its receipt")
	case !c.Fee.Paid && (c.Fee.AmountTiyn != 0 || len(c.Fee.Methods) > 0):
		bad(6, "fee", "a free component has no cost or payment methods")
	}
	for _, m := range c.Fee.Methods {
		if m != Cash && m != NonCash {
			bad(6, "fee.methods", "unknown payment method "+strconv.Quote(string(m)))
		}
	}
	if len(c.Grounds) == 0 {
		bad(10, "grounds", "a provider refuses only on the grounds of the by-laws: list them")
	}
	for j, g := range c.Grounds {
		if g.Code == "" || slices.ContainsFunc(c.Grounds[:j], func(o Ground) bool { return o.Code == g.Code }) {
			bad(10, "grounds["+strconv.Itoa(j)+"].code", "a unique code is required")
		}
	}
	if c.Result.Form == "" {
		bad(11, "result.form", "required")
	}
	if len(c.Result.Channels) == 0 {
		bad(13, "result.channels", "electronic and/or paper")
	}
	for _, ch := range c.Result.Channels {
		if ch != Electronic && ch != Paper {
			bad(13, "result.channels", "unknown channel "+strconv.Quote(string(ch)))
		}
	}
	if c.Appeal.Route == "" {
		bad(12, "appeal.route", "the body (or court) that hears an appeal is required")
	}
	if err := c.Appeal.Term.Validate(); err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(12), Field: prefix() + ".appeal.term", Err: err})
	}
	for j, p := range c.Requires {
		pf := func() string { return "requires[" + strconv.Itoa(j) + "]" }
		pre, ok := byID[p.Component]
		switch {
		case !ok:
			bad(7, pf()+".component", "unknown component "+strconv.Quote(p.Component))
		case p.Component == c.ID:
			bad(7, pf()+".component", "a component cannot require itself")
		default:
			for _, field := range p.Fields {
				if !slices.Contains(pre.Produces, field) {
					bad(7, pf()+".fields", fmt.Sprintf("%q does not produce %q", pre.ID, field))
				}
			}
		}
	}
	return errs
}

// findCycle returns one cycle of the prerequisite graph as a path that
// starts and ends at the same component, or nil. It numbers the components
// once and walks depth first without recursion, so a long chain cannot
// exhaust the stack.
func findCycle(cs []Component, byID map[string]*Component) []string {
	index := make(map[string]int, len(cs))
	for i, c := range cs {
		if byID[c.ID] == &cs[i] { // the first of duplicates
			index[c.ID] = i
		}
	}
	edges := make([][]int, len(cs))
	for i, c := range cs {
		for _, p := range c.Requires {
			if j, ok := index[p.Component]; ok && j != i { // unknown and self edges are reported elsewhere
				edges[i] = append(edges[i], j)
			}
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]uint8, len(cs))
	type frame struct{ node, next int }
	var stack []frame
	for start := range cs {
		if state[start] != unseen {
			continue
		}
		stack = append(stack[:0], frame{node: start})
		state[start] = onPath
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(edges[top.node]) {
				state[top.node] = done
				stack = stack[:len(stack)-1]
				continue
			}
			dep := edges[top.node][top.next]
			top.next++
			switch state[dep] {
			case onPath:
				i := slices.IndexFunc(stack, func(f frame) bool { return f.node == dep })
				path := make([]string, 0, len(stack)-i+1)
				for _, f := range stack[i:] {
					path = append(path, cs[f.node].ID)
				}
				return append(path, cs[dep].ID)
			case unseen:
				state[dep] = onPath
				stack = append(stack, frame{node: dep})
			}
		}
	}
	return nil
}

// Order returns the component IDs in the order the recipient sees them
// (Rules472 p.9): every component after its prerequisites, ties kept in
// definition order. On a definition with a cycle, the components on it
// come last in definition order.
func (d *Definition) Order() []string {
	index := make(map[string]int, len(d.Components))
	for i, c := range d.Components {
		index[c.ID] = i
	}
	indeg := make([]int, len(d.Components))
	next := make([][]int, len(d.Components))
	for i, c := range d.Components {
		for _, p := range c.Requires {
			if j, ok := index[p.Component]; ok && j != i {
				indeg[i]++
				next[j] = append(next[j], i)
			}
		}
	}
	out := make([]string, 0, len(d.Components))
	placed := make([]bool, len(d.Components))
	for len(out) < len(d.Components) {
		progress := false
		for i, c := range d.Components {
			if placed[i] || indeg[i] > 0 {
				continue
			}
			placed[i], progress = true, true
			out = append(out, c.ID)
			for _, j := range next[i] {
				indeg[j]--
			}
			break // restart from the first component to keep definition order
		}
		if !progress {
			for i, c := range d.Components {
				if !placed[i] {
					out = append(out, c.ID)
				}
			}
		}
	}
	return out
}

// ancestors returns the components whose results id needs, directly or
// not.
func (d *Definition) ancestors(id string) []string {
	var out []string
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		c, _ := d.Component(queue[0])
		queue = queue[1:]
		for _, p := range c.Requires {
			if !seen[p.Component] {
				seen[p.Component] = true
				out = append(out, p.Component)
				queue = append(queue, p.Component)
			}
		}
	}
	return out
}

// Clone returns a deep copy of d.
func (d *Definition) Clone() *Definition {
	c := *d
	c.Components = make([]Component, len(d.Components))
	for i, x := range d.Components {
		x.Conditions = slices.Clone(x.Conditions)
		x.Fee.Methods = slices.Clone(x.Fee.Methods)
		x.Grounds = slices.Clone(x.Grounds)
		x.Result.Channels = slices.Clone(x.Result.Channels)
		x.Produces = slices.Clone(x.Produces)
		x.RequiredData = slices.Clone(x.RequiredData)
		x.Requires = slices.Clone(x.Requires)
		for j := range x.Requires {
			x.Requires[j].Fields = slices.Clone(x.Requires[j].Fields)
		}
		c.Components[i] = x
	}
	return &c
}
