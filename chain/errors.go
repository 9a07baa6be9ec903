package chain

import "github.com/qyzmet/qyzmet/deadlines"

// The package's error categories are deadlines' sentinels, so one errors.Is
// works across qyzmet's packages. Every error for bad input is a
// *deadlines.RuleError naming the Rules472 point and the field.
var (
	ErrInvalid  = deadlines.ErrInvalid  // bad input; nothing changed
	ErrNotFound = deadlines.ErrNotFound // no such definition, application or component
	ErrConflict = deadlines.ErrConflict // exists already, or the step is out of order
)

// rule is the citation of point p of Rules472.
func rule(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules472, p) }
