package kz_test

// yearFacts is the expected shape of one calendar year, derived independently
// from shared/calendar/kz-working-days.md: the Monday–Friday dates that are not
// working days, and the Saturday/Sunday dates that are working days.
type yearFacts struct {
	NonWorkingWeekdays []string // "2006-01-02", ascending
	WorkingWeekendDays []string // "2006-01-02", ascending
}

// factsByYear holds every year 2013–2027 (2026–2027 are estimates).
var factsByYear = map[int]yearFacts{
	2013: {
		NonWorkingWeekdays: []string{
			"2013-01-01", // Tue: New Year
			"2013-01-02", // Wed: New Year
			"2013-01-07", // Mon: Orthodox Christmas
			"2013-03-08", // Fri: International Women's Day
			"2013-03-21", // Thu: Nauryz
			"2013-03-22", // Fri: Nauryz
			"2013-03-25", // Mon: shift of Nauryz 23 Mar (Sat)
			"2013-05-01", // Wed: Unity Day
			"2013-05-07", // Tue: Defender of the Fatherland Day
			"2013-05-09", // Thu: Victory Day
			"2013-05-10", // Fri: transfer P1300000345 from 4 May (Sat)
			"2013-07-08", // Mon: shift of Capital Day 6 Jul (Sat)
			"2013-08-30", // Fri: Constitution Day
			"2013-10-14", // Mon: transfer P1300001068 from 12 Oct (Sat)
			"2013-10-15", // Tue: Kurban Ait
			"2013-12-02", // Mon: shift of First President Day 1 Dec (Sun)
			"2013-12-16", // Mon: Independence Day
			"2013-12-17", // Tue: Independence Day (second day)
		},
		WorkingWeekendDays: []string{
			"2013-05-04", // Sat: transfer P1300000345 to 10 May (Fri)
			"2013-10-12", // Sat: transfer P1300001068 to 14 Oct (Mon)
			"2013-12-28", // Sat: transfer P1300001322 to 3 Jan 2014 (Fri)
		},
	},
	2014: {
		NonWorkingWeekdays: []string{
			"2014-01-01", // Wed: New Year
			"2014-01-02", // Thu: New Year
			"2014-01-03", // Fri: transfer P1300001322 from 28 Dec 2013 (Sat)
			"2014-01-07", // Tue: Orthodox Christmas
			"2014-03-10", // Mon: shift of International Women's Day 8 Mar (Sat)
			"2014-03-21", // Fri: Nauryz
			"2014-03-24", // Mon: shift of Nauryz 22 Mar (Sat)
			"2014-03-25", // Tue: shift of Nauryz 23 Mar (Sun)
			"2014-05-01", // Thu: Unity Day
			"2014-05-02", // Fri: transfer P1400000365 from 4 May (Sun)
			"2014-05-07", // Wed: Defender of the Fatherland Day
			"2014-05-08", // Thu: transfer P1400000365 from 11 May (Sun)
			"2014-05-09", // Fri: Victory Day
			"2014-07-07", // Mon: shift of Capital Day 6 Jul (Sun)
			"2014-09-01", // Mon: shift of Constitution Day 30 Aug (Sat)
			"2014-12-01", // Mon: First President Day
			"2014-12-16", // Tue: Independence Day
			"2014-12-17", // Wed: Independence Day (second day)
		},
		WorkingWeekendDays: []string{
			"2014-05-04", // Sun: transfer P1400000365 to 2 May (Fri)
			"2014-05-11", // Sun: transfer P1400000365 to 8 May (Thu)
		},
	},
	2015: {
		NonWorkingWeekdays: []string{
			"2015-01-01", // Thu: New Year
			"2015-01-02", // Fri: New Year
			"2015-01-07", // Wed: Orthodox Christmas
			"2015-03-09", // Mon: shift of International Women's Day 8 Mar (Sun)
			"2015-03-23", // Mon: Nauryz
			"2015-03-24", // Tue: shift of Nauryz 21 Mar (Sat)
			"2015-03-25", // Wed: shift of Nauryz 22 Mar (Sun)
			"2015-05-01", // Fri: Unity Day
			"2015-05-07", // Thu: Defender of the Fatherland Day
			"2015-05-11", // Mon: shift of Victory Day 9 May (Sat)
			"2015-07-06", // Mon: Capital Day
			"2015-08-31", // Mon: shift of Constitution Day 30 Aug (Sun)
			"2015-09-24", // Thu: Kurban Ait
			"2015-12-01", // Tue: First President Day
			"2015-12-16", // Wed: Independence Day
			"2015-12-17", // Thu: Independence Day (second day)
		},
		WorkingWeekendDays: nil, // no transfers onto weekend days
	},
	2016: {
		NonWorkingWeekdays: []string{
			"2016-01-01", // Fri: New Year
			"2016-01-04", // Mon: shift of New Year 2 Jan (Sat)
			"2016-01-07", // Thu: Orthodox Christmas
			"2016-03-07", // Mon: transfer P1600000067 from 5 Mar (Sat)
			"2016-03-08", // Tue: International Women's Day
			"2016-03-21", // Mon: Nauryz
			"2016-03-22", // Tue: Nauryz
			"2016-03-23", // Wed: Nauryz
			"2016-05-02", // Mon: shift of Unity Day 1 May (Sun)
			"2016-05-09", // Mon: Victory Day
			"2016-05-10", // Tue: shift of Defender of the Fatherland Day 7 May (Sat)
			"2016-07-06", // Wed: Capital Day
			"2016-08-30", // Tue: Constitution Day
			"2016-09-12", // Mon: Kurban Ait
			"2016-12-01", // Thu: First President Day
			"2016-12-16", // Fri: Independence Day
			"2016-12-19", // Mon: shift of Independence Day (second day) 17 Dec (Sat)
		},
		WorkingWeekendDays: []string{
			"2016-03-05", // Sat: transfer P1600000067 to 7 Mar (Mon)
		},
	},
	2017: {
		NonWorkingWeekdays: []string{
			"2017-01-02", // Mon: New Year
			"2017-01-03", // Tue: shift of New Year 1 Jan (Sun)
			"2017-03-08", // Wed: International Women's Day
			"2017-03-20", // Mon: transfer P1700000005 from 18 Mar (Sat)
			"2017-03-21", // Tue: Nauryz
			"2017-03-22", // Wed: Nauryz
			"2017-03-23", // Thu: Nauryz
			"2017-05-01", // Mon: Unity Day
			"2017-05-08", // Mon: shift of Defender of the Fatherland Day 7 May (Sun)
			"2017-05-09", // Tue: Victory Day
			"2017-07-06", // Thu: Capital Day
			"2017-07-07", // Fri: transfer P1700000005 from 1 Jul (Sat)
			"2017-08-30", // Wed: Constitution Day
			"2017-09-01", // Fri: Kurban Ait
			"2017-12-01", // Fri: First President Day
			"2017-12-18", // Mon: shift of Independence Day 16 Dec (Sat)
			"2017-12-19", // Tue: shift of Independence Day (second day) 17 Dec (Sun)
		},
		WorkingWeekendDays: []string{
			"2017-03-18", // Sat: transfer P1700000005 to 20 Mar (Mon)
			"2017-07-01", // Sat: transfer P1700000005 to 7 Jul (Fri)
		},
	},
	2018: {
		NonWorkingWeekdays: []string{
			"2018-01-01", // Mon: New Year
			"2018-01-02", // Tue: New Year
			"2018-03-08", // Thu: International Women's Day
			"2018-03-09", // Fri: transfer P1700000864 from 3 Mar (Sat)
			"2018-03-21", // Wed: Nauryz
			"2018-03-22", // Thu: Nauryz
			"2018-03-23", // Fri: Nauryz
			"2018-04-30", // Mon: transfer P1700000864 from 28 Apr (Sat)
			"2018-05-01", // Tue: Unity Day
			"2018-05-07", // Mon: Defender of the Fatherland Day
			"2018-05-08", // Tue: transfer P1700000864 from 5 May (Sat)
			"2018-05-09", // Wed: Victory Day
			"2018-07-06", // Fri: Capital Day
			"2018-08-21", // Tue: Kurban Ait
			"2018-08-30", // Thu: Constitution Day
			"2018-08-31", // Fri: transfer P1700000864 from 25 Aug (Sat)
			"2018-12-03", // Mon: shift of First President Day 1 Dec (Sat)
			"2018-12-17", // Mon: Independence Day (second day)
			"2018-12-18", // Tue: shift of Independence Day 16 Dec (Sun)
			"2018-12-31", // Mon: transfer P1700000864 from 29 Dec (Sat)
		},
		WorkingWeekendDays: []string{
			"2018-03-03", // Sat: transfer P1700000864 to 9 Mar (Fri)
			"2018-04-28", // Sat: transfer P1700000864 to 30 Apr (Mon)
			"2018-05-05", // Sat: transfer P1700000864 to 8 May (Tue)
			"2018-08-25", // Sat: transfer P1700000864 to 31 Aug (Fri)
			"2018-12-29", // Sat: transfer P1700000864 to 31 Dec (Mon)
		},
	},
	2019: {
		NonWorkingWeekdays: []string{
			"2019-01-01", // Tue: New Year
			"2019-01-02", // Wed: New Year
			"2019-01-07", // Mon: Orthodox Christmas
			"2019-03-08", // Fri: International Women's Day
			"2019-03-21", // Thu: Nauryz
			"2019-03-22", // Fri: Nauryz
			"2019-03-25", // Mon: shift of Nauryz 23 Mar (Sat)
			"2019-05-01", // Wed: Unity Day
			"2019-05-07", // Tue: Defender of the Fatherland Day
			"2019-05-09", // Thu: Victory Day
			"2019-05-10", // Fri: transfer P1800000888 from 4 May (Sat)
			"2019-07-08", // Mon: shift of Capital Day 6 Jul (Sat)
			"2019-08-30", // Fri: Constitution Day
			"2019-12-02", // Mon: shift of First President Day 1 Dec (Sun)
			"2019-12-16", // Mon: Independence Day
			"2019-12-17", // Tue: Independence Day (second day)
		},
		WorkingWeekendDays: []string{
			"2019-05-04", // Sat: transfer P1800000888 to 10 May (Fri)
		},
	},
	2020: {
		NonWorkingWeekdays: []string{
			"2020-01-01", // Wed: New Year
			"2020-01-02", // Thu: New Year
			"2020-01-03", // Fri: transfer P1900000820 from 5 Jan (Sun)
			"2020-01-07", // Tue: Orthodox Christmas
			"2020-03-09", // Mon: shift of International Women's Day 8 Mar (Sun)
			"2020-03-23", // Mon: Nauryz
			"2020-03-24", // Tue: shift of Nauryz 21 Mar (Sat)
			"2020-03-25", // Wed: shift of Nauryz 22 Mar (Sun)
			"2020-05-01", // Fri: Unity Day
			"2020-05-07", // Thu: Defender of the Fatherland Day
			"2020-05-08", // Fri: transfer P1900000820 from 11 May (Mon)
			// 2020-05-11 (Mon, shift of Victory Day 9 May (Sat)) is deliberately absent:
			// transfer P1900000820 moved that day off to 8 May, so 11 May is a working day.
			"2020-07-06", // Mon: Capital Day
			"2020-07-31", // Fri: Kurban Ait
			"2020-08-31", // Mon: shift of Constitution Day 30 Aug (Sun)
			"2020-12-01", // Tue: First President Day
			"2020-12-16", // Wed: Independence Day
			"2020-12-17", // Thu: Independence Day (second day)
			"2020-12-18", // Fri: transfer P1900000820 from 20 Dec (Sun)
		},
		WorkingWeekendDays: []string{
			"2020-01-05", // Sun: transfer P1900000820 to 3 Jan (Fri)
			"2020-12-20", // Sun: transfer P1900000820 to 18 Dec (Fri)
		},
	},
	2021: {
		NonWorkingWeekdays: []string{
			"2021-01-01", // Fri: New Year
			"2021-01-04", // Mon: shift of New Year 2 Jan (Sat)
			"2021-01-07", // Thu: Orthodox Christmas
			"2021-03-08", // Mon: International Women's Day
			"2021-03-22", // Mon: Nauryz
			"2021-03-23", // Tue: Nauryz
			"2021-03-24", // Wed: shift of Nauryz 21 Mar (Sun)
			"2021-05-03", // Mon: shift of Unity Day 1 May (Sat)
			"2021-05-07", // Fri: Defender of the Fatherland Day
			"2021-05-10", // Mon: shift of Victory Day 9 May (Sun)
			"2021-07-05", // Mon: transfer P2000000930 from 3 Jul (Sat)
			"2021-07-06", // Tue: Capital Day
			"2021-07-20", // Tue: Kurban Ait
			"2021-08-30", // Mon: Constitution Day
			"2021-12-01", // Wed: First President Day
			"2021-12-16", // Thu: Independence Day
			"2021-12-17", // Fri: Independence Day (second day)
		},
		WorkingWeekendDays: []string{
			"2021-07-03", // Sat: transfer P2000000930 to 5 Jul (Mon)
		},
	},
	2022: {
		NonWorkingWeekdays: []string{
			"2022-01-03", // Mon: shift of New Year 1 Jan (Sat)
			"2022-01-04", // Tue: shift of New Year 2 Jan (Sun)
			"2022-01-07", // Fri: Orthodox Christmas
			"2022-03-07", // Mon: transfer P2200000796 from 5 Mar (Sat)
			"2022-03-08", // Tue: International Women's Day
			"2022-03-21", // Mon: Nauryz
			"2022-03-22", // Tue: Nauryz
			"2022-03-23", // Wed: Nauryz
			"2022-05-02", // Mon: shift of Unity Day 1 May (Sun)
			"2022-05-09", // Mon: Victory Day
			"2022-05-10", // Tue: shift of Defender of the Fatherland Day 7 May (Sat)
			"2022-07-06", // Wed: Capital Day
			"2022-08-29", // Mon: transfer P2200000796 from 27 Aug (Sat)
			"2022-08-30", // Tue: Constitution Day
			"2022-10-24", // Mon: transfer P2200000796 from 22 Oct (Sat)
			"2022-10-25", // Tue: Republic Day
			"2022-12-16", // Fri: Independence Day
		},
		WorkingWeekendDays: []string{
			"2022-03-05", // Sat: transfer P2200000796 to 7 Mar (Mon)
			"2022-08-27", // Sat: transfer P2200000796 to 29 Aug (Mon)
			"2022-10-22", // Sat: transfer P2200000796 to 24 Oct (Mon)
		},
	},
	2023: {
		NonWorkingWeekdays: []string{
			"2023-01-02", // Mon: New Year
			"2023-01-03", // Tue: shift of New Year 1 Jan (Sun)
			"2023-03-08", // Wed: International Women's Day
			"2023-03-21", // Tue: Nauryz
			"2023-03-22", // Wed: Nauryz
			"2023-03-23", // Thu: Nauryz
			"2023-05-01", // Mon: Unity Day
			"2023-05-08", // Mon: shift of Defender of the Fatherland Day 7 May (Sun)
			"2023-05-09", // Tue: Victory Day
			"2023-06-28", // Wed: Kurban Ait
			"2023-07-06", // Thu: Capital Day
			"2023-07-07", // Fri: transfer P2300000326 from 1 Jul (Sat)
			"2023-08-30", // Wed: Constitution Day
			"2023-10-25", // Wed: Republic Day
			"2023-12-18", // Mon: shift of Independence Day 16 Dec (Sat)
		},
		WorkingWeekendDays: []string{
			"2023-07-01", // Sat: transfer P2300000326 to 7 Jul (Fri)
		},
	},
	2024: {
		NonWorkingWeekdays: []string{
			"2024-01-01", // Mon: New Year
			"2024-01-02", // Tue: New Year
			"2024-03-08", // Fri: International Women's Day
			"2024-03-21", // Thu: Nauryz
			"2024-03-22", // Fri: Nauryz
			"2024-03-25", // Mon: shift of Nauryz 23 Mar (Sat)
			"2024-05-01", // Wed: Unity Day
			"2024-05-07", // Tue: Defender of the Fatherland Day
			"2024-05-08", // Wed: transfer G24G0000109 from 4 May (Sat)
			"2024-05-09", // Thu: Victory Day
			"2024-07-08", // Mon: shift of Capital Day 6 Jul (Sat)
			"2024-08-30", // Fri: Constitution Day
			"2024-10-25", // Fri: Republic Day
			"2024-12-16", // Mon: Independence Day
		},
		WorkingWeekendDays: []string{
			"2024-05-04", // Sat: transfer G24G0000109 to 8 May (Wed)
		},
	},
	2025: {
		NonWorkingWeekdays: []string{
			"2025-01-01", // Wed: New Year
			"2025-01-02", // Thu: New Year
			"2025-01-03", // Fri: transfer G24G0000436 from 5 Jan (Sun)
			"2025-01-07", // Tue: Orthodox Christmas
			"2025-03-10", // Mon: shift of International Women's Day 8 Mar (Sat)
			"2025-03-21", // Fri: Nauryz
			"2025-03-24", // Mon: shift of Nauryz 22 Mar (Sat)
			"2025-03-25", // Tue: shift of Nauryz 23 Mar (Sun)
			"2025-05-01", // Thu: Unity Day
			"2025-05-07", // Wed: Defender of the Fatherland Day
			"2025-05-09", // Fri: Victory Day
			"2025-06-06", // Fri: Kurban Ait
			"2025-07-07", // Mon: shift of Capital Day 6 Jul (Sun)
			"2025-09-01", // Mon: shift of Constitution Day 30 Aug (Sat)
			"2025-10-27", // Mon: shift of Republic Day 25 Oct (Sat)
			"2025-12-16", // Tue: Independence Day
		},
		WorkingWeekendDays: []string{
			"2025-01-05", // Sun: transfer G24G0000436 to 3 Jan (Fri)
		},
	},
	2026: {
		NonWorkingWeekdays: []string{
			"2026-01-01", // Thu: New Year
			"2026-01-02", // Fri: New Year
			"2026-01-07", // Wed: Orthodox Christmas
			"2026-03-09", // Mon: shift of International Women's Day 8 Mar (Sun)
			"2026-03-23", // Mon: Nauryz
			"2026-03-24", // Tue: shift of Nauryz 21 Mar (Sat)
			"2026-03-25", // Wed: shift of Nauryz 22 Mar (Sun)
			"2026-05-01", // Fri: Unity Day
			"2026-05-07", // Thu: Defender of the Fatherland Day
			"2026-05-11", // Mon: shift of Victory Day 9 May (Sat)
			"2026-05-27", // Wed: Kurban Ait
			"2026-07-06", // Mon: Capital Day
			"2026-10-26", // Mon: shift of Republic Day 25 Oct (Sun)
			"2026-12-16", // Wed: Independence Day
		},
		WorkingWeekendDays: nil, // no transfers onto weekend days
	},
	2027: {
		NonWorkingWeekdays: []string{
			"2027-01-01", // Fri: New Year
			"2027-01-04", // Mon: shift of New Year 2 Jan (Sat)
			"2027-01-07", // Thu: Orthodox Christmas
			"2027-03-08", // Mon: International Women's Day
			"2027-03-15", // Mon: Constitution Day
			"2027-03-22", // Mon: Nauryz
			"2027-03-23", // Tue: Nauryz
			"2027-03-24", // Wed: shift of Nauryz 21 Mar (Sun)
			"2027-05-03", // Mon: shift of Unity Day 1 May (Sat)
			"2027-05-07", // Fri: Defender of the Fatherland Day
			"2027-05-10", // Mon: shift of Victory Day 9 May (Sun)
			"2027-07-06", // Tue: Capital Day
			"2027-10-25", // Mon: Republic Day
			"2027-12-16", // Thu: Independence Day
		},
		WorkingWeekendDays: nil, // no transfers onto weekend days
	},
}
