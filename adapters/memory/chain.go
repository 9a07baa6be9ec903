package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/qyzmet/qyzmet/chain"
)

var _ chain.Store = (*Store)(nil)

// CreateDefinition implements chain.Store.
func (s *Store) CreateDefinition(_ context.Context, d *chain.Definition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.definitions[d.ID]; ok {
		return conflict("definition", d.ID)
	}
	c := d.Clone()
	if !s.journal.off {
		if err := s.journal.audit("definitions", d.ID, c, true, nil, nil); err != nil {
			return err
		}
	}
	s.definitions[d.ID] = c
	return nil
}

// GetDefinition implements chain.Store.
func (s *Store) GetDefinition(_ context.Context, id string) (*chain.Definition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.definitions[id]
	if !ok {
		return nil, notFound("definition", id)
	}
	return d.Clone(), nil
}

// ListDefinitions implements chain.Store.
func (s *Store) ListDefinitions(context.Context) ([]*chain.Definition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*chain.Definition, 0, len(s.definitions))
	for _, d := range s.definitions {
		out = append(out, d.Clone())
	}
	slices.SortFunc(out, func(a, b *chain.Definition) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// CreateApplication implements chain.Store.
func (s *Store) CreateApplication(_ context.Context, a *chain.Application) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.applications[a.ID]; ok {
		return conflict("application", a.ID)
	}
	// The store's own history array, with the caller's spare capacity, so
	// later updates append in place (see UpdateApplication); the rest is a
	// clone.
	in := *a
	in.History = nil
	c := in.Clone()
	c.History = append(make([]chain.Event, 0, cap(a.History)), a.History...)
	if !s.journal.off {
		if err := s.journal.audit("applications", a.ID, c, true, applicationChange(c.History, 0), applicationEvents(c.History, 0)); err != nil {
			return err
		}
	}
	s.applications[a.ID] = c
	s.indexTimers(c.Timers()...)
	return nil
}

// GetApplication implements chain.Store.
func (s *Store) GetApplication(_ context.Context, id string) (*chain.Application, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.applications[id]
	if !ok {
		return nil, notFound("application", id)
	}
	return a.Clone(), nil
}

// UpdateApplication implements chain.Store. fn changes the stored
// application in place under the lock, so a successful update copies
// nothing. Beforehand an undo record saves what fn may change in place —
// the fields, the components (with their timers), the data, and the
// appeals — and puts it back when fn fails or panics. The record lives on
// the stack for applications of up to undoComponents components, so
// saving it needs no write barriers. What the domain only appends to
// (history, timer ledgers) grows past the saved lengths, which restoring
// the fields hides. Values handed out are deep copies, so nothing outside
// ever shares this memory.
func (s *Store) UpdateApplication(_ context.Context, id string, fn func(*chain.Application) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.applications[id]
	if !ok {
		return notFound("application", id)
	}
	// On the stack: saving into it needs no write barriers. Plain local
	// slices (no struct, no pointer receiver) keep the arrays there.
	var (
		componentsBuf [undoComponents]chain.ComponentState
		dataBuf       [undoData]dataEntry
		appealsBuf    [undoAppeals]chain.AppealCase
	)
	fields := *a
	components := append(componentsBuf[:0], a.Components...)
	data := dataBuf[:0]
	for k, v := range a.Data {
		data = append(data, dataEntry{k, v})
	}
	appeals := appealsBuf[:0]
	for i := range a.Components {
		appeals = append(appeals, a.Components[i].Appeals...)
	}
	saved := false
	defer func() {
		if !saved {
			restoreApplication(a, &fields, components, data, appeals)
		}
	}()
	events := len(a.History)
	if err := fn(a); err != nil {
		return err
	}
	if a.ID != id {
		return fmt.Errorf("memory: application %q: the update changed its id: %w", id, chain.ErrInvalid)
	}
	if !s.journal.off {
		if err := s.journal.audit("applications", id, a, false, applicationChange(a.History, events), applicationEvents(a.History, events)); err != nil {
			return err
		}
	}
	saved = true
	for i := range a.Components {
		c := &a.Components[i]
		if i >= len(components) || !sameSlice(components[i].Timer.Schedule, c.Timer.Schedule) {
			s.indexTimers(&c.Timer)
		}
		for j := range c.Appeals {
			s.indexTimers(&c.Appeals[j].Timer)
		}
	}
	return nil
}

// Sizes of the undo record's arrays on the stack; larger applications
// spill to the heap.
const (
	undoComponents = 8
	undoData       = 16
	undoAppeals    = 4
)

// applicationChange is the newest event of h from index before on, or nil.
func applicationChange(h []chain.Event, before int) *change {
	if len(h) <= before {
		return nil
	}
	e := h[len(h)-1]
	return &change{typ: e.Type, actor: e.Actor, rule: e.Rule.String()}
}

// applicationEvents are the events of h from index from on.
func applicationEvents(h []chain.Event, from int) []event {
	var out []event
	for i := from; i < len(h); i++ {
		out = append(out, event{typ: h[i].Type, seq: i + 1, value: h[i]})
	}
	return out
}

type dataEntry struct{ k, v string }

// restoreApplication puts back what UpdateApplication saved: the fields,
// the components' elements, the data and the appeals' elements. What the
// domain only appends to grows past the saved lengths, which restoring the
// fields hides.
func restoreApplication(a, fields *chain.Application, components []chain.ComponentState, data []dataEntry, appeals []chain.AppealCase) {
	*a = *fields
	copy(a.Components, components)
	if a.Data != nil {
		clear(a.Data)
		for _, e := range data {
			a.Data[e.k] = e.v
		}
	}
	for i := range a.Components {
		n := copy(a.Components[i].Appeals, appeals)
		appeals = appeals[n:]
	}
}

// ListApplications implements chain.Store.
func (s *Store) ListApplications(_ context.Context, f chain.ApplicationFilter) ([]*chain.Application, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*chain.Application
	for _, a := range s.applications {
		if f.Match(a) {
			out = append(out, a.Clone())
		}
	}
	slices.SortFunc(out, func(a, b *chain.Application) int {
		return cmp.Or(a.SubmittedAt.Compare(b.SubmittedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
