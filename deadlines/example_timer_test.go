package deadlines_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// A timer is a ledger: pauses and extensions move the due date, and the
// sweeper fires each escalation rung exactly once.
func ExampleTimer() {
	ctx := context.Background()
	c := kz.Calendar()
	clock := deadlinestest.NewClock(c.Date(2025, 3, 17).Add(10 * time.Hour))
	store := memory.New()
	p5 := deadlines.Cite(deadlines.Rules130, 5)

	t, _ := deadlines.NewTimer(c, "onboarding-42/information", "information for service 42",
		deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, clock.Now(),
		deadlines.Warning(1, p5), deadlines.Breach(p5))
	_ = t.Pause(c, clock.Now().Add(4*time.Hour), p5, "clarification requested")
	_ = t.Resume(c, c.Date(2025, 3, 19).Add(9*time.Hour), p5, "clarification received")
	_ = store.CreateTimer(ctx, t)

	s := t.Status(c, clock.Now())
	fmt.Println("due", s.Deadline.Due.Format(time.DateOnly), "paused", s.PausedDays, "working day(s)")

	sweeper, _ := deadlines.NewSweeper(store, c, clock, func(_ context.Context, f deadlines.Firing) error {
		fmt.Println("fired", f.Rung.Name, f.Rung.Rule, "at", f.At.Format("2006-01-02 15:04"))
		return nil
	})
	for _, now := range []time.Time{c.Date(2025, 3, 27), c.Date(2025, 3, 28), c.Date(2025, 4, 1)} {
		clock.Set(now)
		_, _ = sweeper.Sweep(ctx)
	}
	// Output:
	// due 2025-03-31 paused 2 working day(s)
	// fired warning-1 Rules130 p.5 at 2025-03-28 00:00
	// fired breach Rules130 p.5 at 2025-04-01 00:00
}
