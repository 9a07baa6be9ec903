package reports

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// AppealImporter is the bulk path into the appeal register: a store that
// has it takes a whole import in one or a few transactions instead of one
// per appeal. Service.ImportAppeals validates the appeals before the store
// sees them.
type AppealImporter interface {
	// ImportAppeals stores every appeal the sequence yields, all or
	// nothing, and returns how many it stored. Line n is the n-th appeal
	// (1-based). When the sequence yields an error, nothing is stored and
	// the error is returned wrapped. When an appeal's ID exists already, in
	// the store or earlier in the sequence, nothing is stored and the error
	// is the one DuplicateAppeal returns for its line (errors.Is
	// ErrConflict, errors.As *LineError). The store keeps its own copies
	// and does not retain the sequence. The sequence may call the store's
	// read methods while it is consumed. Must be safe for concurrent use.
	ImportAppeals(ctx context.Context, appeals iter.Seq2[Appeal, error]) (int, error)
}

// DuplicateAppeal is the error for line `line` of an import, whose appeal
// ID exists already: a *LineError around a p.14 *deadlines.RuleError on
// "id" that wraps ErrConflict. Stores implementing AppealImporter return it.
func DuplicateAppeal(line int, id string) error {
	return &LineError{Line: line, Field: "id", Err: &deadlines.RuleError{Rule: rule(14), Field: "id",
		Err: fmt.Errorf("appeal %q is in the register already: %w", id, ErrConflict)}}
}

// MaxImportProblems bounds how many problems ImportAppeals reports: it
// stops reading the import after that many.
const MaxImportProblems = 100

// ImportAppeals validates every appeal of an import as RecordAppeal does
// (Rules130 p.14, Appendix 2) and enters them all into the register, or
// none. Line n is the n-th appeal (1-based). Every invalid line is
// reported, up to MaxImportProblems, as a *LineError per field problem
// (errors.Is ErrInvalid); a duplicate ID is reported by the store (see
// AppealImporter); an error the sequence yields stops the import and is
// returned. Empty IDs are generated; RecordedAt and RecordedBy are set to
// the clock's now and actor. It returns how many appeals were stored. The
// store must implement AppealImporter; otherwise the error wraps
// errors.ErrUnsupported and nothing is read.
func (s *Service) ImportAppeals(ctx context.Context, appeals iter.Seq2[Appeal, error], actor string) (int, error) {
	im, ok := s.store.(AppealImporter)
	if !ok {
		return 0, fmt.Errorf("reports: importing appeals: the store has no bulk path: %w", errors.ErrUnsupported)
	}
	if strings.TrimSpace(actor) == "" {
		return 0, deadlines.Invalid(rule(14), "actor", "who imports the appeals is required")
	}
	n, err := im.ImportAppeals(ctx, s.validAppeals(ctx, appeals, actor))
	if err != nil {
		return 0, fmt.Errorf("reports: importing appeals: %w", err)
	}
	return n, nil
}

// validAppeals yields the appeals of an import, completed, while they are
// all valid. On the first problem it stops yielding appeals but goes on
// validating, so that every problem (up to MaxImportProblems) is reported,
// and then yields them joined.
func (s *Service) validAppeals(ctx context.Context, appeals iter.Seq2[Appeal, error], actor string) iter.Seq2[Appeal, error] {
	return func(yield func(Appeal, error) bool) {
		now := s.clock.Now()
		refs := refCache{bodies: map[string]bodyRef{}, services: map[string]serviceRef{}}
		var problems []error
		line := 0
		for a, err := range appeals {
			line++
			if err != nil {
				problems = append(problems, err)
				break
			}
			errs := a.validate(now)
			errs = append(errs, s.checkRefs(ctx, &a, &refs)...)
			for _, e := range errs {
				field := ""
				if re, ok := e.(*deadlines.RuleError); ok {
					field = re.Field
				}
				problems = append(problems, &LineError{Line: line, Field: field, Err: e})
			}
			if len(problems) >= MaxImportProblems {
				break
			}
			if len(problems) > 0 {
				continue
			}
			if a.ID == "" {
				a.ID = s.newID()
			}
			a.RecordedAt, a.RecordedBy = now, actor
			if !yield(a, nil) {
				return
			}
		}
		if len(problems) > 0 {
			if len(problems) > MaxImportProblems {
				problems = problems[:MaxImportProblems]
			}
			yield(Appeal{}, errors.Join(problems...))
		}
	}
}

// refCache remembers the bodies and services an import has looked up.
type refCache struct {
	bodies   map[string]bodyRef
	services map[string]serviceRef
}

type bodyRef struct {
	body onboarding.Body
	err  error
}

type serviceRef struct {
	svc onboarding.StateService
	err error
}

// checkRefs checks that the appeal's body is a registered provider of its
// service (p.14), looking each up once per cache.
func (s *Service) checkRefs(ctx context.Context, a *Appeal, cache *refCache) []error {
	var errs []error
	var body onboarding.Body
	if strings.TrimSpace(a.BodyID) != "" {
		r, ok := cache.bodies[a.BodyID]
		if !ok {
			r.body, r.err = s.store.GetBody(ctx, a.BodyID)
			cache.bodies[a.BodyID] = r
		}
		switch {
		case errors.Is(r.err, ErrNotFound):
			errs = append(errs, deadlines.Invalid(rule(14), "body_id", "no body "+a.BodyID+" is registered"))
		case r.err != nil:
			errs = append(errs, &deadlines.RuleError{Rule: rule(14), Field: "body_id", Err: r.err})
		case !r.body.Kind.Provider():
			errs = append(errs, deadlines.Invalid(rule(14), "body_id", r.body.ID+" is a "+r.body.Kind.String()+", not a service provider"))
		default:
			body = r.body
		}
	}
	if strings.TrimSpace(a.ServiceID) != "" {
		r, ok := cache.services[a.ServiceID]
		if !ok {
			r.svc, r.err = s.store.GetService(ctx, a.ServiceID)
			cache.services[a.ServiceID] = r
		}
		switch {
		case errors.Is(r.err, ErrNotFound):
			errs = append(errs, deadlines.Invalid(rule(14), "service_id", "no service "+a.ServiceID+" is registered"))
		case r.err != nil:
			errs = append(errs, &deadlines.RuleError{Rule: rule(14), Field: "service_id", Err: r.err})
		case body.ID != "" && !slices.Contains(r.svc.Providers, body.ID):
			errs = append(errs, deadlines.Invalid(rule(14), "service_id", body.ID+" does not provide service "+r.svc.ID))
		}
	}
	return errs
}

// AppealLines adapts a slice to the sequence ImportAppeals takes.
func AppealLines(appeals []Appeal) iter.Seq2[Appeal, error] {
	return func(yield func(Appeal, error) bool) {
		for _, a := range appeals {
			if !yield(a, nil) {
				return
			}
		}
	}
}
