package kz

import (
	"time"

	"github.com/rickar/cal/v2"

	"github.com/qyzmet/qyzmet/deadlines"
)

// lawOnHolidays is the source of every public holiday below.
const lawOnHolidays = `Law of the Republic of Kazakhstan No. 267-II of 13 Dec 2001 "On holidays in the Republic of Kazakhstan"`

func fixed(name string, month time.Month, day, from, to int) *cal.Holiday {
	return &cal.Holiday{
		Name: name, Type: cal.ObservancePublic, Month: month, Day: day,
		StartYear: from, EndYear: to, Func: cal.CalcDayOfMonth,
	}
}

// Holiday definitions in the style of rickar/cal's country packages. The
// weekend shift is not expressed with cal.AltDay (consecutive Kazakh holidays
// push in turn, which AltDay cannot say); deadlines applies it instead.
var (
	NewYear1             = fixed("Жаңа жыл", time.January, 1, 0, 0)
	NewYear2             = fixed("Жаңа жыл", time.January, 2, 0, 0)
	OrthodoxChristmas    = fixed("Православиелік Рождество", time.January, 7, 2006, 0)
	WomensDay            = fixed("Халықаралық әйелдер күні", time.March, 8, 0, 0)
	ConstitutionDayMarch = fixed("Конституция күні", time.March, 15, 2027, 0)
	Nauryz21             = fixed("Наурыз мейрамы", time.March, 21, 2010, 0)
	Nauryz22             = fixed("Наурыз мейрамы", time.March, 22, 2002, 0)
	Nauryz23             = fixed("Наурыз мейрамы", time.March, 23, 2010, 0)
	UnityDay             = fixed("Қазақстан халқының бірлігі мерекесі", time.May, 1, 0, 0)
	DefenderDay          = fixed("Отан Қорғаушы күні", time.May, 7, 2013, 0)
	VictoryDay           = fixed("Жеңіс күні", time.May, 9, 0, 0)
	CapitalDay           = fixed("Астана күні", time.July, 6, 2009, 0)
	ConstitutionDay      = fixed("Конституция күні", time.August, 30, 0, 2025)
	RepublicDay          = fixed("Республика күні", time.October, 25, 2022, 0)
	FirstPresidentDay    = fixed("Тұңғыш Президент күні", time.December, 1, 2012, 2021)
	IndependenceDay1     = fixed("Тәуелсіздік күні", time.December, 16, 0, 0)
	IndependenceDay2     = fixed("Тәуелсіздік күні", time.December, 17, 0, 2021)

	// KurbanAit is the first day of Kurban Ait (Eid al-Adha). Its date follows
	// the lunar calendar and is announced each year by the Spiritual
	// Administration of Muslims of Kazakhstan; 2026 and 2027 are estimates.
	KurbanAit = &cal.Holiday{
		Name: "Құрбан айт", Type: cal.ObservanceReligious, StartYear: 2006,
		Func: deadlines.CalcDates(kurbanAitDates...),
	}
)

var kurbanAitDates = []deadlines.CivilDate{
	{Year: 2013, Month: 10, Day: 15}, {Year: 2014, Month: 10, Day: 4}, {Year: 2015, Month: 9, Day: 24},
	{Year: 2016, Month: 9, Day: 12}, {Year: 2017, Month: 9, Day: 1}, {Year: 2018, Month: 8, Day: 21},
	{Year: 2019, Month: 8, Day: 11}, {Year: 2020, Month: 7, Day: 31}, {Year: 2021, Month: 7, Day: 20},
	{Year: 2022, Month: 7, Day: 9}, {Year: 2023, Month: 6, Day: 28}, {Year: 2024, Month: 6, Day: 16},
	{Year: 2025, Month: 6, Day: 6}, {Year: 2026, Month: 5, Day: 27}, {Year: 2027, Month: 5, Day: 16},
}

func holiday(id string, rule *cal.Holiday, shift bool, ru, en string) deadlines.Holiday {
	return deadlines.Holiday{
		ID: id, Rule: rule, WeekendShift: shift, Source: lawOnHolidays,
		Names: deadlines.Names{KK: rule.Name, RU: ru, EN: en},
	}
}

// Holidays are Kazakhstan's public holidays with their kk/ru/en names.
var Holidays = []deadlines.Holiday{
	holiday("new-year-1", NewYear1, true, "Новый год", "New Year"),
	holiday("new-year-2", NewYear2, true, "Новый год", "New Year"),
	holiday("orthodox-christmas", OrthodoxChristmas, false, "Православное Рождество", "Orthodox Christmas"),
	holiday("womens-day", WomensDay, true, "Международный женский день", "International Women's Day"),
	holiday("constitution-day-march", ConstitutionDayMarch, true, "День Конституции", "Constitution Day"),
	holiday("nauryz-21", Nauryz21, true, "Наурыз мейрамы", "Nauryz"),
	holiday("nauryz-22", Nauryz22, true, "Наурыз мейрамы", "Nauryz"),
	holiday("nauryz-23", Nauryz23, true, "Наурыз мейрамы", "Nauryz"),
	holiday("unity-day", UnityDay, true, "Праздник единства народа Казахстана", "Unity Day"),
	holiday("defender-day", DefenderDay, true, "День защитника Отечества", "Defender of the Fatherland Day"),
	holiday("victory-day", VictoryDay, true, "День Победы", "Victory Day"),
	holiday("capital-day", CapitalDay, true, "День столицы", "Capital Day"),
	holiday("constitution-day", ConstitutionDay, true, "День Конституции", "Constitution Day"),
	holiday("republic-day", RepublicDay, true, "День Республики", "Republic Day"),
	holiday("first-president-day", FirstPresidentDay, true, "День Первого Президента", "First President Day"),
	holiday("independence-day-1", IndependenceDay1, true, "День Независимости", "Independence Day"),
	holiday("independence-day-2", IndependenceDay2, true, "День Независимости", "Independence Day"),
	holiday("kurban-ait", KurbanAit, false, "Курбан айт", "Kurban Ait (Eid al-Adha)"),
}

func d(y int, m time.Month, day int) deadlines.CivilDate {
	return deadlines.CivilDate{Year: y, Month: m, Day: day}
}

// Transfers are the Government decrees moving days off, 2013–2025
// (document ids as published on adilet.zan.kz).
var Transfers = []deadlines.Transfer{
	{From: d(2013, 5, 4), To: d(2013, 5, 10), Decree: "P1300000345"},
	{From: d(2013, 10, 12), To: d(2013, 10, 14), Decree: "P1300001068"},
	{From: d(2013, 12, 28), To: d(2014, 1, 3), Decree: "P1300001322"},
	{From: d(2014, 5, 4), To: d(2014, 5, 2), Decree: "P1400000365"},
	{From: d(2014, 5, 11), To: d(2014, 5, 8), Decree: "P1400000365"},
	{From: d(2016, 3, 5), To: d(2016, 3, 7), Decree: "P1600000067"},
	{From: d(2017, 3, 18), To: d(2017, 3, 20), Decree: "P1700000005"},
	{From: d(2017, 7, 1), To: d(2017, 7, 7), Decree: "P1700000005"},
	{From: d(2018, 3, 3), To: d(2018, 3, 9), Decree: "P1700000864"},
	{From: d(2018, 4, 28), To: d(2018, 4, 30), Decree: "P1700000864"},
	{From: d(2018, 5, 5), To: d(2018, 5, 8), Decree: "P1700000864"},
	{From: d(2018, 8, 25), To: d(2018, 8, 31), Decree: "P1700000864"},
	{From: d(2018, 12, 29), To: d(2018, 12, 31), Decree: "P1700000864"},
	{From: d(2019, 5, 4), To: d(2019, 5, 10), Decree: "P1800000888"},
	{From: d(2020, 1, 5), To: d(2020, 1, 3), Decree: "P1900000820"},
	{From: d(2020, 5, 11), To: d(2020, 5, 8), Decree: "P1900000820"},
	{From: d(2020, 12, 20), To: d(2020, 12, 18), Decree: "P1900000820"},
	{From: d(2021, 7, 3), To: d(2021, 7, 5), Decree: "P2000000930"},
	{From: d(2022, 3, 5), To: d(2022, 3, 7), Decree: "P2200000796"},
	{From: d(2022, 8, 27), To: d(2022, 8, 29), Decree: "P2200000796"},
	{From: d(2022, 10, 22), To: d(2022, 10, 24), Decree: "P2200000796"},
	{From: d(2023, 7, 1), To: d(2023, 7, 7), Decree: "P2300000326"},
	{From: d(2024, 5, 4), To: d(2024, 5, 8), Decree: "G24G0000109"},
	{From: d(2025, 1, 5), To: d(2025, 1, 3), Decree: "G24G0000436"},
}

// ConfirmedYears are the years whose lunar holidays and decree transfers are
// complete in this data. Answers about other years are marked estimated.
var ConfirmedYears = []int{2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025}

// DataVersion names this data set; Calendar.Version appends a digest of the
// compiled days.
const DataVersion = "kz-2025.1"

// Location is the IANA zone of the capital. The whole country is UTC+5 from
// 1 March 2024; before that the east, Astana and Almaty included, was UTC+6.
const Location = "Asia/Almaty"

// Regions' zones, for bodies outside Almaty's zone before 1 March 2024.
var Zones = []string{"Asia/Almaty", "Asia/Qostanay", "Asia/Aqtobe", "Asia/Aqtau", "Asia/Atyrau", "Asia/Oral", "Asia/Qyzylorda"}
