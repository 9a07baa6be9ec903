package memory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/adapters/storetest"
	"github.com/qyzmet/qyzmet/deadlines"
)

// TamperAudit changes the audit log behind the store's back, as someone
// with access to its memory could: the conformance suite's hook.
func TamperAudit(s *Store, aggregate string, seq int, how storetest.Tampering) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if how == storetest.DeleteAggregate {
		if _, ok := s.journal.heads[aggregate]; !ok {
			return fmt.Errorf("memory: no aggregate %s: %w", aggregate, deadlines.ErrNotFound)
		}
		delete(s.journal.heads, aggregate)
		delete(s.journal.trails, aggregate)
		if id, ok := strings.CutPrefix(aggregate, "onboardings/"); ok {
			delete(s.onboardings, id)
			delete(s.scheduled, id)
		}
		return nil
	}
	trail := s.journal.trails[aggregate]
	i := slices.IndexFunc(trail, func(e audit.Entry) bool { return e.Seq == seq })
	if i < 0 {
		return fmt.Errorf("memory: no audit entry %s #%d: %w", aggregate, seq, deadlines.ErrNotFound)
	}
	trail = slices.Clone(trail)
	switch how {
	case storetest.EditEntry:
		trail[i].Actor += " (edited)"
	case storetest.DeleteEntry:
		trail = slices.Delete(trail, i, i+1)
	case storetest.ReorderEntry:
		e := trail[i]
		trail = append(slices.Delete(trail, i, i+1), e)
	case storetest.RewriteChain:
		trail[i].Actor += " (rewritten)"
		for k := i; k < len(trail); k++ {
			var prev *audit.Entry
			if k > 0 {
				prev = &trail[k-1]
			}
			trail[k] = audit.Next(prev, trail[k])
		}
		s.journal.heads[aggregate] = trail[len(trail)-1].Hash
	default:
		return fmt.Errorf("memory: tampering %v: %w", how, deadlines.ErrInvalid)
	}
	s.journal.trails[aggregate] = trail
	return nil
}
