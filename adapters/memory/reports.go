package memory

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"slices"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/reports"
)

var _ reports.Store = (*Store)(nil)

// reportMaps are the records of package reports.
type reportMaps struct {
	appeals         map[string]reports.Appeal
	order           []appealKey // every appeal, by received instant, then ID
	monthly         map[reports.Period]*reports.MonthlyReport
	reconciliations map[string]*reports.Reconciliation
}

func newReportMaps() reportMaps {
	return reportMaps{
		appeals:         map[string]reports.Appeal{},
		monthly:         map[reports.Period]*reports.MonthlyReport{},
		reconciliations: map[string]*reports.Reconciliation{},
	}
}

type appealKey struct {
	at int64 // Unix nanoseconds of ReceivedAt
	id string
}

func compareAppealKeys(a, b appealKey) int {
	return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id))
}

// CreateAppeal implements reports.Appeals.
func (s *Store) CreateAppeal(_ context.Context, a reports.Appeal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &s.reports
	if _, ok := r.appeals[a.ID]; ok {
		return conflict("appeal", a.ID)
	}
	if !s.journal.off {
		// The audit entry names who recorded the appeal, under p.14.
		recorded := &change{typ: "appeal.recorded", actor: a.RecordedBy, rule: deadlines.Cite(deadlines.Rules130, 14).String()}
		if err := s.journal.audit("appeals", a.ID, a, true, recorded, nil); err != nil {
			return err
		}
	}
	r.appeals[a.ID] = a
	k := appealKey{a.ReceivedAt.UnixNano(), a.ID}
	i, _ := slices.BinarySearchFunc(r.order, k, compareAppealKeys)
	r.order = slices.Insert(r.order, i, k)
	return nil
}

// GetAppeal implements reports.Appeals.
func (s *Store) GetAppeal(_ context.Context, id string) (reports.Appeal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.reports.appeals[id]
	if !ok {
		return reports.Appeal{}, notFound("appeal", id)
	}
	return a, nil
}

// appealBatch is how many appeals Appeals copies under the lock at a time.
const appealBatch = 256

// Appeals implements reports.Source. It copies a batch of appeals under the
// lock and yields them without it, so the consumer may use the store; the
// next batch starts after the last key yielded.
func (s *Store) Appeals(ctx context.Context, q reports.AppealQuery) iter.Seq2[reports.Appeal, error] {
	return func(yield func(reports.Appeal, error) bool) {
		from, to := q.From.UnixNano(), q.To.UnixNano()
		next := appealKey{at: from}
		batch := make([]reports.Appeal, 0, appealBatch)
		for {
			if err := ctx.Err(); err != nil {
				yield(reports.Appeal{}, err)
				return
			}
			batch = batch[:0]
			done := false
			s.mu.Lock()
			order := s.reports.order
			i, _ := slices.BinarySearchFunc(order, next, compareAppealKeys)
			scanned := 0
			for ; i < len(order) && scanned < appealBatch; i++ {
				k := order[i]
				if k.at >= to {
					done = true
					break
				}
				scanned++
				if a := s.reports.appeals[k.id]; q.BodyID == "" || a.BodyID == q.BodyID {
					batch = append(batch, a)
				}
			}
			if i >= len(order) {
				done = true
			} else if !done {
				next = appealKey{order[i-1].at, order[i-1].id + "\x00"} // the smallest key after the last one scanned
			}
			s.mu.Unlock()
			for _, a := range batch {
				if !yield(a, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}

// CreateMonthly implements reports.MonthlyReports.
func (s *Store) CreateMonthly(_ context.Context, m *reports.MonthlyReport) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reports.monthly[m.Period]; ok {
		return conflict("month", m.Period.String())
	}
	c := m.Clone()
	if !s.journal.off {
		if err := s.journal.audit("monthly_reports", m.Period.String(), c, true, onboardingChange(c.History, 0), onboardingEvents(c.History, 0)); err != nil {
			return err
		}
	}
	s.reports.monthly[m.Period] = c
	s.indexTimers(c.Timers()...)
	return nil
}

// GetMonthly implements reports.MonthlyReports.
func (s *Store) GetMonthly(_ context.Context, p reports.Period) (*reports.MonthlyReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.reports.monthly[p]
	if !ok {
		return nil, notFound("month", p.String())
	}
	return m.Clone(), nil
}

// UpdateMonthly implements reports.MonthlyReports.
func (s *Store) UpdateMonthly(_ context.Context, p reports.Period, fn func(*reports.MonthlyReport) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.reports.monthly[p]
	if !ok {
		return notFound("month", p.String())
	}
	work := m.Clone()
	if err := fn(work); err != nil {
		return err
	}
	work.Period = p
	if !s.journal.off {
		if err := s.journal.audit("monthly_reports", p.String(), work, false, onboardingChange(work.History, len(m.History)), onboardingEvents(work.History, len(m.History))); err != nil {
			return err
		}
	}
	s.reports.monthly[p] = work.Clone()
	s.indexTimers(s.reports.monthly[p].Timers()...)
	return nil
}

// ListMonthly implements reports.MonthlyReports.
func (s *Store) ListMonthly(context.Context) ([]*reports.MonthlyReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	periods := slices.SortedFunc(maps.Keys(s.reports.monthly), func(a, b reports.Period) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Month, b.Month))
	})
	out := make([]*reports.MonthlyReport, len(periods))
	for i, p := range periods {
		out[i] = s.reports.monthly[p].Clone()
	}
	return out, nil
}

// CreateReconciliation implements reports.Reconciliations.
func (s *Store) CreateReconciliation(_ context.Context, r *reports.Reconciliation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reports.reconciliations[r.ID]; ok {
		return conflict("reconciliation", r.ID)
	}
	c := r.Clone()
	if !s.journal.off {
		if err := s.journal.audit("reconciliations", r.ID, c, true, onboardingChange(c.History, 0), onboardingEvents(c.History, 0)); err != nil {
			return err
		}
	}
	s.reports.reconciliations[r.ID] = c
	s.indexTimers(c.Timers()...)
	return nil
}

// GetReconciliation implements reports.Reconciliations.
func (s *Store) GetReconciliation(_ context.Context, id string) (*reports.Reconciliation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reports.reconciliations[id]
	if !ok {
		return nil, notFound("reconciliation", id)
	}
	return r.Clone(), nil
}

// UpdateReconciliation implements reports.Reconciliations.
func (s *Store) UpdateReconciliation(_ context.Context, id string, fn func(*reports.Reconciliation) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reports.reconciliations[id]
	if !ok {
		return notFound("reconciliation", id)
	}
	work := r.Clone()
	if err := fn(work); err != nil {
		return err
	}
	work.ID = id
	if !s.journal.off {
		if err := s.journal.audit("reconciliations", id, work, false, onboardingChange(work.History, len(r.History)), onboardingEvents(work.History, len(r.History))); err != nil {
			return err
		}
	}
	s.reports.reconciliations[id] = work.Clone()
	s.indexTimers(s.reports.reconciliations[id].Timers()...)
	return nil
}
