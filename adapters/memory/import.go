package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/qyzmet/qyzmet/reports"
)

var _ reports.AppealImporter = (*Store)(nil)

// ImportAppeals implements reports.AppealImporter. The sequence is read
// without the lock (it may read the store); the appeals are then checked
// against the register and added under one hold of the lock, all or none.
func (s *Store) ImportAppeals(ctx context.Context, appeals iter.Seq2[reports.Appeal, error]) (int, error) {
	var batch []reports.Appeal
	lines := map[string]int{} // ID → line
	for a, err := range appeals {
		if err != nil {
			return 0, fmt.Errorf("memory: importing appeals: %w", err)
		}
		line := len(batch) + 1
		if _, dup := lines[a.ID]; dup {
			return 0, reports.DuplicateAppeal(line, a.ID)
		}
		lines[a.ID] = line
		batch = append(batch, a)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &s.reports
	for i, a := range batch {
		if _, ok := r.appeals[a.ID]; ok {
			return 0, reports.DuplicateAppeal(i+1, a.ID)
		}
	}
	keys := make([]appealKey, len(batch))
	for i, a := range batch {
		r.appeals[a.ID] = a
		keys[i] = appealKey{a.ReceivedAt.UnixNano(), a.ID}
	}
	slices.SortFunc(keys, compareAppealKeys)
	merged := make([]appealKey, 0, len(r.order)+len(keys))
	i, j := 0, 0
	for i < len(r.order) && j < len(keys) {
		if compareAppealKeys(r.order[i], keys[j]) <= 0 {
			merged = append(merged, r.order[i])
			i++
		} else {
			merged = append(merged, keys[j])
			j++
		}
	}
	r.order = append(append(merged, r.order[i:]...), keys[j:]...)
	return len(batch), nil
}
