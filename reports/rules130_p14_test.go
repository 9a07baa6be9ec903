package reports_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"iter"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

func TestRules130_P14_AppealValidatedOnEntry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		edit   func(*reports.Appeal)
		fields []string
	}{
		{"no received time", func(a *reports.Appeal) { a.ReceivedAt = time.Time{} }, []string{"received_at"}},
		{"received in the future", func(a *reports.Appeal) { a.ReceivedAt = a.ReceivedAt.AddDate(1, 0, 0) }, []string{"received_at"}},
		{"no forum responsible", func(a *reports.Appeal) { a.ForumResponsible = " " }, []string{"forum_responsible"}},
		{"no region", func(a *reports.Appeal) { a.Region = "" }, []string{"region"}},
		{"no applicant", func(a *reports.Appeal) { a.ApplicantName = "" }, []string{"applicant_name"}},
		{"bad IIN", func(a *reports.Appeal) { a.ApplicantIIN = "850101300001" }, []string{"applicant_iin"}},
		{"no nature", func(a *reports.Appeal) { a.Nature = 0 }, []string{"nature"}},
		{"unknown nature", func(a *reports.Appeal) { a.Nature = 8 }, []string{"nature"}},
		{"no content", func(a *reports.Appeal) { a.Content = "" }, []string{"content"}},
		{"no measure", func(a *reports.Appeal) { a.RequestNo = "" }, []string{"request_no"}},
		{"unknown body", func(a *reports.Appeal) { a.BodyID = "nobody" }, []string{"body_id"}},
		{"not a provider", func(a *reports.Appeal) { a.BodyID = "quality" }, []string{"body_id"}},
		{"unknown service", func(a *reports.Appeal) { a.ServiceID = "nothing" }, []string{"service_id"}},
		{"service of another body", func(a *reports.Appeal) { a.ServiceID = "pension" }, []string{"service_id"}},
		{"bad id", func(a *reports.Appeal) { a.ID = "a/1" }, []string{"id"}},
		{"not UTF-8", func(a *reports.Appeal) { a.Content = "\xff" }, []string{"content"}},
		{"three at once", func(a *reports.Appeal) { a.Region, a.Nature, a.ServiceID = "", 0, "nothing" }, []string{"region", "nature", "service_id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			a := appeal(t, appealOpts{ID: "a-1", At: b.at(t, "2025-03-20 10:00")})
			tc.edit(&a)
			_, err := b.svc.RecordAppeal(b.ctx, a, "ucc-operator")
			require.ErrorIs(t, err, reports.ErrInvalid)
			require.ElementsMatch(t, tc.fields, fields(err), err.Error())
			requireRuleError(t, err, reports.ErrInvalid, 14, tc.fields[0])
			_, err = b.svc.Appeal(b.ctx, "a-1")
			require.ErrorIs(t, err, reports.ErrNotFound, "nothing is stored on bad input")
			_, sum := b.render(t, march2025, "quality", csvWriter("en"))
			require.Zero(t, sum.Total)
		})
	}
	t.Run("stored once", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := appeal(t, appealOpts{ID: "a-1", At: b.at(t, "2025-03-20 10:00")})
		got, err := b.svc.RecordAppeal(b.ctx, a, "ucc-operator")
		require.NoError(t, err)
		require.Equal(t, b.clock.Now(), got.RecordedAt)
		require.Equal(t, "ucc-operator", got.RecordedBy)
		stored, err := b.svc.Appeal(b.ctx, "a-1")
		require.NoError(t, err)
		require.Equal(t, got, stored)
		_, err = b.svc.RecordAppeal(b.ctx, a, "ucc-operator")
		require.ErrorIs(t, err, reports.ErrConflict)
		a.ID = ""
		got, err = b.svc.RecordAppeal(b.ctx, a, "ucc-operator")
		require.NoError(t, err)
		require.NotEmpty(t, got.ID, "an ID is generated")
	})
}

func TestRules130_P14_ApplicantIINMaskedWhereverLogged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := appeal(t, appealOpts{ID: "a-1", At: b.at(t, "2025-03-20 10:00"), Serial: 7})
	raw := a.ApplicantIIN
	require.NoError(t, kzid.ValidateIIN(raw))
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("appeal", "appeal", a)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("appeal", "appeal", a)
	for _, out := range []string{fmt.Sprint(a), fmt.Sprintf("%v %+v %#v %s", a, a, a, a), fmt.Sprintf("%v", &a), a.String(), logged.String()} {
		require.NotContains(t, out, raw, "the IIN is personal data")
		require.Contains(t, out, kzid.Mask(raw))
	}
	bad := a
	bad.ApplicantIIN = raw[:11] + string('0'+(raw[11]-'0'+1)%10)
	_, err := b.svc.RecordAppeal(b.ctx, bad, "ucc-operator")
	requireRuleError(t, err, reports.ErrInvalid, 14, "applicant_iin")
	require.NotContains(t, err.Error(), bad.ApplicantIIN, "errors do not repeat the IIN")

	b.record(t, a)
	b.now(t, "2025-04-02 09:00")
	for _, w := range []func(*bytes.Buffer) reports.Writer{csvWriter("kk"), jsonWriter} {
		out, _ := b.render(t, march2025, "quality", w)
		require.NotContains(t, out, raw, "Appendix 2 has no IIN column")
	}
}

func TestRules130_P14_MonthBoundariesInTheUCCZone(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		require.NoError(t, err)
		return v
	}
	cases := []struct {
		name     string
		zone     string // the UCC's zone; "" is the calendar's, Asia/Almaty
		received string // UTC
		period   string
	}{
		{"Almaty UTC+5: 31 Mar 19:00 UTC is 1 Apr 00:00", "", "2025-03-31 19:00", "2025-04"},
		{"Almaty UTC+5: 31 Mar 18:59 UTC is 31 Mar 23:59", "", "2025-03-31 18:59", "2025-03"},
		{"Almaty UTC+6 before March 2024: 31 Jan 18:00 UTC is 1 Feb", "", "2024-01-31 18:00", "2024-02"},
		{"Aqtau UTC+5 before March 2024: the same instant is 31 Jan", "Asia/Aqtau", "2024-01-31 18:00", "2024-01"},
		{"Almaty moved to UTC+5 at 1 Mar 2024 00:00 (+06): 17:30 UTC is 29 Feb 23:30 +06", "", "2024-02-29 17:30", "2024-02"},
		{"the last hour of 29 Feb 2024 repeats in Almaty: 18:30 UTC is 23:30 again, now +05", "", "2024-02-29 18:30", "2024-02"},
		{"1 Mar 2024 starts in Almaty at 19:00 UTC", "", "2024-02-29 19:00", "2024-03"},
		{"Aqtau was UTC+5 all along: 19:00 UTC is 1 Mar 00:00", "Asia/Aqtau", "2024-02-29 19:00", "2024-03"},
		{"Aqtau: 17:30 UTC is 29 Feb 22:30", "Asia/Aqtau", "2024-02-29 17:30", "2024-02"},
		{"year boundary in Almaty", "", "2024-12-31 19:00", "2025-01"},
		{"year boundary in UTC", "UTC", "2024-12-31 19:00", "2024-12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []reports.Option
			if tc.zone != "" {
				loc, err := time.LoadLocation(tc.zone)
				require.NoError(t, err)
				opts = append(opts, reports.WithZone(loc))
			}
			b := setup(t, opts...)
			at := utc(tc.received)
			b.clock.Set(at.AddDate(0, 2, 0))
			b.record(t, appeal(t, appealOpts{ID: "edge", At: at}))
			want, err := reports.ParsePeriod(tc.period)
			require.NoError(t, err)
			require.Equal(t, want, reports.PeriodOf(at, b.svc.Location()))
			for _, p := range []reports.Period{want, want.Next()} {
				_, sum := b.render(t, p, "quality", csvWriter("en"))
				require.Equal(t, map[bool]int{true: 1, false: 0}[p == want], sum.Total, "%s in %s", tc.received, p)
			}
			prev := reports.Period{Year: want.Year, Month: want.Month - 1}
			if want.Month == time.January {
				prev = reports.Period{Year: want.Year - 1, Month: time.December}
			}
			_, sum := b.render(t, prev, "quality", csvWriter("en"))
			require.Zero(t, sum.Total)
		})
	}
}

func TestRules130_P14_DueByTheFifthOfTheNextMonth(t *testing.T) {
	t.Parallel()
	cases := []struct {
		period, due, why string
	}{
		{"2025-02", "2025-03-05", "Wednesday, a working day"},
		{"2025-03", "2025-04-07", "Saturday 5 April rolls to Monday"},
		{"2025-09", "2025-10-06", "Sunday rolls to Monday"},
		{"2025-06", "2025-07-08", "Saturday 5 July; Monday 7 July is Capital Day's weekend shift"},
		{"2024-12", "2025-01-05", "Sunday 5 January 2025 is a working day by decree (day off moved to 3 January)"},
		{"2022-02", "2022-03-05", "Saturday 5 March 2022 is a working day by decree"},
		{"2021-06", "2021-07-07", "Monday 5 July 2021 is a decree day off and 6 July is Capital Day"},
		{"2012-12", "2013-01-08", "Saturday 5 January; 7 January is Orthodox Christmas"},
	}
	for _, tc := range cases {
		t.Run(tc.period, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			p, err := reports.ParsePeriod(tc.period)
			require.NoError(t, err)
			from, _ := p.Bounds(b.cal.Location())
			b.clock.Set(from.Add(time.Hour))
			m, err := b.svc.OpenMonth(b.ctx, p, "ucc-operator")
			require.NoError(t, err)
			require.Len(t, m.Deliveries, 3)
			for _, d := range m.Deliveries {
				dl := d.Timer.Deadline(b.cal)
				require.Equal(t, tc.due, dl.Due.Format(time.DateOnly), tc.why)
				require.Equal(t, deadlines.Cite(deadlines.Rules130, 14), dl.Rule)
				require.Equal(t, b.at(t, tc.due).AddDate(0, 0, 1), dl.Ends, "the term ends at 24:00 of the due date")
			}
		})
	}
}

func TestRules130_P14_OneReportPerRecipient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	// A central body that provides no registered service is owed nothing.
	idle := onboarding.Body{ID: "idle-ministry", Kind: onboarding.KindCentral, BIN: deadlinestest.BIN(200), Name: deadlines.Names{KK: "Бос", RU: "Пустое", EN: "Idle"}, Region: "Astana", Zone: "Asia/Almaty"}
	require.NoError(t, b.store.CreateBody(b.ctx, idle))

	m, err := b.svc.OpenMonth(b.ctx, march2025, "ucc-operator")
	require.NoError(t, err)
	var got []string
	for _, d := range m.Deliveries {
		got = append(got, fmt.Sprintf("%s %s %s", d.Recipient.ID, d.Scope, d.State))
	}
	require.Equal(t, []string{"quality full owed", "akimat-mangystau body owed", "ministry body owed"}, got,
		"the quality authority gets the full report; each central and local executive body providing services its own")
	_, err = b.svc.OpenMonth(b.ctx, march2025, "ucc-operator")
	require.ErrorIs(t, err, reports.ErrConflict, "a month is opened once")
	_, err = b.svc.OpenMonth(b.ctx, reports.Period{Year: 2025, Month: time.May}, "ucc-operator")
	requireRuleError(t, err, reports.ErrInvalid, 14, "period")

	for _, tc := range []struct {
		recipient string
		ids       []string
	}{
		{"quality", []string{"1 a-01", "2 a-02", "3 a-03", "4 a-04", "5 a-05", "6 a-06"}},
		{"ministry", []string{"1 a-01", "2 a-02", "3 a-05"}},
		{"akimat-mangystau", []string{"1 a-03", "2 a-04"}},
	} {
		spy := &spyWriter{}
		sum, err := b.svc.Render(b.ctx, march2025, tc.recipient, spy)
		require.NoError(t, err)
		require.Equal(t, tc.ids, spy.rows, tc.recipient)
		require.Equal(t, len(tc.ids), sum.Total)
		require.Equal(t, tc.recipient, spy.header.Recipient.ID)
	}
	_, err = b.svc.Render(b.ctx, march2025, "psc-aktau", &spyWriter{})
	requireRuleError(t, err, reports.ErrInvalid, 14, "recipient")
	_, err = b.svc.Render(b.ctx, march2025, "nobody", &spyWriter{})
	requireRuleError(t, err, reports.ErrNotFound, 14, "recipient")
}

func TestRules130_P14_SummaryByRegionNatureBodyAndService(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	_, s := b.render(t, march2025, "quality", csvWriter("en"))
	require.Equal(t, 6, s.Total)
	require.Equal(t, 4, s.StandardViolation)
	require.Equal(t, 3, s.EmployeeConduct)
	require.Equal(t, 1, s.Both)
	type c = reports.Count
	strip := func(cs []reports.Count) []reports.Count {
		out := make([]reports.Count, len(cs))
		for i, x := range cs {
			out[i] = c{Key: x.Key, Total: x.Total, StandardViolation: x.StandardViolation, EmployeeConduct: x.EmployeeConduct}
		}
		return out
	}
	require.Equal(t, []reports.Count{{Key: "Almaty", Total: 1, EmployeeConduct: 1}, {Key: "Astana", Total: 2, StandardViolation: 1, EmployeeConduct: 1}, {Key: "Mangystau", Total: 3, StandardViolation: 3, EmployeeConduct: 1}}, strip(s.ByRegion))
	require.Equal(t, []reports.Count{{Key: "akimat-mangystau", Total: 2, StandardViolation: 2, EmployeeConduct: 1}, {Key: "ministry", Total: 3, StandardViolation: 1, EmployeeConduct: 2}, {Key: "psc-aktau", Total: 1, StandardViolation: 1}}, strip(s.ByBody))
	require.Equal(t, []reports.Count{{Key: "birth-registration", Total: 5, StandardViolation: 3, EmployeeConduct: 3}, {Key: "pension", Total: 1, StandardViolation: 1}}, strip(s.ByService))
	require.Equal(t, "Ministry of Justice", s.ByBody[1].Label.EN)
	require.Equal(t, "Назначение пенсии", s.ByService[1].Label.RU)
}

func TestRules130_P14_DeliveryGeneratedSentAcknowledged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	b.now(t, "2025-03-31 12:00")
	_, err := b.svc.OpenMonth(b.ctx, march2025, "ucc-operator")
	require.NoError(t, err)

	var buf bytes.Buffer
	_, err = b.svc.Generate(b.ctx, march2025, "ministry", reports.NewCSVWriter(&buf, "kk"), "ucc-analyst")
	requireRuleError(t, err, reports.ErrConflict, 14, "period")
	_, err = b.svc.Send(b.ctx, march2025, "ministry", b.clock.Now(), "ucc-analyst")
	requireRuleError(t, err, reports.ErrConflict, 14, "recipient")

	b.now(t, "2025-04-02 10:00")
	m, err := b.svc.Generate(b.ctx, march2025, "ministry", reports.NewCSVWriter(&buf, "kk"), "ucc-analyst")
	require.NoError(t, err)
	d := m.Delivery("ministry")
	require.Equal(t, reports.Generated, d.State)
	require.Equal(t, 3, d.Rows)
	require.Equal(t, 3, d.Summary.Total)
	require.Equal(t, 1, d.Generations)
	_, err = b.svc.Acknowledge(b.ctx, march2025, "ministry", b.clock.Now(), "ministry-clerk")
	requireRuleError(t, err, reports.ErrConflict, 14, "recipient")
	_, err = b.svc.Generate(b.ctx, march2025, "nobody", reports.NewCSVWriter(&buf, "kk"), "ucc-analyst")
	requireRuleError(t, err, reports.ErrNotFound, 14, "recipient")
	_, err = b.svc.Generate(b.ctx, reports.Period{Year: 2025, Month: time.January}, "ministry", reports.NewCSVWriter(&buf, "kk"), "ucc-analyst")
	requireRuleError(t, err, reports.ErrNotFound, 14, "period")

	// A late appeal entered before sending: the report is generated again.
	b.record(t, appeal(t, appealOpts{ID: "a-late", At: b.at(t, "2025-03-31 18:00"), Serial: 9}))
	m, err = b.svc.Generate(b.ctx, march2025, "ministry", reports.NewCSVWriter(&buf, "kk"), "ucc-analyst")
	require.NoError(t, err)
	require.Equal(t, 4, m.Delivery("ministry").Rows)
	require.Equal(t, 2, m.Delivery("ministry").Generations)

	_, err = b.svc.Send(b.ctx, march2025, "ministry", b.at(t, "2025-04-03 10:00"), "ucc-analyst")
	requireRuleError(t, err, reports.ErrInvalid, 14, "sent_at")
	m, err = b.svc.Send(b.ctx, march2025, "ministry", b.at(t, "2025-04-02 11:00"), "")
	requireRuleError(t, err, reports.ErrInvalid, 14, "actor")
	require.Nil(t, m)
	b.now(t, "2025-04-02 12:00")
	m, err = b.svc.Send(b.ctx, march2025, "ministry", b.at(t, "2025-04-02 11:00"), "ucc-analyst")
	require.NoError(t, err)
	d = m.Delivery("ministry")
	require.Equal(t, reports.Sent, d.State)
	st := d.Timer.Status(b.cal, b.clock.Now())
	require.Equal(t, deadlines.TimerStopped, st.State)
	require.False(t, st.Breached, "sent before 7 April")
	_, err = b.svc.Send(b.ctx, march2025, "ministry", b.clock.Now(), "ucc-analyst")
	requireRuleError(t, err, reports.ErrConflict, 14, "recipient")
	_, err = b.svc.Generate(b.ctx, march2025, "ministry", reports.NewCSVWriter(&buf, "kk"), "ucc-analyst")
	requireRuleError(t, err, reports.ErrConflict, 14, "recipient")

	m, err = b.svc.Acknowledge(b.ctx, march2025, "ministry", b.clock.Now(), "ministry-clerk")
	require.NoError(t, err)
	require.Equal(t, reports.Acknowledged, m.Delivery("ministry").State)
	_, err = b.svc.Acknowledge(b.ctx, march2025, "ministry", b.clock.Now(), "ministry-clerk")
	requireRuleError(t, err, reports.ErrConflict, 14, "recipient")

	var types []string
	for _, e := range m.History {
		require.Equal(t, deadlines.Cite(deadlines.Rules130, 14), e.Rule)
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"month.opened", "report.generated", "report.generated", "report.sent", "report.acknowledged"}, types)

	board, err := b.svc.Deadlines(b.ctx)
	require.NoError(t, err)
	var open []string
	for _, s := range board {
		open = append(open, s.Recipient+" "+s.State.String()+" "+s.Status.Deadline.Due.Format(time.DateOnly))
	}
	require.Equal(t, []string{"akimat-mangystau owed 2025-04-07", "quality owed 2025-04-07"}, open)
}

func TestRules130_P14_LateReportEscalatesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	_, err := b.svc.OpenMonth(b.ctx, march2025, "ucc-operator")
	require.NoError(t, err)
	sweeper, err := deadlines.NewSweeper(b.store, b.cal, b.clock, b.svc.HandleFiring)
	require.NoError(t, err)

	b.now(t, "2025-04-04 09:00") // the warning fires at 00:00 of Friday 4 April, the last working day before the due date
	fired, err := sweeper.Sweep(b.ctx)
	require.NoError(t, err)
	require.Len(t, fired, 3)
	for _, f := range fired {
		require.Equal(t, "warning-1", f.Rung.Name)
	}
	var buf bytes.Buffer
	_, err = b.svc.Generate(b.ctx, march2025, "quality", reports.NewCSVWriter(&buf, "ru"), "ucc-analyst")
	require.NoError(t, err)
	_, err = b.svc.Send(b.ctx, march2025, "quality", b.clock.Now(), "ucc-analyst")
	require.NoError(t, err)

	b.now(t, "2025-04-08 09:00")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var breaches []string
	for range 4 {
		wg.Go(func() {
			fired, err := sweeper.Sweep(b.ctx)
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			for _, f := range fired {
				breaches = append(breaches, f.TimerID+" "+f.Rung.Name)
			}
		})
	}
	wg.Wait()
	require.ElementsMatch(t, []string{"report/2025-03/ministry breach", "report/2025-03/akimat-mangystau breach"}, breaches,
		"the report sent in time does not breach; each late one breaches once however many sweepers run")

	m, err := b.svc.Monthly(b.ctx, march2025)
	require.NoError(t, err)
	var escalations []string
	for _, e := range m.History {
		if e.Type == "escalation" {
			escalations = append(escalations, e.Note)
		}
	}
	require.Len(t, escalations, 5)
	require.Contains(t, escalations, "breach: p.14 report 2025-03 to ministry, due 2025-04-07")

	_, err = b.svc.Generate(b.ctx, march2025, "ministry", reports.NewCSVWriter(&buf, "ru"), "ucc-analyst")
	require.NoError(t, err)
	m, err = b.svc.Send(b.ctx, march2025, "ministry", b.clock.Now(), "ucc-analyst")
	require.NoError(t, err)
	require.True(t, m.Delivery("ministry").Timer.Status(b.cal, b.clock.Now()).Breached)
	require.Contains(t, m.History[len(m.History)-1].Note, "late")
}

func TestRules130_P14_GoldenRenderings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.march(t)
	b.now(t, "2025-04-02 10:00")
	for _, tc := range []struct {
		file, recipient string
		w               func(*bytes.Buffer) reports.Writer
	}{
		{"appendix2_full_kk.csv", "quality", csvWriter("kk")},
		{"appendix2_full_ru.csv", "quality", csvWriter("ru")},
		{"appendix2_full_en.csv", "quality", csvWriter("en")},
		{"appendix2_akimat_kk.csv", "akimat-mangystau", csvWriter("kk")},
		{"appendix2_full.json", "quality", jsonWriter},
		{"appendix2_ministry.json", "ministry", jsonWriter},
	} {
		out, _ := b.render(t, march2025, tc.recipient, tc.w)
		golden(t, tc.file, []byte(out))
	}
	out, _ := b.render(t, march2025, "quality", csvWriter("kk"))
	require.True(t, strings.HasPrefix(out, reports.BOM), "CSV is UTF-8 with a BOM")
}

// spyWriter records what it is given.
type spyWriter struct {
	header  reports.Header
	rows    []string
	summary *reports.Summary
	onRow   func(n int)
}

func (s *spyWriter) Begin(h *reports.Header) error { s.header = *h; return nil }
func (s *spyWriter) Row(r *reports.Row) error {
	s.rows = append(s.rows, fmt.Sprintf("%d %s", r.No, r.AppealID))
	if s.onRow != nil {
		s.onRow(len(s.rows))
	}
	return nil
}
func (s *spyWriter) End(sum *reports.Summary) error { s.summary = sum; return nil }

// streamingStore yields appeals made on the fly and checks that each was
// written before the next is made.
type streamingStore struct {
	reports.Store
	n       int
	written *int
}

func (s *streamingStore) Appeals(ctx context.Context, q reports.AppealQuery) iter.Seq2[reports.Appeal, error] {
	return func(yield func(reports.Appeal, error) bool) {
		for i := range s.n {
			if *s.written != i {
				yield(reports.Appeal{}, errors.New("the writer fell behind: rows are buffered"))
				return
			}
			a := reports.Appeal{ID: fmt.Sprint(i), ReceivedAt: q.From.Add(time.Duration(i) * time.Second), Region: "Astana", Nature: reports.StandardViolation,
				BodyID: "ministry", ServiceID: "birth-registration", Content: fmt.Sprintf("#%d", i)}
			if !yield(a, nil) {
				return
			}
		}
	}
}

func TestRules130_P14_RowsStreamFromTheSourceToTheWriter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	written := 0
	svc, err := reports.NewService(&streamingStore{Store: b.store, n: 1000, written: &written}, b.cal, b.clock)
	require.NoError(t, err)
	spy := &spyWriter{onRow: func(n int) { written = n }}
	sum, err := svc.Render(b.ctx, march2025, "quality", spy)
	require.NoError(t, err)
	require.Equal(t, 1000, sum.Total)
	require.Len(t, spy.rows, 1000)
	require.Equal(t, "1000 999", spy.rows[999])
}
