package deadlines_test

import (
	"cmp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

type timerBundle struct {
	cal   *deadlines.Calendar
	timer *deadlines.Timer
}

// setupTimer starts "within 5 working days" (Rules130 p.5) on Monday 17 Mar
// 2025 at 10:00: due Thursday 27 Mar (21–25 Mar are Nauryz days off).
func setupTimer(t *testing.T, rungs ...deadlines.Rung) *timerBundle {
	t.Helper()
	c := kzCal()
	tm, err := deadlines.NewTimer(c, "t1", "test", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, at(t, c, "2025-03-17 10:00"), rungs...)
	require.NoError(t, err)
	require.Equal(t, "2025-03-27", day(tm.Deadline(c).Due))
	return &timerBundle{cal: c, timer: tm}
}

func TestTimerLedger(t *testing.T) {
	t.Parallel()
	p8 := deadlines.Cite(deadlines.Rules130, 8)
	tests := []struct {
		name     string
		ops      func(t *testing.T, b *timerBundle)
		now      string
		state    deadlines.TimerState
		cycle    int
		due      string
		elapsed  int
		remain   int
		paused   int
		breached bool
	}{
		{
			name: "running", now: "2025-03-26 10:00", state: deadlines.TimerRunning, cycle: 1,
			due: "2025-03-27", elapsed: 4, remain: 1,
		},
		{
			name: "breached at 24:00 of the due date", now: "2025-03-28 00:00", state: deadlines.TimerRunning, cycle: 1,
			due: "2025-03-27", elapsed: 6, breached: true,
		},
		{
			name: "pause and resume move the due date by the paused working days",
			ops: func(t *testing.T, b *timerBundle) {
				require.NoError(t, b.timer.Pause(b.cal, at(t, b.cal, "2025-03-18 14:00"), p5, "documents requested"))
				require.NoError(t, b.timer.Resume(b.cal, at(t, b.cal, "2025-03-20 09:00"), p5, "documents received"))
			},
			now: "2025-03-28 12:00", state: deadlines.TimerRunning, cycle: 1, due: "2025-03-31", elapsed: 4, remain: 1, paused: 2,
		},
		{
			name: "paused: the due date is shown as if resumed now and never breaches",
			ops: func(t *testing.T, b *timerBundle) {
				require.NoError(t, b.timer.Pause(b.cal, at(t, b.cal, "2025-03-18 14:00"), p5, "documents requested"))
			},
			now: "2025-04-10 12:00", state: deadlines.TimerPaused, cycle: 1,
			due: "2025-04-16", elapsed: 1, remain: 4, paused: 14,
		},
		{
			name: "extend by 3 working days",
			ops: func(t *testing.T, b *timerBundle) {
				require.NoError(t, b.timer.Extend(b.cal, at(t, b.cal, "2025-03-20 09:00"), deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: p8}, "agreed"))
			},
			now: "2025-03-31 09:00", state: deadlines.TimerRunning, cycle: 1, due: "2025-04-01", elapsed: 7, remain: 1,
		},
		{
			name: "stopped in time is met",
			ops: func(t *testing.T, b *timerBundle) {
				require.NoError(t, b.timer.Stop(b.cal, at(t, b.cal, "2025-03-27 16:00"), p5, "appointed"))
			},
			now: "2025-05-01 00:00", state: deadlines.TimerStopped, cycle: 1, due: "2025-03-27", elapsed: 5,
		},
		{
			name: "stopped late is breached",
			ops: func(t *testing.T, b *timerBundle) {
				require.NoError(t, b.timer.Stop(b.cal, at(t, b.cal, "2025-03-28 09:00"), p5, "appointed late"))
			},
			now: "2025-05-01 00:00", state: deadlines.TimerStopped, cycle: 1, due: "2025-03-27", elapsed: 6, breached: true,
		},
		{
			name: "restart counts a fresh term from the new event",
			ops: func(t *testing.T, b *timerBundle) {
				require.NoError(t, b.timer.Pause(b.cal, at(t, b.cal, "2025-03-18 14:00"), p5, "documents incomplete"))
				require.NoError(t, b.timer.Restart(b.cal, at(t, b.cal, "2025-04-10 11:00"), deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, "documents re-submitted"))
			},
			now: "2025-04-14 10:00", state: deadlines.TimerRunning, cycle: 2, due: "2025-04-17", elapsed: 2, remain: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTimer(t)
			if tt.ops != nil {
				tt.ops(t, b)
			}
			s := b.timer.Status(b.cal, at(t, b.cal, tt.now))
			require.Equal(t, tt.state, s.State)
			require.Equal(t, tt.cycle, s.Cycle)
			require.Equal(t, tt.due, day(s.Deadline.Due))
			require.Equal(t, tt.elapsed, s.ElapsedWorkdays, "elapsed")
			require.Equal(t, tt.remain, s.RemainingWorkdays, "remaining")
			require.Equal(t, tt.paused, s.PausedDays, "paused")
			require.Equal(t, tt.breached, s.Breached)
			if tt.breached {
				require.Equal(t, s.Deadline.Ends, s.BreachedAt)
				require.Equal(t, at(t, b.cal, tt.due).AddDate(0, 0, 1), s.BreachedAt)
			} else {
				require.True(t, s.BreachedAt.IsZero())
			}
		})
	}
}

func TestTimerCalendarDayTermPausesInCalendarDays(t *testing.T) {
	t.Parallel()
	c := kzCal()
	tm, err := deadlines.NewTimer(c, "cd", "test", deadlines.Term{Kind: deadlines.CalendarDays, N: 10}, at(t, c, "2025-03-03 10:00"))
	require.NoError(t, err)
	require.Equal(t, "2025-03-13", day(tm.Deadline(c).Due))
	require.NoError(t, tm.Pause(c, at(t, c, "2025-03-05 10:00"), deadlines.Citation{}, "suspended"))
	require.NoError(t, tm.Resume(c, at(t, c, "2025-03-08 10:00"), deadlines.Citation{}, "resumed"))
	s := tm.Status(c, at(t, c, "2025-03-10 10:00"))
	require.Equal(t, "2025-03-17", day(s.Deadline.Due), "13 Mar + 3 days = Sunday 16 Mar, rolled to Monday")
	require.Equal(t, 3, s.PausedDays)
}

func TestTimerRejectsBadEntriesAndChangesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		prepare  func(t *testing.T, b *timerBundle)
		op       func(b *timerBundle, c func(string) time.Time) error
		sentinel error
	}{
		{"resume a running timer", nil,
			func(b *timerBundle, c func(string) time.Time) error {
				return b.timer.Resume(b.cal, c("2025-03-18 10:00"), p5, "")
			}, deadlines.ErrConflict},
		{"pause twice", func(t *testing.T, b *timerBundle) {
			require.NoError(t, b.timer.Pause(b.cal, at(t, b.cal, "2025-03-18 10:00"), p5, ""))
		}, func(b *timerBundle, c func(string) time.Time) error {
			return b.timer.Pause(b.cal, c("2025-03-19 10:00"), p5, "")
		}, deadlines.ErrConflict},
		{"entry before the last one", nil,
			func(b *timerBundle, c func(string) time.Time) error {
				return b.timer.Pause(b.cal, c("2025-03-16 10:00"), p5, "")
			}, deadlines.ErrInvalid},
		{"zero time", nil,
			func(b *timerBundle, _ func(string) time.Time) error {
				return b.timer.Pause(b.cal, time.Time{}, p5, "")
			}, deadlines.ErrInvalid},
		{"pause after the term ended", nil,
			func(b *timerBundle, c func(string) time.Time) error {
				return b.timer.Pause(b.cal, c("2025-03-28 00:00"), p5, "")
			}, deadlines.ErrTermExpired},
		{"extend by zero", nil,
			func(b *timerBundle, c func(string) time.Time) error {
				return b.timer.Extend(b.cal, c("2025-03-18 10:00"), deadlines.Term{Kind: deadlines.WorkingDays, N: 0, Rule: p5}, "")
			}, deadlines.ErrInvalid},
		{"extend to the 5th of next month", nil,
			func(b *timerBundle, c func(string) time.Time) error {
				return b.timer.Extend(b.cal, c("2025-03-18 10:00"), deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: p5}, "")
			}, deadlines.ErrInvalid},
		{"extend while paused", func(t *testing.T, b *timerBundle) {
			require.NoError(t, b.timer.Pause(b.cal, at(t, b.cal, "2025-03-18 10:00"), p5, ""))
		}, func(b *timerBundle, c func(string) time.Time) error {
			return b.timer.Extend(b.cal, c("2025-03-19 10:00"), deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}, "")
		}, deadlines.ErrConflict},
		{"pause a stopped timer", func(t *testing.T, b *timerBundle) {
			require.NoError(t, b.timer.Stop(b.cal, at(t, b.cal, "2025-03-18 10:00"), p5, ""))
		}, func(b *timerBundle, c func(string) time.Time) error {
			return b.timer.Pause(b.cal, c("2025-03-19 10:00"), p5, "")
		}, deadlines.ErrConflict},
		{"restart with a bad term", nil,
			func(b *timerBundle, c func(string) time.Time) error {
				return b.timer.Restart(b.cal, c("2025-03-19 10:00"), deadlines.Term{Kind: deadlines.WorkingDays, N: -3, Rule: p5}, "")
			}, deadlines.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTimer(t)
			if tt.prepare != nil {
				tt.prepare(t, b)
			}
			before := b.timer.Clone()
			err := tt.op(b, func(s string) time.Time { return at(t, b.cal, s) })
			require.ErrorIs(t, err, tt.sentinel)
			var re *deadlines.RuleError
			require.ErrorAs(t, err, &re)
			require.NotEmpty(t, re.Field)
			require.Equal(t, before, b.timer, "a rejected entry changes nothing")
		})
	}
}

func TestNewTimerRejectsBadInput(t *testing.T) {
	t.Parallel()
	c := kzCal()
	start := at(t, c, "2025-03-17 10:00")
	term := deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}
	_, err := deadlines.NewTimer(c, "", "s", term, start)
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	_, err = deadlines.NewTimer(c, "t", "s", deadlines.Term{Kind: deadlines.WorkingDays, N: -1, Rule: p5}, start)
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	_, err = deadlines.NewTimer(c, "t", "s", term, start, deadlines.Breach(p5), deadlines.Breach(p5))
	require.ErrorIs(t, err, deadlines.ErrInvalid, "rung names are unique")
	_, err = deadlines.NewTimer(nil, "t", "s", term, start)
	require.ErrorIs(t, err, deadlines.ErrInvalid)
}

func scheduleKeys(fs []deadlines.Firing) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key()+" "+f.At.Format("2006-01-02 15:04"))
	}
	return out
}

func TestTimerRungs(t *testing.T) {
	t.Parallel()
	b := setupTimer(t, deadlines.Warning(1, p5), deadlines.Breach(p5), deadlines.Rung{Name: "escalate", Offset: 2, Rule: deadlines.Cite(deadlines.Rules130, 12)})
	c := b.cal
	// Due Thursday 27 Mar: the warning at 00:00 of Wednesday 26 Mar, the
	// breach at 24:00 of the 27th, the escalation at 24:00 of Monday 31 Mar.
	require.Equal(t, []string{"t1/1/warning-1 2025-03-26 00:00", "t1/1/breach 2025-03-28 00:00", "t1/1/escalate 2025-04-01 00:00"}, scheduleKeys(b.timer.Schedule))
	require.Equal(t, "2025-03-27", day(b.timer.Schedule[1].Due))
	require.Equal(t, deadlines.Cite(deadlines.Rules130, 12), b.timer.Schedule[2].Rung.Rule)

	// A restart opens a new cycle whose rungs fire again.
	require.NoError(t, b.timer.Restart(c, at(t, c, "2025-04-10 11:00"), deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, "re-submitted"))
	require.Equal(t, []string{"t1/2/warning-1 2025-04-16 00:00", "t1/2/breach 2025-04-18 00:00", "t1/2/escalate 2025-04-22 00:00"}, scheduleKeys(b.timer.Schedule))
}

func TestNewTimerKeepsItsOwnRungs(t *testing.T) {
	t.Parallel()
	c := kzCal()
	start := at(t, c, "2025-03-17 10:00")
	term := deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}
	rungs := []deadlines.Rung{deadlines.Warning(3, p5), deadlines.Warning(2, p5), deadlines.Warning(1, p5), deadlines.Breach(p5), {Name: "escalate", Offset: 1, Rule: p5}}
	a, err := deadlines.NewTimer(c, "a", "s", term, start, rungs...)
	require.NoError(t, err)
	b, err := deadlines.NewTimer(c, "b", "s", term, start, slices.Clone(rungs)...)
	require.NoError(t, err)
	rungs[0].Name = "changed by the caller"
	want := []string{"a/1/warning-3 2025-03-19 00:00", "a/1/warning-2 2025-03-20 00:00", "a/1/warning-1 2025-03-26 00:00", "a/1/breach 2025-03-28 00:00", "a/1/escalate 2025-03-29 00:00"}
	require.Equal(t, want, scheduleKeys(a.Schedule), "more rungs than the schedule's stack buffer, in time order")
	require.Equal(t, "warning-3", a.Rungs[0].Name, "the timer keeps its own copy")
	require.Same(t, &a.Rungs[0], &b.Rungs[0], "timers with equal rungs share them")
	a.Rungs = append(a.Rungs, deadlines.Rung{Name: "late", Offset: 5, Rule: p5})
	require.Len(t, b.Rungs, 5, "an append to one timer's rungs does not reach another's")
}

func TestTimerScheduleWhilePausedAndAfterStop(t *testing.T) {
	t.Parallel()
	b := setupTimer(t, deadlines.Warning(1, p5), deadlines.Breach(p5))
	c := b.cal
	require.NoError(t, b.timer.Pause(c, at(t, c, "2025-03-18 10:00"), p5, "documents requested"))
	require.Empty(t, b.timer.Schedule, "a paused timer has nothing to fire")
	require.NoError(t, b.timer.Resume(c, at(t, c, "2025-03-19 10:00"), p5, "received"))
	require.Equal(t, []string{"t1/1/warning-1 2025-03-27 00:00", "t1/1/breach 2025-03-29 00:00"}, scheduleKeys(b.timer.Schedule), "one working day later")

	// Stopped after the warning was due but before the breach: only the warning is still owed.
	require.NoError(t, b.timer.Stop(c, at(t, c, "2025-03-27 12:00"), p5, "done"))
	require.Equal(t, []string{"t1/1/warning-1 2025-03-27 00:00"}, scheduleKeys(b.timer.Schedule))
}

func TestTimerCountsInItsOwnZoneWhoeverReadsIt(t *testing.T) {
	t.Parallel()
	almaty := kzCal()
	aqtau, err := almaty.InZone("Asia/Aqtau")
	require.NoError(t, err)
	// Wednesday 31 May 2023, 23:30 in Aqtau (UTC+5), is Thursday in Almaty (UTC+6).
	start := time.Date(2023, 5, 31, 18, 30, 0, 0, time.UTC)
	tm, err := deadlines.NewTimer(aqtau, "t", "s", deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}, start)
	require.NoError(t, err)
	require.Equal(t, "Asia/Aqtau", tm.Zone)
	for _, reader := range []*deadlines.Calendar{almaty, aqtau} {
		d := tm.Deadline(reader)
		require.Equal(t, "2023-06-01", day(d.Due), "the next working day after Wednesday in Aqtau")
		require.Equal(t, "Asia/Aqtau", d.Due.Location().String())
		require.Equal(t, "2023-06-01", day(tm.Status(reader, start).Deadline.Due))
	}
	_, err = almaty.InZone("Mars/Olympus")
	require.ErrorIs(t, err, deadlines.ErrInvalid)
}

func TestCompareFiringsOrdersByAtThenKey(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, time.March, 17, 0, 0, 0, 0, time.UTC)
	f := func(timer string, cycle int, rung string, at time.Time) deadlines.Firing {
		return deadlines.Firing{TimerID: timer, Cycle: cycle, Rung: deadlines.Rung{Name: rung}, At: at}
	}
	tests := []struct {
		name string
		a, b deadlines.Firing
		want int
	}{
		{"earlier first, whatever the key", f("z", 1, "breach", at), f("a", 1, "breach", at.Add(time.Nanosecond)), -1},
		{"later last", f("a", 1, "breach", at.Add(time.Hour)), f("z", 1, "breach", at), 1},
		{"the same instant in another zone is the same instant", f("a", 1, "breach", at), f("b", 1, "breach", at.In(time.FixedZone("+05", 5*3600))), -1},
		{"same instant: by key", f("m", 1, "warning-1", at), f("m", 1, "breach", at), 1},
		{"keys compare as strings: cycle 10 before cycle 2", f("m", 10, "breach", at), f("m", 2, "breach", at), -1},
		{"the same firing", f("m", 1, "breach", at), f("m", 1, "breach", at), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, deadlines.CompareFirings(tt.a, tt.b))
			require.Equal(t, -tt.want, deadlines.CompareFirings(tt.b, tt.a))
			require.Equal(t, cmp.Or(tt.a.At.Compare(tt.b.At), cmp.Compare(tt.a.Key(), tt.b.Key())), deadlines.CompareFirings(tt.a, tt.b))
		})
	}
}

// BenchmarkSortFirings sorts a shuffled batch of 1,000 firings due at
// distinct instants, as a PostgreSQL claim returns them, with
// CompareFirings and with the baseline that builds both keys for every
// comparison (cmp.Or evaluates all its arguments).
func BenchmarkSortFirings(b *testing.B) {
	at := time.Date(2025, time.March, 17, 0, 0, 0, 0, time.UTC)
	batch := make([]deadlines.Firing, 1000)
	for i := range batch {
		j := i * 7919 % len(batch) // a permutation
		batch[i] = deadlines.Firing{TimerID: "t" + strconv.Itoa(j), Cycle: 1, Rung: deadlines.Rung{Name: "breach"}, At: at.Add(time.Duration(j))}
	}
	sorted := make([]deadlines.Firing, len(batch))
	for _, c := range []struct {
		name string
		cmp  func(a, b deadlines.Firing) int
	}{
		{"eager-keys", func(a, b deadlines.Firing) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Key(), b.Key())) }},
		{"CompareFirings", deadlines.CompareFirings},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				copy(sorted, batch)
				slices.SortFunc(sorted, c.cmp)
			}
		})
	}
}
