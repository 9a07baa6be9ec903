package desk_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// A catalogue of 2,000 state services named in kk, ru and en: 20 objects
// × 10 actions × 10 regions.
var (
	benchObjects = []deadlines.Names{
		{KK: "жер учаскесі", RU: "земельный участок", EN: "land plot"},
		{KK: "тұрғын үй", RU: "жилище", EN: "dwelling"},
		{KK: "көлік құралы", RU: "транспортное средство", EN: "vehicle"},
		{KK: "құрылыс", RU: "строительство", EN: "construction"},
		{KK: "мүгедектік", RU: "инвалидность", EN: "disability"},
		{KK: "зейнетақы", RU: "пенсия", EN: "pension"},
		{KK: "жәрдемақы", RU: "пособие", EN: "allowance"},
		{KK: "мектепке дейінгі білім", RU: "дошкольное образование", EN: "preschool education"},
		{KK: "медициналық көмек", RU: "медицинская помощь", EN: "medical care"},
		{KK: "мал шаруашылығы", RU: "животноводство", EN: "livestock"},
		{KK: "ауыл шаруашылығы техникасы", RU: "сельскохозяйственная техника", EN: "farm machinery"},
		{KK: "қару", RU: "оружие", EN: "weapon"},
		{KK: "шетелдік жұмыс күші", RU: "иностранная рабочая сила", EN: "foreign labour"},
		{KK: "мұрағат анықтамасы", RU: "архивная справка", EN: "archive certificate"},
		{KK: "туризм", RU: "туризм", EN: "tourism"},
		{KK: "орман ресурстары", RU: "лесные ресурсы", EN: "forest resources"},
		{KK: "су пайдалану", RU: "водопользование", EN: "water use"},
		{KK: "жол қозғалысы", RU: "дорожное движение", EN: "road traffic"},
		{KK: "әскери есеп", RU: "воинский учет", EN: "military registration"},
		{KK: "сәулет жобасы", RU: "архитектурный проект", EN: "architectural design"},
	}
	benchActions = []deadlines.Names{
		{KK: "тіркеу", RU: "Регистрация", EN: "Registration of"},
		{KK: "рұқсат беру", RU: "Выдача разрешения на", EN: "Permit for"},
		{KK: "анықтама беру", RU: "Выдача справки о", EN: "Certificate of"},
		{KK: "лицензия беру", RU: "Выдача лицензии на", EN: "Licence for"},
		{KK: "кезекке қою", RU: "Постановка на очередь на", EN: "Queue for"},
		{KK: "субсидиялау", RU: "Субсидирование", EN: "Subsidy for"},
		{KK: "есептен шығару", RU: "Снятие с учета", EN: "Deregistration of"},
		{KK: "сараптама", RU: "Экспертиза", EN: "Expert review of"},
		{KK: "келісу", RU: "Согласование", EN: "Approval of"},
		{KK: "өтемақы төлеу", RU: "Выплата компенсации за", EN: "Compensation for"},
	}
	benchRegions = []deadlines.Names{
		{KK: "Астана қаласы", RU: "город Астана", EN: "Astana"},
		{KK: "Алматы қаласы", RU: "город Алматы", EN: "Almaty"},
		{KK: "Шымкент қаласы", RU: "город Шымкент", EN: "Shymkent"},
		{KK: "Ақмола облысы", RU: "Акмолинская область", EN: "Akmola region"},
		{KK: "Ақтөбе облысы", RU: "Актюбинская область", EN: "Aktobe region"},
		{KK: "Атырау облысы", RU: "Атырауская область", EN: "Atyrau region"},
		{KK: "Маңғыстау облысы", RU: "Мангистауская область", EN: "Mangystau region"},
		{KK: "Қарағанды облысы", RU: "Карагандинская область", EN: "Karaganda region"},
		{KK: "Қостанай облысы", RU: "Костанайская область", EN: "Kostanay region"},
		{KK: "Түркістан облысы", RU: "Туркестанская область", EN: "Turkistan region"},
	}
	// What an operator types: Kazakh with and without its letters, Russian,
	// English, Latin spelling, a register number.
	benchQueries = []string{
		"жер учаскесі тіркеу", "жер учаскеси тиркеу маңғыстау", "справка архив", "выдача разрешения оружие алматы",
		"pension", "kolik kuraly", "00000777", "туризм", "субсидирование животноводство туркестанская", "дошкольн",
	}
)

// BenchmarkSearch searches 2,000 services in memory, a quarter of them live
// with their information, and reports the 99th percentile of one search.
//
//	go test ./onboarding/desk -run '^$' -bench Search -benchtime 100000x
func BenchmarkSearch(b *testing.B) {
	tb := setup(b)
	info := birthInformation()
	n := 0
	for _, o := range benchObjects {
		for _, a := range benchActions {
			for _, r := range benchRegions {
				svc := onboarding.StateService{
					ID: fmt.Sprintf("svc-%04d", n), RegisterNumber: fmt.Sprintf("%08d", n),
					Name: deadlines.Names{
						KK: r.KK + " " + o.KK + " " + a.KK, RU: a.RU + " " + o.RU + " (" + r.RU + ")", EN: a.EN + " " + o.EN + " (" + r.EN + ")",
					},
					Providers: []string{"registry-office"},
				}
				if err := tb.store.CreateService(tb.ctx, svc); err != nil {
					b.Fatal(err)
				}
				if n%4 == 0 {
					tb.onboard(b, svc.ID, "registry-office", tb.at(b, "2025-04-01 00:00"), onboarding.StateProtocolSigned, info)
				}
				n++
			}
		}
	}
	if err := tb.desk.Refresh(tb.ctx); err != nil {
		b.Fatal(err)
	}
	for _, q := range benchQueries {
		as, err := tb.desk.Search(tb.ctx, q, "ru")
		if err != nil || len(as) == 0 {
			b.Fatalf("%q found nothing (%v)", q, err)
		}
	}
	durations := make([]time.Duration, 0, 1<<17)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		as, err := tb.desk.Search(tb.ctx, benchQueries[i%len(benchQueries)], "ru")
		durations = append(durations, time.Since(start))
		if err != nil || len(as) == 0 {
			b.Fatal(err)
		}
		i++
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)*99/100])/float64(time.Microsecond), "p99-µs")
	b.ReportMetric(float64(n), "services")
}
