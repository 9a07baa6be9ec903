package deadlines_test

import (
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// A term carries the rule that sets it; its deadline records the calendar
// data version and ends at 24:00 local of the due date.
func ExampleTerm_Due() {
	c := kz.Calendar()
	appointed := c.Date(2025, 3, 20).Add(11 * time.Hour)
	information := deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: deadlines.Cite(deadlines.Rules130, 5)}
	d, err := information.Due(c, appointed)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Rule, "|", d)
	fmt.Println("ends", d.Ends.Format(time.RFC3339))

	goLive := deadlines.Term{Kind: deadlines.WorkingDaysAfter, N: 5, Rule: deadlines.Cite(deadlines.Rules130, 9)}
	live, _ := goLive.Due(c, appointed)
	fmt.Println(live.Rule, "|", live)

	report := deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: deadlines.Cite(deadlines.Rules130, 14)}
	r, _ := report.Due(c, c.Date(2025, 9, 30))
	fmt.Println(r.Rule, "|", r)

	_, err = deadlines.Term{Kind: deadlines.WorkingDays, N: -1, Rule: deadlines.Cite(deadlines.Rules130, 5)}.Due(c, appointed)
	fmt.Println(err)
	// Output:
	// Rules130 p.5 | within 5 working days of 2025-03-20 (Rules130 p.5), due 2025-04-01
	// ends 2025-04-02T00:00:00+05:00
	// Rules130 p.9 | 5 working days after 2025-03-20 (Rules130 p.9), due 2025-04-02
	// Rules130 p.14 | by day 5 of the month after 2025-09-30 (Rules130 p.14), due 2025-10-06
	// Rules130 p.5: n: invalid input: a term cannot be negative, got -1
}
