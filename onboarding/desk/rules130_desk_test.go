package desk_test

import (
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// liveBirth onboards the birth registration with the registry office from
// 1 Apr 2025: the protocol is signed on 7 Apr and the UCC informs from
// 15 Apr (Rules130 p.9), so it is live at the bundle's 12 May.
func (b *testBundle) liveBirth(t testing.TB) *onboarding.Onboarding {
	t.Helper()
	o := b.onboard(t, "birth-registration", "registry-office", b.at(t, "2025-04-01 00:00"), onboarding.StateProtocolSigned, birthInformation())
	require.Equal(t, "2025-04-15", day(o.LiveFrom))
	return o
}

func TestRules130_P3_OnlyServicesAcceptedForConsultationAreConsulted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.liveBirth(t)
	// The identity document's information is provided and even entered,
	// but no protocol is signed: the UCC must not tell it.
	idInfo := birthInformation()
	idInfo.Description = "Issues an identity card or a passport."
	b.onboard(t, "identity-document", "migration-service", b.at(t, "2025-04-01 00:00"), onboarding.StateInformationProvided, idInfo)

	for _, lang := range []string{"kk", "ru", "en"} {
		for _, key := range []string{"00201001", "identity-document"} {
			a, err := b.desk.Service(b.ctx, key, lang)
			require.NoError(t, err)
			require.False(t, a.Consultable)
			require.Empty(t, a.Providers, "no information of a service not accepted")
			require.Equal(t, []deadlines.Citation{p3}, a.Rules)
			require.Equal(t, map[string]string{
				"kk": "Қызмет консультацияға қабылданбаған: Бірыңғай байланыс орталығы ол туралы ақпарат бере алмайды.",
				"ru": "Услуга не принята на консультирование: Единый контакт-центр не может информировать о ней.",
				"en": "The service is not accepted for consultation: the Unified Contact Center cannot inform about it.",
			}[lang], a.Tell)
			require.NotContains(t, a.Tell, "passport")
		}
	}
	// Never onboarded at all: the same answer.
	a, err := b.desk.Service(b.ctx, "00101004", "en")
	require.NoError(t, err)
	require.False(t, a.Consultable)
	require.Equal(t, []deadlines.Citation{p3}, a.Rules)

	// A search answers the same way for each service it finds.
	as, err := b.desk.Search(b.ctx, "құжат", "kk") // "Жеке басын куәландыратын құжат беру"
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.False(t, as[0].Consultable)
	require.Equal(t, []deadlines.Citation{p3}, as[0].Rules)

	as, err = b.desk.Search(b.ctx, "тіркеу", "kk")
	require.NoError(t, err)
	require.Equal(t, []bool{false, true}, []bool{as[0].Consultable, as[1].Consultable}, "marriage: no; birth: yes")

	_, err = b.desk.Service(b.ctx, "99999999", "en")
	requireRuleError(t, err, desk.ErrNotFound, p3, "service")
	_, err = b.desk.Service(b.ctx, " ", "en")
	requireRuleError(t, err, desk.ErrInvalid, p3, "service")
}

func TestRules130_P5_TheOperatorTellsTheInformationAsEnteredIntoTheUCCDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.liveBirth(t)
	a, err := b.desk.Service(b.ctx, "00101001", "en")
	require.NoError(t, err)
	require.True(t, a.Consultable)
	require.Equal(t, []deadlines.Citation{p3, p5}, a.Rules)
	require.Len(t, a.Providers, 1)
	p := a.Providers[0]
	require.Equal(t, "registry-office", p.BodyID)
	require.Equal(t, "Registry office", p.Body)
	require.Equal(t, 1, p.Version)
	require.Equal(t, birthInformation(), p.Information)
	require.False(t, p.EnteredAt.IsZero())
	require.Equal(t, "Registration of a child's birth (00101001). Registers the birth of a child and gives the child an IIN. "+
		"Documents: application, medical certificate of birth. Fee: free. Term: 1 working day. Result: birth certificate. "+
		"Where: egov.kz, public service center. (information version 1, Registry office)", a.Tell)

	ru, err := b.desk.Service(b.ctx, "00101001", "ru")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(ru.Tell, "Регистрация рождения ребенка (00101001)."), ru.Tell)
	require.Contains(t, ru.Tell, "Документы: application, medical certificate of birth. Стоимость: free. Срок: 1 working day.")
	require.Contains(t, ru.Tell, "(информация, версия 1, Орган регистрации актов гражданского состояния)")
	kk, err := b.desk.Service(b.ctx, "00101001", "kk")
	require.NoError(t, err)
	require.Contains(t, kk.Tell, "Құжаттар: application")
	require.Contains(t, kk.Tell, "(ақпарат, 1-нұсқа, Азаматтық хал актілерін тіркеу органы)")

	t.Run("live, but no version entered into the UCC database yet", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.enteredBy = ""
		b.liveBirth(t)
		a, err := b.desk.Service(b.ctx, "00101001", "en")
		require.NoError(t, err)
		require.True(t, a.Consultable)
		require.Zero(t, a.Providers[0].Version)
		require.Equal(t, "The service is accepted for consultation, but its information has not been entered into the UCC database yet.", a.Tell)
	})
}

func TestRules130_P6_AnUpdatedVersionIsToldOnceEntered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.liveBirth(t)
	as, err := b.desk.Search(b.ctx, "00101001", "en") // builds the search index
	require.NoError(t, err)
	require.Equal(t, 1, as[0].Providers[0].Version)
	built := as[0].AsOf

	// The fee changed on 8 May; the update is submitted today but not yet
	// entered into the UCC database: operators still tell version 1.
	update := birthInformation()
	update.Fee = "0.5 MCI for a repeated certificate"
	_, err = b.onboarding.UpdateInformation(b.ctx, o.ID, b.at(t, "2025-05-08 00:00"), b.clock.Now(), update, "", "a.sadykova")
	require.NoError(t, err)
	a, err := b.desk.Service(b.ctx, "00101001", "en")
	require.NoError(t, err)
	require.Equal(t, 1, a.Providers[0].Version)
	require.NotContains(t, a.Tell, "MCI")

	b.clock.Advance(time.Minute)
	_, err = b.onboarding.EnterInformation(b.ctx, o.ID, 2, "ucc-employee")
	require.NoError(t, err)
	a, err = b.desk.Service(b.ctx, "00101001", "en")
	require.NoError(t, err)
	require.Equal(t, 2, a.Providers[0].Version, "Service reads the catalogue as it is")
	require.Equal(t, update, a.Providers[0].Information)
	require.Contains(t, a.Tell, "Fee: 0.5 MCI for a repeated certificate.")
	require.Contains(t, a.Tell, "(information version 2, Registry office)")
	require.Equal(t, []deadlines.Citation{p3, p5, p6}, a.Rules)

	// Search reads its index: the new version once it is rebuilt, by
	// Refresh or when it grows older than IndexMaxAge.
	as, err = b.desk.Search(b.ctx, "00101001", "en")
	require.NoError(t, err)
	require.Equal(t, 1, as[0].Providers[0].Version)
	require.True(t, as[0].AsOf.Equal(built), "the answer says how old its data are")
	b.clock.Advance(2 * time.Minute)
	as, err = b.desk.Search(b.ctx, "00101001", "en")
	require.NoError(t, err)
	require.Equal(t, 2, as[0].Providers[0].Version)
}

func TestRules130_P9_AnAcceptedServiceIsToldFromTheDayItGoesLive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Signed on Wed 7 May (a holiday, Defender of the Fatherland Day); the
	// UCC informs 5 working days after: 8, 12, 13, 14, 15 May (9 May is
	// Victory Day), so from Fri 16 May.
	o := b.onboard(t, "kindergarten-queue", "education-department", b.at(t, "2025-05-01 00:00"), onboarding.StateProtocolSigned, birthInformation())
	require.Equal(t, "2025-05-16", day(o.LiveFrom))
	as, err := b.desk.Search(b.ctx, "кезекке", "ru")
	require.NoError(t, err)
	require.Len(t, as, 1)
	a := as[0]
	require.False(t, a.Consultable)
	require.Empty(t, a.Providers)
	require.True(t, a.LiveFrom.Equal(o.LiveFrom))
	require.Equal(t, []deadlines.Citation{p3, p9}, a.Rules)
	require.Equal(t, "Услуга принята на консультирование; Единый контакт-центр информирует о ней с 2025-05-16.", a.Tell)

	b.now(t, "2025-05-16 00:00") // Aqtau and Almaty are both UTC+5 in 2025
	as, err = b.desk.Search(b.ctx, "кезекке", "ru")
	require.NoError(t, err)
	require.True(t, as[0].Consultable, "go-live needs no rebuilt index: the answer is at the clock's now")
	require.Zero(t, as[0].LiveFrom)
}

func TestRules130_P13_TheDeskTellsTheStageTermDueDateAndOverdue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.receive(t, b.receipt("KZ-1"))
	b.now(t, "2025-05-13 09:00")
	b.stage(t, "KZ-1", desk.StageInProgress)

	a, err := b.desk.ByApplication(b.ctx, "KZ-1", "en")
	require.NoError(t, err)
	require.False(t, a.Composite)
	require.Equal(t, "Registration of a child's birth", a.Service)
	require.Equal(t, kzid.Mask(b.alice), a.Recipient)
	require.Equal(t, []deadlines.Citation{p13}, a.Rules)
	require.Len(t, a.Deliveries, 1)
	d := a.Deliveries[0]
	require.Equal(t, desk.StageInProgress, d.Stage)
	require.Equal(t, "in progress", d.StageLabel)
	require.Equal(t, "within 5 working days", d.Term)
	require.Equal(t, "2025-05-19", day(d.Due))
	require.False(t, d.Overdue)
	require.Equal(t, "00101001", d.RegisterNumber)
	require.Equal(t, "Registry office", d.Provider)
	require.Equal(t, kzid.Mask(b.alice), d.Recipient)
	require.Len(t, d.Stages, 2)
	require.Equal(t, p13, d.Stages[1].Rule)
	require.Equal(t, "Application KZ-1, Registration of a child's birth: in progress since 2025-05-13 (Registry office); due 2025-05-19.", d.Tell)
	require.Equal(t, d.Tell, a.Tell)

	b.now(t, "2025-05-20 10:00") // the term ended on 19 May
	a, err = b.desk.ByApplication(b.ctx, "KZ-1", "ru")
	require.NoError(t, err)
	d = a.Deliveries[0]
	require.True(t, d.Overdue)
	require.Equal(t, "Заявление KZ-1, Регистрация рождения ребенка: «На исполнении» с 2025-05-13 (Орган регистрации актов гражданского состояния); срок — до 2025-05-19, срок нарушен.", d.Tell)
	kk, err := b.desk.ByApplication(b.ctx, "KZ-1", "kk")
	require.NoError(t, err)
	require.Equal(t, "KZ-1 өтінім, Баланың тууын тіркеу: «Орындалуда» 2025-05-13 бастап (Азаматтық хал актілерін тіркеу органы); мерзімі — 2025-05-19 дейін, мерзімі өтіп кетті.", kk.Deliveries[0].Tell)

	b.now(t, "2025-05-21 10:00")
	b.stage(t, "KZ-1", desk.StageResultReady)
	a, err = b.desk.ByApplication(b.ctx, "KZ-1", "en")
	require.NoError(t, err)
	d = a.Deliveries[0]
	require.False(t, d.Overdue)
	require.True(t, d.Late)
	require.Equal(t, "Application KZ-1, Registration of a child's birth: result ready since 2025-05-21 (Registry office); after its term.", d.Tell)

	_, err = b.desk.ByApplication(b.ctx, "KZ-404", "en")
	requireRuleError(t, err, desk.ErrNotFound, p13, "application")
	_, err = b.desk.ByApplication(b.ctx, "KZ-1", "fr")
	requireRuleError(t, err, desk.ErrInvalid, p13, "lang")
}

func TestRules130_P13_ALookupByIINAnswersThatRecipientAndNoOneElse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.receive(t, b.receipt("KZ-1")) // alice, 12 May 10:00
	other := b.receipt("KZ-2")
	other.Recipient = b.bob
	b.receive(t, other)
	b.now(t, "2025-05-12 11:00")
	aliceApp := b.submitBirth(t, b.alice)
	bobApp := b.submitBirth(t, b.bob)
	// Alice's second composite application waits: its first provider is down.
	b.now(t, "2025-05-12 12:00")
	b.dispatcher.FailProvider("registry-office", true)
	waiting := b.submitBirth(t, b.alice)

	for _, lang := range []string{"kk", "ru", "en"} {
		as, err := b.desk.ByRecipient(b.ctx, b.alice, lang)
		require.NoError(t, err)
		var apps []string
		for _, a := range as {
			apps = append(apps, a.Application)
		}
		require.Equal(t, []string{"KZ-1", aliceApp.ID, waiting.ID}, apps, "oldest first, and only alice's")
		raw := jsonOf(t, as)
		for _, leak := range []string{b.bob, b.alice, "KZ-2", bobApp.ID} {
			require.NotContains(t, raw, leak, "the answer must not show %s", leak)
		}
		require.True(t, as[1].Composite)
		require.Len(t, as[1].Components, 3)
		require.NotNil(t, as[1].Components[0].Delivery, "received by its provider")
		require.True(t, as[2].Composite)
		require.Empty(t, as[2].Deliveries, "no provider received it yet")
		require.Equal(t, "sent to the provider", as[2].Components[0].Status.String())
	}

	as, err := b.desk.ByRecipient(b.ctx, b.bob, "en")
	require.NoError(t, err)
	require.Len(t, as, 2)
	require.Equal(t, "KZ-2", as[0].Application)
	require.Equal(t, bobApp.ID, as[1].Application)

	none, err := b.desk.ByRecipient(b.ctx, deadlinestest.IIN("900101", 30), "en")
	require.NoError(t, err)
	require.Empty(t, none)

	for _, bad := range []string{"", "90010130001", b.alice[:11] + "x", b.alice[:11] + string('0'+(b.alice[11]-'0'+1)%10)} {
		_, err := b.desk.ByRecipient(b.ctx, bad, "en")
		requireRuleError(t, err, desk.ErrInvalid, p13, "recipient")
	}
}
