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
	s.definitions[d.ID] = d.Clone()
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

// UpdateApplication implements chain.Store.
func (s *Store) UpdateApplication(_ context.Context, id string, fn func(*chain.Application) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.applications[id]
	if !ok {
		return notFound("application", id)
	}
	work := workCopy(a)
	if err := fn(work); err != nil {
		return err
	}
	if work.ID != id {
		return fmt.Errorf("memory: application %q: the update changed its id: %w", id, chain.ErrInvalid)
	}
	s.applications[id] = work
	s.indexTimers(work.Timers()...)
	return nil
}

// workCopy is the copy an update closure changes. The stored application
// is never changed in place and never handed out, so the copy may share
// what the domain only appends to or replaces whole: the signed bytes,
// facts, result and refusal values, timer ledgers and schedules (clipped,
// so an append reallocates), and the history's spare capacity (updates are
// serialized by s.mu, and the stored copy never reads past its length).
// Components and data, which the domain changes in place, are copied.
func workCopy(a *chain.Application) *chain.Application {
	c := *a
	c.Data = maps.Clone(a.Data)
	c.Components = slices.Clone(a.Components)
	for i := range c.Components {
		s := &c.Components[i]
		s.Timer = *s.Timer.Clone()
		if len(s.Appeals) > 0 {
			s.Appeals = slices.Clone(s.Appeals)
			for j := range s.Appeals {
				s.Appeals[j].Timer = *s.Appeals[j].Timer.Clone()
			}
		}
	}
	return &c
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
