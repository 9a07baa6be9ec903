package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

var _ onboarding.Store = (*Store)(nil)

func notFound(kind, id string) error {
	return fmt.Errorf("memory: %s %q: %w", kind, id, onboarding.ErrNotFound)
}
func conflict(kind, id string) error {
	return fmt.Errorf("memory: %s %q: %w", kind, id, onboarding.ErrConflict)
}

// CreateBody implements onboarding.Catalogue.
func (s *Store) CreateBody(_ context.Context, b onboarding.Body) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bodies[b.ID]; ok {
		return conflict("body", b.ID)
	}
	if _, ok := s.unique["bin:"+b.BIN]; ok {
		return conflict("body with BIN", b.BIN)
	}
	if !s.journal.off {
		if err := s.journal.audit("bodies", b.ID, b, true, nil, nil); err != nil {
			return err
		}
	}
	s.bodies[b.ID] = b
	s.unique["bin:"+b.BIN] = b.ID
	return nil
}

// GetBody implements onboarding.Catalogue.
func (s *Store) GetBody(_ context.Context, id string) (onboarding.Body, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bodies[id]
	if !ok {
		return onboarding.Body{}, notFound("body", id)
	}
	return b, nil
}

// ListBodies implements onboarding.Catalogue.
func (s *Store) ListBodies(context.Context) ([]onboarding.Body, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.SortedFunc(maps.Values(s.bodies), func(a, b onboarding.Body) int { return cmp.Compare(a.ID, b.ID) }), nil
}

func cloneService(v onboarding.StateService) onboarding.StateService {
	v.ActChanges = slices.Clone(v.ActChanges)
	v.Providers = slices.Clone(v.Providers)
	return v
}

// CreateService implements onboarding.Catalogue.
func (s *Store) CreateService(_ context.Context, v onboarding.StateService) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.services[v.ID]; ok {
		return conflict("service", v.ID)
	}
	if _, ok := s.unique["register:"+v.RegisterNumber]; ok {
		return conflict("service with register number", v.RegisterNumber)
	}
	if !s.journal.off {
		if err := s.journal.audit("services", v.ID, v, true, nil, nil); err != nil {
			return err
		}
	}
	s.services[v.ID] = cloneService(v)
	s.unique["register:"+v.RegisterNumber] = v.ID
	return nil
}

// GetService implements onboarding.Catalogue.
func (s *Store) GetService(_ context.Context, id string) (onboarding.StateService, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.services[id]
	if !ok {
		return onboarding.StateService{}, notFound("service", id)
	}
	return cloneService(v), nil
}

// ListServices implements onboarding.Catalogue.
func (s *Store) ListServices(context.Context) ([]onboarding.StateService, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]onboarding.StateService, 0, len(s.services))
	for _, v := range s.services {
		out = append(out, cloneService(v))
	}
	slices.SortFunc(out, func(a, b onboarding.StateService) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// CreateOnboarding implements onboarding.Onboardings.
func (s *Store) CreateOnboarding(_ context.Context, o *onboarding.Onboarding) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.onboardings[o.ID]; ok {
		return conflict("onboarding", o.ID)
	}
	pair := "onboarding:" + o.ServiceID + "/" + o.BodyID
	if _, ok := s.unique[pair]; ok {
		return conflict("onboarding of service "+o.ServiceID+" with body", o.BodyID)
	}
	c := o.Clone()
	if !s.journal.off {
		if err := s.journal.audit("onboardings", o.ID, c, true, onboardingChange(c.History, 0), onboardingEvents(c.History, 0)); err != nil {
			return err
		}
	}
	s.onboardings[o.ID] = c
	s.unique[pair] = o.ID
	if scheduled(c.Timers) {
		s.scheduled[c.ID] = c
	}
	return nil
}

// GetOnboarding implements onboarding.Onboardings.
func (s *Store) GetOnboarding(_ context.Context, id string) (*onboarding.Onboarding, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.onboardings[id]
	if !ok {
		return nil, notFound("onboarding", id)
	}
	return o.Clone(), nil
}

// UpdateOnboarding implements onboarding.Onboardings. fn changes the stored
// aggregate in place under the lock, so a successful update copies nothing.
// Beforehand an undo record saves what fn may change in place: the fields,
// and the elements of the slices the domain edits (timers, information
// versions, persons); it puts them back when fn fails or panics. Appends
// to the other slices (history, questions, ledgers) land past the saved
// lengths, so restoring the fields hides them. Values handed out are
// clones, which share only those append-only slices, clipped: an append in
// place here writes past what any of them can see.
func (s *Store) UpdateOnboarding(_ context.Context, id string, fn func(*onboarding.Onboarding) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.onboardings[id]
	if !ok {
		return notFound("onboarding", id)
	}
	var u onboardingUndo // on the stack: saving into it needs no write barriers
	u.save(o)
	saved := false
	defer func() {
		if !saved {
			u.restore(o)
		}
	}()
	was, events := scheduled(o.Timers), len(o.History)
	if err := fn(o); err != nil {
		return err
	}
	if o.ID != id {
		return fmt.Errorf("memory: onboarding %q: the update changed its id: %w", id, onboarding.ErrInvalid)
	}
	if !s.journal.off {
		if err := s.journal.audit("onboardings", id, o, false, onboardingChange(o.History, events), onboardingEvents(o.History, events)); err != nil {
			return err
		}
	}
	saved = true
	// DueFirings reads the timers' schedules in place; only whether the
	// onboarding has any is indexed.
	if is := scheduled(o.Timers); is && !was {
		s.scheduled[id] = o
	} else if was && !is {
		delete(s.scheduled, id)
	}
	return nil
}

// scheduled reports whether any of ts has rungs to fire.
func scheduled(ts []deadlines.Timer) bool {
	for i := range ts {
		if len(ts[i].Schedule) > 0 {
			return true
		}
	}
	return false
}

// onboardingUndo is what an UpdateOnboarding closure may change in place.
// It lives on UpdateOnboarding's stack, with room for the slices of an
// onboarding that went through its lifecycle; longer ones are saved on the
// heap.
type onboardingUndo struct {
	o         onboarding.Onboarding
	timerBuf  [6]deadlines.Timer
	infoBuf   [2]onboarding.InformationVersion
	personBuf [2]onboarding.PersonRecord
	// The elements of a slice longer than its buffer.
	moreTimers  []deadlines.Timer
	moreInfo    []onboarding.InformationVersion
	morePersons []onboarding.PersonRecord
}

func (u *onboardingUndo) save(o *onboarding.Onboarding) {
	u.o = *o
	u.moreTimers = saveElems(u.timerBuf[:], o.Timers)
	u.moreInfo = saveElems(u.infoBuf[:], o.Information)
	u.morePersons = saveElems(u.personBuf[:], o.Persons)
}

// restore puts back the fields, then the elements of the saved slices.
func (u *onboardingUndo) restore(o *onboarding.Onboarding) {
	*o = u.o
	restoreElems(o.Timers, u.timerBuf[:], u.moreTimers)
	restoreElems(o.Information, u.infoBuf[:], u.moreInfo)
	restoreElems(o.Persons, u.personBuf[:], u.morePersons)
}

// saveElems copies s into buf when it fits; otherwise it returns a copy.
func saveElems[E any](buf, s []E) []E {
	if len(s) <= len(buf) {
		copy(buf, s)
		return nil
	}
	return slices.Clone(s)
}

// restoreElems copies back into s what saveElems saved of it.
func restoreElems[E any](s, buf, more []E) {
	if more != nil {
		buf = more
	}
	copy(s, buf)
}

// ListOnboardings implements onboarding.Onboardings.
func (s *Store) ListOnboardings(_ context.Context, f onboarding.OnboardingFilter) ([]*onboarding.Onboarding, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*onboarding.Onboarding
	for _, o := range s.onboardings {
		if (f.BodyID == "" || o.BodyID == f.BodyID) && (f.ServiceID == "" || o.ServiceID == f.ServiceID) {
			out = append(out, o.Clone())
		}
	}
	slices.SortFunc(out, func(a, b *onboarding.Onboarding) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// CreateRequest implements onboarding.Requests.
func (s *Store) CreateRequest(_ context.Context, r *onboarding.InfoRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[r.ID]; ok {
		return conflict("request", r.ID)
	}
	c := r.Clone()
	if !s.journal.off {
		if err := s.journal.audit("requests", r.ID, c, true, requestChange(c), nil); err != nil {
			return err
		}
	}
	s.requests[r.ID] = c
	return nil
}

// GetRequest implements onboarding.Requests.
func (s *Store) GetRequest(_ context.Context, id string) (*onboarding.InfoRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok {
		return nil, notFound("request", id)
	}
	return r.Clone(), nil
}

// AnswerRequest implements onboarding.Requests: request and ledger change
// together under one lock.
func (s *Store) AnswerRequest(_ context.Context, id string, key onboarding.LedgerKey, fn func(*onboarding.InfoRequest, *onboarding.RefusalLedger) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok {
		return notFound("request", id)
	}
	work := r.Clone()
	var ledger *onboarding.RefusalLedger
	var created *record // the new ledger's first audit entry, as sqlstore writes it
	events := 0
	if key != (onboarding.LedgerKey{}) {
		if l, ok := s.ledgers[key]; ok {
			ledger, events = l.Clone(), len(l.History)
		} else {
			ledger = &onboarding.RefusalLedger{Key: key}
			var err error
			if created, err = s.journal.prepare("ledgers", key.String(), ledger, true, nil, nil); err != nil {
				return err
			}
		}
	}
	if err := fn(work, ledger); err != nil {
		return err
	}
	rec, err := s.journal.prepare("requests", id, work, false, requestChange(work), nil)
	if err != nil {
		return err
	}
	if ledger != nil {
		ledger.Key = key
		lc, le := onboardingChange(ledger.History, events), onboardingEvents(ledger.History, events)
		var changed *record
		if created != nil { // the change chains after the creation, not committed yet
			changed, err = s.journal.prepareAfter(&created.entry, "ledgers", key.String(), ledger, false, lc, le)
		} else {
			changed, err = s.journal.prepare("ledgers", key.String(), ledger, false, lc, le)
		}
		if err != nil {
			return err
		}
		s.journal.commit(created)
		s.journal.commit(changed)
		s.ledgers[key] = ledger
		s.indexTimers(ledger.Timers()...)
	}
	s.journal.commit(rec)
	s.requests[id] = work
	return nil
}

// requestChange is what a request's state says of its newest change, as
// sqlstore records it.
func requestChange(r *onboarding.InfoRequest) *change {
	if r.Answer == nil {
		return &change{typ: "asked", actor: r.SentBy, rule: "Rules130 p.10"}
	}
	return &change{typ: "answered: " + r.Answer.Kind.String(), actor: r.Answer.By, rule: "Rules130 p.11"}
}

// GetLedger implements onboarding.Requests.
func (s *Store) GetLedger(_ context.Context, key onboarding.LedgerKey) (*onboarding.RefusalLedger, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.ledgers[key]
	if !ok {
		return nil, notFound("ledger", key.String())
	}
	return l.Clone(), nil
}

// UpdateLedger implements onboarding.Requests.
func (s *Store) UpdateLedger(_ context.Context, key onboarding.LedgerKey, fn func(*onboarding.RefusalLedger) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.ledgers[key]
	if !ok {
		return notFound("ledger", key.String())
	}
	work := l.Clone()
	if err := fn(work); err != nil {
		return err
	}
	work.Key = key
	if !s.journal.off {
		if err := s.journal.audit("ledgers", key.String(), work, false, onboardingChange(work.History, len(l.History)), onboardingEvents(work.History, len(l.History))); err != nil {
			return err
		}
	}
	s.ledgers[key] = work
	s.indexTimers(work.Timers()...)
	return nil
}

// ListLedgers implements onboarding.Requests.
func (s *Store) ListLedgers(_ context.Context, bodyID string) ([]*onboarding.RefusalLedger, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*onboarding.RefusalLedger
	for k, l := range s.ledgers {
		if bodyID == "" || k.BodyID == bodyID {
			out = append(out, l.Clone())
		}
	}
	slices.SortFunc(out, func(a, b *onboarding.RefusalLedger) int {
		return cmp.Or(cmp.Compare(a.Key.BodyID, b.Key.BodyID), cmp.Compare(a.Key.Period, b.Key.Period))
	})
	return out, nil
}

// CreateQualityTraining implements onboarding.QualityTrainings.
func (s *Store) CreateQualityTraining(_ context.Context, q *onboarding.QualityTraining) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.trainings[q.ID]; ok {
		return conflict("quality training", q.ID)
	}
	c := q.Clone()
	if !s.journal.off {
		if err := s.journal.audit("quality_trainings", q.ID, c, true, onboardingChange(c.History, 0), onboardingEvents(c.History, 0)); err != nil {
			return err
		}
	}
	s.trainings[q.ID] = c
	s.indexTimers(q.Timer)
	return nil
}

// GetQualityTraining implements onboarding.QualityTrainings.
func (s *Store) GetQualityTraining(_ context.Context, id string) (*onboarding.QualityTraining, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.trainings[id]
	if !ok {
		return nil, notFound("quality training", id)
	}
	return q.Clone(), nil
}

// UpdateQualityTraining implements onboarding.QualityTrainings.
func (s *Store) UpdateQualityTraining(_ context.Context, id string, fn func(*onboarding.QualityTraining) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.trainings[id]
	if !ok {
		return notFound("quality training", id)
	}
	work := q.Clone()
	if err := fn(work); err != nil {
		return err
	}
	work.ID = id
	if !s.journal.off {
		if err := s.journal.audit("quality_trainings", id, work, false, onboardingChange(work.History, len(q.History)), onboardingEvents(work.History, len(q.History))); err != nil {
			return err
		}
	}
	s.trainings[id] = work
	s.indexTimers(work.Timer)
	return nil
}
