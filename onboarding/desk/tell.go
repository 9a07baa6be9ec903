package desk

import (
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// What the operator may tell the citizen, in kk, ru and en. %s-free
// templates keep the phrases readable; placeholders are {name}.
var (
	sayNotAccepted = deadlines.Names{
		KK: "Қызмет консультацияға қабылданбаған: Бірыңғай байланыс орталығы ол туралы ақпарат бере алмайды.",
		RU: "Услуга не принята на консультирование: Единый контакт-центр не может информировать о ней.",
		EN: "The service is not accepted for consultation: the Unified Contact Center cannot inform about it.",
	}
	sayNotYetLive = deadlines.Names{
		KK: "Қызмет консультацияға қабылданды; Бірыңғай байланыс орталығы ол туралы {date} бастап ақпарат береді.",
		RU: "Услуга принята на консультирование; Единый контакт-центр информирует о ней с {date}.",
		EN: "The service is accepted for consultation; the Unified Contact Center informs about it from {date}.",
	}
	sayNoInformation = deadlines.Names{
		KK: "Қызмет консультацияға қабылданды, бірақ оның ақпараты Бірыңғай байланыс орталығының дерекқорына әлі енгізілмеген.",
		RU: "Услуга принята на консультирование, но информация о ней ещё не внесена в базу данных Единого контакт-центра.",
		EN: "The service is accepted for consultation, but its information has not been entered into the UCC database yet.",
	}
	sayDocuments = deadlines.Names{KK: "Құжаттар", RU: "Документы", EN: "Documents"}
	sayFee       = deadlines.Names{KK: "Құны", RU: "Стоимость", EN: "Fee"}
	sayTerm      = deadlines.Names{KK: "Мерзімі", RU: "Срок", EN: "Term"}
	sayResult    = deadlines.Names{KK: "Нәтижесі", RU: "Результат", EN: "Result"}
	sayChannels  = deadlines.Names{KK: "Қайда", RU: "Где получить", EN: "Where"}
	sayVersion   = deadlines.Names{KK: "ақпарат, {v}-нұсқа", RU: "информация, версия {v}", EN: "information version {v}"}

	sayStage = deadlines.Names{
		KK: "{app} өтінім, {service}: «{stage}» {date} бастап ({provider})",
		RU: "Заявление {app}, {service}: «{stage}» с {date} ({provider})",
		EN: "Application {app}, {service}: {stage} since {date} ({provider})",
	}
	sayDue       = deadlines.Names{KK: "мерзімі — {date} дейін", RU: "срок — до {date}", EN: "due {date}"}
	sayOverdue   = deadlines.Names{KK: "мерзімі өтіп кетті", RU: "срок нарушен", EN: "overdue"}
	sayLate      = deadlines.Names{KK: "мерзімінен кеш", RU: "с нарушением срока", EN: "after its term"}
	sayEscalated = deadlines.Names{KK: "кешігу туралы хабарланды", RU: "задержка передана на контроль", EN: "the delay was escalated"}
	sayComposite = deadlines.Names{
		KK: "{app} өтінім, {service}: {n} қызмет.",
		RU: "Заявление {app}, {service}: услуг — {n}.",
		EN: "Application {app}, {service}: {n} services.",
	}
)

// fill replaces {key} placeholders in the phrase for lang.
func fill(p deadlines.Names, lang string, kv ...string) string {
	s := p.In(lang)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// sentence trims a trailing full stop so a phrase can end it.
func sentence(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".") }

// tellService is what the operator may tell about a consultable service:
// the information as entered into the UCC database (Rules130 p.5).
func tellService(a *ServiceAnswer, lang string) string {
	var p *ProviderInfo
	for i := range a.Providers {
		if a.Providers[i].Version > 0 {
			p = &a.Providers[i]
			break
		}
	}
	if p == nil {
		return sayNoInformation.In(lang)
	}
	in := p.Information
	var b strings.Builder
	b.WriteString(a.Name + " (" + a.RegisterNumber + ").")
	add := func(label deadlines.Names, v string) {
		if v = sentence(v); v != "" {
			b.WriteString(" ")
			if label != (deadlines.Names{}) {
				b.WriteString(label.In(lang) + ": ")
			}
			b.WriteString(v + ".")
		}
	}
	add(deadlines.Names{}, in.Description)
	add(sayDocuments, strings.Join(in.Documents, ", "))
	add(sayFee, in.Fee)
	add(sayTerm, in.Term)
	add(sayResult, in.Result)
	add(sayChannels, strings.Join(in.Channels, ", "))
	b.WriteString(" (" + fill(sayVersion, lang, "v", strconv.Itoa(p.Version)) + ", " + p.Body + ")")
	return b.String()
}

// tellDelivery is what the operator may tell about one delivery (Rules130
// p.13).
func tellDelivery(a *DeliveryAnswer, lang string) string {
	s := fill(sayStage, lang, "app", a.Application, "service", a.Service, "stage", a.StageLabel, "date", day(a.StageAt), "provider", a.Provider)
	var tail []string
	switch {
	case a.Overdue:
		tail = append(tail, fill(sayDue, lang, "date", day(a.Due)), sayOverdue.In(lang))
	case a.Late:
		tail = append(tail, sayLate.In(lang))
	case !a.Due.IsZero() && !a.Stage.meetsTerm():
		tail = append(tail, fill(sayDue, lang, "date", day(a.Due)))
	}
	if len(a.Escalations) > 0 {
		tail = append(tail, sayEscalated.In(lang))
	}
	if len(tail) > 0 {
		s += "; " + strings.Join(tail, ", ")
	}
	return s + "."
}

// tellComposite is what the operator may tell about a composite
// application: every component in order (Rules472 p.9).
func tellComposite(a *ApplicationAnswer, lang string) string {
	var b strings.Builder
	b.WriteString(fill(sayComposite, lang, "app", a.Application, "service", a.Service, "n", strconv.Itoa(len(a.Components))))
	for _, c := range a.Components {
		b.WriteString(" " + strconv.Itoa(c.Order) + ". " + c.Name + " — " + c.StatusLabel)
		switch {
		case c.Overdue:
			b.WriteString(", " + fill(sayDue, lang, "date", day(c.Due)) + ", " + sayOverdue.In(lang))
		case !c.Due.IsZero() && !c.Status.Final():
			b.WriteString(", " + fill(sayDue, lang, "date", day(c.Due)))
		}
		b.WriteString(";")
	}
	return strings.TrimSuffix(b.String(), ";") + "."
}
