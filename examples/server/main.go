// Command server is the qyzmet demo server: the onboarding of state
// services to the UCC (Rules130), composite "one application" services
// (Rules472) and the Kazakhstan working-day calendar, over an embedded
// SQLite file with demo data, or PostgreSQL.
//
//	go run ./examples/server                      # SQLite in the temp directory, seeded
//	go run ./examples/server -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	curl http://127.0.0.1:8080/v1/calendar/kz/2025
//	curl 'http://127.0.0.1:8080/v1/terms?from=2025-03-20&kind=working-days&n=5&rule=Rules130+p.5'
//	curl http://127.0.0.1:8080/v1/deadlines
//	curl http://127.0.0.1:8080/v1/recipients/900101300017/applications?lang=kk
//
// The demo has no authentication yet and verifies signatures with a demo
// verifier; it listens on the loopback address. It runs the sweeper in the
// background and stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
	_ "time/tzdata" // the calendar needs Asia/Almaty even where the system has no zone database

	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
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
	sweepEvery := fs.Duration("sweep-every", 30*time.Second, "how often the sweeper, redelivery and outbox relay run")
	clockSpeed := fs.Float64("clock-speed", 1, "demo and tests: run the clock this many times faster from -clock-epoch")
	clockEpoch := fs.String("clock-epoch", "", "demo and tests: the RFC 3339 instant the fast clock starts from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cal, err := kz.New()
	if err != nil {
		return err
	}
	if *sweepEvery <= 0 {
		return fmt.Errorf("-sweep-every %v: must be positive", *sweepEvery)
	}
	clock, err := clockFrom(*clockSpeed, *clockEpoch)
	if err != nil {
		return err
	}
	app, err := demoapp.Open(ctx, demoapp.Config{DSN: *dsn, Calendar: cal, Clock: clock, Logger: logger})
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
		Handler:           http.MaxBytesHandler(app.Handler, 1<<20),
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
	if _, err := fmt.Fprintf(stdout, "qyzmet demo listening on http://%s\n", ln.Addr()); err != nil {
		return errors.Join(err, ln.Close())
	}
	logger.Info("listening", "addr", ln.Addr().String(), "db", app.Store.Dialect(), "calendar_version", cal.Version())

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
