package desk_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/availability"
	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// feedOf lists an application's deliveries in the feed: ID → stages.
func feedOf(t *testing.T, b *testBundle, store desk.Store, appID string) map[string][]desk.Stage {
	t.Helper()
	ds, err := store.ListDeliveries(b.ctx, desk.DeliveryFilter{Application: appID})
	require.NoError(t, err)
	out := map[string][]desk.Stage{}
	for _, d := range ds {
		out[d.ID] = stages(d)
	}
	return out
}

func TestRules472_P9_CompositeApplicationsPublishTheirComponentStagesIntoTheFeed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t, b.alice) // Mon 12 May 10:00: the registry office receives it at once (p.7)
	require.Equal(t, map[string][]desk.Stage{
		a.ID + "/birth-registration/1": {desk.StageReceived},
	}, feedOf(t, b, b.store, a.ID), "only the component its provider received")

	reg, err := b.feed.Get(b.ctx, a.ID+"/birth-registration/1")
	require.NoError(t, err)
	require.Equal(t, a.ID, reg.Application)
	require.Equal(t, "birth-registration", reg.Component)
	require.Equal(t, 1, reg.Round)
	require.Equal(t, b.alice, reg.Recipient)
	require.Equal(t, "registry-office", reg.ProviderID)
	require.Equal(t, "chain", reg.Stages[0].Source)
	require.Equal(t, c472(5), reg.Stages[0].Rule, "the receipt starts the component's term (Rules472 p.5)")
	require.Equal(t, "2025-05-14", day(reg.Timer.Deadline(b.cal).Due), "the component's own term: 2 working days")
	require.True(t, reg.Composite())

	b.now(t, "2025-05-13 11:00")
	b.registerBirth(t, a.ID) // the dependants are routed and received (p.7, p.8)
	require.Equal(t, map[string][]desk.Stage{
		a.ID + "/birth-registration/1": {desk.StageReceived, desk.StageIssued},
		a.ID + "/birth-allowance/1":    {desk.StageReceived},
		a.ID + "/kindergarten-queue/1": {desk.StageReceived},
	}, feedOf(t, b, b.store, a.ID))
	reg, err = b.feed.Get(b.ctx, a.ID+"/birth-registration/1")
	require.NoError(t, err)
	require.Equal(t, c472(4), reg.Stages[1].Rule)

	b.now(t, "2025-05-14 10:00")
	_, err = b.router.Refuse(b.ctx, a.ID, "birth-allowance", chain.Refusal{Ground: "not-eligible", Reason: "no right", At: b.clock.Now(), Actor: "labour"})
	require.NoError(t, err)
	b.now(t, "2025-05-15 10:00")
	_, err = b.router.Appeal(b.ctx, a.ID, "birth-allowance", "I am eligible", b.clock.Now(), "portal")
	require.NoError(t, err)
	b.now(t, "2025-05-16 10:00")
	_, err = b.router.DecideAppeal(b.ctx, a.ID, "birth-allowance", 1, chain.OutcomeSatisfied, b.clock.Now(), "eligible after all", "labour")
	require.NoError(t, err)
	want := map[string][]desk.Stage{
		a.ID + "/birth-registration/1": {desk.StageReceived, desk.StageIssued},
		a.ID + "/birth-allowance/1":    {desk.StageReceived, desk.StageRefused},
		a.ID + "/birth-allowance/2":    {desk.StageReceived}, // the appeal reopened it: a new round (p.12)
		a.ID + "/kindergarten-queue/1": {desk.StageReceived},
	}
	require.Equal(t, want, feedOf(t, b, b.store, a.ID))
	refused, err := b.feed.Get(b.ctx, a.ID+"/birth-allowance/1")
	require.NoError(t, err)
	require.Equal(t, c472(10), refused.Stages[1].Rule)

	// Publishing again changes nothing; a feed that missed everything
	// catches up from the application alone.
	stored, err := b.store.GetApplication(b.ctx, a.ID)
	require.NoError(t, err)
	before, err := b.store.ListDeliveries(b.ctx, desk.DeliveryFilter{Application: a.ID})
	require.NoError(t, err)
	require.NoError(t, b.feed.PublishApplication(b.ctx, stored))
	after, err := b.store.ListDeliveries(b.ctx, desk.DeliveryFilter{Application: a.ID})
	require.NoError(t, err)
	require.Equal(t, jsonOf(t, before), jsonOf(t, after))

	fresh := memory.New()
	for _, body := range demo.Bodies() {
		require.NoError(t, fresh.CreateBody(b.ctx, body))
	}
	for _, svc := range demo.Services() {
		require.NoError(t, fresh.CreateService(b.ctx, svc))
	}
	late, err := desk.NewFeed(desk.FeedConfig{Store: fresh, Catalogue: fresh, Calendar: b.cal, Clock: b.clock})
	require.NoError(t, err)
	require.NoError(t, late.PublishApplication(b.ctx, stored))
	require.Equal(t, want, feedOf(t, b, fresh, a.ID))

	t.Run("a refused prerequisite: its dependants were never received", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t, b.bob)
		b.now(t, "2025-05-12 15:00")
		_, err := b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "no-medical-certificate", Reason: "missing", At: b.clock.Now(), Actor: "registrar"})
		require.NoError(t, err)
		require.Equal(t, map[string][]desk.Stage{
			a.ID + "/birth-registration/1": {desk.StageReceived, desk.StageRefused},
		}, feedOf(t, b, b.store, a.ID))
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

func TestRules472_P9_TheDeskShowsEveryComponentOfACompositeApplication(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t, b.alice) // Mon 12 May 10:00
	b.now(t, "2025-05-13 11:00")
	b.registerBirth(t, a.ID)

	got, err := b.desk.ByApplication(b.ctx, a.ID, "ru")
	require.NoError(t, err)
	require.True(t, got.Composite)
	require.Equal(t, "Рождение ребенка", got.Service)
	require.Equal(t, []deadlines.Citation{c472(9), p13}, got.Rules)
	require.Equal(t, kzid.Mask(b.alice), got.Recipient)
	require.True(t, got.Since.Equal(a.SubmittedAt))
	require.Len(t, got.Deliveries, 3)
	var ids, delivered []string
	for _, c := range got.Components {
		ids = append(ids, c.ID)
		require.NotNil(t, c.Delivery, c.ID)
		delivered = append(delivered, c.Delivery.Stage.String())
	}
	require.Equal(t, []string{"birth-registration", "birth-allowance", "kindergarten-queue"}, ids, "in order, prerequisites first")
	require.Equal(t, []string{"issued", "received", "received"}, delivered)
	require.Equal(t, "Исполнено", got.Components[0].StatusLabel)
	require.Equal(t, "2025-05-22", day(got.Components[1].Delivery.Due), "the allowance: 7 working days from 13 May")
	require.Equal(t, "Заявление "+a.ID+", Рождение ребенка: услуг — 3. "+
		"1. Регистрация рождения ребенка, в том числе присвоение ИИН — Исполнено; "+
		"2. Назначение единовременного пособия на рождение ребенка — На исполнении, срок — до 2025-05-22; "+
		"3. Постановка на очередь в дошкольные организации — На исполнении, срок — до 2025-05-13.", got.Tell)

	// Without the Composites port the desk still shows the received components.
	bare, err := desk.New(desk.Config{Deliveries: b.store, Catalogue: b.store, Calendar: b.cal, Clock: b.clock})
	require.NoError(t, err)
	got, err = bare.ByApplication(b.ctx, a.ID, "en")
	require.NoError(t, err)
	require.True(t, got.Composite)
	require.Len(t, got.Deliveries, 3)
	require.Empty(t, got.Components)
}

func TestRules472_P9_AFailedPublicationDoesNotFailTheApplicationAndIsCaughtUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	empty := memory.New() // a feed whose catalogue knows no service
	broken, err := desk.NewFeed(desk.FeedConfig{Store: b.store, Catalogue: empty, Calendar: b.cal, Clock: b.clock})
	require.NoError(t, err)
	var failed []error
	router, err := chain.NewRouter(chain.Config{
		Store:     &desk.PublishingStore{Store: b.store, Feed: broken, OnError: func(_ string, err error) { failed = append(failed, err) }},
		Catalogue: b.store, Verifier: &chaintest.Verifier{}, Data: &availability.Static{}, Dispatcher: &chaintest.Dispatcher{},
		Calendar: b.cal, Clock: b.clock, NewID: func() string { return "APP-X" },
	})
	require.NoError(t, err)
	rc, err := router.Submit(b.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: b.alice,
		Document: []byte(`{}`), Signature: chaintest.Sign(b.alice), Data: map[string]string{"parent_iin": b.alice}, Actor: "portal"})
	require.NoError(t, err, "the application is stored whatever the feed says")
	a, err := router.Get(b.ctx, rc.ApplicationID)
	require.NoError(t, err)
	require.Len(t, failed, 1)
	require.ErrorIs(t, failed[0], desk.ErrNotFound)
	require.Empty(t, feedOf(t, b, b.store, a.ID))

	require.NoError(t, b.feed.PublishApplication(b.ctx, a))
	require.Equal(t, map[string][]desk.Stage{a.ID + "/birth-registration/1": {desk.StageReceived}}, feedOf(t, b, b.store, a.ID))
}
