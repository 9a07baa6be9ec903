package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qyzmet/qyzmet/chain/chaintest"
)

const (
	defaultDuration = 10 * time.Second
	// recipient is the demo citizen (demoapp.DemoRecipient); the demo
	// verifier accepts its chaintest signature.
	recipient = "900101300017"
	// component is the first component of "Birth of a child": the one
	// whose result a write records.
	component = "birth-registration"
)

// Config bounds one run.
type Config struct {
	Targets     []*url.URL // server instances sharing one database
	Duration    time.Duration
	Clients     int
	Requests    int // total; 0 leaves only Duration
	ReadPercent int // 0–100; the rest are writes
	// Client is the HTTP client; nil uses one sized for Clients.
	Client *http.Client
}

func (c Config) validate() error {
	var errs []error
	if len(c.Targets) == 0 {
		errs = append(errs, errors.New("-targets: at least one is needed"))
	}
	if c.Duration <= 0 {
		errs = append(errs, fmt.Errorf("-duration %v: must be positive", c.Duration))
	}
	if c.Clients < 1 {
		errs = append(errs, fmt.Errorf("-clients %d: at least 1", c.Clients))
	}
	if c.Requests < 0 {
		errs = append(errs, fmt.Errorf("-requests %d: must not be negative", c.Requests))
	}
	if c.ReadPercent < 0 || c.ReadPercent > 100 {
		errs = append(errs, fmt.Errorf("-mix: reads %d%% is not a share", c.ReadPercent))
	}
	return errors.Join(errs...)
}

// parseTargets reads comma-separated base URLs and refuses any whose host
// is not a loopback address (or "localhost").
func parseTargets(s string) ([]*url.URL, error) {
	var out []*url.URL
	for raw := range strings.SplitSeq(s, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("-targets %q: %w", raw, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("-targets %q: http or https is needed", raw)
		}
		host := u.Hostname()
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("-targets %q: only loopback targets are allowed", raw)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, errors.New("-targets: at least one is needed")
	}
	return out, nil
}

// parseMix reads "reads=90,writes=10" and returns the read percentage.
func parseMix(s string) (int, error) {
	shares := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || (k != "reads" && k != "writes") {
			return 0, fmt.Errorf("-mix %q: want reads=N,writes=M", s)
		}
		shares[k] = n
	}
	if shares["reads"]+shares["writes"] != 100 {
		return 0, fmt.Errorf("-mix %q: the shares must add up to 100", s)
	}
	return shares["reads"], nil
}

// Kind is what a request does.
type Kind int

// Kinds of request.
const (
	Read Kind = iota
	Write
)

func (k Kind) String() string { return [...]string{"reads", "writes"}[k] }

// Stats are one kind's figures.
type Stats struct {
	OK       int
	Errors   int
	PerSec   float64
	P50, P99 time.Duration
}

// Report is the outcome of a run.
type Report struct {
	Elapsed time.Duration
	Kinds   [2]Stats
	// Submitted and Completed are the successful writes of each sort;
	// the *Stored figures are the database's growth over the run.
	Submitted, SubmittedStored int
	Completed, CompletedStored int
	FirstErrors                []string // up to five, for the report
}

// Err is non-nil when a request failed or the database does not hold
// exactly the writes that succeeded.
func (r Report) Err() error {
	var errs []error
	if n := r.Kinds[Read].Errors + r.Kinds[Write].Errors; n > 0 {
		errs = append(errs, fmt.Errorf("%d requests failed: %s", n, strings.Join(r.FirstErrors, "; ")))
	}
	if r.Submitted != r.SubmittedStored {
		errs = append(errs, fmt.Errorf("%d applications filed, but the database holds %d more", r.Submitted, r.SubmittedStored))
	}
	if r.Completed != r.CompletedStored {
		errs = append(errs, fmt.Errorf("%d results recorded, but the database holds %d more", r.Completed, r.CompletedStored))
	}
	return errors.Join(errs...)
}

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ran %.1fs\n", r.Elapsed.Seconds())
	for k, s := range r.Kinds {
		fmt.Fprintf(&b, "%-6s %8d ok %5d errors %9.1f/s  p50 %-9v p99 %v\n", Kind(k), s.OK, s.Errors, s.PerSec,
			s.P50.Round(10*time.Microsecond), s.P99.Round(10*time.Microsecond))
	}
	fmt.Fprintf(&b, "reconciled: %d applications filed, %d stored; %d results recorded, %d stored\n",
		r.Submitted, r.SubmittedStored, r.Completed, r.CompletedStored)
	return b.String()
}

// Run generates the load and reconciles. It returns an error only when the
// run could not start or the reconciliation could not read the database;
// failed requests and lost writes are in the Report (see Report.Err).
func Run(ctx context.Context, cfg Config) (Report, error) {
	if err := cfg.validate(); err != nil {
		return Report{}, err
	}
	c := cfg.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: cfg.Clients, MaxIdleConnsPerHost: cfg.Clients, IdleConnTimeout: 30 * time.Second,
		}}
	}
	g := &gen{cfg: cfg, http: c}
	before, err := g.census(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("reading the database before the run: %w", err)
	}
	seedIDs := before.ids
	if len(seedIDs) == 0 {
		return Report{}, errors.New("the recipient has no application to read: start the server with -seed")
	}

	// The duration stops new requests; those in flight finish, so that
	// every write's outcome is known when the reconciliation counts.
	results := make([]clientResult, cfg.Clients)
	start := time.Now()
	end := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		wg.Go(func() {
			results[i] = g.client(ctx, end, i, seedIDs)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	rep := Report{Elapsed: elapsed}
	var lat [2][]time.Duration
	for _, r := range results {
		for k := range lat {
			lat[k] = append(lat[k], r.lat[k]...)
			rep.Kinds[k].Errors += r.errors[k]
		}
		rep.Submitted += r.submitted
		rep.Completed += r.completed
		for _, e := range r.firstErrors {
			if len(rep.FirstErrors) < 5 {
				rep.FirstErrors = append(rep.FirstErrors, e)
			}
		}
	}
	for k := range lat {
		slices.Sort(lat[k])
		s := &rep.Kinds[k]
		s.OK = len(lat[k])
		s.PerSec = float64(s.OK) / elapsed.Seconds()
		s.P50, s.P99 = percentile(lat[k], 50), percentile(lat[k], 99)
	}

	after, err := g.census(context.WithoutCancel(ctx))
	if err != nil {
		return rep, fmt.Errorf("reading the database after the run: %w", err)
	}
	rep.SubmittedStored = len(after.ids) - len(before.ids)
	rep.CompletedStored = after.completed - before.completed
	return rep, nil
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

type gen struct {
	cfg  Config
	http *http.Client
	sent atomic.Int64 // requests started, for -requests
}

type clientResult struct {
	lat                  [2][]time.Duration
	errors               [2]int
	submitted, completed int
	firstErrors          []string
}

// census is what the database holds for the demo recipient: its
// applications and how many have the first component's result.
type census struct {
	ids       []string
	completed int
}

func (g *gen) census(ctx context.Context) (census, error) {
	var views []struct {
		ApplicationID string `json:"application_id"`
		Components    []struct {
			ID     string          `json:"id"`
			Result json.RawMessage `json:"result"`
		} `json:"components"`
	}
	status, body, err := g.do(ctx, g.cfg.Targets[0], http.MethodGet, "/v1/recipients/"+recipient+"/applications", nil, "demo-citizen", "demo-operator")
	if err != nil {
		return census{}, err
	}
	if status != http.StatusOK {
		return census{}, fmt.Errorf("listing the applications: %d %s", status, body)
	}
	if err := json.Unmarshal(body, &views); err != nil {
		return census{}, fmt.Errorf("listing the applications: %w", err)
	}
	var c census
	for _, v := range views {
		c.ids = append(c.ids, v.ApplicationID)
		for _, comp := range v.Components {
			if comp.ID == component && len(comp.Result) > 0 && string(comp.Result) != "null" {
				c.completed++
			}
		}
	}
	return c, nil
}

// client runs one client's loop until end, until the request budget is
// spent, or until ctx ends (an interrupted run may not reconcile).
func (g *gen) client(ctx context.Context, end time.Time, n int, seedIDs []string) clientResult {
	var r clientResult
	rng := rand.New(rand.NewPCG(uint64(n), 0x5eed))
	target := g.cfg.Targets[n%len(g.cfg.Targets)]
	mine := []string{}      // applications this client filed
	var pending []string    // of those, the ones without a result
	nextWriteSubmit := true // writes alternate: file, then record a result
	fail := func(k Kind, what string) {
		r.errors[k]++
		if len(r.firstErrors) < 5 {
			r.firstErrors = append(r.firstErrors, what)
		}
	}
	for ctx.Err() == nil && time.Now().Before(end) {
		if g.cfg.Requests > 0 && g.sent.Add(1) > int64(g.cfg.Requests) {
			break
		}
		kind := Read
		if rng.IntN(100) >= g.cfg.ReadPercent {
			kind = Write
		}
		t0 := time.Now()
		var (
			status int
			body   []byte
			err    error
			want   = http.StatusOK
			what   string
		)
		switch {
		case kind == Read:
			ids := seedIDs
			if len(mine) > 0 && rng.IntN(2) == 0 {
				ids = mine
			}
			id := ids[rng.IntN(len(ids))]
			if rng.IntN(4) == 0 {
				what = "GET ucc " + id
				status, body, err = g.do(ctx, target, http.MethodGet, "/v1/applications/"+id+"/ucc", nil, "demo-operator")
			} else {
				what = "GET status " + id
				status, body, err = g.do(ctx, target, http.MethodGet, "/v1/recipients/"+recipient+"/applications/"+id, nil, "demo-citizen", "demo-operator")
			}
		case nextWriteSubmit || len(pending) == 0:
			what, want = "POST application", http.StatusCreated
			status, body, err = g.do(ctx, target, http.MethodPost, "/v1/applications", submission, "demo-citizen", "demo-operator")
			nextWriteSubmit = false
		default:
			id := pending[0]
			what = "POST result " + id
			status, body, err = g.do(ctx, target, http.MethodPost, "/v1/applications/"+id+"/components/"+component+"/result",
				resultFor(id), "demo-operator", "demo-registry")
			nextWriteSubmit = true
		}
		d := time.Since(t0)
		if err != nil {
			if ctx.Err() != nil {
				break // interrupted during the request: neither counted nor an error
			}
			fail(kind, fmt.Sprintf("%s: %v", what, err))
			continue
		}
		if status != want {
			fail(kind, fmt.Sprintf("%s: %d %s", what, status, bytes.TrimSpace(body)))
			if kind == Write && want == http.StatusOK {
				pending = pending[1:] // do not retry a refused result forever
			}
			continue
		}
		r.lat[kind] = append(r.lat[kind], d)
		switch {
		case kind == Read:
		case want == http.StatusCreated:
			var a struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(body, &a); err != nil || a.ID == "" {
				fail(kind, fmt.Sprintf("%s: no id in %s", what, body))
				continue
			}
			r.submitted++
			mine = append(mine, a.ID)
			pending = append(pending, a.ID)
		default:
			r.completed++
			pending = pending[1:]
		}
	}
	return r
}

// submission is a "Birth of a child" application signed for the demo
// verifier.
var submission = func() []byte {
	raw, err := json.Marshal(map[string]any{
		"definition_id": "birth-of-a-child", "recipient": recipient, "actor": "loadgen",
		"document": []byte(`{"child":"Load"}`), "signature": chaintest.Sign(recipient),
		"data": map[string]string{"parent_iin": recipient},
	})
	if err != nil {
		panic(err) // a map of strings and bytes always encodes
	}
	return raw
}()

func resultFor(id string) []byte {
	return []byte(`{"actor":"registrar","at":"` + time.Now().UTC().Format(time.RFC3339Nano) + `","channel":"electronic","reference":"LG-` + id +
		`","fields":{"child_iin":"250315600012","birth_record_number":"1"}}`)
}

// do sends a request with the first demo key the route does not refuse
// (403): roles per route are the server's business.
func (g *gen) do(ctx context.Context, target *url.URL, method, path string, body []byte, keys ...string) (int, []byte, error) {
	var (
		status int
		answer []byte
		err    error
	)
	for _, key := range keys {
		var req *http.Request
		req, err = http.NewRequestWithContext(ctx, method, target.String()+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		var resp *http.Response
		resp, err = g.http.Do(req)
		if err != nil {
			return 0, nil, err
		}
		answer, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
		if err != nil || status != http.StatusForbidden {
			break
		}
	}
	return status, answer, err
}
