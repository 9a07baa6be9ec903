package desk_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

func TestNormalizeFoldsCaseAndScript(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"Тіркеу", "tirkeu"},
		{"тиркеу", "tirkeu"},                 // Kazakh typed on a Russian keyboard
		{"ТІРКЕУ", "tirkeu"},                 // upper case
		{"tirkeu", "tirkeu"},                 // Latin transliteration
		{"Баланың тууын", "balanyn tuuyn"},   // ң → n
		{"баланын  тууын!", "balanyn tuuyn"}, // punctuation and spaces
		{"Қызмет", "kyzmet"},
		{"кызмет", "kyzmet"},
		{"qyzmet", "kyzmet"}, // Kazakh Latin q for қ
		{"Өтініш", "otinish"},
		{"Ұлттық Үкімет", "ulttyk ukimet"},
		{"Әкімдік", "akimdik"},
		{"Һ", "h"},
		{"ребёнка", "rebenka"},
		{"ребенка", "rebenka"},
		{"Халық", "halyk"},
		{"Khalyk", "halyk"}, // kh as Russian transliterates х
		{"Регистрация", "registratsiya"},
		{"й", "i"},
		{"и\u0306", "i"}, // й decomposed: и and a combining breve
		{"Täuelsızdık", "tauelsizdik"},
		{"00-101-001", "00 101 001"},
		{"Registration of a child's birth", "registration of a child s birth"},
		{"  ", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, desk.Normalize(tt.in), "Normalize(%q)", tt.in)
	}
}

// found returns the IDs of the services a search found.
func found(t *testing.T, b *testBundle, query, lang string) []string {
	t.Helper()
	as, err := b.desk.Search(b.ctx, query, lang)
	require.NoError(t, err, query)
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ServiceID
	}
	return out
}

func TestSearchFindsAServiceByItsKazakhRussianOrEnglishNameOrRegisterNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The demo catalogue: "Баланың тууын тіркеу" / "Регистрация рождения
	// ребенка" (00101001), "Некені тіркеу" / "Регистрация заключения
	// брака" (00101004) and three others.
	for _, q := range []string{
		"Баланың тууын тіркеу", // Kazakh
		"баланын тууын тиркеу", // Kazakh without its letters
		"БАЛАНЫҢ ТУУЫН",        // upper case, fewer words
		"Регистрация рождения", // Russian
		"регистрация рождения ребёнка",
		"регистрация рожд",         // a word's beginning
		"registration birth child", // English
		"balanyn tuuyn tirkeu",     // Latin transliteration
		"00101001",                 // the register number
	} {
		require.Equal(t, []string{"birth-registration"}, found(t, b, q, "kk"), q)
	}
	// Both registrations: the more specific name (fewer letters) first.
	require.Equal(t, []string{"marriage-registration", "birth-registration"}, found(t, b, "тіркеу", "kk"))
	require.Equal(t, []string{"marriage-registration", "birth-registration"}, found(t, b, "регистрация", "ru"))
	require.Equal(t, []string{"birth-registration", "marriage-registration"}, found(t, b, "0010100", "ru"), "by register number prefix")
	// A whole word beats a word's beginning ("тууына" in the allowance).
	require.Equal(t, []string{"birth-registration", "birth-allowance"}, found(t, b, "тууын", "kk"))
	require.Equal(t, []string{"birth-allowance", "birth-registration"}, found(t, b, "бала", "kk"))
	require.Empty(t, found(t, b, "паспорт", "ru"))
	require.Empty(t, found(t, b, "тіркеу паспорт", "ru"), "every word must match")

	as, err := b.desk.Search(b.ctx, "Некені тіркеу", "ru")
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.Equal(t, "Регистрация заключения брака", as[0].Name, "answered in the asked language")
	require.Equal(t, "00101004", as[0].RegisterNumber)

	_, err = b.desk.Search(b.ctx, " ?! ", "kk")
	requireRuleError(t, err, desk.ErrInvalid, p3, "query")
	_, err = b.desk.Search(b.ctx, "тіркеу", "de")
	requireRuleError(t, err, desk.ErrInvalid, p13, "lang")
}

func TestSearchLimitsItsAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d, err := desk.New(desk.Config{Deliveries: b.store, Catalogue: b.store, Calendar: b.cal, Clock: b.clock, Limit: 1})
	require.NoError(t, err)
	as, err := d.Search(b.ctx, "тіркеу", "kk")
	require.NoError(t, err)
	require.Len(t, as, 1)
	_, err = desk.New(desk.Config{})
	require.ErrorIs(t, err, desk.ErrInvalid)
	for _, f := range []string{"deliveries", "catalogue", "calendar", "clock"} {
		require.Contains(t, err.Error(), f+": ")
	}
}

func TestServiceFindsAServiceRegisteredSinceTheIndexWasBuilt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Empty(t, found(t, b, "00909009", "en")) // builds the index
	svc := demo.Services()[0]
	svc.ID, svc.RegisterNumber = "late", "00909009"
	require.NoError(t, b.store.CreateService(b.ctx, svc))
	a, err := b.desk.Service(b.ctx, "00909009", "en")
	require.NoError(t, err)
	require.Equal(t, "late", a.ServiceID)
	require.Empty(t, found(t, b, "00909009", "en"), "Search reads its index until it is rebuilt")
	require.NoError(t, b.desk.Refresh(b.ctx))
	require.Equal(t, []string{"late"}, found(t, b, "00909009", "en"))
}

// FuzzNormalize: normalizing twice changes nothing, and the result is
// words separated by single spaces.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Баланың тууын тіркеу", "Регистрация рождения ребёнка", "Khalyk Q", "и\u0306 ё", "00-101-001", "İstanbul ǅ", "  a\tb  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := desk.Normalize(s)
		require.Equal(t, n, desk.Normalize(n), "idempotent")
		require.NotContains(t, n, "  ")
		require.Equal(t, strings.TrimSpace(n), n)
		require.NotContains(t, n, "kh")
	})
}
