package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// The outbox is written in the state change's transaction: when a write
// after it fails (the timers' rungs come last), the events go with the
// rest. A trigger refuses the rungs, as a full disk or a lost connection
// would at that point.
func TestOutboxIsRolledBackWithTheChange(t *testing.T) {
	t.Parallel()
	triggers := map[string][]string{
		"sqlite": {`CREATE TRIGGER refuse_rungs BEFORE INSERT ON rungs BEGIN SELECT RAISE(ABORT, 'rungs refused'); END`},
		"postgres": {
			`CREATE FUNCTION refuse_rungs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'rungs refused'; END $$`,
			`CREATE TRIGGER refuse_rungs BEFORE INSERT ON rungs FOR EACH ROW EXECUTE FUNCTION refuse_rungs()`,
		},
	}
	for name, s := range txnStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s.db.SetMaxOpenConns(4) // a write outside the transaction would not wait for it
			cal := kz.Calendar()
			start := cal.Date(2025, time.March, 17).Add(10 * time.Hour)
			rule := deadlines.Cite(deadlines.Rules130, 4)
			newOnboarding := func(id string) *onboarding.Onboarding {
				tm, err := deadlines.NewTimer(cal, id+"/request", "onboardings/"+id,
					deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: rule}, start, deadlines.Breach(rule))
				require.NoError(t, err)
				return &onboarding.Onboarding{ID: id, ServiceID: "s-" + id, BodyID: "b1", State: onboarding.StateRequestSent,
					History: []onboarding.Event{{Seq: 1, Type: "request.sent", Rule: rule, Actor: "ucc", At: start, Recorded: start}},
					Timers:  []deadlines.Timer{*tm}}
			}
			count := func(query string) int {
				var n int
				require.NoError(t, s.db.QueryRowContext(ctx, query).Scan(&n))
				return n
			}

			// Without the trigger: the onboarding, its audit entry, its
			// event and its rung are written together.
			require.NoError(t, s.CreateOnboarding(ctx, newOnboarding("o1")))
			require.Equal(t, 1, count(`SELECT COUNT(*) FROM outbox`))
			require.Equal(t, 1, count(`SELECT COUNT(*) FROM rungs`))

			for _, q := range triggers[name] {
				_, err := s.db.ExecContext(ctx, q)
				require.NoError(t, err)
			}
			err := s.CreateOnboarding(ctx, newOnboarding("o2"))
			require.ErrorContains(t, err, "rungs refused")
			require.Equal(t, 1, count(`SELECT COUNT(*) FROM outbox`), "the event is rolled back with the change")
			require.Equal(t, 1, count(`SELECT COUNT(*) FROM onboardings`))
			require.Equal(t, 1, count(`SELECT COUNT(*) FROM audit`))

			// An update whose rungs are refused (the timer restarted) keeps
			// nothing either: not the new event, not the new state.
			err = s.UpdateOnboarding(ctx, "o1", func(o *onboarding.Onboarding) error {
				o.History = append(o.History, onboarding.Event{Seq: 2, Type: "request.resent", Rule: rule, Actor: "ucc", At: start.Add(time.Hour), Recorded: start.Add(time.Hour)})
				o.State = onboarding.StateRequestSent
				tm, err := deadlines.NewTimer(cal, "o1/request-2", "onboardings/o1",
					deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: rule}, start.Add(24*time.Hour), deadlines.Breach(rule))
				if err != nil {
					return err
				}
				o.Timers = append(o.Timers, *tm)
				return nil
			})
			require.ErrorContains(t, err, "rungs refused")
			require.Equal(t, 1, count(`SELECT COUNT(*) FROM outbox`), "the update's event is rolled back with it")
			got, err := s.GetOnboarding(ctx, "o1")
			require.NoError(t, err)
			require.Len(t, got.History, 1)
			require.NoError(t, s.VerifyAudit(ctx))
		})
	}
}
