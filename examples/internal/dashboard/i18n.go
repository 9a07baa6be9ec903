package dashboard

// The dashboard's visible labels, one table per language. Every key is in
// all three tables (TestMessagesComplete checks it); translate falls back
// to English, then to the key, so a missing label shows, not breaks.
var messages = map[string]map[string]string{"en": en, "ru": ru, "kk": kk}

func translate(lang, key string) string {
	if s, ok := messages[lang][key]; ok {
		return s
	}
	if s, ok := en[key]; ok {
		return s
	}
	return key
}

var en = map[string]string{
	"nav.skip": "Skip to content", "nav.label": "Dashboard", "nav.lang": "Language", "nav.logout": "Log out",
	"footer.now":    "Now",
	"role.operator": "UCC operator", "role.body": "body's responsible person", "role.quality": "quality authority", "role.citizen": "citizen",
	"error.title": "Cannot show the page", "error.internal": "Internal error.", "error.notfound": "Not found.",

	"board.title": "Deadlines", "board.lead": "Every open term: onboarding steps (Rules130), components of composite applications (Rules472) and monthly report duties (Rules130 p.14). Countdowns are in working days of the Kazakhstan calendar.",
	"group.overdue": "Overdue", "group.due-soon": "Due soon (2 working days or less)", "group.due": "Due",
	"board.subject": "Service", "board.step": "Step", "board.rule": "Rule", "board.body": "Body", "board.due": "Due date", "board.countdown": "Countdown",
	"board.estimated": "(estimated calendar)", "board.overdue-by": "overdue by", "board.workdays": "working days", "board.workdays-left": "working days left",
	"board.paused": "(paused)", "board.none": "Nothing here.", "board.notice": "Notice of refusals", "board.report": "Monthly report",
	"kind.onboarding": "onboarding", "kind.component": "application", "kind.report": "report",
	"report.state.owed": "owed", "report.state.generated": "generated", "report.state.sent": "sent", "report.state.acknowledged": "acknowledged",

	"step.registered": "In the Register, standard approved", "step.request": "Appendix 1 request sent", "step.receipt": "Request received by the body",
	"step.appointment": "Responsible person appointed", "step.information": "Information provided", "step.training": "Training of UCC staff",
	"step.protocol": "Protocol of acceptance signed", "step.live": "Consultation starts", "step.update": "Information update",
	"step.replacement": "Replacement of the responsible person", "step.notice": "Notice of refusals",
	"term.working-days": "{n} working days", "term.working-days-after": "{n} working days after", "term.calendar-days": "{n} calendar days",
	"term.day-of-next-month": "by day {n} of the next month", "term.immediately": "immediately",

	"form.at": "Date and time", "form.one-per-line": "One per line.", "form.submit": "Record the step",
	"form.full-name": "Full name", "form.position": "Position", "form.phone": "Phone", "form.email": "E-mail",
	"form.description": "What the service gives and who may receive it", "form.documents": "Documents the recipient submits", "form.fee": "Fee",
	"form.term": "Term of the service", "form.result": "Result of the service", "form.channels": "Delivery channels",
	"form.standard": "Number of the service standard", "form.entered-by": "Entered into the UCC database by (UCC employee)",
	"form.trainer": "Trainer (the responsible person)", "form.trainees": "UCC employees trained",
	"form.protocol-number": "Protocol number", "form.ucc-signatory": "UCC signatory", "form.ucc-position": "UCC signatory's position",
	"form.body-signatory": "Body's signatory", "form.body-position": "Body's signatory's position",
	"next.request": "Send the Appendix 1 request", "next.receipt": "Confirm the body received the request", "next.appointment": "Appoint the responsible person",
	"next.information": "Provide the service information", "next.training": "Record the training", "next.protocol": "Sign the protocol of acceptance",

	"onboarding.title": "Onboarding", "onb.body": "Body", "onb.state": "State", "onb.id": "Number", "onb.timeline": "Timeline",
	"onb.step": "Step", "onb.term": "Term", "onb.done": "Done", "onb.status": "Status",
	"onb.status.done": "done", "onb.status.late": "done late", "onb.status.current": "now", "onb.status.overdue": "overdue",
	"onb.status.pending": "later", "onb.status.scheduled": "scheduled",
	"onb.next": "Next step", "onb.history": "History", "onb.when": "When", "onb.event": "Event", "onb.actor": "Who", "onb.note": "Note",

	"app.title": "Application", "app.due": "due", "app.record-result": "Record a result", "app.record": "Record the result",
	"app.channel": "Channel", "app.reference": "Result number", "app.produces": "Passed on to the next services.",
	"app.id": "Number", "app.recipient": "Recipient", "app.submitted": "Submitted", "app.graph": "Components and their order",
	"app.legend":     "Arrows point from a service to the services that need its result. Each box names its status.",
	"app.components": "Components", "app.component": "Component", "app.outcome": "Result or refusal", "app.stopped-by": "stopped: refused",
	"channel.electronic": "electronic", "channel.paper": "paper",

	"report.title": "Monthly report", "report.lead": "Analytical report on appeals (Appendix 2)", "report.months": "Months",
	"report.prev": "Previous month", "report.next": "Next month", "report.downloads": "Download",
	"report.unavailable": "The report service is not configured.", "report.summary": "Summary", "report.figure": "Figure", "report.count": "Appeals",
	"report.total": "Total", "report.standard": "Violation of the service standard", "report.conduct": "Actions or inaction of employees",
	"report.both": "Both", "report.chart": "Appeals by region and nature", "report.none": "No appeals this month.",
	"report.by-region": "By region", "report.by-body": "By body", "report.by-service": "By service", "report.key": "Name",

	"cal.title": "Working-day calendar", "cal.lead": "Working days, holidays and transferred days off of Kazakhstan.", "cal.version": "data",
	"cal.estimated": "This year's decree transfers are not confirmed yet: the calendar is estimated from the rules.",
	"cal.years":     "Years", "cal.prev": "Previous year", "cal.next": "Next year", "cal.legend": "Legend",
	"kind.day.working": "working day", "kind.day.weekend": "weekend", "kind.day.holiday": "public holiday",
	"kind.day.weekend-shift": "day off for a holiday on a weekend", "kind.day.transferred-day-off": "day off moved by decree",
	"kind.day.transferred-working-day": "working day moved by decree",
	"month.1":                          "January", "month.2": "February", "month.3": "March", "month.4": "April", "month.5": "May", "month.6": "June",
	"month.7": "July", "month.8": "August", "month.9": "September", "month.10": "October", "month.11": "November", "month.12": "December",
	"weekday.1": "Mon", "weekday.2": "Tue", "weekday.3": "Wed", "weekday.4": "Thu", "weekday.5": "Fri", "weekday.6": "Sat", "weekday.7": "Sun",
}

var ru = map[string]string{
	"nav.skip": "Перейти к содержанию", "nav.label": "Панель", "nav.lang": "Язык", "nav.logout": "Выйти",
	"footer.now":    "Сейчас",
	"role.operator": "оператор ЕКЦ", "role.body": "ответственное лицо органа", "role.quality": "уполномоченный орган по оценке качества", "role.citizen": "гражданин",
	"error.title": "Страницу нельзя показать", "error.internal": "Внутренняя ошибка.", "error.notfound": "Не найдено.",

	"board.title": "Сроки", "board.lead": "Все открытые сроки: этапы подключения (Rules130), услуги в составе композитных заявлений (Rules472) и ежемесячные отчёты (Rules130 p.14). Отсчёт — в рабочих днях календаря Казахстана.",
	"group.overdue": "Просрочено", "group.due-soon": "Скоро срок (не более 2 рабочих дней)", "group.due": "В работе",
	"board.subject": "Услуга", "board.step": "Этап", "board.rule": "Норма", "board.body": "Орган", "board.due": "Срок", "board.countdown": "Осталось",
	"board.estimated": "(календарь предварительный)", "board.overdue-by": "просрочено на", "board.workdays": "рабочих дней", "board.workdays-left": "рабочих дней осталось",
	"board.paused": "(приостановлено)", "board.none": "Пусто.", "board.notice": "Уведомление об отказах", "board.report": "Ежемесячный отчёт",
	"kind.onboarding": "подключение", "kind.component": "заявление", "kind.report": "отчёт",
	"report.state.owed": "ожидается", "report.state.generated": "сформирован", "report.state.sent": "направлен", "report.state.acknowledged": "получен",

	"step.registered": "Услуга в Реестре, стандарт утверждён", "step.request": "Запрос по приложению 1 направлен", "step.receipt": "Запрос получен органом",
	"step.appointment": "Назначено ответственное лицо", "step.information": "Информация предоставлена", "step.training": "Обучение сотрудников ЕКЦ",
	"step.protocol": "Подписан протокол о принятии", "step.live": "Начало консультирования", "step.update": "Обновление информации",
	"step.replacement": "Замена ответственного лица", "step.notice": "Уведомление об отказах",
	"term.working-days": "{n} рабочих дней", "term.working-days-after": "через {n} рабочих дней", "term.calendar-days": "{n} календарных дней",
	"term.day-of-next-month": "до {n}-го числа следующего месяца", "term.immediately": "незамедлительно",

	"form.at": "Дата и время", "form.one-per-line": "По одному в строке.", "form.submit": "Записать этап",
	"form.full-name": "ФИО", "form.position": "Должность", "form.phone": "Телефон", "form.email": "Электронная почта",
	"form.description": "Что даёт услуга и кто может её получить", "form.documents": "Документы, которые подаёт услугополучатель", "form.fee": "Оплата",
	"form.term": "Срок оказания услуги", "form.result": "Результат оказания услуги", "form.channels": "Способы оказания",
	"form.standard": "Номер стандарта услуги", "form.entered-by": "Внёс в базу данных ЕКЦ (сотрудник ЕКЦ)",
	"form.trainer": "Обучающий (ответственное лицо)", "form.trainees": "Обученные сотрудники ЕКЦ",
	"form.protocol-number": "Номер протокола", "form.ucc-signatory": "Подписант от ЕКЦ", "form.ucc-position": "Должность подписанта от ЕКЦ",
	"form.body-signatory": "Подписант от органа", "form.body-position": "Должность подписанта от органа",
	"next.request": "Направить запрос по приложению 1", "next.receipt": "Подтвердить получение запроса органом", "next.appointment": "Назначить ответственное лицо",
	"next.information": "Предоставить информацию об услуге", "next.training": "Записать обучение", "next.protocol": "Подписать протокол о принятии",

	"onboarding.title": "Подключение", "onb.body": "Орган", "onb.state": "Состояние", "onb.id": "Номер", "onb.timeline": "Хронология",
	"onb.step": "Этап", "onb.term": "Срок", "onb.done": "Выполнено", "onb.status": "Статус",
	"onb.status.done": "выполнено", "onb.status.late": "выполнено с опозданием", "onb.status.current": "сейчас", "onb.status.overdue": "просрочено",
	"onb.status.pending": "позже", "onb.status.scheduled": "назначено",
	"onb.next": "Следующий этап", "onb.history": "История", "onb.when": "Когда", "onb.event": "Событие", "onb.actor": "Кто", "onb.note": "Примечание",

	"app.title": "Заявление", "app.due": "срок", "app.record-result": "Записать результат", "app.record": "Записать результат",
	"app.channel": "Способ", "app.reference": "Номер результата", "app.produces": "Передаётся следующим услугам.",
	"app.id": "Номер", "app.recipient": "Услугополучатель", "app.submitted": "Подано", "app.graph": "Услуги и их порядок",
	"app.legend":     "Стрелки ведут от услуги к услугам, которым нужен её результат. В каждом блоке указан статус.",
	"app.components": "Услуги", "app.component": "Услуга", "app.outcome": "Результат или отказ", "app.stopped-by": "прекращено: отказ",
	"channel.electronic": "электронно", "channel.paper": "на бумаге",

	"report.title": "Ежемесячный отчёт", "report.lead": "Аналитический отчёт по обращениям (приложение 2)", "report.months": "Месяцы",
	"report.prev": "Предыдущий месяц", "report.next": "Следующий месяц", "report.downloads": "Скачать",
	"report.unavailable": "Служба отчётов не настроена.", "report.summary": "Итоги", "report.figure": "Показатель", "report.count": "Обращения",
	"report.total": "Всего", "report.standard": "Нарушение стандарта услуги", "report.conduct": "Действия или бездействие сотрудников",
	"report.both": "Оба", "report.chart": "Обращения по регионам и характеру", "report.none": "В этом месяце обращений нет.",
	"report.by-region": "По регионам", "report.by-body": "По органам", "report.by-service": "По услугам", "report.key": "Наименование",

	"cal.title": "Производственный календарь", "cal.lead": "Рабочие дни, праздники и перенесённые выходные Казахстана.", "cal.version": "данные",
	"cal.estimated": "Переносы на этот год ещё не утверждены: календарь рассчитан по правилам.",
	"cal.years":     "Годы", "cal.prev": "Предыдущий год", "cal.next": "Следующий год", "cal.legend": "Обозначения",
	"kind.day.working": "рабочий день", "kind.day.weekend": "выходной", "kind.day.holiday": "праздник",
	"kind.day.weekend-shift": "выходной за праздник в выходной день", "kind.day.transferred-day-off": "выходной, перенесённый постановлением",
	"kind.day.transferred-working-day": "рабочий день, перенесённый постановлением",
	"month.1":                          "Январь", "month.2": "Февраль", "month.3": "Март", "month.4": "Апрель", "month.5": "Май", "month.6": "Июнь",
	"month.7": "Июль", "month.8": "Август", "month.9": "Сентябрь", "month.10": "Октябрь", "month.11": "Ноябрь", "month.12": "Декабрь",
	"weekday.1": "Пн", "weekday.2": "Вт", "weekday.3": "Ср", "weekday.4": "Чт", "weekday.5": "Пт", "weekday.6": "Сб", "weekday.7": "Вс",
}

var kk = map[string]string{
	"nav.skip": "Мазмұнға өту", "nav.label": "Басқару тақтасы", "nav.lang": "Тіл", "nav.logout": "Шығу",
	"footer.now":    "Қазір",
	"role.operator": "БКО операторы", "role.body": "органның жауапты тұлғасы", "role.quality": "сапаны бағалау жөніндегі уәкілетті орган", "role.citizen": "азамат",
	"error.title": "Бетті көрсету мүмкін емес", "error.internal": "Ішкі қате.", "error.notfound": "Табылмады.",

	"board.title": "Мерзімдер", "board.lead": "Барлық ашық мерзімдер: қосу кезеңдері (Rules130), құрамдас өтінімдердің қызметтері (Rules472) және ай сайынғы есептер (Rules130 p.14). Қалған уақыт Қазақстан күнтізбесінің жұмыс күндерімен есептеледі.",
	"group.overdue": "Мерзімі өтті", "group.due-soon": "Мерзімі жақын (2 жұмыс күнінен аспайды)", "group.due": "Орындалуда",
	"board.subject": "Қызмет", "board.step": "Кезең", "board.rule": "Норма", "board.body": "Орган", "board.due": "Мерзімі", "board.countdown": "Қалды",
	"board.estimated": "(күнтізбе болжамды)", "board.overdue-by": "мерзімі өтті:", "board.workdays": "жұмыс күні", "board.workdays-left": "жұмыс күні қалды",
	"board.paused": "(тоқтатыла тұрды)", "board.none": "Бос.", "board.notice": "Бас тартулар туралы хабарлама", "board.report": "Ай сайынғы есеп",
	"kind.onboarding": "қосу", "kind.component": "өтінім", "kind.report": "есеп",
	"report.state.owed": "күтілуде", "report.state.generated": "жасалды", "report.state.sent": "жіберілді", "report.state.acknowledged": "алынды",

	"step.registered": "Қызмет Тізілімде, стандарт бекітілді", "step.request": "1-қосымша бойынша сұрау салу жіберілді", "step.receipt": "Сұрау салуды орган алды",
	"step.appointment": "Жауапты тұлға тағайындалды", "step.information": "Ақпарат ұсынылды", "step.training": "БКО қызметкерлерін оқыту",
	"step.protocol": "Қабылдау хаттамасына қол қойылды", "step.live": "Консультация беру басталады", "step.update": "Ақпаратты жаңарту",
	"step.replacement": "Жауапты тұлғаны ауыстыру", "step.notice": "Бас тартулар туралы хабарлама",
	"term.working-days": "{n} жұмыс күні", "term.working-days-after": "{n} жұмыс күнінен кейін", "term.calendar-days": "{n} күнтізбелік күн",
	"term.day-of-next-month": "келесі айдың {n}-күніне дейін", "term.immediately": "дереу",

	"form.at": "Күні мен уақыты", "form.one-per-line": "Әр жолға біреуден.", "form.submit": "Кезеңді жазу",
	"form.full-name": "Аты-жөні", "form.position": "Лауазымы", "form.phone": "Телефон", "form.email": "Электрондық пошта",
	"form.description": "Қызмет не береді және оны кім ала алады", "form.documents": "Көрсетілетін қызметті алушы ұсынатын құжаттар", "form.fee": "Төлем",
	"form.term": "Қызмет көрсету мерзімі", "form.result": "Қызмет көрсетудің нәтижесі", "form.channels": "Көрсету тәсілдері",
	"form.standard": "Қызмет стандартының нөмірі", "form.entered-by": "БКО дерекқорына енгізген (БКО қызметкері)",
	"form.trainer": "Оқытушы (жауапты тұлға)", "form.trainees": "Оқытылған БКО қызметкерлері",
	"form.protocol-number": "Хаттама нөмірі", "form.ucc-signatory": "БКО атынан қол қоюшы", "form.ucc-position": "БКО атынан қол қоюшының лауазымы",
	"form.body-signatory": "Орган атынан қол қоюшы", "form.body-position": "Орган атынан қол қоюшының лауазымы",
	"next.request": "1-қосымша бойынша сұрау салуды жіберу", "next.receipt": "Органның сұрау салуды алғанын растау", "next.appointment": "Жауапты тұлғаны тағайындау",
	"next.information": "Қызмет туралы ақпаратты ұсыну", "next.training": "Оқытуды жазу", "next.protocol": "Қабылдау хаттамасына қол қою",

	"onboarding.title": "Қосу", "onb.body": "Орган", "onb.state": "Жағдайы", "onb.id": "Нөмірі", "onb.timeline": "Хронология",
	"onb.step": "Кезең", "onb.term": "Мерзім", "onb.done": "Орындалды", "onb.status": "Мәртебесі",
	"onb.status.done": "орындалды", "onb.status.late": "кешігіп орындалды", "onb.status.current": "қазір", "onb.status.overdue": "мерзімі өтті",
	"onb.status.pending": "кейін", "onb.status.scheduled": "белгіленді",
	"onb.next": "Келесі кезең", "onb.history": "Тарих", "onb.when": "Қашан", "onb.event": "Оқиға", "onb.actor": "Кім", "onb.note": "Ескертпе",

	"app.title": "Өтінім", "app.due": "мерзімі", "app.record-result": "Нәтижені жазу", "app.record": "Нәтижені жазу",
	"app.channel": "Тәсілі", "app.reference": "Нәтиженің нөмірі", "app.produces": "Келесі қызметтерге беріледі.",
	"app.id": "Нөмірі", "app.recipient": "Көрсетілетін қызметті алушы", "app.submitted": "Берілді", "app.graph": "Қызметтер және олардың реті",
	"app.legend":     "Көрсеткілер қызметтен оның нәтижесі қажет қызметтерге бағытталған. Әр блокта мәртебесі жазылған.",
	"app.components": "Қызметтер", "app.component": "Қызмет", "app.outcome": "Нәтиже немесе бас тарту", "app.stopped-by": "тоқтатылды: бас тартылды",
	"channel.electronic": "электрондық", "channel.paper": "қағаз түрінде",

	"report.title": "Ай сайынғы есеп", "report.lead": "Өтініштер бойынша талдамалық есеп (2-қосымша)", "report.months": "Айлар",
	"report.prev": "Алдыңғы ай", "report.next": "Келесі ай", "report.downloads": "Жүктеп алу",
	"report.unavailable": "Есептер қызметі бапталмаған.", "report.summary": "Қорытынды", "report.figure": "Көрсеткіш", "report.count": "Өтініштер",
	"report.total": "Барлығы", "report.standard": "Қызмет стандартын бұзу", "report.conduct": "Қызметкерлердің әрекеті немесе әрекетсіздігі",
	"report.both": "Екеуі де", "report.chart": "Өңірлер мен сипаты бойынша өтініштер", "report.none": "Бұл айда өтініштер жоқ.",
	"report.by-region": "Өңірлер бойынша", "report.by-body": "Органдар бойынша", "report.by-service": "Қызметтер бойынша", "report.key": "Атауы",

	"cal.title": "Өндірістік күнтізбе", "cal.lead": "Қазақстанның жұмыс күндері, мерекелері және ауыстырылған демалыс күндері.", "cal.version": "деректер",
	"cal.estimated": "Осы жылғы ауыстырулар әлі бекітілмеген: күнтізбе ережелер бойынша есептелген.",
	"cal.years":     "Жылдар", "cal.prev": "Алдыңғы жыл", "cal.next": "Келесі жыл", "cal.legend": "Белгілер",
	"kind.day.working": "жұмыс күні", "kind.day.weekend": "демалыс күні", "kind.day.holiday": "мереке",
	"kind.day.weekend-shift": "демалыс күнге түскен мереке үшін демалыс", "kind.day.transferred-day-off": "қаулымен ауыстырылған демалыс күні",
	"kind.day.transferred-working-day": "қаулымен ауыстырылған жұмыс күні",
	"month.1":                          "Қаңтар", "month.2": "Ақпан", "month.3": "Наурыз", "month.4": "Сәуір", "month.5": "Мамыр", "month.6": "Маусым",
	"month.7": "Шілде", "month.8": "Тамыз", "month.9": "Қыркүйек", "month.10": "Қазан", "month.11": "Қараша", "month.12": "Желтоқсан",
	"weekday.1": "Дс", "weekday.2": "Сс", "weekday.3": "Ср", "weekday.4": "Бс", "weekday.5": "Жм", "weekday.6": "Сн", "weekday.7": "Жс",
}
