package desk_test

import (
	"encoding/json"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

func TestRules130_P13_ProvidersRecordEachStageWithTimeProviderAndCitation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.receive(t, b.receipt("KZ-1"))
	require.Equal(t, []desk.Stage{desk.StageReceived}, stages(d))
	require.Equal(t, "2025-05-19", day(d.Timer.Deadline(b.cal).Due), "5 working days from Mon 12 May")
	require.Equal(t, "desk/KZ-1", d.Timer.ID)

	steps := []struct {
		at    string
		stage desk.Stage
	}{
		{"2025-05-12 11:00", desk.StageInProgress},
		{"2025-05-13 09:30", desk.StageDocumentsRequested},
		{"2025-05-15 16:00", desk.StageInProgress},
		{"2025-05-16 12:00", desk.StageResultReady},
		{"2025-05-20 09:00", desk.StageIssued},
	}
	for _, s := range steps {
		b.now(t, s.at)
		d = b.stage(t, "KZ-1", s.stage)
	}
	require.Equal(t, []desk.Stage{desk.StageReceived, desk.StageInProgress, desk.StageDocumentsRequested, desk.StageInProgress, desk.StageResultReady, desk.StageIssued}, stages(d))
	for i, r := range d.Stages {
		require.Equal(t, p13, r.Rule, "each stage carries its citation")
		require.Equal(t, "registry-office", r.Provider)
		require.NotEmpty(t, r.Actor)
		require.True(t, r.Recorded.Equal(r.At), "recorded when it happened (the clock stood there)")
		if i > 0 {
			require.Equal(t, steps[i-1].at, r.At.In(b.cal.Location()).Format("2006-01-02 15:04"))
		}
	}
	st := d.Timer.Status(b.cal, b.clock.Now())
	require.Equal(t, deadlines.TimerStopped, st.State, "the term is met when the result is ready")
	require.False(t, st.Breached, "ready on 16 May, due 19 May")
	require.Equal(t, desk.StageInProgress, d.StageAt(b.at(t, "2025-05-15 18:00")))

	// Stages read and write as names.
	raw, err := json.Marshal(d.Stages[2])
	require.NoError(t, err)
	require.Contains(t, string(raw), `"stage":"documents_requested"`)
	require.Contains(t, string(raw), `"rule":"Rules130 p.13"`)
	var back desk.StageRecord
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, desk.StageDocumentsRequested, back.Stage)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"stage":"lost"}`), &back), desk.ErrInvalid)

	for s := desk.StageReceived; s <= desk.StageRefused; s++ {
		l := s.Label()
		require.True(t, l.KK != "" && l.RU != "" && l.EN != "", "stage %s needs kk/ru/en labels", s)
	}
}

func TestRules130_P13_StagesFollowTheAllowedOrder(t *testing.T) {
	t.Parallel()
	const (
		rcv = desk.StageReceived
		inp = desk.StageInProgress
		doc = desk.StageDocumentsRequested
		rdy = desk.StageResultReady
		iss = desk.StageIssued
		ref = desk.StageRefused
	)
	t.Run("the order table", func(t *testing.T) {
		t.Parallel()
		allowed := map[desk.Stage][]desk.Stage{
			rcv: {inp, doc, rdy, iss, ref},
			inp: {doc, rdy, iss, ref},
			doc: {inp, rdy, iss, ref},
			rdy: {iss},
		}
		for from := rcv; from <= ref; from++ {
			for to := rcv; to <= ref; to++ {
				want := false
				for _, s := range allowed[from] {
					want = want || s == to
				}
				require.Equal(t, want, desk.Allowed(from, to), "%s → %s", from, to)
			}
		}
	})
	tests := []struct {
		name string
		path []desk.Stage // after the receipt
		next desk.Stage
		err  error
	}{
		{"work starts", nil, inp, nil},
		{"an electronic result is issued at once", nil, iss, nil},
		{"documents are requested, then work goes on", []desk.Stage{inp, doc}, inp, nil},
		{"a refusal after a request for documents", []desk.Stage{doc}, ref, nil},
		{"a ready result is issued", []desk.Stage{inp, rdy}, iss, nil},
		{"a ready result does not go back to work", []desk.Stage{inp, rdy}, inp, desk.ErrConflict},
		{"a ready result is not refused", []desk.Stage{rdy}, ref, desk.ErrConflict},
		{"nothing after issued", []desk.Stage{iss}, ref, desk.ErrConflict},
		{"nothing after refused", []desk.Stage{ref}, inp, desk.ErrConflict},
		{"work does not start twice", []desk.Stage{inp}, inp, desk.ErrConflict},
		{"documents are not requested twice in a row", []desk.Stage{doc}, doc, desk.ErrConflict},
		{"a receipt only once", []desk.Stage{inp}, rcv, desk.ErrConflict},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			id := "KZ-" + strconv.Itoa(i)
			b.receive(t, b.receipt(id))
			for _, s := range tt.path {
				b.clock.Advance(time.Minute)
				b.stage(t, id, s)
			}
			before, err := b.feed.Get(b.ctx, id)
			require.NoError(t, err)
			b.clock.Advance(time.Minute)
			got, err := b.feed.Record(b.ctx, id, desk.StageInput{Stage: tt.next, At: b.clock.Now(), ProviderID: "registry-office", Actor: "clerk"})
			if tt.err == nil {
				require.NoError(t, err)
				require.Equal(t, tt.next, got.Stage())
				return
			}
			requireRuleError(t, err, tt.err, p13, "stage")
			after, err := b.feed.Get(b.ctx, id)
			require.NoError(t, err)
			require.Equal(t, stages(before), stages(after), "nothing changed")
		})
	}
	t.Run("instants, provider and input", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.receive(t, b.receipt("KZ-1"))
		b.now(t, "2025-05-13 10:00")
		b.stage(t, "KZ-1", inp)
		record := func(in desk.StageInput) error {
			_, err := b.feed.Record(b.ctx, "KZ-1", in)
			return err
		}
		ok := desk.StageInput{Stage: doc, At: b.clock.Now(), ProviderID: "registry-office", Actor: "clerk"}
		cases := []struct {
			name   string
			mutate func(*desk.StageInput)
			err    error
			field  string
		}{
			{"before the stage it follows", func(in *desk.StageInput) { in.At = b.at(t, "2025-05-12 12:00") }, desk.ErrInvalid, "at"},
			{"in the future", func(in *desk.StageInput) { in.At = b.clock.Now().Add(time.Hour) }, desk.ErrInvalid, "at"},
			{"without a time", func(in *desk.StageInput) { in.At = time.Time{} }, desk.ErrInvalid, "at"},
			{"by another provider", func(in *desk.StageInput) { in.ProviderID = "labour-ministry" }, desk.ErrInvalid, "provider_id"},
			{"an unknown stage", func(in *desk.StageInput) { in.Stage = 99 }, desk.ErrInvalid, "stage"},
			{"without an actor", func(in *desk.StageInput) { in.Actor = " " }, desk.ErrInvalid, "actor"},
		}
		for _, c := range cases {
			in := ok
			c.mutate(&in)
			requireRuleError(t, record(in), c.err, p13, c.field)
		}
		err := record(desk.StageInput{Stage: 99})
		for _, f := range []string{"stage", "actor", "provider_id"} {
			require.Contains(t, err.Error(), "Rules130 p.13: "+f+": ", "every problem is reported")
		}
		d, err := b.feed.Get(b.ctx, "KZ-1")
		require.NoError(t, err)
		require.Equal(t, []desk.Stage{rcv, inp}, stages(d), "nothing changed")

		// The same stage at the same instant again (a repeated message from
		// the Monitoring information system) changes nothing.
		require.NoError(t, record(ok))
		require.NoError(t, record(ok))
		d, err = b.feed.Get(b.ctx, "KZ-1")
		require.NoError(t, err)
		require.Equal(t, []desk.Stage{rcv, inp, doc}, stages(d))
	})
}

func TestRules130_P13_NoStageBeforeReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.feed.Record(b.ctx, "KZ-404", desk.StageInput{Stage: desk.StageInProgress, At: b.clock.Now(), ProviderID: "registry-office", Actor: "clerk"})
	requireRuleError(t, err, desk.ErrNotFound, p13, "id")
	require.Contains(t, err.Error(), "no stage before the receipt")

	b.receive(t, b.receipt("KZ-1"))
	_, err = b.feed.Record(b.ctx, "KZ-1", desk.StageInput{Stage: desk.StageInProgress, At: b.at(t, "2025-05-12 09:00"), ProviderID: "registry-office", Actor: "clerk"})
	requireRuleError(t, err, desk.ErrInvalid, p13, "at")
	require.Contains(t, err.Error(), "before the received stage")
}

func TestRules130_P13_ReceiptNeedsAKnownServiceItsProviderAValidRecipientAndATerm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name   string
		mutate func(*desk.Receipt)
		err    error
		fields []string
	}{
		{"an unknown service", func(r *desk.Receipt) { r.ServiceID = "horse-registration" }, desk.ErrNotFound, []string{"service_id"}},
		{"an unknown provider", func(r *desk.Receipt) { r.ProviderID = "nobody" }, desk.ErrNotFound, []string{"provider_id"}},
		{"a body that does not provide the service", func(r *desk.Receipt) { r.ProviderID = "labour-ministry" }, desk.ErrInvalid, []string{"provider_id"}},
		{"a body that provides no services", func(r *desk.Receipt) { r.ProviderID = "ucc" }, desk.ErrInvalid, []string{"provider_id"}},
		{"an IIN with a wrong check digit", func(r *desk.Receipt) { r.Recipient = r.Recipient[:11] + string('0'+(r.Recipient[11]-'0'+1)%10) }, desk.ErrInvalid, []string{"recipient"}},
		{"a negative term", func(r *desk.Receipt) { r.Term.N = -1 }, desk.ErrInvalid, []string{"term"}},
		{"a number with a slash", func(r *desk.Receipt) { r.Application = "APP-1/x" }, desk.ErrInvalid, []string{"application"}},
		{"received in the future", func(r *desk.Receipt) { r.At = b.clock.Now().Add(time.Minute) }, desk.ErrInvalid, []string{"at"}},
		{"every problem at once", func(r *desk.Receipt) {
			*r = desk.Receipt{Application: "KZ 9", ServiceID: "nope", ProviderID: "nobody", Recipient: "123", Term: deadlines.Term{Kind: 42}}
		}, desk.ErrInvalid, []string{"application", "recipient", "actor", "term", "at", "service_id", "provider_id"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := b.receipt("BAD-" + strconv.Itoa(i))
			tt.mutate(&r)
			_, err := b.feed.Receive(b.ctx, r)
			require.ErrorIs(t, err, tt.err)
			for _, f := range tt.fields {
				require.Contains(t, err.Error(), "Rules130 p.13: "+f+": ")
			}
			_, err = b.feed.Get(b.ctx, r.Application)
			require.ErrorIs(t, err, desk.ErrNotFound, "nothing stored")
		})
	}
	t.Run("a legal entity is a recipient too", func(t *testing.T) {
		t.Parallel()
		r := b.receipt("KZ-BIN")
		r.Recipient = deadlinestest.BIN(700)
		b.receive(t, r)
	})
	t.Run("a repeated receipt is the same delivery; another under its number is a conflict", func(t *testing.T) {
		t.Parallel()
		first := b.receive(t, b.receipt("KZ-2"))
		again := b.receive(t, b.receipt("KZ-2"))
		require.Equal(t, first.ID, again.ID)
		require.Len(t, again.Stages, 1)
		other := b.receipt("KZ-2")
		other.Recipient = b.bob
		_, err := b.feed.Receive(b.ctx, other)
		require.ErrorIs(t, err, desk.ErrConflict)
	})
}
