package reports_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/reports"
)

// ministryMarch are the UCC's figures of the ministry in the golden March:
// a-01 (Astana, standard), a-02 (Astana, conduct), a-05 (Almaty, conduct).
const ministryMarch = "\uFEFFperiod,body_id,dimension,key,count\n" +
	"2025-03,ministry,total,,3\n" +
	"2025-03,ministry,region,Almaty,1\n" +
	"2025-03,ministry,region,Astana,2\n" +
	"2025-03,ministry,nature,employee_conduct,2\n" +
	"2025-03,ministry,nature,standard_violation,1\n" +
	"2025-03,ministry,service,birth-registration,3\n"

func (b *testBundle) reconcile(t *testing.T, csv string, received string) (*reports.Reconciliation, error) {
	t.Helper()
	figs, err := reports.DecodeFiguresCSV(strings.NewReader(csv))
	require.NoError(t, err)
	return b.svc.Reconcile(b.ctx, reports.ReconcileInput{Source: "ministry.csv", ReceivedAt: b.at(t, received), Figures: figs, Actor: "ucc-analyst"})
}

func TestRules130_P16_ZeroDiscrepanciesCloseAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	ours, err := b.svc.Figures(b.ctx, march2025, "ministry")
	require.NoError(t, err)
	var exported bytes.Buffer
	require.NoError(t, reports.WriteFiguresCSV(&exported, ours))
	require.Equal(t, ministryMarch, exported.String(), "the UCC's own figures export in the import's form")

	b.now(t, "2025-04-10 12:00")
	r, err := b.reconcile(t, ministryMarch, "2025-04-10 11:00")
	require.NoError(t, err)
	require.Empty(t, r.Discrepancies)
	require.True(t, r.Closed())
	require.Equal(t, []string{"ministry"}, r.Bodies)
	due, err := b.store.DueFirings(b.ctx, b.at(t, "2026-01-01"), 10)
	require.NoError(t, err)
	require.Empty(t, due, "nothing is owed")
}

func TestRules130_P16_OneDiscrepancyExplainedImmediately(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, received, due string
	}{
		{"received on a working day: due by its end", "2025-04-11 17:30", "2025-04-11"},
		{"received on a Saturday: due by the end of Monday", "2025-04-12 10:00", "2025-04-14"},
		{"received on a Nauryz day off: due by the end of the next working day", "2025-03-21 10:00", "2025-03-26"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.march(t)
			b.now(t, "2025-04-20 12:00")
			r, err := b.reconcile(t, strings.Replace(ministryMarch, "total,,3", "total,,4", 1), tc.received)
			require.NoError(t, err)
			require.Len(t, r.Discrepancies, 1)
			d := r.Discrepancies[0]
			require.Equal(t, reports.Discrepancy{Seq: 1, BodyID: "ministry", Dimension: reports.DimTotal, Reported: 4, UCC: 3}, *withoutTimer(d))
			dl := d.Timer.Deadline(b.cal)
			require.True(t, dl.Immediate)
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 16), dl.Rule)
			require.Equal(t, tc.due, dl.Due.Format(time.DateOnly))
			require.False(t, r.Closed())

			_, err = b.svc.Explain(b.ctx, r.ID, 1, " ", b.clock.Now(), "ucc-analyst")
			requireRuleError(t, err, reports.ErrInvalid, 16, "explanation")
			_, err = b.svc.Explain(b.ctx, r.ID, 2, "x", b.clock.Now(), "ucc-analyst")
			requireRuleError(t, err, reports.ErrNotFound, 16, "seq")
			_, err = b.svc.Explain(b.ctx, r.ID, 1, "x", b.at(t, tc.received).Add(-time.Minute), "ucc-analyst")
			requireRuleError(t, err, reports.ErrInvalid, 16, "explained_at")
			r, err = b.svc.Explain(b.ctx, r.ID, 1, "an appeal sent by post was registered on 1 April", b.at(t, tc.received).Add(time.Hour), "ucc-analyst")
			require.NoError(t, err)
			require.True(t, r.Closed())
			require.Equal(t, deadlines.TimerStopped, r.Discrepancies[0].Timer.Status(b.cal, b.clock.Now()).State)
			_, err = b.svc.Explain(b.ctx, r.ID, 1, "again", b.clock.Now(), "ucc-analyst")
			requireRuleError(t, err, reports.ErrConflict, 16, "seq")
		})
	}
}

func withoutTimer(d *reports.Discrepancy) *reports.Discrepancy {
	c := *d
	c.Timer = nil
	return &c
}

func TestRules130_P16_ManyDiscrepanciesEachOwesAnExplanation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	b.now(t, "2025-04-10 12:00")
	figures := "period,body_id,dimension,key,count\n" +
		"2025-03,ministry,total,,3\n" + // agrees
		"2025-03,ministry,region,Astana,1\n" + // UCC 2
		"2025-03,ministry,region,Karaganda,2\n" + // UCC 0; UCC's Almaty 1 is missing here
		"2025-03,ministry,service,birth-registration,3\n" + // agrees; nature not reported: not compared
		"2025-03,akimat-mangystau,nature,standard_violation,1\n" + // UCC 2
		"2025-03,akimat-mangystau,nature,employee_conduct,1\n" // agrees
	r, err := b.reconcile(t, figures, "2025-04-10 11:00")
	require.NoError(t, err)
	var got []string
	for _, d := range r.Discrepancies {
		got = append(got, fmt.Sprintf("%d %s %s %s reported %d UCC %d", d.Seq, d.BodyID, d.Dimension, d.Key, d.Reported, d.UCC))
		require.Equal(t, fmt.Sprintf("reconciliation/%s/%d", r.ID, d.Seq), d.Timer.ID)
	}
	require.Equal(t, []string{
		"1 akimat-mangystau nature standard_violation reported 1 UCC 2",
		"2 ministry region Almaty reported 0 UCC 1",
		"3 ministry region Astana reported 1 UCC 2",
		"4 ministry region Karaganda reported 2 UCC 0",
	}, got)
	require.Equal(t, []string{"akimat-mangystau", "ministry"}, r.Bodies)

	// Nobody explains the last two in time: each breaches once.
	for _, seq := range []int{1, 2} {
		r, err = b.svc.Explain(b.ctx, r.ID, seq, "explained", b.at(t, "2025-04-10 11:30"), "ucc-analyst")
		require.NoError(t, err)
		require.False(t, r.Closed(), "closed only when every discrepancy is explained")
	}
	sweeper, err := deadlines.NewSweeper(b.store, b.cal, b.clock, b.svc.HandleFiring)
	require.NoError(t, err)
	b.now(t, "2025-04-11 09:00")
	for range 2 {
		fired, err := sweeper.Sweep(b.ctx)
		require.NoError(t, err)
		if len(fired) > 0 {
			require.ElementsMatch(t, []string{"reconciliation/" + r.ID + "/3", "reconciliation/" + r.ID + "/4"}, []string{fired[0].TimerID, fired[1].TimerID})
			require.Len(t, fired, 2)
		}
	}
	r, err = b.svc.Reconciliation(b.ctx, r.ID)
	require.NoError(t, err)
	escalations := 0
	for _, e := range r.History {
		if e.Type == "escalation" {
			escalations++
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 16), e.Rule)
		}
	}
	require.Equal(t, 2, escalations, "one per unexplained discrepancy, however many sweeps")
	for _, seq := range []int{3, 4} {
		r, err = b.svc.Explain(b.ctx, r.ID, seq, "explained late", b.clock.Now(), "ucc-analyst")
		require.NoError(t, err)
	}
	require.True(t, r.Closed())
	require.Contains(t, r.History[len(r.History)-2].Note, "late")
	require.Equal(t, "reconciliation.closed", r.History[len(r.History)-1].Type)
}

// lineOf returns the *LineError's line and field.
func lineOf(t *testing.T, err error) (int, string) {
	t.Helper()
	var le *reports.LineError
	require.ErrorAs(t, err, &le, "%v", err)
	return le.Line, le.Field
}

// lines lists "line:field" of every *LineError joined in err.
func lines(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				walk(inner)
			}
			return
		}
		var le *reports.LineError
		if errors.As(e, &le) {
			out = append(out, fmt.Sprintf("%d:%s", le.Line, le.Field))
		}
	}
	walk(err)
	return out
}

func TestRules130_P16_BadImportsRejectedWithLineAndField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, format, input string
		want                []string
	}{
		{"empty", "csv", "", []string{"1:header"}},
		{"wrong header", "csv", "period,body,dimension,key,count\n2025-03,ministry,total,,3\n", []string{"1:header"}},
		{"non-numeric count", "csv", "period,body_id,dimension,key,count\n2025-03,ministry,total,,3\n2025-03,ministry,region,Astana,two\n", []string{"3:count"}},
		{"negative count", "csv", "period,body_id,dimension,key,count\n2025-03,ministry,total,,-1\n", []string{"2:count"}},
		{"bad period and dimension", "csv", "period,body_id,dimension,key,count\nMarch,ministry,total,,1\n2025-03,ministry,district,X,1\n", []string{"2:period", "3:dimension"}},
		{"key rules", "csv", "period,body_id,dimension,key,count\n2025-03,ministry,total,x,1\n2025-03,ministry,region,,1\n2025-03,ministry,nature,rudeness,1\n", []string{"2:key", "3:key", "4:key"}},
		{"duplicate", "csv", "period,body_id,dimension,key,count\n2025-03,ministry,total,,1\n2025-03,ministry,total,,2\n", []string{"3:key"}},
		{"field count", "csv", "period,body_id,dimension,key,count\n2025-03,ministry,total,1\n", []string{"2:"}},
		{"quote", "csv", "period,body_id,dimension,key,count\n2025-03,ministry,region,\"Ast\"ana,1\n", []string{"2:column 29"}},
		{"header only", "csv", "period,body_id,dimension,key,count\n", []string{"1:"}},
		{"json not an array", "json", `{"figures": []}`, []string{"1:"}},
		{"json count as text", "json", "[\n {\"period\": \"2025-03\", \"body_id\": \"ministry\", \"dimension\": \"total\", \"count\": 3},\n {\"period\": \"2025-03\", \"body_id\": \"ministry\", \"dimension\": \"region\", \"key\": \"Astana\", \"count\": \"2\"}\n]", []string{"3:count"}},
		{"json unknown and missing fields", "json", "[{\"period\": \"2025-03\", \"body\": \"ministry\", \"dimension\": \"total\", \"count\": 1}]", []string{"1:body", "1:body_id"}},
		{"json fraction", "json", "[\n\n{\"period\": \"2025-03\", \"body_id\": \"ministry\", \"dimension\": \"total\", \"count\": 1.5}]", []string{"3:count"}},
		{"json broken", "json", "[\n{\"period\": \"2025-03\",\n \"body_id\" \"ministry\"}]", []string{"3:"}},
		{"json trailing data", "json", "[{\"period\": \"2025-03\", \"body_id\": \"ministry\", \"dimension\": \"total\", \"count\": 1}] []", []string{"1:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tc.format == "csv" {
				_, err = reports.DecodeFiguresCSV(strings.NewReader(tc.input))
			} else {
				_, err = reports.DecodeFiguresJSON(strings.NewReader(tc.input))
			}
			require.ErrorIs(t, err, reports.ErrInvalid)
			require.Equal(t, tc.want, lines(err), err.Error())
			var re *deadlines.RuleError
			require.ErrorAs(t, err, &re)
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 16), re.Rule)
		})
	}

	t.Run("unknown bodies and services, mixed months: nothing stored", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.march(t)
		b.now(t, "2025-04-10 12:00")
		figs, err := reports.DecodeFiguresJSON(strings.NewReader(`[
			{"period": "2025-03", "body_id": "ministry", "dimension": "total", "count": 3},
			{"period": "2025-03", "body_id": "nobody", "dimension": "total", "count": 1},
			{"period": "2025-03", "body_id": "ministry", "dimension": "service", "key": "no-such-service", "count": 1},
			{"period": "2025-02", "body_id": "ministry", "dimension": "region", "key": "Astana", "count": 1},
			{"period": "2025-03", "body_id": "quality", "dimension": "total", "count": 1}
		]`))
		require.NoError(t, err, "the file's form is fine")
		_, err = b.svc.Reconcile(b.ctx, reports.ReconcileInput{Source: "x.json", ReceivedAt: b.clock.Now(), Figures: figs, Actor: "ucc-analyst"})
		require.ErrorIs(t, err, reports.ErrInvalid)
		require.Equal(t, []string{"3:body_id", "4:key", "5:period", "6:body_id"}, lines(err))
		line, field := lineOf(t, err)
		require.Equal(t, 3, line)
		require.Equal(t, "body_id", field)
		_, err = b.svc.Reconciliation(b.ctx, "id-9")
		require.ErrorIs(t, err, reports.ErrNotFound)
		due, err := b.store.DueFirings(b.ctx, b.at(t, "2026-01-01"), 10)
		require.NoError(t, err)
		require.Empty(t, due, "nothing is stored on bad input")

		_, err = b.svc.Reconcile(b.ctx, reports.ReconcileInput{ReceivedAt: b.clock.Now().Add(time.Hour), Actor: "ucc-analyst"})
		require.ElementsMatch(t, []string{"received_at", "figures"}, fields(err))
	})
}

func TestRules130_P16_ImportFormatsAgree(t *testing.T) {
	t.Parallel()
	fromCSV, err := reports.DecodeFiguresCSV(strings.NewReader(ministryMarch))
	require.NoError(t, err)
	fromJSON, err := reports.DecodeFiguresJSON(strings.NewReader(`[
		{"period": "2025-03", "body_id": "ministry", "dimension": "total", "key": "", "count": 3},
		{"period": "2025-03", "body_id": "ministry", "dimension": "region", "key": "Almaty", "count": 1},
		{"period": "2025-03", "body_id": "ministry", "dimension": "region", "key": "Astana", "count": 2},
		{"period": "2025-03", "body_id": "ministry", "dimension": "nature", "key": "employee_conduct", "count": 2},
		{"period": "2025-03", "body_id": "ministry", "dimension": "nature", "key": "standard_violation", "count": 1},
		{"period": "2025-03", "body_id": "ministry", "dimension": "service", "key": "birth-registration", "count": 3}
	]`))
	require.NoError(t, err)
	require.Equal(t, lineless(fromCSV), lineless(fromJSON))
	require.Equal(t, 2, fromCSV[0].Line, "the header is line 1")
	require.Equal(t, 2, fromJSON[0].Line)
	require.Equal(t, 7, fromJSON[5].Line)
}

func lineless(fs []reports.Figure) []reports.Figure {
	out := make([]reports.Figure, len(fs))
	for i, f := range fs {
		f.Line = 0
		out[i] = f
	}
	return out
}
