// Command server is the qyzmet demo server: the onboarding of state
// services to the UCC (Rules130), composite "one application" services
// (Rules472) and the Kazakhstan working-day calendar, over an embedded
// SQLite file with demo data, or PostgreSQL.
//
//	go run ./examples/server                      # SQLite in the temp directory, seeded
//	go run ./examples/server -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	curl http://127.0.0.1:8080/v1/calendar/kz/2025
//	curl 'http://127.0.0.1:8080/v1/terms?from=2025-03-20&kind=working-days&n=5&rule=Rules130+p.5'
//	curl -H 'Authorization: Bearer demo-operator' http://127.0.0.1:8080/v1/deadlines
//	curl -H 'Authorization: Bearer demo-citizen' http://127.0.0.1:8080/v1/recipients/900101300017/applications?lang=kk
//	curl -H 'Authorization: Bearer demo-operator' http://127.0.0.1:8080/metrics
//	curl http://127.0.0.1:8080/openapi.json
//
// # Access
//
// API clients send `Authorization: Bearer <key>`; browsers log in at
// /login with the same key and get a signed session cookie. The demo keys
// (auth.DemoKeys) are printed at start: demo-operator (UCC operator),
// demo-quality (quality authority), demo-education and demo-registry
// (responsible persons of two bodies), demo-citizen and demo-citizen2 (two
// citizens). What each role may call is the table in the api package doc;
// the calendar, terms, health, readiness and the OpenAPI document are
// public, /metrics is the operator's.
//
// Sessions are signed with -session-secret (default: the environment
// variable QYZMET_SESSION_SECRET; at least 32 bytes). Without one the
// server makes a random secret and says so: sessions then do not survive a
// restart and are not accepted by another instance.
//
// # Hardening
//
// Every answer carries a Content-Security-Policy (this origin only),
// X-Content-Type-Options, X-Frame-Options and Referrer-Policy; the JSON API
// is not cached. Cross-origin POSTs are refused (http.CrossOriginProtection),
// bodies are limited to 1 MiB, each handler to 15s, and a panic answers 500
// and is logged. The log has one line per request (route pattern, status,
// duration, role) and masks every IIN/BIN.
//
// The demo verifies signatures with a demo verifier and listens on the
// loopback address. It runs the sweeper in the background and stops
// gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the calendar needs Asia/Almaty even where the system has no zone database

	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/logmask"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully. It prints the
// bound address to stdout once the listener is open.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	dsn := fs.String("db", "sqlite://"+filepath.Join(os.TempDir(), "qyzmet-demo.db"), "database: sqlite:///path/file.db or postgres://…")
	seed := fs.Bool("seed", true, "load the demo catalogue, one onboarding and one application if absent")
	secret := fs.String("session-secret", os.Getenv("QYZMET_SESSION_SECRET"), "secret that signs login sessions, at least 32 bytes (default $QYZMET_SESSION_SECRET, else random per start)")
	sweepEvery := fs.Duration("sweep-every", 30*time.Second, "how often the sweeper, redelivery and outbox relay run")
	clockSpeed := fs.Float64("clock-speed", 1, "demo and tests: run the clock this many times faster from -clock-epoch")
	clockEpoch := fs.String("clock-epoch", "", "demo and tests: the RFC 3339 instant the fast clock starts from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	logger := slog.New(logmask.New(slog.NewTextHandler(os.Stderr, nil)))
	sessionSecret := []byte(*secret)
	switch {
	case len(sessionSecret) == 0:
		sessionSecret = make([]byte, 32)
		_, _ = rand.Read(sessionSecret) // never fails (Go 1.24+)
		logger.Warn("no -session-secret or QYZMET_SESSION_SECRET: using a random one; login sessions will not survive a restart and are not shared across instances")
	case len(sessionSecret) < 32:
		return errors.New("the session secret must have at least 32 bytes")
	}
	if *sweepEvery <= 0 {
		return fmt.Errorf("-sweep-every %v: must be positive", *sweepEvery)
	}
	clock, err := clockFrom(*clockSpeed, *clockEpoch)
	if err != nil {
		return err
	}
	app, err := demoapp.Open(ctx, demoapp.Config{DSN: *dsn, Clock: clock, Logger: logger, SessionSecret: sessionSecret})
	if err != nil {
		return err
	}
	defer app.Close()
	if *seed {
		if err := app.Seed(ctx, clock.Now()); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
	}
	workers, stopWorkers := context.WithCancel(ctx)
	workersDone := make(chan struct{})
	go func() { defer close(workersDone); app.RunWorkers(workers, *sweepEvery) }()
	defer func() { stopWorkers(); <-workersDone }()
	srv := &http.Server{
		Handler:           app.Handler, // body limits, handler timeouts and the rest: see demoapp
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "qyzmet demo listening on http://%s\n%s", ln.Addr(), keyTable(auth.DemoKeys())); err != nil {
		return errors.Join(err, ln.Close())
	}
	logger.Info("listening", "addr", ln.Addr().String(), "db", app.Store.Dialect(), "calendar_version", app.Calendar.Version())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err // Serve returns only on failure before Shutdown
	case <-ctx.Done():
	}

	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// keyTable lists the demo keys and their roles, for the start banner.
func keyTable(keys map[string]auth.Principal) string {
	var b strings.Builder
	b.WriteString("demo keys (Authorization: Bearer <key>, or log in at /login):\n")
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		p := keys[k]
		scope := ""
		switch {
		case p.BodyID != "":
			scope = " of " + p.BodyID
		case p.IIN != "":
			scope = " " + p.IIN
		}
		fmt.Fprintf(&b, "  %-15s %s%s (%s)\n", k, p.Role, scope, p.Name)
	}
	return b.String()
}
