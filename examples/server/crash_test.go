package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/sqlstore/sqlstoretest"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/onboarding"
)

// The crash test's shape: per database, crashSeeds runs, each killing the
// server crashKills times at random points while writers drive it.
const (
	crashSeeds = 3
	crashKills = 4
	// crashSpeed makes terms of days fall due within the test: a second of
	// the test is about 2.3 days of the server's clock.
	crashSpeed = 200_000
)

// TestCrashSafety builds the server, runs it as a subprocess, and SIGKILLs
// it at random points while clients write over HTTP (onboarding steps,
// application submissions, component results), then restarts it on the
// same database, on SQLite (synchronous=FULL, the server's default) and,
// when QYZMET_TEST_POSTGRES is set, on PostgreSQL. After the last restart:
// every write answered 2xx is stored; every rung of every timer is either
// still scheduled or claimed, never both, and none claimed twice; no
// escalation is recorded twice; every outbox message pending at the last
// kill gets delivered; the audit chain verifies.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the server binary")
	}
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		for seed := range uint64(crashSeeds) {
			t.Run(fmt.Sprintf("seed %d", seed+1), func(t *testing.T) {
				t.Parallel()
				crashRun(t, bin, "sqlite://"+filepath.Join(t.TempDir(), "crash.db"), seed+1)
			})
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		base := os.Getenv("QYZMET_TEST_POSTGRES")
		if base == "" {
			t.Skip("QYZMET_TEST_POSTGRES is not set")
		}
		for seed := range uint64(crashSeeds) {
			t.Run(fmt.Sprintf("seed %d", seed+1), func(t *testing.T) {
				t.Parallel()
				crashRun(t, bin, sqlstoretest.Schema(t, base, "crash"), seed+1)
			})
		}
	})
}

// crashRun is one seed: kills, restarts, then the checks.
func crashRun(t *testing.T, bin, dsn string, seed uint64) {
	rng := mrand.New(mrand.NewPCG(seed, 0x9e3779b97f4a7c15))
	epoch := time.Now()
	clk := fastClock{epoch: epoch, speed: crashSpeed}
	args := []string{"-addr", "127.0.0.1:0", "-db", dsn, "-sweep-every", "20ms",
		"-clock-speed", fmt.Sprint(crashSpeed), "-clock-epoch", epoch.Format(time.RFC3339Nano)}
	logs, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
	require.NoError(t, err)
	t.Cleanup(func() {
		logs.Close()
		if t.Failed() {
			t.Logf("server log: %s", logs.Name())
		}
	})
	w := newWorkload(clk)

	for kill := range crashKills {
		srv := startServer(t, bin, args, logs)
		ctx, stop := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		wg.Go(func() { w.driveOnboardings(ctx, srv.base) })
		for range 2 {
			wg.Go(func() { w.driveApplications(ctx, srv.base) })
		}
		time.Sleep(time.Duration(150+rng.IntN(500)) * time.Millisecond)
		srv.kill(t)
		stop()
		wg.Wait()
		t.Logf("kill %d: %d acknowledged writes so far", kill+1, w.count())
	}
	require.Positive(t, w.count(), "the writers got answers")

	// What the last kill left for the relay.
	pending := outboxPending(t, dsn)

	srv := startServer(t, bin, args, logs)
	store, err := sqlstore.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer store.Close()
	require.Eventually(t, func() bool { return delivered(t, store, pending) }, 20*time.Second, 50*time.Millisecond,
		"the %d messages pending at the last kill are delivered after the restart", len(pending))
	srv.stop(t)

	// The stop cancels a sweep's handlers midway; one more sweep, as the
	// next start would run, escalates what they left (deadlines.Acknowledger).
	ctx := t.Context()
	app, err := demoapp.Open(ctx, demoapp.Config{DSN: dsn, Calendar: kz.Calendar(), Clock: clk})
	require.NoError(t, err)
	_, err = app.Sweeper.Sweep(ctx)
	require.NoError(t, err)
	require.NoError(t, app.Close())

	checkAcknowledged(t, store, w)
	checkTimers(t, store)
	require.NoError(t, store.VerifyAudit(ctx), "the audit chain verifies")
	n, _, _, err := store.OutboxStats(ctx)
	require.NoError(t, err)
	t.Logf("%d acknowledged writes, %d outbox messages pending at the last kill (delivered), %d pending after the graceful stop", w.count(), len(pending), n)
}

// server is one running server subprocess.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

func startServer(t *testing.T, bin string, args []string, logs io.Writer) *server {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s := &server{cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			_ = cmd.Process.Kill()
			require.FailNow(t, "the server exited before listening", "%v", cmd.Wait())
		}
		const prefix = "qyzmet demo listening on "
		require.True(t, strings.HasPrefix(line, prefix), line)
		s.base = strings.TrimPrefix(line, prefix)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		require.FailNow(t, "the server did not start listening in 30 s")
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return s
}

// kill sends SIGKILL: no deferred function, no graceful shutdown.
func (s *server) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	<-s.done
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-s.done:
		require.NoError(t, err, "a graceful stop exits 0")
	case <-time.After(20 * time.Second):
		require.FailNow(t, "the server did not stop in 20 s")
	}
}

// event is what the checks compare of an aggregate's history.
type event struct {
	Seq  int       `json:"seq"`
	Type string    `json:"type"`
	At   time.Time `json:"at"`
}

type aggregate struct {
	ID          string  `json:"id"`
	History     []event `json:"history"`
	SubmittedAt time.Time
}

// workload drives writes and remembers every acknowledged one: per
// aggregate, the longest history a 2xx answer returned.
type workload struct {
	clock  fastClock
	client *http.Client

	mu          sync.Mutex
	acked       int
	onboardings map[string][]event // id → acknowledged history
	apps        map[string][]event
	obIDs       map[string]string // service/body → onboarding id
	obStep      map[string]int    // onboarding id → next step
	lastAt      map[string]time.Time
}

func newWorkload(clock fastClock) *workload {
	return &workload{
		clock: clock, client: &http.Client{Timeout: 5 * time.Second},
		onboardings: map[string][]event{}, apps: map[string][]event{},
		obIDs: map[string]string{}, obStep: map[string]int{}, lastAt: map[string]time.Time{},
	}
}

func (w *workload) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acked
}

// at is an instant the server accepts for the next step of id: in its
// clock's past (by a margin of 100 ms of real time) and after id's last
// step.
func (w *workload) at(id string) time.Time {
	at := w.clock.Now().Add(-100 * time.Millisecond * crashSpeed)
	w.mu.Lock()
	defer w.mu.Unlock()
	if last := w.lastAt[id]; !at.After(last) {
		at = last.Add(time.Second)
	}
	return at.Truncate(time.Second)
}

// record notes an acknowledged write's answer.
func (w *workload) record(into map[string][]event, a aggregate) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.acked++
	if len(a.History) >= len(into[a.ID]) {
		into[a.ID] = a.History
	}
	for _, e := range a.History {
		if e.At.After(w.lastAt[a.ID]) {
			w.lastAt[a.ID] = e.At
		}
	}
	if a.SubmittedAt.After(w.lastAt[a.ID]) {
		w.lastAt[a.ID] = a.SubmittedAt
	}
}

// post sends a JSON body with the first key the route does not refuse
// (403): auth is wired on another branch, and roles per route may differ.
func (w *workload) post(ctx context.Context, url string, body any, keys ...string) (int, []byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	var status int
	var answer []byte
	for _, key := range keys {
		status, answer, err = send(ctx, w.client, http.MethodPost, url, raw, key)
		if err != nil || status != http.StatusForbidden {
			break
		}
	}
	return status, answer, err
}

func send(ctx context.Context, c *http.Client, method, url string, body []byte, key string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}

// onboardingSteps are the steps the workload drives, in order.
var onboardingSteps = []string{"request", "receipt", "appointment", "information"}

// driveOnboardings starts one onboarding per demo service and walks each
// through its steps until ctx ends. Unknown outcomes (the server died
// mid-request) are retried; a conflict means the step is done.
func (w *workload) driveOnboardings(ctx context.Context, base string) {
	for ctx.Err() == nil {
		progressed := false
		for _, s := range demo.Services() {
			if ctx.Err() != nil {
				return
			}
			pair := s.ID + "/" + s.Providers[0]
			w.mu.Lock()
			id := w.obIDs[pair]
			w.mu.Unlock()
			if id == "" {
				progressed = w.startOnboarding(ctx, base, s.ID, s.Providers[0], pair) || progressed
				continue
			}
			progressed = w.step(ctx, base, id) || progressed
		}
		if !progressed {
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

func (w *workload) startOnboarding(ctx context.Context, base, service, body, pair string) bool {
	day := w.clock.Now().Add(-48 * time.Hour).Truncate(time.Second)
	status, answer, err := w.post(ctx, base+"/v1/onboardings", map[string]any{
		"service_id": service, "body_id": body, "registered_on": day, "standard_approved_on": day, "actor": "crash-test",
	}, "demo-operator")
	switch {
	case err != nil:
		return false
	case status == http.StatusCreated:
		var a aggregate
		if json.Unmarshal(answer, &a) == nil {
			w.record(w.onboardings, a)
			w.mu.Lock()
			w.obIDs[pair] = a.ID
			w.mu.Unlock()
		}
		return true
	case status == http.StatusConflict: // started before a kill took the answer, or the seed's
		u := base + "/v1/onboardings?" + url.Values{"service": {service}, "body": {body}}.Encode()
		st, list, err := send(ctx, w.client, http.MethodGet, u, nil, "demo-operator")
		var found []aggregate
		if err == nil && st == http.StatusOK && json.Unmarshal(list, &found) == nil && len(found) == 1 {
			w.mu.Lock()
			w.obIDs[pair] = found[0].ID
			for _, e := range found[0].History {
				w.lastAt[found[0].ID] = later(w.lastAt[found[0].ID], e.At)
			}
			w.mu.Unlock()
		}
	}
	return false
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (w *workload) step(ctx context.Context, base, id string) bool {
	w.mu.Lock()
	i := w.obStep[id]
	w.mu.Unlock()
	if i >= len(onboardingSteps) {
		return false
	}
	body := map[string]any{"at": w.at(id), "actor": "crash-test"}
	switch onboardingSteps[i] {
	case "appointment":
		body["person"] = onboarding.Person{FullName: "Aigerim Sadykova", Position: "chief expert", Phone: "+7 717 274 0000", Email: "a.sadykova@gov.kz"}
	case "information":
		body["information"] = onboarding.Information{
			Description: "crash test", Documents: []string{"application"}, Fee: "free", Term: "1 working day", Result: "certificate",
			Channels: []string{"egov.kz"}, Standard: onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2015, Month: 4, Day: 17}},
		}
	}
	status, answer, err := w.post(ctx, base+"/v1/onboardings/"+id+"/"+onboardingSteps[i], body, "demo-operator", "demo-education", "demo-registry")
	switch {
	case err != nil:
		return false
	case status == http.StatusOK:
		var a aggregate
		if json.Unmarshal(answer, &a) == nil {
			w.record(w.onboardings, a)
		}
	case status == http.StatusConflict: // done before a kill took the answer
	default:
		// a step the server refuses (its term, a role): leave this onboarding
	}
	w.mu.Lock()
	w.obStep[id] = i + 1
	w.mu.Unlock()
	return true
}

// driveApplications files "Birth of a child" applications and records the
// registry office's result on each.
func (w *workload) driveApplications(ctx context.Context, base string) {
	for ctx.Err() == nil {
		status, answer, err := w.post(ctx, base+"/v1/applications", map[string]any{
			"definition_id": "birth-of-a-child", "recipient": demoapp.DemoRecipient, "actor": "crash-test",
			"document": []byte(`{"child":"Dana"}`), "signature": chaintest.Sign(demoapp.DemoRecipient),
			"data": map[string]string{"parent_iin": demoapp.DemoRecipient},
		}, "demo-citizen", "demo-operator")
		if err != nil || status != http.StatusCreated {
			continue
		}
		var a aggregate
		if json.Unmarshal(answer, &a) != nil {
			continue
		}
		var full chain.Application
		if json.Unmarshal(answer, &full) == nil {
			a.SubmittedAt = full.SubmittedAt
		}
		w.record(w.apps, a)
		status, answer, err = w.post(ctx, base+"/v1/applications/"+a.ID+"/components/birth-registration/result", map[string]any{
			"actor": "registrar", "at": w.at(a.ID), "channel": "electronic", "reference": "CR-" + a.ID[:8],
			"fields": map[string]string{"child_iin": "250315600012", "birth_record_number": "1"},
		}, "demo-operator", "demo-registry")
		if err == nil && status == http.StatusOK {
			var done aggregate
			if json.Unmarshal(answer, &done) == nil {
				w.record(w.apps, done)
			}
		}
	}
}

// outboxPending lists the keys of undelivered outbox messages, reading the
// database directly while no server runs.
func outboxPending(t *testing.T, dsn string) []string {
	t.Helper()
	store, err := sqlstore.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer store.Close()
	rows, err := store.DB().QueryContext(t.Context(), `SELECT key FROM outbox WHERE delivered_at IS NULL`)
	require.NoError(t, err)
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		keys = append(keys, k)
	}
	require.NoError(t, rows.Err())
	return keys
}

// delivered reports whether every message of keys is delivered.
func delivered(t *testing.T, store *sqlstore.Store, keys []string) bool {
	t.Helper()
	rows, err := store.DB().QueryContext(t.Context(), `SELECT key FROM outbox WHERE delivered_at IS NULL`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		if slices.Contains(keys, k) {
			return false
		}
	}
	require.NoError(t, rows.Err())
	return true
}

// checkAcknowledged: every acknowledged history is a prefix of the stored
// one.
func checkAcknowledged(t *testing.T, store *sqlstore.Store, w *workload) {
	t.Helper()
	ctx := t.Context()
	for id, acked := range w.onboardings {
		o, err := store.GetOnboarding(ctx, id)
		require.NoError(t, err, "acknowledged onboarding %s", id)
		requirePrefix(t, acked, eventsOf(o.History, func(e onboarding.Event) event { return event{e.Seq, e.Type, e.At} }), "onboarding "+id)
	}
	for id, acked := range w.apps {
		a, err := store.GetApplication(ctx, id)
		require.NoError(t, err, "acknowledged application %s", id)
		requirePrefix(t, acked, eventsOf(a.History, func(e chain.Event) event { return event{e.Seq, e.Type, e.At} }), "application "+id)
	}
}

func eventsOf[E any](h []E, f func(E) event) []event {
	out := make([]event, len(h))
	for i, e := range h {
		out[i] = f(e)
	}
	return out
}

func requirePrefix(t *testing.T, acked, stored []event, what string) {
	t.Helper()
	require.GreaterOrEqual(t, len(stored), len(acked), "%s lost acknowledged events", what)
	for i, e := range acked {
		require.Equal(t, e.Seq, stored[i].Seq, what)
		require.Equal(t, e.Type, stored[i].Type, what)
		require.True(t, e.At.Equal(stored[i].At), "%s #%d", what, e.Seq)
	}
}

// checkTimers: every rung of every onboarding's and application's timers
// is scheduled or claimed, never both; nothing is scheduled for a timer no
// aggregate holds; every claim is acknowledged and its rung escalated in
// its aggregate's history, and none is escalated twice.
func checkTimers(t *testing.T, store *sqlstore.Store) {
	t.Helper()
	ctx := t.Context()
	keys := func(query string) map[string]string {
		rows, err := store.DB().QueryContext(ctx, query)
		require.NoError(t, err)
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var k, timer string
			require.NoError(t, rows.Scan(&k, &timer))
			out[k] = timer
		}
		require.NoError(t, rows.Err())
		return out
	}
	scheduled := keys(`SELECT key, timer_id FROM schedule`)
	claimed := keys(`SELECT key, timer_id FROM claims`)
	require.Empty(t, keys(`SELECT key, timer_id FROM claims WHERE pending_since IS NOT NULL`), "every claim is acknowledged")
	firingsOf := map[string][]deadlines.Firing{}
	for _, timer := range claimed {
		if _, done := firingsOf[timer]; !done {
			fs, err := store.Firings(ctx, timer)
			require.NoError(t, err)
			firingsOf[timer] = fs
		}
	}

	held := map[string]bool{}
	check := func(what string, timers []*deadlines.Timer, escalations []string) {
		var fired []deadlines.Firing
		for _, tm := range timers {
			held[tm.ID] = true
			fired = append(fired, firingsOf[tm.ID]...)
			for _, f := range tm.Schedule {
				_, s := scheduled[f.Key()]
				_, c := claimed[f.Key()]
				require.True(t, s != c, "%s: rung %s scheduled %v, claimed %v", what, f.Key(), s, c)
			}
		}
		seen := map[string]bool{}
		for _, note := range escalations {
			require.False(t, seen[note], "%s: escalation %q recorded twice", what, note)
			seen[note] = true
		}
		// Each claimed rung was escalated, even when the server died
		// between the claim and the handler (deadlines.Acknowledger).
		for _, f := range fired {
			prefix := f.Rung.Name + ": " + f.Subject + ", due " + f.Due.Format(time.DateOnly)
			require.True(t, slices.ContainsFunc(escalations, func(n string) bool { return strings.HasPrefix(n, prefix) }),
				"%s: rung %s was claimed and acknowledged but never escalated", what, f.Key())
		}
	}

	obs, err := store.ListOnboardings(ctx, onboarding.OnboardingFilter{})
	require.NoError(t, err)
	for _, o := range obs {
		var timers []*deadlines.Timer
		for i := range o.Timers {
			timers = append(timers, &o.Timers[i])
		}
		var esc []string
		for _, e := range o.History {
			if e.Type == "escalation" {
				esc = append(esc, e.Note)
			}
		}
		check("onboarding "+o.ID, timers, esc)
	}
	apps, err := store.ListApplications(ctx, chain.ApplicationFilter{Recipient: demoapp.DemoRecipient})
	require.NoError(t, err)
	for _, a := range apps {
		var esc []string
		for _, e := range a.History {
			if e.Type == "escalation" {
				esc = append(esc, e.Note)
			}
		}
		check("application "+a.ID, a.Timers(), esc)
	}
	onboardingIDs := map[string]bool{}
	for _, o := range obs {
		onboardingIDs[o.ID] = true
	}
	for key, timer := range scheduled {
		owner, _, _ := strings.Cut(timer, "/")
		if owner == "chain" || onboardingIDs[owner] {
			require.True(t, held[timer], "rung %s is scheduled for timer %s, which no aggregate holds", key, timer)
		}
	}
	t.Logf("%d onboardings, %d applications; %d rungs scheduled, %d claimed", len(obs), len(apps), len(scheduled), len(claimed))
}
