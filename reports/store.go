package reports

import (
	"context"
	"iter"
	"time"

	"github.com/qyzmet/qyzmet/onboarding"
)

// AppealQuery selects the appeals of one report.
type AppealQuery struct {
	From   time.Time // inclusive
	To     time.Time // exclusive
	BodyID string    // the body concerned; empty selects every body
}

// Source is the read side the reports consume: it streams the appeal
// register. Reports never load a month into memory; they take appeals one
// at a time from Appeals.
type Source interface {
	// Appeals yields the appeals with From <= ReceivedAt < To (and BodyID
	// when set), ordered by ReceivedAt, then ID. It must stream: hold no
	// more than a bounded batch in memory, however many appeals match. On
	// an error it yields a zero Appeal with the error once and stops. When
	// the consumer stops early, resources are released. The consumer may
	// call other methods of the store while iterating.
	Appeals(ctx context.Context, q AppealQuery) iter.Seq2[Appeal, error]
}

// Appeals stores the appeal register.
type Appeals interface {
	Source
	// CreateAppeal stores a new appeal; an existing ID returns an error
	// wrapping ErrConflict. The store keeps its own copy.
	CreateAppeal(ctx context.Context, a Appeal) error
	// GetAppeal returns the appeal or an error wrapping ErrNotFound.
	GetAppeal(ctx context.Context, id string) (Appeal, error)
}

// MonthlyReports stores the monthly reporting duties (p.14). Stores index
// the Schedule of every timer in a report they save (see
// deadlines.SweepStore).
type MonthlyReports interface {
	// CreateMonthly stores the duties of a new month; an existing period
	// returns an error wrapping ErrConflict.
	CreateMonthly(ctx context.Context, m *MonthlyReport) error
	// GetMonthly returns a copy or an error wrapping ErrNotFound.
	GetMonthly(ctx context.Context, p Period) (*MonthlyReport, error)
	// UpdateMonthly loads the month, calls fn and saves the result
	// atomically; concurrent updates of one month are serialized, so none
	// is lost. An unknown period returns an error wrapping ErrNotFound;
	// when fn returns an error nothing is saved and the error is returned.
	UpdateMonthly(ctx context.Context, p Period, fn func(*MonthlyReport) error) error
	// ListMonthly returns copies of every month's duties, by period.
	ListMonthly(ctx context.Context) ([]*MonthlyReport, error)
}

// Reconciliations stores the p.16 reconciliations.
type Reconciliations interface {
	// CreateReconciliation stores a new reconciliation; an existing ID
	// returns an error wrapping ErrConflict.
	CreateReconciliation(ctx context.Context, r *Reconciliation) error
	// GetReconciliation returns a copy or an error wrapping ErrNotFound.
	GetReconciliation(ctx context.Context, id string) (*Reconciliation, error)
	// UpdateReconciliation loads the reconciliation, calls fn and saves the
	// result atomically, as UpdateMonthly does.
	UpdateReconciliation(ctx context.Context, id string, fn func(*Reconciliation) error) error
}

// Store is everything Service needs: the catalogue of bodies and services
// (shared with onboarding), the appeal register, the monthly duties and
// the reconciliations. Implementations must be safe for concurrent use and
// must copy values on the way in and out.
type Store interface {
	onboarding.Catalogue
	Appeals
	MonthlyReports
	Reconciliations
}
