package storetest

import (
	"context"
	"sync"

	"github.com/qyzmet/qyzmet/chain"
)

// written is the chain.Store the suite's router writes through: it keeps a
// copy of each application as the domain last wrote it (what the router
// passed to CreateApplication, or left after a successful
// UpdateApplication closure), so the suite can compare what was written
// with what the adapter reads back. The router's commands answer receipts,
// not applications. The copies are meant for sequential tests: of two
// concurrent updates, either may be kept last.
type written struct {
	chain.Store
	mu   sync.Mutex
	apps map[string]*chain.Application
}

func newWritten(s chain.Store) *written {
	return &written{Store: s, apps: map[string]*chain.Application{}}
}

func (w *written) CreateApplication(ctx context.Context, a *chain.Application) error {
	if err := w.Store.CreateApplication(ctx, a); err != nil {
		return err
	}
	w.keep(a.Clone())
	return nil
}

func (w *written) UpdateApplication(ctx context.Context, id string, fn func(*chain.Application) error) error {
	var out *chain.Application
	err := w.Store.UpdateApplication(ctx, id, func(a *chain.Application) error {
		if err := fn(a); err != nil {
			return err
		}
		out = a.Clone()
		return nil
	})
	if err == nil {
		w.keep(out)
	}
	return err
}

func (w *written) keep(a *chain.Application) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.apps[a.ID] = a
}

// last returns a copy of the application id as last written.
func (w *written) last(id string) *chain.Application {
	w.mu.Lock()
	defer w.mu.Unlock()
	if a, ok := w.apps[id]; ok {
		return a.Clone()
	}
	return nil
}
