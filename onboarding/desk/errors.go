package desk

import "github.com/qyzmet/qyzmet/deadlines"

// The package's error categories are deadlines' sentinels, so one errors.Is
// works across qyzmet's packages. Every error for bad input is a
// *deadlines.RuleError naming the rule and the field.
var (
	ErrInvalid  = deadlines.ErrInvalid  // bad input; nothing changed
	ErrNotFound = deadlines.ErrNotFound // no such service, delivery or application
	ErrConflict = deadlines.ErrConflict // exists already, or the stage is out of order
)

// r130 is the citation of point p of Rules130; r472 of Rules472.
func r130(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules130, p) }
func r472(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules472, p) }

// Points are the points this package implements, and where. A test checks
// that each has a TestRules130_P<N>_ or TestRules472_P<N>_ test.
var Points = map[deadlines.Citation]string{
	r130(3):  "the UCC informs only about services accepted for consultation; any other answers \"not accepted for consultation\": Desk.Search, Desk.Service",
	r130(5):  "the information the responsible person provided, as a UCC employee entered it into the UCC database: ServiceAnswer.Providers",
	r130(6):  "an updated version replaces the information operators use once entered: Desk.Service reads the current version",
	r130(9):  "a service accepted but not yet live answers with the date the UCC starts informing: ServiceAnswer.LiveFrom",
	r130(13): "providers record the stage of each delivery in the Monitoring information system, so the UCC tells the current stage: Feed.Receive, Feed.Record, Desk.ByApplication, Desk.ByRecipient, stage-lag escalation",
	r472(9):  "the order and status of every component of a composite application through the UCC: Feed.PublishApplication, PublishingStore, ApplicationAnswer.Components",
}
