package deadlines_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

func TestTermDue(t *testing.T) {
	t.Parallel()
	c := kzCal()
	tests := []struct {
		name      string
		term      deadlines.Term
		event     string
		due       string
		estimated bool
	}{
		// within N working days: Nauryz 21 Mar 2025 (Fri) and its weekend days shifted to 24–25 Mar.
		{"within 5 across Nauryz", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, "2025-03-20 17:30", "2025-04-01", false},
		{"within 3 from a Saturday holiday", deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: p5}, "2025-03-22 11:00", "2025-03-28", false},
		{"within 3 across New Year, transfer and working Sunday", deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: p5}, "2024-12-30", "2025-01-06", false},
		{"within 2 counts a transferred working Saturday", deadlines.Term{Kind: deadlines.WorkingDays, N: 2, Rule: p5}, "2024-05-03", "2024-05-06", false},
		{"within 3 skips the day off it moved to", deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: p5}, "2024-05-03", "2024-05-10", false},
		{"within 0 on a working day", deadlines.Term{Kind: deadlines.WorkingDays, N: 0, Rule: p5}, "2025-03-20 09:00", "2025-03-20", false},
		{"within 0 on a holiday rolls forward", deadlines.Term{Kind: deadlines.WorkingDays, N: 0, Rule: p5}, "2025-03-21 09:00", "2025-03-26", false},
		// N working days after (p.9): the N days pass in full.
		{"5 after across Nauryz", deadlines.Term{Kind: deadlines.WorkingDaysAfter, N: 5, Rule: p9}, "2025-03-20", "2025-04-02", false},
		{"5 after from Friday", deadlines.Term{Kind: deadlines.WorkingDaysAfter, N: 5, Rule: p9}, "2025-02-07", "2025-02-17", false},
		// calendar days, last day rolled forward.
		{"10 calendar days ending on Nauryz", deadlines.Term{Kind: deadlines.CalendarDays, N: 10}, "2025-03-13", "2025-03-26", false},
		{"30 calendar days ending on Sunday", deadlines.Term{Kind: deadlines.CalendarDays, N: 30}, "2025-01-10", "2025-02-10", false},
		// by the 5th of the following month (p.14).
		{"5th on a Wednesday", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: p14}, "2025-01-15", "2025-02-05", false},
		{"5th on a Sunday rolls to Monday", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: p14}, "2025-09-30 23:59", "2025-10-06", false},
		{"5th on a transferred working Sunday stays", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: p14}, "2024-12-20", "2025-01-05", false},
		{"5th in an unconfirmed year is estimated", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: p14}, "2025-12-10", "2026-01-05", true},
		{"day 31 in February is its last day", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 31}, "2025-01-10", "2025-02-28", false},
		// immediately (p.16).
		{"immediately on a working day", deadlines.Term{Kind: deadlines.Immediately, Rule: p16}, "2025-03-20 15:00", "2025-03-20", false},
		{"immediately on a holiday means the next working day", deadlines.Term{Kind: deadlines.Immediately, Rule: p16}, "2025-03-21 15:00", "2025-03-26", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			event := at(t, c, tt.event)
			d, err := tt.term.Due(c, event)
			require.NoError(t, err)
			require.Equal(t, tt.due, day(d.Due))
			require.Equal(t, c.Location(), d.Due.Location())
			require.Zero(t, d.Due.Hour()+d.Due.Minute(), "due is 00:00 local")
			require.Equal(t, at(t, c, tt.due).AddDate(0, 0, 1), d.Ends, "ends at 24:00 of the due date")
			require.True(t, d.Start.Equal(event))
			require.Equal(t, tt.term.Rule, d.Rule)
			require.Equal(t, c.Version(), d.CalendarVersion)
			require.Equal(t, tt.estimated, d.Estimated)
			require.Equal(t, tt.term.Kind == deadlines.Immediately, d.Immediate)
			require.False(t, d.Overdue(d.Ends.Add(-time.Nanosecond)))
			require.True(t, d.Overdue(d.Ends))
		})
	}
}

func TestTermDueRejectsBadInput(t *testing.T) {
	t.Parallel()
	c := kzCal()
	event := at(t, c, "2025-03-20")
	tests := []struct {
		name  string
		term  deadlines.Term
		cal   *deadlines.Calendar
		event time.Time
		field string
	}{
		{"negative n", deadlines.Term{Kind: deadlines.WorkingDays, N: -1, Rule: p5}, c, event, "n"},
		{"unknown kind", deadlines.Term{Kind: 42, N: 1, Rule: p5}, c, event, "kind"},
		{"zero kind", deadlines.Term{N: 1, Rule: p5}, c, event, "kind"},
		{"day of month 0", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 0, Rule: p5}, c, event, "n"},
		{"day of month 32", deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 32, Rule: p5}, c, event, "n"},
		{"immediately with days", deadlines.Term{Kind: deadlines.Immediately, N: 1, Rule: p5}, c, event, "n"},
		{"nil calendar", deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}, nil, event, "calendar"},
		{"zero event", deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}, c, time.Time{}, "event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.term.Due(tt.cal, tt.event)
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			var re *deadlines.RuleError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tt.field, re.Field)
			require.Equal(t, p5, re.Rule)
			require.Contains(t, err.Error(), "Rules130 p.5: "+tt.field+": invalid input")
		})
	}
}

func TestTermDueStrictCalendar(t *testing.T) {
	t.Parallel()
	strict, err := kz.New(deadlines.WithStrict(true))
	require.NoError(t, err)
	term := deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}

	_, err = term.Due(strict, at(t, strict, "2025-12-29"))
	require.ErrorIs(t, err, deadlines.ErrCalendarNotConfirmed, "the term runs into 2026")
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, p5, re.Rule)

	d, err := term.Due(strict, at(t, strict, "2025-03-20"))
	require.NoError(t, err)
	require.False(t, d.Estimated)
}

func TestTermKindText(t *testing.T) {
	t.Parallel()
	for _, k := range []deadlines.TermKind{deadlines.WorkingDays, deadlines.WorkingDaysAfter, deadlines.CalendarDays, deadlines.DayOfNextMonth, deadlines.Immediately} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back deadlines.TermKind
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, k, back)
	}
	_, err := deadlines.ParseTermKind("fortnight")
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	for _, tt := range []struct {
		term deadlines.Term
		want string
	}{
		{deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, "within 5 working days (Rules130 p.5)"},
		{deadlines.Term{Kind: deadlines.WorkingDays, N: 1}, "within 1 working day"},
		{deadlines.Term{Kind: deadlines.WorkingDaysAfter, N: 5, Rule: p9}, "5 working days after the event (Rules130 p.9)"},
		{deadlines.Term{Kind: deadlines.CalendarDays, N: 30}, "within 30 calendar days"},
		{deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: p14}, "by day 5 of the month after the event (Rules130 p.14)"},
		{deadlines.Term{Kind: deadlines.Immediately, Rule: p16}, "immediately (Rules130 p.16)"},
	} {
		require.Equal(t, tt.want, tt.term.String())
	}
	c := kzCal()
	d, err := deadlines.Term{Kind: deadlines.Immediately, Rule: p16}.Due(c, at(t, c, "2025-03-21 15:00"))
	require.NoError(t, err)
	require.Equal(t, "immediately after 2025-03-21 (Rules130 p.16), due 2025-03-26", d.String())
}

func TestDaysOffExplainsWhatATermSkipped(t *testing.T) {
	t.Parallel()
	c := kzCal()
	off := c.DaysOff(at(t, c, "2025-03-20"), at(t, c, "2025-04-01"))
	var got []string
	for _, d := range off {
		got = append(got, day(d.Date)+" "+d.Kind.String())
	}
	require.Equal(t, []string{
		"2025-03-21 holiday", "2025-03-22 holiday", "2025-03-23 holiday",
		"2025-03-24 weekend-shift", "2025-03-25 weekend-shift",
		"2025-03-29 weekend", "2025-03-30 weekend",
	}, got)
	require.False(t, errors.Is(nil, deadlines.ErrInvalid))
}
