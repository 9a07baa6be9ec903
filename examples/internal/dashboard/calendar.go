package dashboard

import (
	"net/http"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// The years a deadlines.Calendar is compiled for.
const minYear, maxYear = 1992, 2100

// calDay is one cell of a month grid.
type calDay struct {
	Day     int
	Date    string
	Kind    string // the DayKind: working, weekend, holiday, weekend-shift, transferred-off, transferred-working
	Workday bool
	Note    string // the holiday's name or the decree
	Today   bool
}

// month is one month grid: weeks of seven cells from Monday, blanks as
// zero days.
type month struct {
	Name     string
	Weeks    [][]calDay
	Workdays int
}

func (h *handler) calendar(w http.ResponseWriter, r *http.Request) {
	pg := h.newPage(w, r, "cal.title")
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < minYear || year > maxYear {
		h.fail(w, r, notFound("calendar year "+r.PathValue("year")))
		return
	}
	cal := h.Calendar
	today := pg.Now.Format(time.DateOnly)
	var months []month
	for m := time.January; m <= time.December; m++ {
		mo := month{Name: translate(pg.Lang, "month."+strconv.Itoa(int(m)))}
		first := cal.Date(year, m, 1)
		week := make([]calDay, (int(first.Weekday())+6)%7) // blanks before Monday-first
		for d := first; d.Month() == m; d = cal.Date(year, m, d.Day()+1) {
			info := cal.Explain(d)
			cell := calDay{Day: d.Day(), Date: d.Format(time.DateOnly), Kind: info.Kind.String(), Workday: info.Workday}
			cell.Today = cell.Date == today
			switch {
			case info.Holiday != nil:
				cell.Note = info.Holiday.Names.In(pg.Lang)
			case info.Transfer != nil:
				cell.Note = info.Transfer.Decree
			}
			if info.Workday {
				mo.Workdays++
			}
			week = append(week, cell)
			if len(week) == 7 {
				mo.Weeks = append(mo.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, calDay{})
			}
			mo.Weeks = append(mo.Weeks, week)
		}
		months = append(months, mo)
	}
	days := make([]string, 7)
	for i := range days {
		days[i] = translate(pg.Lang, "weekday."+strconv.Itoa(i+1))
	}
	h.render(w, "calendar", http.StatusOK, struct {
		page
		Year       int
		Prev, Next string
		Months     []month
		Weekdays   []string
		Estimated  bool
		Version    string
		Zone       string
		Kinds      []string
	}{pg, year, "/ui/calendar/" + strconv.Itoa(year-1), "/ui/calendar/" + strconv.Itoa(year+1), months, days,
		!cal.Confirmed(year), cal.Version(), cal.Location().String(),
		[]string{deadlines.DayWorking.String(), deadlines.DayWeekend.String(), deadlines.DayHoliday.String(), deadlines.DayWeekendShift.String(),
			deadlines.DayTransferredOff.String(), deadlines.DayTransferredWorking.String()}})
}
