package chain_test

import (
	"errors"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines"
)

// requireRule asserts err is a *deadlines.RuleError for the Rules472 point
// and field, in the sentinel's category.
func requireRule(t *testing.T, err error, sentinel error, point int, field string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, deadlines.Cite(deadlines.Rules472, point), re.Rule, err.Error())
	if field != "" {
		require.Equal(t, field, re.Field, err.Error())
	}
}

func TestRules472_P2_DefinitionsMustMatchTheCatalogue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name   string
		mutate func(*chain.Definition)
		field  string
		cause  error
	}{
		{"unknown service", func(d *chain.Definition) { d.Components[0].ServiceID = "no-such-service" }, "components[0].service_id", chain.ErrNotFound},
		{"unknown provider", func(d *chain.Definition) { d.Components[1].ProviderID = "no-such-body" }, "components[1].provider_id", chain.ErrNotFound},
		{"the UCC is not a provider", func(d *chain.Definition) { d.Components[2].ProviderID = "ucc" }, "components[2].provider_id", chain.ErrInvalid},
		{"provider of another service", func(d *chain.Definition) { d.Components[2].ProviderID = "labour-ministry" }, "components[2].provider_id", chain.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := loadDefinition(t, "birth-of-a-child.json")
			d.ID = "variant"
			tc.mutate(d)
			err := b.router.RegisterDefinition(b.ctx, d)
			requireRule(t, err, tc.cause, 2, tc.field)
			_, err = b.store.GetDefinition(b.ctx, "variant")
			require.ErrorIs(t, err, chain.ErrNotFound, "nothing stored")
		})
	}
	t.Run("a definition ID is registered once", func(t *testing.T) {
		t.Parallel()
		err := b.router.RegisterDefinition(b.ctx, loadDefinition(t, "birth-of-a-child.json"))
		require.ErrorIs(t, err, chain.ErrConflict)
	})
	t.Run("every problem at once", func(t *testing.T) {
		t.Parallel()
		d := loadDefinition(t, "birth-of-a-child.json")
		d.ID = "variant-2"
		d.Components[0].ServiceID = "x"
		d.Components[2].ProviderID = "ucc"
		err := b.router.RegisterDefinition(b.ctx, d)
		require.ErrorContains(t, err, "components[0].service_id")
		require.ErrorContains(t, err, "components[2].provider_id")
	})
}

func TestRules472_P2_RecipientIsAnIINOrBIN(t *testing.T) {
	t.Parallel()
	b := setup(t)
	company := deadlinestest.BIN(900)
	for _, tc := range []struct {
		name, recipient string
		ok              bool
	}{
		{"person", b.parent, true},
		{"legal entity", company, true},
		{"bad check digit", b.parent[:11] + string('0'+(b.parent[11]-'0'+1)%10), false},
		{"too short", "12345", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := b.router.Submit(b.ctx, chain.Submission{
				DefinitionID: "birth-of-a-child", Recipient: tc.recipient, Document: []byte("doc"),
				Signature: chaintest.Sign(tc.recipient), Actor: "portal",
			})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			requireRule(t, err, chain.ErrInvalid, 2, "recipient")
		})
	}
}

func TestRules472_P3_DataMustBeInStateSystemsBeforeAcceptance(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.data.Unavailable = map[string][]string{b.parent: {"bank_account", "medical_birth_certificate"}}
	_, err := b.router.Submit(b.ctx, chain.Submission{
		DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: []byte("doc"),
		Signature: chaintest.Sign(b.parent), Actor: "portal",
	})
	require.ErrorIs(t, err, chain.ErrDataUnavailable)
	require.ErrorIs(t, err, chain.ErrInvalid)
	var missing *chain.MissingDataError
	require.ErrorAs(t, err, &missing)
	require.Equal(t, "birth-registration", missing.Component, "the first component reported is the registration")
	require.Equal(t, []string{"medical_birth_certificate"}, missing.Missing)
	require.ErrorContains(t, err, "birth-allowance: data not available in state information systems: bank_account")
	requireRule(t, err, chain.ErrDataUnavailable, 3, "components.birth-registration")

	apps, err := b.store.ListApplications(b.ctx, chain.ApplicationFilter{})
	require.NoError(t, err)
	require.Empty(t, apps, "a rejected application is not stored")
	require.Empty(t, b.dispatcher.Deliveries(), "nor sent anywhere")

	t.Run("data produced by a prerequisite are not asked of state systems", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.data.Unavailable = map[string][]string{"*": {"child_iin"}} // no child IIN before registration
		a := b.submitBirth(t)
		require.Equal(t, chain.StatusInProgress, a.Component("birth-registration").Status)
	})
}

func TestRules472_P4_EachComponentResultIsAResultOfTheComposite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
	b.now(t, "2025-03-19 10:00")
	a = b.must(t)(b.router.Complete(b.ctx, a.ID, "kindergarten-queue", chain.Issued{Channel: chain.Electronic, Reference: "Q-77", At: b.clock.Now(), Actor: "education-dept"}))
	require.False(t, a.Done(), "the allowance is still in progress")
	for _, id := range []string{"birth-registration", "kindergarten-queue"} {
		cs := a.Component(id)
		require.Equal(t, chain.StatusCompleted, cs.Status, id)
		require.NotNil(t, cs.Result, "%s's result is a result of the composite service on its own", id)
	}
	a = b.must(t)(b.router.Complete(b.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-5", At: b.clock.Now(), Actor: "labour"}))
	require.True(t, a.Done())

	t.Run("a result before receipt or out of order is a conflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		_, err := b.router.Complete(b.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-5", At: b.clock.Now(), Actor: "labour"})
		requireRule(t, err, chain.ErrConflict, 4, "status")
		_, err = b.router.Complete(b.ctx, a.ID, "no-such", chain.Issued{Channel: chain.Electronic, Reference: "D-5", At: b.clock.Now(), Actor: "labour"})
		requireRule(t, err, chain.ErrNotFound, 4, "component")
	})
	t.Run("repeating the same result changes nothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		first := b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
		again := b.registerBirth(t, a.ID, b.clock.Now())
		require.Equal(t, first, again)
		require.Len(t, b.dispatcher.Deliveries(), 3, "each provider got the application once")
		_, err := b.router.Complete(b.ctx, a.ID, "birth-registration", chain.Issued{
			Channel: chain.Electronic, Reference: "AB-0002", At: b.clock.Now(), Actor: "registrar",
			Fields: map[string]string{"child_iin": "250315600012", "birth_record_number": "0002"},
		})
		requireRule(t, err, chain.ErrConflict, 4, "status")
	})
}

func TestRules472_P5_TermCountsFromReceiptByTheProvider(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		facts     []string
		submit    string // Almaty
		component string
		received  string // when the provider acknowledged (the clock at routing)
		due       string // in the provider's zone
	}{
		{"registration: 2 working days", nil, "2025-03-17 10:00", "birth-registration", "", "2025-03-19"},
		{"registration filed late: 7 working days, over Nauryz", []string{"filed_late"}, "2025-03-17 10:00", "birth-registration", "", "2025-03-31"}, // 18, 19, 20, 26, 27, 28, 31
		{"registration on a Friday evening: Monday and Tuesday", nil, "2025-03-14 18:30", "birth-registration", "", "2025-03-18"},
		{"allowance: 7 working days from its own receipt, over Nauryz", nil, "2025-03-17 10:00", "birth-allowance", "2025-03-19 09:00", "2025-04-02"},
		{"kindergarten queue: immediately, in Aqtau's calendar", nil, "2025-03-17 10:00", "kindergarten-queue", "2025-03-19 09:00", "2025-03-19"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.now(t, tc.submit)
			a := b.submitBirth(t, tc.facts...)
			if tc.received != "" {
				a = b.registerBirth(t, a.ID, b.now(t, tc.received))
			}
			cs := a.Component(tc.component)
			require.Equal(t, chain.StatusInProgress, cs.Status)
			require.Equal(t, b.clock.Now(), cs.ReceivedAt, "the term starts on receipt, not on submission")
			loc, err := time.LoadLocation(cs.Zone)
			require.NoError(t, err)
			d := cs.Timer.Deadline(b.cal.In(loc))
			require.Equal(t, tc.due, date(t, d.Due))
			require.Equal(t, deadlines.Cite(deadlines.Rules472, 5), d.Rule)
		})
	}
	t.Run("a provider that acknowledges late starts the term late", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.dispatcher.FailNext(1)
		a := b.submitBirth(t)
		cs := a.Component("birth-registration")
		require.Equal(t, chain.StatusRouted, cs.Status)
		require.True(t, cs.Delivery.Pending)
		require.Zero(t, cs.Timer, "no term runs before receipt")
		b.now(t, "2025-03-18 09:00")
		n, err := b.router.Redeliver(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		a, err = b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		cs = a.Component("birth-registration")
		require.Equal(t, "2025-03-20", date(t, cs.Timer.Deadline(b.cal).Due))
	})
	t.Run("an unknown fact is refused", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.router.Submit(b.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: []byte("d"), Signature: chaintest.Sign(b.parent), Facts: []string{"urgent"}, Actor: "portal"})
		requireRule(t, err, chain.ErrInvalid, 5, "facts")
	})
}

// submitMarriage files a marriage application and returns it.
func (b *testBundle) submitMarriage(t *testing.T) *chain.Application {
	t.Helper()
	rc, err := b.router.Submit(b.ctx, chain.Submission{
		DefinitionID: "marriage", Recipient: b.parent, Document: []byte(`{"bride":"A","groom":"B"}`),
		Signature: chaintest.Sign(b.parent), Actor: "portal",
	})
	require.NoError(t, err)
	return b.get(t, rc.ApplicationID)
}

func TestRules472_P6_PaidComponentsTrackTheirPayment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitMarriage(t)
	cs := a.Component("marriage-registration")
	require.Equal(t, chain.Payment{Required: true, AmountTiyn: 786400}, cs.Payment)
	require.False(t, cs.Payment.Paid())

	at := b.now(t, "2025-03-17 12:00")
	result := chain.Issued{Channel: chain.Electronic, Reference: "M-1", At: at, Actor: "registrar", Fields: map[string]string{"marriage_record_number": "M-1", "new_surname": "Sultanova"}}
	_, err := b.router.Complete(b.ctx, a.ID, "marriage-registration", result)
	requireRule(t, err, chain.ErrConflict, 6, "payment")

	for _, tc := range []struct {
		name  string
		pay   chain.Payment
		field string
	}{
		{"cash is not accepted", chain.Payment{Method: chain.Cash, AmountTiyn: 786400, Receipt: "R-1", PaidAt: at}, "method"},
		{"wrong amount", chain.Payment{Method: chain.NonCash, AmountTiyn: 786300, Receipt: "R-1", PaidAt: at}, "amount_tiyn"},
		{"no receipt", chain.Payment{Method: chain.NonCash, AmountTiyn: 786400, PaidAt: at}, "receipt"},
		{"paid in the future", chain.Payment{Method: chain.NonCash, AmountTiyn: 786400, Receipt: "R-1", PaidAt: at.Add(time.Hour)}, "at"},
	} {
		_, err := b.router.Pay(b.ctx, a.ID, "marriage-registration", tc.pay, "payment-gateway")
		requireRule(t, err, chain.ErrInvalid, 6, tc.field)
	}
	pay := chain.Payment{Method: chain.NonCash, AmountTiyn: 786400, Receipt: "R-1", PaidAt: at}
	a = b.must(t)(b.router.Pay(b.ctx, a.ID, "marriage-registration", pay, "payment-gateway"))
	require.True(t, a.Component("marriage-registration").Payment.Paid())
	again, err := b.router.Pay(b.ctx, a.ID, "marriage-registration", pay, "payment-gateway")
	require.NoError(t, err, "a repeated payment notice is idempotent")
	require.Equal(t, chain.Receipt{ApplicationID: a.ID, Component: "marriage-registration", Status: chain.StatusInProgress}, again)
	require.Equal(t, a, b.get(t, a.ID), "and changes nothing")
	_, err = b.router.Pay(b.ctx, a.ID, "marriage-registration", chain.Payment{Method: chain.NonCash, AmountTiyn: 786400, Receipt: "R-2", PaidAt: at}, "payment-gateway")
	requireRule(t, err, chain.ErrConflict, 6, "payment")

	a = b.must(t)(b.router.Complete(b.ctx, a.ID, "marriage-registration", result))
	require.Equal(t, chain.StatusInProgress, a.Component("identity-document").Status)

	t.Run("a free component takes no payment", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		_, err := b.router.Pay(b.ctx, a.ID, "birth-registration", chain.Payment{Method: chain.Cash, AmountTiyn: 100, Receipt: "R", PaidAt: b.clock.Now()}, "psc")
		requireRule(t, err, chain.ErrConflict, 6, "payment")
	})
}

func TestRules472_P7_PrerequisiteFirstThenEnrichedForTheNext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	require.Equal(t, map[string]chain.Status{
		"birth-registration": chain.StatusInProgress, "birth-allowance": chain.StatusWaiting, "kindergarten-queue": chain.StatusWaiting,
	}, statuses(a), "only the provider whose result is a prerequisite gets it first")
	require.Len(t, b.dispatcher.Deliveries(), 1)
	require.Equal(t, "registry-office", b.dispatcher.Deliveries()[0].ProviderID)
	require.NotContains(t, b.dispatcher.Deliveries()[0].Data, "child_iin")

	a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
	require.Equal(t, "250315600012", a.Data["child_iin"], "the application is enriched with the result")
	ds := b.dispatcher.Deliveries()
	require.Len(t, ds, 3)
	for _, d := range ds[1:] {
		require.Equal(t, "250315600012", d.Data["child_iin"], "%s receives the enriched application", d.ComponentID)
		require.Equal(t, b.parent, d.Data["parent_iin"])
	}

	t.Run("a result without a field the next services need is refused", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		_, err := b.router.Complete(b.ctx, a.ID, "birth-registration", chain.Issued{Channel: chain.Electronic, Reference: "AB-1", At: b.clock.Now(), Actor: "registrar", Fields: map[string]string{"birth_record_number": "1"}})
		requireRule(t, err, chain.ErrInvalid, 7, "fields.child_iin")
		_, err = b.router.Complete(b.ctx, a.ID, "birth-registration", chain.Issued{Channel: chain.Electronic, Reference: "AB-1", At: b.clock.Now(), Actor: "registrar", Fields: map[string]string{"child_iin": "1", "birth_record_number": "1", "eye_colour": "brown"}})
		requireRule(t, err, chain.ErrInvalid, 7, "fields.eye_colour")
		got, err := b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, chain.StatusInProgress, got.Component("birth-registration").Status, "nothing changed")
	})
}

func TestRules472_P8_SignedApplicationStoredAndRoutedAutomatically(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := []byte(`{"child":"Aisulu"}`)
	sig := chaintest.Sign(b.parent)
	a := b.must(t)(b.router.Submit(b.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: doc, Signature: sig, Actor: "portal"}))
	require.Equal(t, doc, a.Signed.Document, "the original bytes, unchanged")
	require.Equal(t, sig, a.Signed.Signature)
	require.True(t, a.Signed.Evidence.Valid)
	require.Equal(t, b.parent, a.Signed.Evidence.SignerIIN)
	require.Equal(t, b.clock.Now(), a.Signed.CheckedAt)
	d := b.dispatcher.Deliveries()[0]
	require.Equal(t, doc, d.Document, "every provider can verify the original")
	require.Equal(t, sig, d.Signature)
	require.Equal(t, a.ID+"/birth-registration/1", d.Key)
	ev, err := b.verifier.Verify(b.ctx, d.Document, d.Signature)
	require.NoError(t, err)
	require.True(t, ev.Valid)

	other := deadlinestest.IIN("900101", 50)
	for _, tc := range []struct {
		name      string
		signature []byte
		doc       []byte
		msg       string
	}{
		{"not a valid signature", []byte("forged"), doc, "not valid"},
		{"signed by someone else", chaintest.Sign(other), doc, "not by the recipient"},
		{"revoked certificate", chaintest.SignRevoked(b.parent), doc, "revoked"},
		{"no signature", nil, doc, "signature required"},
		{"no document", sig, nil, "signed application is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := b.router.Submit(b.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: tc.doc, Signature: tc.signature, Actor: "portal"})
			require.ErrorIs(t, err, chain.ErrInvalid)
			require.ErrorContains(t, err, tc.msg)
			require.ErrorContains(t, err, "Rules472 p.8")
		})
	}
	t.Run("a verifier that cannot answer is not the recipient's fault", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		down := errors.New("ncanode: 503")
		b.verifier.Err = down
		_, err := b.router.Submit(b.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: doc, Signature: sig, Actor: "portal"})
		require.ErrorIs(t, err, down)
		require.NotErrorIs(t, err, chain.ErrInvalid)
	})
	t.Run("delivery is at least once with one idempotency key", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.dispatcher.FailProvider("registry-office", true)
		a := b.submitBirth(t)
		cs := a.Component("birth-registration")
		require.True(t, cs.Delivery.Pending)
		require.Equal(t, 1, cs.Delivery.Attempts)
		require.ErrorContains(t, errors.New(cs.Delivery.LastError), "provider unavailable")
		_, err := b.router.Redeliver(b.ctx)
		require.NoError(t, err)
		a, err = b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, 2, a.Component("birth-registration").Delivery.Attempts)

		b.dispatcher.FailProvider("registry-office", false)
		n, err := b.router.Redeliver(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		a, err = b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		require.False(t, a.PendingDispatch())
		require.Equal(t, chain.StatusInProgress, a.Component("birth-registration").Status)
		n, err = b.router.Redeliver(b.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "nothing left to deliver")
		require.Equal(t, 1, b.dispatcher.Unique())
	})
}

func TestRules472_P9_RecipientAndUCCSeeEveryComponent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
	_, err := b.router.Refuse(b.ctx, a.ID, "kindergarten-queue", chain.Refusal{Ground: "already-queued", Reason: "queued in 2025", At: b.clock.Now(), Actor: "education-dept"})
	require.NoError(t, err)

	v, err := b.router.ForRecipient(b.ctx, b.parent, a.ID, "kk")
	require.NoError(t, err)
	require.Equal(t, "Баланың тууы", v.Service)
	require.Len(t, v.Components, 3)
	got := []string{}
	for _, c := range v.Components {
		got = append(got, c.ID+"="+c.StatusLabel)
	}
	require.Equal(t, []string{"birth-registration=Орындалды", "birth-allowance=Орындалуда", "kindergarten-queue=Бас тартылды"}, got)
	require.Equal(t, "2025-04-01", date(t, v.Components[1].Due), "allowance: 7 working days from 18 Mar over Nauryz (19, 20, 26, 27, 28, 31, 1)")
	require.Equal(t, "birth certificate", v.Components[0].Result.Form)
	require.Equal(t, "Кезекте тұр", v.Components[2].Refusal.GroundName)
	require.Equal(t, "Rules472 p.10", v.Components[2].Refusal.Citation)

	ru, err := b.router.ForRecipient(b.ctx, b.parent, a.ID, "ru")
	require.NoError(t, err)
	require.Equal(t, "На исполнении", ru.Components[1].StatusLabel)

	_, err = b.router.ForRecipient(b.ctx, deadlinestest.IIN("900101", 70), a.ID, "en")
	require.ErrorIs(t, err, chain.ErrNotFound, "a recipient sees only their own applications")
	_, err = b.router.ForRecipient(b.ctx, b.parent, a.ID, "de")
	requireRule(t, err, chain.ErrInvalid, 9, "lang")
	mine, err := b.router.RecipientApplications(b.ctx, b.parent, "en")
	require.NoError(t, err)
	require.Len(t, mine, 1)
	none, err := b.router.RecipientApplications(b.ctx, deadlinestest.IIN("900101", 70), "en")
	require.NoError(t, err)
	require.Empty(t, none)

	// The UCC sees the providers, overdue flags and the full history.
	b.now(t, "2025-04-02 10:00") // the allowance was due 1 Apr
	u, err := b.router.ForUCC(b.ctx, a.ID, "en")
	require.NoError(t, err)
	require.Equal(t, "Ministry of Labour and Social Protection", u.Components[1].Provider)
	require.True(t, u.Components[1].Overdue)
	require.False(t, u.Components[0].Overdue)
	require.NotEqual(t, b.parent, u.Recipient, "masked")
	types := []string{}
	for _, e := range u.History {
		types = append(types, e.Type+"@"+e.Rule.String())
	}
	require.Equal(t, []string{
		"submitted@Rules472 p.8", "routed@Rules472 p.8", "received@Rules472 p.5", "completed@Rules472 p.4",
		"routed@Rules472 p.8", "routed@Rules472 p.8", "received@Rules472 p.5", "received@Rules472 p.5", "refused@Rules472 p.10",
	}, types)
}

func TestRules472_P10_RefusalStopsDependantsAndNoOthers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	at := b.now(t, "2025-03-18 11:00")
	_, err := b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "rich-parents", Reason: "x", At: at, Actor: "registrar"})
	requireRule(t, err, chain.ErrInvalid, 10, "ground")

	a = b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "no-medical-certificate", Reason: "not in the system", At: at, Actor: "registrar"}))
	require.Equal(t, map[string]chain.Status{
		"birth-registration": chain.StatusRefused, "birth-allowance": chain.StatusStopped, "kindergarten-queue": chain.StatusStopped,
	}, statuses(a))
	require.Equal(t, "birth-registration", a.Component("birth-allowance").StoppedBy)
	require.True(t, a.Done())
	require.Len(t, b.dispatcher.Deliveries(), 1, "stopped components are never sent")
	again, err := b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "no-medical-certificate", Reason: "not in the system", At: at, Actor: "registrar"})
	require.NoError(t, err, "a repeated refusal is idempotent")
	require.Equal(t, chain.Receipt{ApplicationID: a.ID, Component: "birth-registration", Status: chain.StatusRefused, Done: true}, again)
	require.Equal(t, a, b.get(t, a.ID), "and changes nothing")

	t.Run("an independent branch goes on", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
		a = b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-allowance", chain.Refusal{Ground: "paid-before", Reason: "paid for this child", At: b.clock.Now(), Actor: "labour"}))
		require.Equal(t, chain.StatusInProgress, a.Component("kindergarten-queue").Status)
		require.Equal(t, chain.StatusCompleted, a.Component("birth-registration").Status)
	})
}

func TestRules472_P11_ResultsIssuedAsTheByLawsSet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	at := b.now(t, "2025-03-18 11:00")
	fields := map[string]string{"child_iin": "250315600012", "birth_record_number": "0001"}
	for _, tc := range []struct {
		name  string
		in    chain.Issued
		point int
		field string
	}{
		{"no reference", chain.Issued{Channel: chain.Paper, At: at, Actor: "r", Fields: fields}, 11, "reference"},
		{"no instant", chain.Issued{Channel: chain.Paper, Reference: "1", Actor: "r", Fields: fields}, 4, "at"},
		{"before receipt", chain.Issued{Channel: chain.Paper, Reference: "1", At: at.Add(-48 * time.Hour), Actor: "r", Fields: fields}, 4, "at"},
		{"no actor", chain.Issued{Channel: chain.Paper, Reference: "1", At: at, Fields: fields}, 4, "actor"},
	} {
		_, err := b.router.Complete(b.ctx, a.ID, "birth-registration", tc.in)
		requireRule(t, err, chain.ErrInvalid, tc.point, tc.field)
	}
	a = b.must(t)(b.router.Complete(b.ctx, a.ID, "birth-registration", chain.Issued{Channel: chain.Paper, Reference: "AB-9", At: at, Actor: "registrar", Fields: fields}))
	res := a.Component("birth-registration").Result
	require.Equal(t, chain.Paper, res.Channel)
	require.Equal(t, "AB-9", res.Reference)
}

func TestRules472_P12_AppealsHaveTheirOwnTermAndOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
	_, err := b.router.Appeal(b.ctx, a.ID, "birth-allowance", "too slow", b.clock.Now(), b.parent)
	requireRule(t, err, chain.ErrConflict, 12, "status")

	a = b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-allowance", chain.Refusal{Ground: "not-eligible", Reason: "no record", At: b.now(t, "2025-03-19 10:00"), Actor: "labour"}))
	a = b.must(t)(b.router.Appeal(b.ctx, a.ID, "birth-allowance", "I am eligible", b.now(t, "2025-03-20 09:00"), b.parent))
	ap := a.Component("birth-allowance").Appeals[0]
	require.Equal(t, "labour-ministry", ap.Route)
	require.Equal(t, chain.StatusRefused, ap.Against)
	require.Equal(t, "2025-04-01", date(t, ap.Timer.Deadline(b.cal).Due), "5 working days from 20 March over Nauryz: 26, 27, 28, 31, 1")
	_, err = b.router.Appeal(b.ctx, a.ID, "birth-allowance", "again", b.clock.Now(), b.parent)
	requireRule(t, err, chain.ErrConflict, 12, "appeal")

	a = b.must(t)(b.router.DecideAppeal(b.ctx, a.ID, "birth-allowance", 1, chain.OutcomeSatisfied, b.now(t, "2025-03-27 15:00"), "eligible after all", "labour-head"))
	cs := a.Component("birth-allowance")
	require.Equal(t, chain.StatusInProgress, cs.Status, "a satisfied appeal reopens the component")
	require.Equal(t, 2, cs.Round)
	require.Nil(t, cs.Refusal)
	require.Equal(t, "2025-04-07", date(t, cs.Timer.Deadline(b.cal).Due), "a new 7-working-day term from the decision")
	require.Equal(t, chain.OutcomeSatisfied, cs.Appeals[0].Outcome)

	t.Run("a satisfied appeal of a refusal restores the stopped dependants", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		a = b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "false-data", Reason: "typo", At: b.now(t, "2025-03-17 15:00"), Actor: "registrar"}))
		require.Equal(t, chain.StatusStopped, a.Component("birth-allowance").Status)
		a = b.must(t)(b.router.Appeal(b.ctx, a.ID, "birth-registration", "the data are right", b.now(t, "2025-03-18 09:00"), b.parent))
		_, err = b.router.DecideAppeal(b.ctx, a.ID, "birth-registration", 1, chain.Outcome(9), b.clock.Now(), "", "minjust")
		requireRule(t, err, chain.ErrInvalid, 12, "outcome")
		a = b.must(t)(b.router.DecideAppeal(b.ctx, a.ID, "birth-registration", 1, chain.OutcomeSatisfied, b.clock.Now(), "typo was ours", "minjust"))
		require.Equal(t, map[string]chain.Status{
			"birth-registration": chain.StatusInProgress, "birth-allowance": chain.StatusWaiting, "kindergarten-queue": chain.StatusWaiting,
		}, statuses(a))
		a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 12:00"))
		require.Equal(t, chain.StatusInProgress, a.Component("birth-allowance").Status, "routed once the prerequisite has its result")
		_, err = b.router.DecideAppeal(b.ctx, a.ID, "birth-registration", 1, chain.OutcomeDismissed, b.clock.Now(), "", "minjust")
		requireRule(t, err, chain.ErrConflict, 12, "outcome")
	})
	t.Run("a dismissed appeal leaves the result", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
		a = b.must(t)(b.router.Appeal(b.ctx, a.ID, "birth-registration", "wrong spelling", b.now(t, "2025-03-18 12:00"), b.parent))
		a = b.must(t)(b.router.DecideAppeal(b.ctx, a.ID, "birth-registration", 1, chain.OutcomeDismissed, b.now(t, "2025-03-19 12:00"), "spelling as in the medical certificate", "minjust"))
		cs := a.Component("birth-registration")
		require.Equal(t, chain.StatusCompleted, cs.Status)
		require.Equal(t, "AB-0001", cs.Result.Reference)
		require.Equal(t, deadlines.TimerStopped, cs.Appeals[0].Timer.Status(b.cal, b.clock.Now()).State)
	})
}

func TestRules472_P13_ElectronicAndOrPaperChannels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
	_, err := b.router.Complete(b.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Paper, Reference: "D-1", At: b.clock.Now(), Actor: "labour"})
	requireRule(t, err, chain.ErrInvalid, 13, "channel")
	_, err = b.router.Complete(b.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-1", At: b.clock.Now(), Actor: "labour"})
	require.NoError(t, err)
}
