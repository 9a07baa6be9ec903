// Command loadgen is a bounded load generator for the qyzmet demo server.
// It drives a mix of status reads and state changes against one or more
// server instances that share a database, reports throughput and latency
// per kind, and afterwards reconciles: the writes it saw succeed must be
// exactly what the database holds.
//
//	go run ./examples/loadgen -targets http://127.0.0.1:8080 -duration 30s -clients 64 -mix reads=90,writes=10
//
// Reads are a recipient's status of one application (GET
// /v1/recipients/{iin}/applications/{id}, as the demo citizen) and the UCC
// view of one (GET /v1/applications/{id}/ucc). Writes alternate between
// filing a "Birth of a child" application (POST /v1/applications) and the
// registry office's result for one of them (POST …/birth-registration/result).
// Every request carries `Authorization: Bearer <demo key>`.
//
// It refuses targets that are not on the loopback interface: it is for
// measuring a demo, not for loading someone else's server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// run parses the flags, generates the load, prints the report and fails
// when a request failed or the reconciliation finds lost or phantom writes.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var cfg Config
	targets := fs.String("targets", "http://127.0.0.1:8080", "comma-separated base URLs of server instances sharing one database (loopback only)")
	fs.DurationVar(&cfg.Duration, "duration", defaultDuration, "how long to run (bounded by -requests)")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients, spread over the targets")
	fs.IntVar(&cfg.Requests, "requests", 0, "stop after this many requests in total (0: only -duration bounds the run)")
	mix := fs.String("mix", "reads=90,writes=10", "the share of reads and writes in percent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if cfg.Targets, err = parseTargets(*targets); err != nil {
		return err
	}
	if cfg.ReadPercent, err = parseMix(*mix); err != nil {
		return err
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, rep.String()); err != nil {
		return err
	}
	return rep.Err()
}
