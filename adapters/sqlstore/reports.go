package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/reports"
)

var _ reports.Store = (*Store)(nil)

// appealRule is the citation of an appeal's audit entry, made once: a bulk
// import writes one entry per appeal.
var appealRule = deadlines.Cite(deadlines.Rules130, 14).String()

var (
	appealDoc = doc[reports.Appeal]{kind: "appeal", table: "appeals", where: "id = ?",
		cols: func(a *reports.Appeal) []col {
			return []col{{"id", a.ID}, {"received_at", a.ReceivedAt.UnixNano()}, {"body_id", a.BodyID}, {"service_id", a.ServiceID}}
		},
		// The audit entry names who recorded the appeal, under p.14.
		history: func(a *reports.Appeal) (int, change) {
			return 1, change{typ: "appeal.recorded", actor: a.RecordedBy, rule: appealRule}
		},
	}
	monthlyDoc = doc[reports.MonthlyReport]{kind: "month", table: "monthly_reports", where: "period = ?",
		cols:    func(m *reports.MonthlyReport) []col { return []col{{"period", m.Period.String()}} },
		timers:  func(m *reports.MonthlyReport) []*deadlines.Timer { return m.Timers() },
		history: func(m *reports.MonthlyReport) (int, change) { return newest(m.History) },
		events:  func(m *reports.MonthlyReport, from int) []event { return eventsOf(m.History, from) },
	}
	reconciliationDoc = doc[reports.Reconciliation]{kind: "reconciliation", table: "reconciliations", where: "id = ?",
		cols:    func(r *reports.Reconciliation) []col { return []col{{"id", r.ID}, {"period", r.Period.String()}} },
		timers:  func(r *reports.Reconciliation) []*deadlines.Timer { return r.Timers() },
		history: func(r *reports.Reconciliation) (int, change) { return newest(r.History) },
		events:  func(r *reports.Reconciliation, from int) []event { return eventsOf(r.History, from) },
	}
)

// CreateAppeal implements reports.Appeals.
func (s *Store) CreateAppeal(ctx context.Context, a reports.Appeal) error {
	return appealDoc.create(ctx, s, a.ID, &a)
}

// GetAppeal implements reports.Appeals.
func (s *Store) GetAppeal(ctx context.Context, id string) (reports.Appeal, error) {
	a, err := appealDoc.get(ctx, s, id, id)
	if err != nil {
		return reports.Appeal{}, err
	}
	return *a, nil
}

// Appeals implements reports.Source: one query whose rows are decoded and
// yielded as the driver reads them, from the appeals_received (or
// appeals_body) index, so a month streams in constant memory.
func (s *Store) Appeals(ctx context.Context, q reports.AppealQuery) iter.Seq2[reports.Appeal, error] {
	return func(yield func(reports.Appeal, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(reports.Appeal{}, err)
			return
		}
		query := `SELECT doc FROM appeals WHERE received_at >= ? AND received_at < ?`
		args := []any{q.From.UnixNano(), q.To.UnixNano()}
		if q.BodyID != "" {
			query += ` AND body_id = ?`
			args = append(args, q.BodyID)
		}
		rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY received_at, id`), args...)
		if err != nil {
			yield(reports.Appeal{}, fmt.Errorf("sqlstore: listing appeals: %w", err))
			return
		}
		defer rows.Close()
		var raw sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&raw); err != nil {
				yield(reports.Appeal{}, fmt.Errorf("sqlstore: listing appeals: %w", err))
				return
			}
			var a reports.Appeal
			if err := decode(raw, &a); err != nil {
				yield(reports.Appeal{}, fmt.Errorf("sqlstore: decoding appeal: %w", err))
				return
			}
			if !yield(a, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(reports.Appeal{}, fmt.Errorf("sqlstore: listing appeals: %w", err))
		}
	}
}

// CreateMonthly implements reports.MonthlyReports.
func (s *Store) CreateMonthly(ctx context.Context, m *reports.MonthlyReport) error {
	return monthlyDoc.create(ctx, s, m.Period.String(), m)
}

// GetMonthly implements reports.MonthlyReports.
func (s *Store) GetMonthly(ctx context.Context, p reports.Period) (*reports.MonthlyReport, error) {
	return monthlyDoc.get(ctx, s, p.String(), p.String())
}

// UpdateMonthly implements reports.MonthlyReports.
func (s *Store) UpdateMonthly(ctx context.Context, p reports.Period, fn func(*reports.MonthlyReport) error) error {
	return monthlyDoc.update(ctx, s, p.String(), []any{p.String()}, func(_ *txn, m *reports.MonthlyReport) error {
		if err := fn(m); err != nil {
			return err
		}
		m.Period = p
		return nil
	})
}

// ListMonthly implements reports.MonthlyReports.
func (s *Store) ListMonthly(ctx context.Context) ([]*reports.MonthlyReport, error) {
	return listDocs[reports.MonthlyReport](ctx, s, "months", `SELECT doc FROM monthly_reports ORDER BY period`)
}

// CreateReconciliation implements reports.Reconciliations.
func (s *Store) CreateReconciliation(ctx context.Context, r *reports.Reconciliation) error {
	return reconciliationDoc.create(ctx, s, r.ID, r)
}

// GetReconciliation implements reports.Reconciliations.
func (s *Store) GetReconciliation(ctx context.Context, id string) (*reports.Reconciliation, error) {
	return reconciliationDoc.get(ctx, s, id, id)
}

// UpdateReconciliation implements reports.Reconciliations.
func (s *Store) UpdateReconciliation(ctx context.Context, id string, fn func(*reports.Reconciliation) error) error {
	return reconciliationDoc.update(ctx, s, id, []any{id}, func(_ *txn, r *reports.Reconciliation) error {
		if err := fn(r); err != nil {
			return err
		}
		r.ID = id
		return nil
	})
}
