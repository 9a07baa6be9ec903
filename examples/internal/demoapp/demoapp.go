// Package demoapp wires the demo server: one SQL store (SQLite by default,
// PostgreSQL when asked), the onboarding service, the "one application"
// router, the sweeper that escalates missed terms, and the demo data. It is
// the reference for how a government system embeds qyzmet.
package demoapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/qyzmet/qyzmet/adapters/availability"
	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/examples/internal/metrics"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
	"github.com/qyzmet/qyzmet/reports"
)

// Config is what App needs.
type Config struct {
	DSN string // sqlite:///path or postgres://…
	// Calendar is the working-day calendar; nil builds Kazakhstan's from
	// the calendar data published in the store under "kz"
	// (deadlines.LoadCalendar), or kz.New's when none was published.
	Calendar *deadlines.Calendar
	Clock    deadlines.Clock
	Logger   *slog.Logger
	// Verifier checks EDS signatures. Nil uses the demo verifier, which
	// accepts chaintest.Sign signatures: never use it outside a demo.
	Verifier chain.SignatureVerifier
	// Keys are the API keys and their principals; nil uses auth.DemoKeys.
	Keys map[string]auth.Principal
	// SessionSecret signs login sessions (at least 32 bytes). Empty uses a
	// random secret: sessions then die with the process and are not
	// accepted by other instances.
	SessionSecret []byte
	// HandlerTimeout bounds each request's handler; zero means 15s.
	HandlerTimeout time.Duration
}

// App is the wired demo system.
type App struct {
	Store      *sqlstore.Store
	Calendar   *deadlines.Calendar
	Onboarding *onboarding.Service
	Router     *chain.Router
	Sweeper    *deadlines.Sweeper
	Relay      *outbox.Relay
	Feed       *desk.Feed
	Desk       *desk.Desk
	Reports    *reports.Service // the appeal register, p.14 monthly reports, p.16 reconciliation
	Auth       *auth.Authenticator
	Metrics    *metrics.Metrics
	// Routes is every endpoint with its roles: the single source the mux,
	// the role × endpoint test and the OpenAPI check read.
	Routes []httpx.Route
	// Handler is the whole server: Routes mounted behind authentication,
	// secure headers, cross-origin protection, body limits, timeouts,
	// panic recovery, the request log and metrics.
	Handler http.Handler
	logger  *slog.Logger
	clock   deadlines.Clock
}

// Open connects to the database, migrates it and wires the services.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	store, err := sqlstore.Open(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	if cfg.Calendar == nil {
		if cfg.Calendar, err = storedCalendar(ctx, store); err != nil {
			store.Close()
			return nil, err
		}
	}
	a := &App{Store: store, Calendar: cfg.Calendar, logger: cfg.Logger, clock: cfg.Clock}
	a.Onboarding, err = onboarding.NewService(store, cfg.Calendar, cfg.Clock, onboarding.WithIDs(uuid.NewString))
	if err != nil {
		store.Close()
		return nil, err
	}
	a.Feed, err = desk.NewFeed(desk.FeedConfig{Store: store, Catalogue: store, Calendar: cfg.Calendar, Clock: cfg.Clock})
	if err != nil {
		store.Close()
		return nil, err
	}
	verifier := cfg.Verifier
	if verifier == nil {
		verifier = &chaintest.Verifier{}
	}
	// The router's store publishes each component's delivery stage into the
	// desk's feed (Rules130 p.13, Rules472 p.9).
	published := &desk.PublishingStore{Store: store, Feed: a.Feed, OnError: func(appID string, err error) {
		cfg.Logger.Error("publishing stages", "application", appID, "err", err)
	}}
	a.Router, err = chain.NewRouter(chain.Config{
		Store: published, Catalogue: store, Verifier: verifier, Data: &availability.Static{},
		Dispatcher: chain.DispatcherFunc(func(_ context.Context, d chain.Dispatch) (chain.Ack, error) {
			// The demo's providers take every delivery at once.
			cfg.Logger.Info("delivered", "key", d.Key, "provider", d.ProviderID)
			return chain.Ack{}, nil
		}),
		Calendar: cfg.Calendar, Clock: cfg.Clock, NewID: uuid.NewString,
	})
	if err != nil {
		store.Close()
		return nil, err
	}
	a.Desk, err = desk.New(desk.Config{Deliveries: store, Catalogue: store, Composites: a.Router, Calendar: cfg.Calendar, Clock: cfg.Clock})
	if err != nil {
		store.Close()
		return nil, err
	}
	a.Reports, err = reports.NewService(store, cfg.Calendar, cfg.Clock, reports.WithIDs(uuid.NewString))
	if err != nil {
		store.Close()
		return nil, err
	}
	a.Sweeper, err = deadlines.NewSweeper(store, cfg.Calendar, cfg.Clock, a.handleFiring)
	if err != nil {
		store.Close()
		return nil, err
	}
	a.Relay, err = outbox.NewRelay(store, outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
		// The demo's consumers are its log; a deployment publishes to its
		// message broker, keyed by m.Key for deduplication.
		cfg.Logger.Info("event", "topic", m.Topic, "key", m.Key)
		return nil
	}), cfg.Clock)
	if err != nil {
		store.Close()
		return nil, err
	}
	if err := a.mount(cfg); err != nil {
		store.Close()
		return nil, err
	}
	return a, nil
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }

// handleFiring sends a firing to the service whose timer it is.
func (a *App) handleFiring(ctx context.Context, f deadlines.Firing) error {
	kind, handle := "onboarding", a.Onboarding.HandleFiring
	switch {
	case strings.HasPrefix(f.TimerID, "chain/"):
		kind, handle = "chain", a.Router.HandleFiring
	case strings.HasPrefix(f.TimerID, "desk/"):
		kind, handle = "desk", a.Feed.HandleFiring
	case strings.HasPrefix(f.TimerID, "report/"), strings.HasPrefix(f.TimerID, "reconciliation/"):
		kind, handle = "reports", a.Reports.HandleFiring
	}
	if err := handle(ctx, f); err != nil {
		return err
	}
	a.Metrics.Escalated(kind, f.Rung.Rule)
	return nil
}

// RunWorkers runs the sweeper, the redelivery of unacknowledged
// applications and the outbox relay until ctx is done.
func (a *App) RunWorkers(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.OpenMonth(ctx); err != nil {
			a.logger.Error("opening the month's reports", "err", err)
		}
		if fired, err := a.Sweeper.Sweep(ctx); err != nil {
			a.logger.Error("sweep", "err", err)
		} else if len(fired) > 0 {
			a.logger.Info("escalations fired", "count", len(fired))
		}
		if _, err := a.Router.Redeliver(ctx); err != nil {
			a.logger.Error("redeliver", "err", err)
		}
		if _, err := a.Relay.Run(ctx); err != nil {
			a.logger.Error("outbox relay", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DemoRecipient is the demo citizen's IIN; the demo verifier accepts
// chaintest.Sign(DemoRecipient).
const DemoRecipient = "900101300017"

// Seed loads the demo catalogue and definitions, starts one onboarding and
// files one "Birth of a child" application, unless they exist already. It
// is safe to run on every start.
func (a *App) Seed(ctx context.Context, now time.Time) error {
	ignoreConflict := func(err error) error {
		if errors.Is(err, deadlines.ErrConflict) {
			return nil
		}
		return err
	}
	for _, b := range demo.Bodies() {
		if err := ignoreConflict(a.Onboarding.RegisterBody(ctx, b)); err != nil {
			return fmt.Errorf("seed body %s: %w", b.ID, err)
		}
	}
	for _, s := range demo.Services() {
		if err := ignoreConflict(a.Onboarding.RegisterService(ctx, s)); err != nil {
			return fmt.Errorf("seed service %s: %w", s.ID, err)
		}
	}
	defs, err := demo.Definitions()
	if err != nil {
		return err
	}
	for _, d := range defs {
		if err := ignoreConflict(a.Router.RegisterDefinition(ctx, d)); err != nil {
			return fmt.Errorf("seed definition %s: %w", d.ID, err)
		}
	}
	existing, err := a.Store.ListOnboardings(ctx, onboarding.OnboardingFilter{})
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		day := now.Add(-24 * time.Hour)
		if _, err := a.Onboarding.Start(ctx, onboarding.StartInput{
			ServiceID: "kindergarten-queue", BodyID: "education-department",
			RegisteredOn: day, StandardApprovedOn: day, Actor: "demo-seed",
		}); err != nil {
			return fmt.Errorf("seed onboarding: %w", err)
		}
	}
	apps, err := a.Store.ListApplications(ctx, chain.ApplicationFilter{Recipient: DemoRecipient})
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		if _, err := a.Router.Submit(ctx, chain.Submission{
			DefinitionID: "birth-of-a-child", Recipient: DemoRecipient,
			Document: []byte(`{"child":"Aisulu","parent_iin":"` + DemoRecipient + `"}`), Signature: chaintest.Sign(DemoRecipient),
			Data: map[string]string{"parent_iin": DemoRecipient}, Actor: "demo-seed",
		}); err != nil {
			return fmt.Errorf("seed application: %w", err)
		}
	}
	return a.seedReports(ctx, now)
}

// storedCalendar is Kazakhstan's calendar with the data published in the
// store under "kz", or without when none was published.
func storedCalendar(ctx context.Context, store deadlines.CalendarDataStore) (*deadlines.Calendar, error) {
	c, err := deadlines.LoadCalendar(ctx, store, "kz", kz.New)
	if errors.Is(err, deadlines.ErrNotFound) {
		return kz.New()
	}
	return c, err
}
