package chain

import (
	"errors"
	"slices"
	"strings"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// The package's error categories are deadlines' sentinels, so one errors.Is
// works across qyzmet's packages. Every error for bad input is a
// *deadlines.RuleError naming the Rules472 point and the field.
var (
	ErrInvalid  = deadlines.ErrInvalid  // bad input; nothing changed
	ErrNotFound = deadlines.ErrNotFound // no such definition, application or component
	ErrConflict = deadlines.ErrConflict // exists already, or the step is out of order
	// ErrDataUnavailable: data a component needs are not in state
	// information systems, so the application is not accepted (Rules472
	// p.3). A *MissingDataError carries it and matches ErrInvalid too.
	ErrDataUnavailable = errors.New("data not available in state information systems")
)

// rule is the citation of point p of Rules472.
func rule(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules472, p) }

// Points are the points of Rules472 this package implements, and where.
var Points = map[int]string{
	2:  "composite service of component services, recipient, provider: Definition, Validate, Router.RegisterDefinition",
	3:  "delivered on one application only when the data are in state information systems: DataAvailability, Submit, MissingDataError",
	4:  "each component's delivery is a result of the composite service: Router.Complete",
	5:  "each component's term from receipt by its provider, conditional terms: Component.TermFor, receipt timers",
	6:  "fee, cost, payment method and receipt form: Fee, Router.Pay, Payment",
	7:  "first to the provider whose result is a prerequisite, then enriched: Roots, Requires, routing, Application.Data",
	8:  "sent automatically; the EDS-signed application stored and verifiable: SignatureVerifier, Signed, Dispatcher, Redeliver",
	9:  "order and status of every component for the recipient and the UCC: ForRecipient, RecipientApplications, ForUCC",
	10: "refusal on the grounds of the by-laws; dependants stop: Router.Refuse",
	11: "results issued as the by-laws set: Result, Issued",
	12: "appeals as the by-laws set: Appeal, Router.Appeal, Router.DecideAppeal",
	13: "electronic and/or paper acceptance and results: Channel",
}

// identityNumbers checks the identity numbers among an application's data
// or a result's fields: by convention a key ending in "_iin" holds a
// person's IIN and one ending in "_bin" a legal entity's BIN, and each must
// pass its checksum (an empty value is left to the required-field checks).
// The errors name prefix+key, in key order.
func identityNumbers(r deadlines.Citation, prefix string, m map[string]string) []error {
	var errs []*deadlines.RuleError
	for k, v := range m {
		var err error
		switch {
		case v == "":
			continue
		case strings.HasSuffix(k, "_iin"):
			err = kzid.ValidateIIN(v)
		case strings.HasSuffix(k, "_bin"):
			err = kzid.ValidateBIN(v)
		default:
			continue
		}
		if err != nil {
			errs = append(errs, &deadlines.RuleError{Rule: r, Field: prefix + k, Err: err})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	slices.SortFunc(errs, func(a, b *deadlines.RuleError) int { return strings.Compare(a.Field, b.Field) })
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}
