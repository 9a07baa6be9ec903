// Package storetest is qyzmet's conformance suite for store adapters. Every
// adapter in this module runs it, and so should yours: implement the ports,
// write a Harness, and call Run from a test and RunBenchmarks from a
// benchmark. The suite never imports an adapter.
//
//	func TestConformance(t *testing.T) { storetest.Run(t, harness{}) }
//	func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, harness{}) }
//
// Run groups the tests by feature: CalendarData, Timers (and sweeper
// claims), Onboarding (with the refusal ledgers and their p.12 notices),
// Chain, Reports, Desk, Appeals (with reports.Source's stream), Audit,
// Outbox and Import. A group whose store is nil in Stores is skipped
// (Appeals falls back on Reports). The Audit group's tamper tests
// need Stores.TamperAudit, a hook that edits, deletes or moves one stored
// audit entry, or deletes or rewrites a whole aggregate's chain, behind
// the store's back (see Tampering); a harness that offers it should stop
// verifying the audit log at clean-up once it was called.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// TimerStore is what the suite needs of an adapter's storage of standalone
// timers: the deadlines.SweepStore port plus creation, updates and reads.
type TimerStore interface {
	deadlines.SweepStore
	// UpdateTimer loads the timer, calls fn and saves the result (re-indexing
	// its Schedule) atomically. It returns an error wrapping ErrNotFound for
	// an unknown id; when fn returns an error nothing is saved.
	UpdateTimer(ctx context.Context, id string, fn func(*deadlines.Timer) error) error
	// CreateTimer stores a new timer (indexing its Schedule); an existing ID returns an error wrapping
	// deadlines.ErrConflict.
	CreateTimer(ctx context.Context, t *deadlines.Timer) error
	// GetTimer returns the timer or an error wrapping deadlines.ErrNotFound.
	GetTimer(ctx context.Context, id string) (*deadlines.Timer, error)
	// Firings returns the claimed firings of a timer ordered by their At.
	Firings(ctx context.Context, timerID string) ([]deadlines.Firing, error)
}

// Stores are the ports under test, all backed by one fresh, empty database.
type Stores struct {
	Timers     TimerStore
	Onboarding OnboardingStore
	Chain      ChainStore
	Reports    ReportsStore
	Desk       DeskStore
	// Appeals is the appeal register (reports.Appeals); nil uses Reports,
	// and the Appeals group is skipped when both are nil.
	Appeals AppealStore
	// Audit is the adapter's audit log; nil skips the Audit group.
	Audit AuditStore
	// TamperAudit changes the stored audit log behind the store's back, so
	// the Audit group can check that VerifyAudit notices; nil skips those
	// tests. See Tampering.
	TamperAudit func(ctx context.Context, aggregate string, seq int, how Tampering) error
	// Outbox is the adapter's transactional outbox; nil skips the Outbox
	// group.
	Outbox OutboxStore
	// Calendars keeps the deployment's calendar data; nil skips the
	// CalendarData group.
	Calendars deadlines.CalendarDataStore
}

// OnboardingStore is the onboarding.Store port plus the deadlines.SweepStore
// that must see the timers embedded in its aggregates.
type OnboardingStore interface {
	onboarding.Store
	deadlines.SweepStore
}

// Capabilities say what the adapter promises beyond the common contract.
type Capabilities struct {
	// Durable: acknowledged writes survive a restart of the process.
	Durable bool
	// MultiProcess: several processes may share the store.
	MultiProcess bool
}

// Harness makes fresh stores for each test.
type Harness interface {
	// NewStores returns empty stores, isolated from every other call (a new
	// map, a new SQLite file, a new PostgreSQL schema). Clean-up is
	// registered with tb.Cleanup.
	NewStores(ctx context.Context, tb testing.TB) Stores
	Capabilities() Capabilities
}

// Run runs the whole suite against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Run("CalendarData", func(t *testing.T) { t.Parallel(); runCalendars(t, h) })
	t.Run("Timers", func(t *testing.T) { t.Parallel(); runTimers(t, h) })
	t.Run("Onboarding", func(t *testing.T) { t.Parallel(); runOnboarding(t, h) })
	t.Run("Chain", func(t *testing.T) { t.Parallel(); runChain(t, h) })
	t.Run("Reports", func(t *testing.T) { t.Parallel(); runReports(t, h) })
	t.Run("Desk", func(t *testing.T) { t.Parallel(); runDesk(t, h) })
	t.Run("Appeals", func(t *testing.T) { t.Parallel(); runAppeals(t, h) })
	t.Run("Audit", func(t *testing.T) { t.Parallel(); runAudit(t, h) })
	t.Run("Outbox", func(t *testing.T) { t.Parallel(); runOutbox(t, h) })
	t.Run("Import", func(t *testing.T) { t.Parallel(); runImport(t, h) })
}

// RunBenchmarks runs the suite's benchmarks against h.
func RunBenchmarks(b *testing.B, h Harness) {
	b.Run("Timers", func(b *testing.B) { benchTimers(b, h) })
	b.Run("Onboarding", func(b *testing.B) { benchOnboarding(b, h) })
	b.Run("Chain", func(b *testing.B) { benchChain(b, h) })
	b.Run("Reports", func(b *testing.B) { benchReports(b, h) })
	b.Run("Desk", func(b *testing.B) { benchDesk(b, h) })
	b.Run("Floor", func(b *testing.B) { benchFloor(b, h) })
	b.Run("Import", func(b *testing.B) { benchImport(b, h) })
	b.Run("Sweep", func(b *testing.B) { benchSweep(b, h) })
}

// epoch is the suite's fixed "now": a Monday, 10:00 in Almaty.
func epoch(c *deadlines.Calendar) time.Time { return c.Date(2025, time.March, 17).Add(10 * time.Hour) }
