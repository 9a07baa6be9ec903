package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
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
	c := a.Clone()
	// The store's own history array, with the caller's spare capacity, so
	// later updates append in place (see UpdateApplication).
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
// nothing. Beforehand s.appUndo saves what fn may change in place — the
// fields, the components (with their timers), the data, and the appeals —
// into buffers reused by every update; it puts them back when fn fails.
// What the domain only appends to (history, timer ledgers) grows past the
// saved lengths, which restoring the fields hides. Values handed out are
// deep copies, so nothing outside ever shares this memory.
func (s *Store) UpdateApplication(_ context.Context, id string, fn func(*chain.Application) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.applications[id]
	if !ok {
		return notFound("application", id)
	}
	u := &s.appUndo
	u.save(a)
	events := len(a.History)
	if err := fn(a); err != nil {
		u.restore(a)
		return err
	}
	if a.ID != id {
		u.restore(a)
		return fmt.Errorf("memory: application %q: the update changed its id: %w", id, chain.ErrInvalid)
	}
	if !s.journal.off {
		if err := s.journal.audit("applications", id, a, false, applicationChange(a.History, events), applicationEvents(a.History, events)); err != nil {
			u.restore(a)
			return err
		}
	}
	for i := range a.Components {
		c := &a.Components[i]
		if i >= len(u.components) || !sameSlice(u.components[i].Timer.Schedule, c.Timer.Schedule) {
			s.indexTimers(&c.Timer)
		}
		for j := range c.Appeals {
			s.indexTimers(&c.Appeals[j].Timer)
		}
	}
	return nil
}

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

// applicationUndo is what an UpdateApplication closure may change in
// place, saved into buffers that every update reuses (under s.mu).
type applicationUndo struct {
	app        chain.Application
	components []chain.ComponentState
	data       map[string]string
	appeals    [][]chain.AppealCase
}

func (u *applicationUndo) save(a *chain.Application) {
	u.app = *a
	u.components = append(u.components[:0], a.Components...)
	if u.data == nil {
		u.data = map[string]string{}
	}
	clear(u.data)
	maps.Copy(u.data, a.Data)
	for len(u.appeals) < len(a.Components) {
		u.appeals = append(u.appeals, nil)
	}
	for i := range a.Components {
		u.appeals[i] = append(u.appeals[i][:0], a.Components[i].Appeals...)
	}
}

func (u *applicationUndo) restore(a *chain.Application) {
	*a = u.app
	copy(a.Components, u.components)
	if a.Data != nil {
		clear(a.Data)
		maps.Copy(a.Data, u.data)
	}
	for i := range a.Components {
		copy(a.Components[i].Appeals, u.appeals[i])
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
