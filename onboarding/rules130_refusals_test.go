package onboarding_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Calendar facts used below (Kazakhstan, worked out by hand from the law on
// holidays and the decrees; nothing here is copied from the program):
//
//   - March 2025: 1 Mar is a Saturday. Women's Day (Sat 8 Mar) moves to
//     Mon 10 Mar. Nauryz is Fri 21, Sat 22, Sun 23 Mar; 22 and 23 fall on
//     the weekend and move in turn to Mon 24 and Tue 25, so 21–25 Mar are
//     days off. Working days around it: Wed 19, Thu 20, | Wed 26, Thu 27,
//     Fri 28, Mon 31, Tue 1 Apr, Wed 2 Apr, Thu 3 Apr.
//   - May/June 2023: Wed 31 May, Thu 1 Jun, Fri 2 Jun, Sat 3, Sun 4, Mon 5
//     Jun; no holiday until Kurban Ait on 28 Jun.
//   - Zones: Asia/Aqtau is UTC+5 all along; Asia/Almaty was UTC+6 until
//     1 Mar 2024 and is UTC+5 since.

// p12Rule is the citation of p.12.
var p12Rule = deadlines.Cite(deadlines.Rules130, 12)

// p12Instant parses an RFC 3339 instant with its explicit offset.
func p12Instant(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

// p12CalOf returns the calendar in the body's zone.
func p12CalOf(t testing.TB, b *testBundle, body onboarding.Body) *deadlines.Calendar {
	t.Helper()
	loc, err := body.Location()
	require.NoError(t, err)
	return b.cal.In(loc)
}

// p12Doc is the supporting document of the refusal of request id.
func p12Doc(id string) onboarding.Document {
	return onboarding.Document{Name: "refusal letter to " + id, Ref: "out-" + id}
}

// p12Refusal is an unlawful refusal answered at `at`.
func p12Refusal(at time.Time, doc onboarding.Document) onboarding.Answer {
	return onboarding.Answer{Kind: onboarding.Refused, At: at, By: "body-clerk", Text: "we will not tell", Documents: []onboarding.Document{doc}}
}

// p12Ask records a request to body sent at `sent`; the clock must be at or
// after sent.
func p12Ask(t testing.TB, b *testBundle, bodyID string, sent time.Time) *onboarding.InfoRequest {
	t.Helper()
	r, err := b.svc.AskBody(b.ctx, bodyID, "", "how is the service delivered?", sent, "ucc-operator")
	require.NoError(t, err)
	return r
}

// p12Refuse asks body at `sent` and records its unlawful refusal at `at`,
// with one supporting document. The clock must be at or after both.
func p12Refuse(t testing.TB, b *testBundle, bodyID string, sent, at time.Time) (*onboarding.InfoRequest, *onboarding.RefusalLedger) {
	t.Helper()
	r := p12Ask(t, b, bodyID, sent)
	l, err := b.svc.Answer(b.ctx, r.ID, p12Refusal(at, p12Doc(r.ID)))
	require.NoError(t, err)
	require.NotNil(t, l)
	return r, l
}

// p12RuleErrors returns every *deadlines.RuleError in err's tree (joins and
// wraps), by field.
func p12RuleErrors(err error) map[string]*deadlines.RuleError {
	out := map[string]*deadlines.RuleError{}
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if re, ok := e.(*deadlines.RuleError); ok {
			out[re.Field] = re
			return
		}
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// p12RequireNothingStored asserts that no request and no ledger exist.
func p12RequireNothingStored(t testing.TB, b *testBundle) {
	t.Helper()
	// IDs come from the bundle's counter and are taken only when a record
	// is about to be stored: if anything had been stored, id-1 would exist.
	_, err := b.store.GetRequest(b.ctx, "id-1")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	ledgers, err := b.store.ListLedgers(b.ctx, "")
	require.NoError(t, err)
	require.Empty(t, ledgers)
}

// p12Escalations returns the escalation events of a history.
func p12Escalations(history []onboarding.Event) []onboarding.Event {
	var out []onboarding.Event
	for _, e := range history {
		if e.Type == "escalation" {
			out = append(out, e)
		}
	}
	return out
}

func TestRules130_P10_UCCAsksAnyParticipant(t *testing.T) {
	t.Parallel()

	// The clock stands at 2025-03-17 12:00 Almaty (setup).
	tests := []struct {
		name    string
		bodyID  string
		subject string
		actor   string
		sentAt  string // Almaty; "" means the zero time
		wantErr error
		field   string
	}{
		{name: "central body", bodyID: "ministry", subject: "which documents are required?", actor: "ucc-operator", sentAt: "2025-03-17 09:00"},
		{name: "local executive body in another zone", bodyID: "akimat-mangystau", subject: "fee for the service?", actor: "ucc-operator", sentAt: "2025-03-17 12:00"},
		{name: "unknown body", bodyID: "nobody", subject: "anything", actor: "ucc-operator", sentAt: "2025-03-17 09:00", wantErr: onboarding.ErrNotFound, field: "body_id"},
		{name: "empty subject", bodyID: "ministry", subject: "  ", actor: "ucc-operator", sentAt: "2025-03-17 09:00", wantErr: onboarding.ErrInvalid, field: "subject"},
		{name: "empty actor", bodyID: "ministry", subject: "anything", actor: " ", sentAt: "2025-03-17 09:00", wantErr: onboarding.ErrInvalid, field: "actor"},
		{name: "sent in the future", bodyID: "ministry", subject: "anything", actor: "ucc-operator", sentAt: "2025-03-17 12:01", wantErr: onboarding.ErrInvalid, field: "sent_at"},
		{name: "sent at the zero time", bodyID: "ministry", subject: "anything", actor: "ucc-operator", wantErr: onboarding.ErrInvalid, field: "sent_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			var sent time.Time
			if tt.sentAt != "" {
				sent = b.at(t, tt.sentAt)
			}
			r, err := b.svc.AskBody(b.ctx, tt.bodyID, "", tt.subject, sent, tt.actor)
			if tt.wantErr != nil {
				requireRuleError(t, err, tt.wantErr, 10, tt.field)
				require.Nil(t, r)
				p12RequireNothingStored(t, b)
				return
			}
			require.NoError(t, err)
			got, err := b.store.GetRequest(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, tt.bodyID, got.BodyID)
			require.Equal(t, tt.subject, got.Subject)
			require.True(t, sent.Equal(got.SentAt))
			require.Equal(t, tt.actor, got.SentBy)
			require.Nil(t, got.Answer)
		})
	}

	t.Run("about an onboarding", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.start(t)
		r, err := b.svc.AskBody(b.ctx, b.ministry.ID, o.ID, "clarify the fee", b.at(t, "2025-03-17 11:00"), "ucc-operator")
		require.NoError(t, err)
		got, err := b.store.GetRequest(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, o.ID, got.OnboardingID)

		_, err = b.svc.AskBody(b.ctx, b.ministry.ID, "no-such-onboarding", "clarify", b.at(t, "2025-03-17 11:00"), "ucc-operator")
		requireRuleError(t, err, onboarding.ErrNotFound, 10, "onboarding_id")
	})
}

func TestRules130_P11_AnswersInformationLawfulRefusalOrRefusal(t *testing.T) {
	t.Parallel()

	// Requests are sent on 2025-03-17 09:00 and answered at 11:00; the clock
	// stands at 12:00 (setup).
	const sent, answered = "2025-03-17 09:00", "2025-03-17 11:00"

	t.Run("answers that do not count", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			kind   onboarding.AnswerKind
			ground onboarding.SecretGround
		}{
			{"information provided", onboarding.Provided, 0},
			{"lawful refusal: state secret", onboarding.LawfulRefusal, onboarding.StateSecret},
			{"lawful refusal: commercial secret", onboarding.LawfulRefusal, onboarding.CommercialSecret},
			{"lawful refusal: other protected secret", onboarding.LawfulRefusal, onboarding.OtherProtectedSecret},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
				a := onboarding.Answer{Kind: tt.kind, Ground: tt.ground, At: b.at(t, answered), By: "ministry-clerk", Text: "see attached",
					Documents: []onboarding.Document{{Name: "reply", Ref: "out-1"}}}
				l, err := b.svc.Answer(b.ctx, r.ID, a)
				require.NoError(t, err)
				require.Nil(t, l, "only an unlawful refusal touches a ledger")

				got, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)
				require.NotNil(t, got.Answer)
				require.Equal(t, tt.kind, got.Answer.Kind)
				require.Equal(t, tt.ground, got.Answer.Ground)
				require.True(t, a.At.Equal(got.Answer.At))
				require.Equal(t, a.Documents, got.Answer.Documents)
				require.True(t, b.clock.Now().Equal(got.Answer.Recorded))

				n, err := b.svc.RefusalCount(b.ctx, b.ministry.ID, b.at(t, answered))
				require.NoError(t, err)
				require.Zero(t, n)
				ledgers, err := b.store.ListLedgers(b.ctx, b.ministry.ID)
				require.NoError(t, err)
				require.Empty(t, ledgers, "no ledger, so no p.12 notice")
			})
		}
	})

	t.Run("invalid answers", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			modify func(a *onboarding.Answer)
			field  string
		}{
			{"lawful refusal without a ground", func(a *onboarding.Answer) { a.Kind, a.Ground = onboarding.LawfulRefusal, 0 }, "ground"},
			{"lawful refusal with an unknown ground", func(a *onboarding.Answer) { a.Kind, a.Ground = onboarding.LawfulRefusal, 9 }, "ground"},
			{"information provided with a ground", func(a *onboarding.Answer) { a.Kind, a.Ground = onboarding.Provided, onboarding.StateSecret }, "ground"},
			{"refusal with a ground", func(a *onboarding.Answer) { a.Ground = onboarding.CommercialSecret }, "ground"},
			{"refusal without text", func(a *onboarding.Answer) { a.Text = " " }, "text"},
			{"unknown kind", func(a *onboarding.Answer) { a.Kind = onboarding.AnswerKind(9) }, "kind"},
			{"zero kind", func(a *onboarding.Answer) { a.Kind = 0 }, "kind"},
			{"no author", func(a *onboarding.Answer) { a.By = "" }, "by"},
			{"no time", func(a *onboarding.Answer) { a.At = time.Time{} }, "at"},
			{"document without a reference", func(a *onboarding.Answer) { a.Documents = []onboarding.Document{{Name: "letter"}} }, "documents[0]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
				a := p12Refusal(b.at(t, answered), p12Doc(r.ID))
				tt.modify(&a)
				l, err := b.svc.Answer(b.ctx, r.ID, a)
				requireRuleError(t, err, onboarding.ErrInvalid, 11, tt.field)
				require.Nil(t, l)
				got, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)
				require.Nil(t, got.Answer, "nothing stored")
				ledgers, err := b.store.ListLedgers(b.ctx, "")
				require.NoError(t, err)
				require.Empty(t, ledgers)
			})
		}
	})

	t.Run("answer before the request was sent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
		_, err := b.svc.Answer(b.ctx, r.ID, p12Refusal(b.at(t, "2025-03-17 08:59"), p12Doc(r.ID)))
		requireRuleError(t, err, onboarding.ErrInvalid, 11, "at")
		got, err := b.store.GetRequest(b.ctx, r.ID)
		require.NoError(t, err)
		require.Nil(t, got.Answer)
	})

	t.Run("answer in the future", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
		_, err := b.svc.Answer(b.ctx, r.ID, p12Refusal(b.at(t, "2025-03-17 12:01"), p12Doc(r.ID)))
		requireRuleError(t, err, onboarding.ErrInvalid, 11, "at")
	})

	t.Run("unknown request", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.Answer(b.ctx, "no-such-request", p12Refusal(b.at(t, answered), p12Doc("x")))
		require.ErrorIs(t, err, onboarding.ErrNotFound)
	})

	t.Run("the same answer twice is idempotent", func(t *testing.T) {
		t.Parallel()
		for _, kind := range []onboarding.AnswerKind{onboarding.Provided, onboarding.Refused} {
			t.Run(kind.String(), func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
				a := p12Refusal(b.at(t, answered), p12Doc(r.ID))
				a.Kind = kind
				first, err := b.svc.Answer(b.ctx, r.ID, a)
				require.NoError(t, err)
				before, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)
				ledgersBefore, err := b.store.ListLedgers(b.ctx, "")
				require.NoError(t, err)

				b.now(t, "2025-03-18 09:00") // a retry a day later must not re-record
				second, err := b.svc.Answer(b.ctx, r.ID, a)
				require.NoError(t, err)
				require.Equal(t, first, second)

				after, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)
				require.Equal(t, before, after)
				ledgersAfter, err := b.store.ListLedgers(b.ctx, "")
				require.NoError(t, err)
				require.Equal(t, ledgersBefore, ledgersAfter)
				n, err := b.svc.RefusalCount(b.ctx, b.ministry.ID, a.At)
				require.NoError(t, err)
				if kind == onboarding.Refused {
					require.Equal(t, 1, n, "counted once")
				} else {
					require.Zero(t, n)
				}
			})
		}
	})

	t.Run("a different second answer is a conflict", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			modify func(a *onboarding.Answer)
		}{
			{"other kind", func(a *onboarding.Answer) { a.Kind, a.Text = onboarding.Provided, "here it is" }},
			{"other text", func(a *onboarding.Answer) { a.Text = "still no" }},
			{"other time", func(a *onboarding.Answer) { a.At = a.At.Add(time.Minute) }},
			{"other documents", func(a *onboarding.Answer) { a.Documents = nil }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
				a := p12Refusal(b.at(t, answered), p12Doc(r.ID))
				_, err := b.svc.Answer(b.ctx, r.ID, a)
				require.NoError(t, err)
				before, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)

				other := a
				tt.modify(&other)
				_, err = b.svc.Answer(b.ctx, r.ID, other)
				requireRuleError(t, err, onboarding.ErrConflict, 11, "answer")

				after, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)
				require.Equal(t, before, after)
				n, err := b.svc.RefusalCount(b.ctx, b.ministry.ID, a.At)
				require.NoError(t, err)
				require.Equal(t, 1, n)
			})
		}
	})

	t.Run("several bad fields are reported together", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := p12Ask(t, b, b.ministry.ID, b.at(t, sent))
		_, err := b.svc.Answer(b.ctx, r.ID, onboarding.Answer{
			Kind: onboarding.LawfulRefusal, // no ground
			By:   "",                       // no author
			// no time
			Documents: []onboarding.Document{{Ref: "x"}}, // no name
		})
		require.ErrorIs(t, err, onboarding.ErrInvalid)
		fields := p12RuleErrors(err)
		for _, f := range []string{"ground", "at", "by", "documents[0]"} {
			require.Contains(t, fields, f, err.Error())
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 11), fields[f].Rule)
			require.ErrorIs(t, fields[f], onboarding.ErrInvalid)
		}
		require.Len(t, fields, 4, err.Error())
		got, err := b.store.GetRequest(b.ctx, r.ID)
		require.NoError(t, err)
		require.Nil(t, got.Answer)
	})
}

func TestRules130_P12_TwoUnlawfulRefusalsInAMonthRaiseOneNotice(t *testing.T) {
	t.Parallel()

	type wantNotice struct {
		period string
		due    string // in the body's zone
	}
	tests := []struct {
		name     string
		body     func(b *testBundle) onboarding.Body
		sent     string         // every request, RFC 3339
		refusals []string       // RFC 3339, in order
		now      string         // RFC 3339, after every instant
		ledgers  map[string]int // period → refusals counted
		notice   *wantNotice
	}{
		{
			name: "one refusal raises no notice",
			body: func(b *testBundle) onboarding.Body { return b.ministry },
			sent: "2025-03-04T10:00:00+05:00", refusals: []string{"2025-03-05T10:00:00+05:00"},
			now:     "2025-03-20T12:00:00+05:00",
			ledgers: map[string]int{"2025-03": 1},
		},
		{
			// Second refusal Wed 19 Mar; 21–25 Mar are Nauryz days off, so
			// the 3 working days are Thu 20, Wed 26, Thu 27 → due 27 Mar.
			name: "two refusals raise one notice due 3 working days after the second",
			body: func(b *testBundle) onboarding.Body { return b.ministry },
			sent: "2025-03-04T10:00:00+05:00", refusals: []string{"2025-03-05T10:00:00+05:00", "2025-03-19T15:00:00+05:00"},
			now:     "2025-03-20T12:00:00+05:00",
			ledgers: map[string]int{"2025-03": 2},
			notice:  &wantNotice{period: "2025-03", due: "2025-03-27"},
		},
		{
			// Second refusal Wed 5 Mar: Thu 6, Fri 7 work; Sat 8, Sun 9 and
			// Mon 10 (Women's Day moved from Sat 8) are off; Tue 11 → due 11 Mar.
			name: "the term skips Women's Day moved to Monday",
			body: func(b *testBundle) onboarding.Body { return b.ministry },
			sent: "2025-03-03T09:00:00+05:00", refusals: []string{"2025-03-03T16:00:00+05:00", "2025-03-05T10:00:00+05:00"},
			now:     "2025-03-06T12:00:00+05:00",
			ledgers: map[string]int{"2025-03": 2},
			notice:  &wantNotice{period: "2025-03", due: "2025-03-11"},
		},
		{
			// Almaty is UTC+5 in 2025: 31 Jan 23:30 is January, 1 Feb 00:30
			// is February: one refusal in each month, so no notice.
			name: "month boundary in the body's local time",
			body: func(b *testBundle) onboarding.Body { return b.ministry },
			sent: "2025-01-30T10:00:00+05:00", refusals: []string{"2025-01-31T23:30:00+05:00", "2025-02-01T00:30:00+05:00"},
			now:     "2025-02-03T12:00:00+05:00",
			ledgers: map[string]int{"2025-01": 1, "2025-02": 1},
		},
		{
			// 31 May 2023 18:30 UTC is 23:30 in Aqtau (UTC+5), still May,
			// though it was already 1 Jun 00:30 in Almaty (UTC+6). Both
			// refusals fall in the akimat's May ledger. Counting in Aqtau from
			// Wed 31 May: Thu 1, Fri 2, (Sat 3, Sun 4 off), Mon 5 → due 5 Jun
			// (in Almaty's dates it would have been 2, 5, 6 → 6 Jun).
			name: "time-zone boundary: counted in the akimat's own zone",
			body: func(b *testBundle) onboarding.Body { return b.akimat },
			sent: "2023-05-02T05:00:00Z", refusals: []string{"2023-05-10T06:00:00Z", "2023-05-31T18:30:00Z"},
			now:     "2023-06-01T12:00:00Z",
			ledgers: map[string]int{"2023-05": 2},
			notice:  &wantNotice{period: "2023-05", due: "2023-06-05"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			body := tt.body(b)
			cal := p12CalOf(t, b, body)
			b.clock.Set(p12Instant(t, tt.now))

			var reqs []*onboarding.InfoRequest
			for _, at := range tt.refusals {
				r, _ := p12Refuse(t, b, body.ID, p12Instant(t, tt.sent), p12Instant(t, at))
				reqs = append(reqs, r)
			}

			ledgers, err := b.store.ListLedgers(b.ctx, body.ID)
			require.NoError(t, err)
			got := map[string]int{}
			notices := 0
			for _, l := range ledgers {
				got[l.Key.Period] = len(l.Refusals)
				notices += len(l.Notices)
			}
			require.Equal(t, tt.ledgers, got)
			if tt.notice == nil {
				require.Zero(t, notices)
				return
			}
			require.Equal(t, 1, notices)

			l, err := b.store.GetLedger(b.ctx, onboarding.LedgerKey{BodyID: body.ID, Period: tt.notice.period})
			require.NoError(t, err)
			require.Len(t, l.Notices, 1)
			n := l.Notices[0]
			require.Equal(t, 1, n.Seq)
			require.Equal(t, body.ID+"/"+tt.notice.period+"/1", n.ID)
			require.False(t, n.Sent())

			var ids []string
			var docs []onboarding.Document
			for _, r := range reqs {
				ids = append(ids, r.ID)
				docs = append(docs, p12Doc(r.ID))
			}
			require.Equal(t, ids, n.RequestIDs, "the notice reports every refusal")
			require.Equal(t, docs, n.Attachments, "with their supporting documents")

			last := p12Instant(t, tt.refusals[len(tt.refusals)-1])
			d := n.Timer.Deadline(cal)
			require.Equal(t, p12Rule, d.Rule)
			require.Equal(t, tt.notice.due, day(d.Due))
			require.True(t, last.Equal(d.Start), "the term runs from the refusal that reached the threshold")
			require.False(t, d.Estimated)
			// The schedule was computed when the notice was raised, in the
			// service's own choice of zone.
			require.NotEmpty(t, n.Timer.Schedule)
			for _, f := range n.Timer.Schedule {
				require.Equal(t, tt.notice.due, day(f.Due), f.Rung.Name)
			}
			require.True(t, slices.ContainsFunc(l.History, func(e onboarding.Event) bool {
				return e.Type == "notice.raised" && e.Rule == p12Rule && strings.Contains(e.Note, "due "+tt.notice.due)
			}), "history: %+v", l.History)

			// The ledger the service shows for any instant of the period is the same.
			shown, err := b.svc.Ledger(b.ctx, body.ID, last)
			require.NoError(t, err)
			require.Equal(t, l, shown)
		})
	}
}

// p12RaiseNotice records two refusals by the ministry (Wed 5 and Wed
// 19 Mar 2025) that raise notice 1, due Thu 27 Mar (20, 26, 27: Nauryz
// 21–25 Mar is off). The clock ends at 20 Mar 12:00.
func p12RaiseNotice(t testing.TB, b *testBundle) (onboarding.LedgerKey, []*onboarding.InfoRequest) {
	t.Helper()
	b.now(t, "2025-03-20 12:00")
	r1, _ := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-04 10:00"), b.at(t, "2025-03-05 10:00"))
	r2, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-18 10:00"), b.at(t, "2025-03-19 15:00"))
	require.Len(t, l.Notices, 1)
	require.Equal(t, "2025-03-27", day(l.Notices[0].Timer.Deadline(b.cal).Due))
	return l.Key, []*onboarding.InfoRequest{r1, r2}
}

func TestRules130_P12_FurtherRefusalsJoinTheNoticeOrFollowUp(t *testing.T) {
	t.Parallel()

	t.Run("join before sending, follow up after", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, reqs := p12RaiseNotice(t, b)

		// A third refusal on Thu 20 Mar, before the notice is sent, joins it.
		r3, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-20 09:00"), b.at(t, "2025-03-20 11:00"))
		require.Len(t, l.Notices, 1)
		n1 := l.Notices[0]
		require.Equal(t, []string{reqs[0].ID, reqs[1].ID, r3.ID}, n1.RequestIDs)
		require.Equal(t, []onboarding.Document{p12Doc(reqs[0].ID), p12Doc(reqs[1].ID), p12Doc(r3.ID)}, n1.Attachments)
		require.Equal(t, "2025-03-27", day(n1.Timer.Deadline(b.cal).Due), "joining does not move the term")

		// Sent on Wed 26 Mar, before the end of 27 Mar: met.
		sentAt := b.now(t, "2025-03-26 10:00")
		l, err := b.svc.SendNotice(b.ctx, key, 1, sentAt, "ucc-operator")
		require.NoError(t, err)
		n1 = l.Notice(1)
		require.True(t, n1.Sent())
		require.True(t, sentAt.Equal(n1.SentAt))
		require.Equal(t, "ucc-operator", n1.SentBy)
		st := n1.Timer.Status(b.cal, b.now(t, "2025-04-10 12:00"))
		require.Equal(t, deadlines.TimerStopped, st.State)
		require.False(t, st.Breached, "sent in time")

		// A fourth refusal on Fri 28 Mar, after sending, opens follow-up
		// notice 2 with only that request: Mon 31, Tue 1 Apr, Wed 2 Apr → due 2 Apr.
		r4, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-27 10:00"), b.at(t, "2025-03-28 10:00"))
		require.Len(t, l.Notices, 2)
		require.Len(t, l.Notice(1).RequestIDs, 3, "the sent notice is unchanged")
		n2 := l.Notice(2)
		require.Equal(t, key.String()+"/2", n2.ID)
		require.Equal(t, []string{r4.ID}, n2.RequestIDs)
		require.Equal(t, []onboarding.Document{p12Doc(r4.ID)}, n2.Attachments)
		d := n2.Timer.Deadline(b.cal)
		require.Equal(t, "2025-04-02", day(d.Due))
		require.Equal(t, p12Rule, d.Rule)
		require.False(t, n2.Sent())
		require.Len(t, l.Refusals, 4)
		require.True(t, slices.ContainsFunc(l.History, func(e onboarding.Event) bool { return e.Type == "notice.follow_up" }))
	})

	t.Run("sending twice is a conflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, _ := p12RaiseNotice(t, b)
		at := b.now(t, "2025-03-20 12:00")
		_, err := b.svc.SendNotice(b.ctx, key, 1, at, "ucc-operator")
		require.NoError(t, err)
		before, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		_, err = b.svc.SendNotice(b.ctx, key, 1, b.now(t, "2025-03-26 09:00"), "ucc-operator")
		requireRuleError(t, err, onboarding.ErrConflict, 12, "seq")
		after, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Equal(t, before, after)
	})

	t.Run("invalid sending", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name    string
			seq     int
			at      string
			actor   string
			wantErr error
			field   string
		}{
			{"unknown seq", 7, "2025-03-20 12:00", "ucc-operator", onboarding.ErrNotFound, "seq"},
			{"before the refusal that raised it", 1, "2025-03-19 14:00", "ucc-operator", onboarding.ErrInvalid, "sent_at"},
			{"in the future", 1, "2025-03-20 12:01", "ucc-operator", onboarding.ErrInvalid, "sent_at"},
			{"no actor", 1, "2025-03-20 12:00", "", onboarding.ErrInvalid, "actor"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				key, _ := p12RaiseNotice(t, b)
				_, err := b.svc.SendNotice(b.ctx, key, tt.seq, b.at(t, tt.at), tt.actor)
				requireRuleError(t, err, tt.wantErr, 12, tt.field)
				l, err := b.store.GetLedger(b.ctx, key)
				require.NoError(t, err)
				require.False(t, l.Notice(1).Sent())
			})
		}
	})

	t.Run("unknown ledger", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.SendNotice(b.ctx, onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-03"}, 1, b.clock.Now(), "ucc-operator")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		_, err = b.svc.SendNotice(b.ctx, onboarding.LedgerKey{BodyID: "nobody", Period: "2025-03"}, 1, b.clock.Now(), "ucc-operator")
		requireRuleError(t, err, onboarding.ErrNotFound, 12, "body_id")
	})

	t.Run("sending late breaches the term", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, _ := p12RaiseNotice(t, b)
		// Due Thu 27 Mar, so the term ends at 28 Mar 00:00; sent Fri 28 Mar 09:00.
		at := b.now(t, "2025-03-28 09:00")
		l, err := b.svc.SendNotice(b.ctx, key, 1, at, "ucc-operator")
		require.NoError(t, err)
		st := l.Notice(1).Timer.Status(b.cal, at)
		require.Equal(t, deadlines.TimerStopped, st.State)
		require.True(t, st.Breached)
		require.True(t, b.at(t, "2025-03-28 00:00").Equal(st.BreachedAt))
	})
}

func TestRules130_P12_NoticeIsCreatedExactlyOnceUnderConcurrency(t *testing.T) {
	t.Parallel()

	t.Run("50 bodies' requests refused at once", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.now(t, "2025-03-20 12:00")
		sent, at := b.at(t, "2025-03-18 10:00"), b.at(t, "2025-03-19 15:00")
		const n = 50
		ids := make(chan string, n)
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r, err := b.svc.AskBody(b.ctx, b.ministry.ID, "", fmt.Sprintf("question %d", i), sent, "ucc-operator")
				if err != nil {
					errs <- err
					return
				}
				if _, err := b.svc.Answer(b.ctx, r.ID, p12Refusal(at, p12Doc(r.ID))); err != nil {
					errs <- err
					return
				}
				ids <- r.ID
			})
		}
		wg.Wait()
		close(ids)
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		var want []string
		for id := range ids {
			want = append(want, id)
		}
		require.Len(t, want, n)

		ledgers, err := b.store.ListLedgers(b.ctx, b.ministry.ID)
		require.NoError(t, err)
		require.Len(t, ledgers, 1)
		l := ledgers[0]
		require.Equal(t, onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-03"}, l.Key)
		require.Len(t, l.Refusals, n)
		require.Len(t, l.Notices, 1, "exactly one notice")
		require.ElementsMatch(t, want, l.Notices[0].RequestIDs)
		require.Len(t, l.Notices[0].Attachments, n)
		// Every refusal is at Wed 19 Mar 15:00, so whichever reached the
		// threshold, the notice is due Thu 27 Mar (20, 26, 27).
		require.Equal(t, "2025-03-27", day(l.Notices[0].Timer.Deadline(b.cal).Due))
	})

	t.Run("one refusal recorded by 10 goroutines counts once", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.now(t, "2025-03-20 12:00")
		r := p12Ask(t, b, b.ministry.ID, b.at(t, "2025-03-18 10:00"))
		a := p12Refusal(b.at(t, "2025-03-19 15:00"), p12Doc(r.ID))
		errs := make(chan error, 10)
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				_, err := b.svc.Answer(b.ctx, r.ID, a)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		n, err := b.svc.RefusalCount(b.ctx, b.ministry.ID, a.At)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		l, err := b.svc.Ledger(b.ctx, b.ministry.ID, a.At)
		require.NoError(t, err)
		require.Empty(t, l.Notices)
		counted := 0
		for _, e := range l.History {
			if e.Type == "refusal.counted" {
				counted++
			}
		}
		require.Equal(t, 1, counted)
	})
}

func TestRules130_P12_ThresholdAndPeriodAreConfigurable(t *testing.T) {
	t.Parallel()

	quarter := func(t time.Time) string { return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3) }

	t.Run("threshold 3", func(t *testing.T) {
		t.Parallel()
		b := setup(t, onboarding.WithRefusalThreshold(3))
		b.now(t, "2025-03-28 12:00")
		_, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-03 10:00"), b.at(t, "2025-03-05 10:00"))
		require.Empty(t, l.Notices)
		_, l = p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-18 10:00"), b.at(t, "2025-03-19 15:00"))
		require.Empty(t, l.Notices, "2 refusals are below a threshold of 3")
		// Third refusal Thu 20 Mar: Wed 26, Thu 27, Fri 28 (21–25 off) → due 28 Mar.
		r3, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-20 09:00"), b.at(t, "2025-03-20 11:00"))
		require.Len(t, l.Notices, 1)
		require.Len(t, l.Notices[0].RequestIDs, 3)
		require.Equal(t, r3.ID, l.Notices[0].RequestIDs[2])
		require.Equal(t, "2025-03-28", day(l.Notices[0].Timer.Deadline(b.cal).Due))
	})

	t.Run("quarterly period", func(t *testing.T) {
		t.Parallel()
		b := setup(t, onboarding.WithRefusalPeriod(quarter))
		b.now(t, "2025-03-06 12:00")
		_, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-01-14 10:00"), b.at(t, "2025-01-15 10:00"))
		require.Equal(t, onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-Q1"}, l.Key)
		require.Empty(t, l.Notices)
		// Second refusal Wed 5 Mar: Thu 6, Fri 7, (Sat 8, Sun 9, Mon 10
		// Women's Day moved, off) Tue 11 → due 11 Mar.
		_, l = p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-04 10:00"), b.at(t, "2025-03-05 10:00"))
		require.Equal(t, "2025-Q1", l.Key.Period)
		require.Len(t, l.Notices, 1, "January and March are one quarter")
		require.Equal(t, "2025-03-11", day(l.Notices[0].Timer.Deadline(b.cal).Due))
		n, err := b.svc.RefusalCount(b.ctx, b.ministry.ID, b.at(t, "2025-02-10"))
		require.NoError(t, err)
		require.Equal(t, 2, n, "February is in the same quarter")
	})

	t.Run("invalid period keys", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			period func(time.Time) string
		}{
			{"empty", func(time.Time) string { return "" }},
			{"with a slash", func(t time.Time) string { return t.Format("2006/01") }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, onboarding.WithRefusalPeriod(tt.period))
				r := p12Ask(t, b, b.ministry.ID, b.at(t, "2025-03-17 09:00"))
				_, err := b.svc.Answer(b.ctx, r.ID, p12Refusal(b.at(t, "2025-03-17 10:00"), p12Doc(r.ID)))
				requireRuleError(t, err, onboarding.ErrInvalid, 12, "period")
				got, err := b.store.GetRequest(b.ctx, r.ID)
				require.NoError(t, err)
				require.Nil(t, got.Answer, "nothing stored")
				ledgers, err := b.store.ListLedgers(b.ctx, "")
				require.NoError(t, err)
				require.Empty(t, ledgers)
			})
		}
	})

	t.Run("invalid options", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			opt   onboarding.Option
			point int
			field string
		}{
			{"threshold 0", onboarding.WithRefusalThreshold(0), 12, "threshold"},
			{"negative threshold", onboarding.WithRefusalThreshold(-1), 12, "threshold"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				svc, err := onboarding.NewService(b.store, b.cal, b.clock, tt.opt)
				requireRuleError(t, err, onboarding.ErrInvalid, tt.point, tt.field)
				require.Nil(t, svc)
			})
		}
		t.Run("nil period function", func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			svc, err := onboarding.NewService(b.store, b.cal, b.clock, onboarding.WithRefusalPeriod(nil))
			require.ErrorIs(t, err, onboarding.ErrInvalid)
			require.Nil(t, svc)
		})
	})
}

func TestRules130_P12_MissedNoticeEscalatesOnce(t *testing.T) {
	t.Parallel()

	// Notice 1 is due Thu 27 Mar 2025 (see p12RaiseNotice). The default
	// rungs: warning-1 at 00:00 of the working day before the due date (Wed
	// 26 Mar; the days before, 21–25, are off) and the breach at 24:00 of
	// 27 Mar, that is 28 Mar 00:00 Almaty.
	newSweeper := func(t *testing.T, b *testBundle) *deadlines.Sweeper {
		t.Helper()
		s, err := deadlines.NewSweeper(b.store, b.cal, b.clock, b.svc.HandleFiring)
		require.NoError(t, err)
		return s
	}
	byRung := func(fs []deadlines.Firing) map[string]int {
		out := map[string]int{}
		for _, f := range fs {
			out[f.Rung.Name]++
		}
		return out
	}

	t.Run("sweeps", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, _ := p12RaiseNotice(t, b)
		s := newSweeper(t, b)
		timerID := "notice/" + key.String() + "/1"

		steps := []struct {
			now  string
			want map[string]int
		}{
			{"2025-03-25 23:59", map[string]int{}},
			{"2025-03-26 00:00", map[string]int{"warning-1": 1}},
			{"2025-03-27 23:59", map[string]int{}},
			{"2025-03-28 00:00", map[string]int{"breach": 1}},
			{"2025-03-28 00:00", map[string]int{}}, // swept again
			{"2025-04-10 12:00", map[string]int{}},
		}
		for _, st := range steps {
			b.now(t, st.now)
			fired, err := s.Sweep(b.ctx)
			require.NoError(t, err)
			require.Equal(t, st.want, byRung(fired), st.now)
			for _, f := range fired {
				require.Equal(t, timerID, f.TimerID)
				require.Equal(t, p12Rule, f.Rung.Rule)
				require.Equal(t, "2025-03-27", day(f.Due))
			}
		}
		claimed, err := b.store.Firings(b.ctx, timerID)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"warning-1": 1, "breach": 1}, byRung(claimed))
		for _, f := range claimed {
			want := map[string]string{"warning-1": "2025-03-26 00:00", "breach": "2025-03-28 00:00"}[f.Rung.Name]
			require.True(t, b.at(t, want).Equal(f.At), "%s at %s", f.Rung.Name, f.At)
		}

		l, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		esc := p12Escalations(l.History)
		require.Len(t, esc, 2, "one per rung: %+v", esc)
		breaches := 0
		for _, e := range esc {
			require.Equal(t, p12Rule, e.Rule)
			require.Equal(t, "sweeper", e.Actor)
			if strings.HasPrefix(e.Note, "breach:") {
				breaches++
				require.Contains(t, e.Note, "due 2025-03-27")
			}
		}
		require.Equal(t, 1, breaches)
		require.False(t, l.Notice(1).Sent())
	})

	t.Run("the handler called twice with one firing records once", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, _ := p12RaiseNotice(t, b)
		s := newSweeper(t, b)
		b.now(t, "2025-03-28 09:00") // both rungs are due
		fired, err := s.Sweep(b.ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"warning-1": 1, "breach": 1}, byRung(fired))
		for _, f := range fired {
			if f.Rung.Name == "breach" {
				require.NoError(t, b.svc.HandleFiring(b.ctx, f))
				require.NoError(t, b.svc.HandleFiring(b.ctx, f))
			}
		}
		fired, err = s.Sweep(b.ctx)
		require.NoError(t, err)
		require.Empty(t, fired)

		l, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		breaches := 0
		for _, e := range p12Escalations(l.History) {
			if strings.HasPrefix(e.Note, "breach:") {
				breaches++
			}
		}
		require.Equal(t, 1, breaches)
	})

	t.Run("concurrent sweepers fire the breach once", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, _ := p12RaiseNotice(t, b)
		b.now(t, "2025-03-28 09:00")
		results := make(chan []deadlines.Firing, 8)
		errs := make(chan error, 8)
		var wg sync.WaitGroup
		for range 8 {
			s := newSweeper(t, b)
			wg.Go(func() {
				fired, err := s.Sweep(b.ctx)
				results <- fired
				errs <- err
			})
		}
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		total := map[string]int{}
		for fired := range results {
			for name, n := range byRung(fired) {
				total[name] += n
			}
		}
		require.Equal(t, map[string]int{"warning-1": 1, "breach": 1}, total)
		l, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Len(t, p12Escalations(l.History), 2)
	})

	t.Run("a notice sent in time never breaches", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		key, _ := p12RaiseNotice(t, b)
		_, err := b.svc.SendNotice(b.ctx, key, 1, b.now(t, "2025-03-20 12:00"), "ucc-operator")
		require.NoError(t, err)
		b.now(t, "2025-04-10 12:00")
		fired, err := newSweeper(t, b).Sweep(b.ctx)
		require.NoError(t, err)
		require.Empty(t, fired, "sent before the warning and the breach")
		l, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Empty(t, p12Escalations(l.History))
	})
}

func TestRules130_P15_QualityAuthorityTrainingOnWrittenRequest(t *testing.T) {
	t.Parallel()

	t.Run("terms", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name string
			opts []onboarding.Option
			due  string
		}{
			// Requested Mon 17 Mar 2025; 21–25 Mar are off: 18 (1), 19 (2),
			// 20 (3), 26 (4), 27 (5), 28 (6), 31 (7), 1 Apr (8), 2 Apr (9),
			// 3 Apr (10) → due Thu 3 Apr.
			{name: "default 10 working days", due: "2025-04-03"},
			// 18, 19, 20, 26, 27 → due Thu 27 Mar.
			{name: "configured 5 working days", due: "2025-03-27", opts: []onboarding.Option{
				onboarding.WithQualityTrainingTerm(deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: deadlines.Cite(deadlines.Rules130, 15)}),
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, tt.opts...)
				at := b.at(t, "2025-03-17 10:00")
				q, err := b.svc.RequestQualityTraining(b.ctx, "QA-17/03", "information exchange with bodies", at, "ucc-operator")
				require.NoError(t, err)
				d := q.Timer.Deadline(b.cal)
				require.Equal(t, tt.due, day(d.Due))
				require.Equal(t, deadlines.Cite(deadlines.Rules130, 15), d.Rule)
				got, err := b.store.GetQualityTraining(b.ctx, q.ID)
				require.NoError(t, err)
				require.Equal(t, "QA-17/03", got.RequestRef)
				require.Equal(t, "information exchange with bodies", got.Topic)
				require.True(t, at.Equal(got.RequestedAt))
				require.False(t, got.Held())
			})
		}
	})

	t.Run("invalid request", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name        string
			ref, topic  string
			requestedAt string
			actor       string
			fields      []string
		}{
			{"no request number", "", "exchange", "2025-03-17 10:00", "ucc-operator", []string{"request_ref"}},
			{"no topic", "QA-1", " ", "2025-03-17 10:00", "ucc-operator", []string{"topic"}},
			{"neither", "", "", "2025-03-17 10:00", "ucc-operator", []string{"request_ref", "topic"}},
			{"in the future", "QA-1", "exchange", "2025-03-17 12:01", "ucc-operator", []string{"requested_at"}},
			{"no actor", "QA-1", "exchange", "2025-03-17 10:00", "", []string{"actor"}},
			{"everything", "", "", "2025-03-18 10:00", "ucc-operator", []string{"request_ref", "topic", "requested_at"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				q, err := b.svc.RequestQualityTraining(b.ctx, tt.ref, tt.topic, b.at(t, tt.requestedAt), tt.actor)
				require.ErrorIs(t, err, onboarding.ErrInvalid)
				require.Nil(t, q)
				fields := p12RuleErrors(err)
				for _, f := range tt.fields {
					require.Contains(t, fields, f, err.Error())
					require.Equal(t, deadlines.Cite(deadlines.Rules130, 15), fields[f].Rule)
				}
				require.Len(t, fields, len(tt.fields), err.Error())
			})
		}
	})

	t.Run("held", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		q, err := b.svc.RequestQualityTraining(b.ctx, "QA-17/03", "information exchange", b.at(t, "2025-03-17 10:00"), "ucc-operator")
		require.NoError(t, err)

		// Held Wed 26 Mar, before the due date (3 Apr): met.
		at := b.now(t, "2025-03-26 15:00")
		held, err := b.svc.HoldQualityTraining(b.ctx, q.ID, at, []string{"ucc-trainer"}, []string{"qa-expert-1", "qa-expert-2"}, "staff trained on requests and refusals", "ucc-operator")
		require.NoError(t, err)
		got, err := b.store.GetQualityTraining(b.ctx, q.ID)
		require.NoError(t, err)
		require.Equal(t, held, got)
		require.True(t, got.Held())
		require.True(t, at.Equal(got.HeldAt))
		require.Equal(t, []string{"ucc-trainer"}, got.Trainers)
		require.Equal(t, []string{"qa-expert-1", "qa-expert-2"}, got.Participants)
		require.Equal(t, "staff trained on requests and refusals", got.Outcome)
		st := got.Timer.Status(b.cal, b.now(t, "2025-04-10 12:00"))
		require.Equal(t, deadlines.TimerStopped, st.State)
		require.False(t, st.Breached)
		require.Equal(t, "quality_training.held", got.History[len(got.History)-1].Type)

		// Holding it again is a conflict and changes nothing.
		_, err = b.svc.HoldQualityTraining(b.ctx, q.ID, b.clock.Now(), []string{"ucc-trainer"}, []string{"qa-expert-3"}, "again", "ucc-operator")
		requireRuleError(t, err, onboarding.ErrConflict, 15, "id")
		again, err := b.store.GetQualityTraining(b.ctx, q.ID)
		require.NoError(t, err)
		require.Equal(t, got, again)
	})

	t.Run("held late", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		q, err := b.svc.RequestQualityTraining(b.ctx, "QA-17/03", "information exchange", b.at(t, "2025-03-17 10:00"), "ucc-operator")
		require.NoError(t, err)
		// Due Thu 3 Apr; held Fri 4 Apr.
		held, err := b.svc.HoldQualityTraining(b.ctx, q.ID, b.now(t, "2025-04-04 10:00"), []string{"t"}, []string{"p"}, "done", "ucc-operator")
		require.NoError(t, err)
		st := held.Timer.Status(b.cal, b.clock.Now())
		require.True(t, st.Breached)
		require.True(t, b.at(t, "2025-04-04 00:00").Equal(st.BreachedAt))
	})

	t.Run("invalid holding", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name         string
			at           string
			trainers     []string
			participants []string
			outcome      string
			wantErr      error
			fields       []string
		}{
			{"before the request", "2025-03-17 09:59", []string{"t"}, []string{"p"}, "done", onboarding.ErrInvalid, []string{"at"}},
			{"in the future", "2025-03-20 12:01", []string{"t"}, []string{"p"}, "done", onboarding.ErrInvalid, []string{"at"}},
			{"no trainers", "2025-03-20 10:00", nil, []string{"p"}, "done", onboarding.ErrInvalid, []string{"trainers"}},
			{"blank participant", "2025-03-20 10:00", []string{"t"}, []string{"p", " "}, "done", onboarding.ErrInvalid, []string{"participants"}},
			{"no outcome", "2025-03-20 10:00", []string{"t"}, []string{"p"}, "", onboarding.ErrInvalid, []string{"outcome"}},
			{"nothing", "2025-03-20 10:00", nil, nil, " ", onboarding.ErrInvalid, []string{"trainers", "participants", "outcome"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				q, err := b.svc.RequestQualityTraining(b.ctx, "QA-17/03", "information exchange", b.at(t, "2025-03-17 10:00"), "ucc-operator")
				require.NoError(t, err)
				b.now(t, "2025-03-20 12:00")
				_, err = b.svc.HoldQualityTraining(b.ctx, q.ID, b.at(t, tt.at), tt.trainers, tt.participants, tt.outcome, "ucc-operator")
				require.ErrorIs(t, err, tt.wantErr)
				fields := p12RuleErrors(err)
				for _, f := range tt.fields {
					require.Contains(t, fields, f, err.Error())
					require.Equal(t, deadlines.Cite(deadlines.Rules130, 15), fields[f].Rule)
				}
				require.Len(t, fields, len(tt.fields), err.Error())
				got, err := b.store.GetQualityTraining(b.ctx, q.ID)
				require.NoError(t, err)
				require.False(t, got.Held())
			})
		}
	})

	t.Run("unknown training", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.HoldQualityTraining(b.ctx, "nope", b.clock.Now(), []string{"t"}, []string{"p"}, "done", "ucc-operator")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
	})
}

func TestRefusalCountPerMonth(t *testing.T) {
	t.Parallel()

	answer := func(kind onboarding.AnswerKind, ground onboarding.SecretGround) onboarding.Answer {
		return onboarding.Answer{Kind: kind, Ground: ground, By: "clerk", Text: "reply"}
	}
	// Each answer goes to its own request, sent an hour before.
	type answered struct {
		body string
		at   string // Almaty
		a    onboarding.Answer
	}
	history := []answered{
		{"ministry", "2025-03-03 10:00", answer(onboarding.Refused, 0)},
		{"ministry", "2025-03-04 10:00", answer(onboarding.Provided, 0)},
		{"ministry", "2025-03-05 10:00", answer(onboarding.LawfulRefusal, onboarding.StateSecret)},
		{"ministry", "2025-03-06 10:00", answer(onboarding.LawfulRefusal, onboarding.CommercialSecret)},
		{"ministry", "2025-03-07 10:00", answer(onboarding.Refused, 0)},
		{"ministry", "2025-03-11 10:00", answer(onboarding.Refused, 0)},
		{"ministry", "2025-04-01 10:00", answer(onboarding.Refused, 0)},
		{"ministry", "2025-04-02 10:00", answer(onboarding.LawfulRefusal, onboarding.OtherProtectedSecret)},
		{"akimat-mangystau", "2025-03-12 10:00", answer(onboarding.Refused, 0)},
	}
	tests := []struct {
		name string
		body string
		at   string // any instant of the month, Almaty
		want int
	}{
		{"March: three refusals, the lawful ones and the information not counted", "ministry", "2025-03-31 23:59", 3},
		{"April: one refusal", "ministry", "2025-04-15 12:00", 1},
		{"February: none", "ministry", "2025-02-15 12:00", 0},
		{"another body's refusals are its own", "akimat-mangystau", "2025-03-01 12:00", 1},
		{"a body without answers", "quality", "2025-03-15 12:00", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.now(t, "2025-04-03 12:00")
			for _, h := range history {
				at := b.at(t, h.at)
				r := p12Ask(t, b, h.body, at.Add(-time.Hour))
				a := h.a
				a.At = at
				_, err := b.svc.Answer(b.ctx, r.ID, a)
				require.NoError(t, err)
			}
			n, err := b.svc.RefusalCount(b.ctx, tt.body, b.at(t, tt.at))
			require.NoError(t, err)
			require.Equal(t, tt.want, n)
		})
	}

	t.Run("unknown body", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.RefusalCount(b.ctx, "nobody", b.clock.Now())
		require.True(t, errors.Is(err, onboarding.ErrNotFound), err)
	})
}

// A refusal recorded late still counts in time order: the notice is due 3
// working days after the refusal that reached the threshold in time.
func TestRules130_P12_NoticeDueFromTheThresholdRefusalInTimeOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.now(t, "2025-03-20 12:00")
	p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-18 10:00"), b.at(t, "2025-03-19 15:00"))
	_, l := p12Refuse(t, b, b.ministry.ID, b.at(t, "2025-03-04 10:00"), b.at(t, "2025-03-05 10:00")) // recorded on 20 Mar
	require.Len(t, l.Notices, 1)
	// The second refusal in time is 19 Mar: 20, (21–25 Nauryz), 26, 27.
	require.Equal(t, "2025-03-27", day(l.Notices[0].Timer.Deadline(b.cal).Due))
	require.Equal(t, b.at(t, "2025-03-05 10:00"), l.Refusals[0].At, "refusals are kept in time order")
}

func TestRules130_P10_AskBodyReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.svc.AskBody(b.ctx, "nobody", "", " ", b.clock.Now().Add(time.Hour), "")
	require.ErrorIs(t, err, onboarding.ErrInvalid)
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	for _, f := range []string{"body_id", "subject", "actor", "sent_at"} {
		require.Contains(t, err.Error(), "Rules130 p.10: "+f+": ")
	}
}
