// Package demo is qyzmet's demo catalogue for the "one application" rules
// (Rules472): the "Birth of a child" composite as egov.kz delivers it
// (birth registration with the child's IIN in 2 working days, or 7 when
// filed more than 3 working days after the birth; the one-time birth
// allowance in 7 working days; the kindergarten queue immediately) and
// "Marriage" (registration, then a new identity document, both paid), as
// JSON definitions, with the provider bodies and state services they name.
// The demo server and the examples use it; production systems load their
// own definitions with chain.ParseDefinition.
package demo

import (
	"embed"
	"fmt"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

//go:embed *.json
var files embed.FS

// Files are the definitions' file names.
var Files = []string{"birth-of-a-child.json", "marriage.json"}

// JSON returns a definition file's bytes.
func JSON(name string) ([]byte, error) { return files.ReadFile(name) }

// Definitions parses and validates every demo definition.
func Definitions() ([]*chain.Definition, error) {
	out := make([]*chain.Definition, 0, len(Files))
	for _, f := range Files {
		raw, err := JSON(f)
		if err != nil {
			return nil, err
		}
		d, err := chain.ParseDefinition(raw)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", f, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// Bodies are the providers the definitions name, the UCC and the quality
// authority.
func Bodies() []onboarding.Body {
	n := func(kk, ru, en string) deadlines.Names { return deadlines.Names{KK: kk, RU: ru, EN: en} }
	return []onboarding.Body{
		{ID: "ucc", Kind: onboarding.KindUCC, BIN: "000140000012", Name: n("Бірыңғай байланыс орталығы", "Единый контакт-центр", "Unified Contact Center"), Region: "Astana", Zone: "Asia/Almaty"},
		{ID: "quality-authority", Kind: onboarding.KindQualityAuthority, BIN: "000140000022", Name: n("Сапаны бағалау жөніндегі уәкілетті орган", "Уполномоченный орган по оценке качества", "Quality authority"), Region: "Astana", Zone: "Asia/Almaty"},
		{ID: "registry-office", Kind: onboarding.KindCentral, BIN: "000140000032", Name: n("Азаматтық хал актілерін тіркеу органы", "Орган регистрации актов гражданского состояния", "Registry office"), Region: "Astana", Zone: "Asia/Almaty"},
		{ID: "labour-ministry", Kind: onboarding.KindCentral, BIN: "000140000042", Name: n("Еңбек және халықты әлеуметтік қорғау министрлігі", "Министерство труда и социальной защиты населения", "Ministry of Labour and Social Protection"), Region: "Astana", Zone: "Asia/Almaty"},
		{ID: "education-department", Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelRegion, BIN: "000140000052", Name: n("Маңғыстау облысының білім басқармасы", "Управление образования Мангистауской области", "Education department of Mangystau region"), Region: "Mangystau", Zone: "Asia/Aqtau"},
		{ID: "migration-service", Kind: onboarding.KindCentral, BIN: "000140000062", Name: n("Көші-қон қызметі", "Миграционная служба", "Migration service"), Region: "Astana", Zone: "Asia/Almaty"},
	}
}

// Services are the state services the definitions deliver, with their
// providers.
func Services() []onboarding.StateService {
	std := func(n string) onboarding.Requisites {
		return onboarding.Requisites{Number: n, Date: deadlines.CivilDate{Year: 2020, Month: 5, Day: 28}, Title: "standard of the state service"}
	}
	n := func(kk, ru, en string) deadlines.Names { return deadlines.Names{KK: kk, RU: ru, EN: en} }
	return []onboarding.StateService{
		{ID: "birth-registration", RegisterNumber: "00101001", Name: n("Баланың тууын тіркеу", "Регистрация рождения ребенка", "Registration of a child's birth"), Standard: std("112"), Providers: []string{"registry-office"}, InternetResource: "https://egov.kz"},
		{ID: "birth-allowance", RegisterNumber: "00501001", Name: n("Бала тууына байланысты біржолғы жәрдемақы", "Единовременное пособие на рождение ребенка", "One-time birth allowance"), Standard: std("115"), Providers: []string{"labour-ministry"}, InternetResource: "https://egov.kz"},
		{ID: "kindergarten-queue", RegisterNumber: "00301002", Name: n("Мектепке дейінгі ұйымдарға кезекке қою", "Постановка на очередь в дошкольные организации", "Kindergarten queue"), Standard: std("172"), Providers: []string{"education-department"}, InternetResource: "https://egov.kz"},
		{ID: "marriage-registration", RegisterNumber: "00101004", Name: n("Некені тіркеу", "Регистрация заключения брака", "Registration of a marriage"), Standard: std("112"), Providers: []string{"registry-office"}, InternetResource: "https://egov.kz"},
		{ID: "identity-document", RegisterNumber: "00201001", Name: n("Жеке басын куәландыратын құжат беру", "Выдача документов, удостоверяющих личность", "Identity document"), Standard: std("58"), Providers: []string{"migration-service"}, InternetResource: "https://egov.kz"},
	}
}
