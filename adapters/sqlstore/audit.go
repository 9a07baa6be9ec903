package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

// auditedTables are the tables whose rows keep an audit head, with the SQL
// of the key their audit entries are named by ("<table>/<key>").
var auditedTables = []struct{ name, key string }{
	{"timers", "id"}, {"bodies", "id"}, {"services", "id"}, {"onboardings", "id"}, {"requests", "id"},
	{"ledgers", "body_id || '/' || period"}, {"quality_trainings", "id"}, {"definitions", "id"},
	{"applications", "id"}, {"appeals", "id"}, {"monthly_reports", "period"}, {"reconciliations", "id"},
	{"desk_deliveries", "id"}, {"access_log", "principal"}, {"calendars", "name"},
}

// AuditTrail returns an aggregate's audit entries ("applications/<id>",
// "onboardings/<id>", "ledgers/<body>/<period>", …) in sequence order.
func (s *Store) AuditTrail(ctx context.Context, aggregate string) ([]audit.Entry, error) {
	es, err := listDocs[audit.Entry](ctx, s, "audit entries", `SELECT entry FROM audit WHERE aggregate = ? ORDER BY seq`, aggregate)
	return values(es), err
}

// VerifyAudit checks every aggregate's audit chain against the head its row
// keeps and returns a *audit.TamperError (errors.Is audit.ErrTampered)
// naming every edited, deleted or reordered entry, or nil.
func (s *Store) VerifyAudit(ctx context.Context) error {
	return s.VerifyAuditAnchored(ctx, nil)
}

// VerifyAuditAnchored is VerifyAudit that also checks an anchor (heads
// taken with AuditHeads and kept outside the database): an aggregate
// deleted with its whole chain, or a chain rewritten with its head, since
// the anchor was taken is reported too (audit.VerifyAnchored).
func (s *Store) VerifyAuditAnchored(ctx context.Context, anchor []audit.Head) error {
	heads, err := s.auditHeads(ctx)
	if err != nil {
		return err
	}
	trails := map[string][]audit.Entry{}
	erows, err := s.db.QueryContext(ctx, `SELECT entry FROM audit ORDER BY id`)
	if err != nil {
		return fmt.Errorf("sqlstore: audit entries: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var raw string
		if err := erows.Scan(&raw); err != nil {
			return err
		}
		var e audit.Entry
		if err := decode([]byte(raw), &e); err != nil {
			return &audit.TamperError{Problems: []audit.Problem{{Kind: audit.Edited, Detail: "an entry that is not JSON: " + err.Error()}}}
		}
		trails[e.Aggregate] = append(trails[e.Aggregate], e)
	}
	if err := erows.Err(); err != nil {
		return err
	}
	problems := audit.VerifyAnchored(anchor, trails)
	for agg, h := range heads {
		problems = append(problems, audit.Verify(agg, trails[agg], hashOf(h))...)
	}
	for agg := range trails {
		if _, ok := heads[agg]; !ok {
			problems = append(problems, audit.Problem{Aggregate: agg, Kind: audit.Deleted, Detail: "entries of an aggregate that is gone"})
		}
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b audit.Problem) int {
			return cmp.Or(cmp.Compare(a.Aggregate, b.Aggregate), cmp.Compare(a.Seq, b.Seq))
		})
		return &audit.TamperError{Problems: problems}
	}
	return nil
}

// AuditHeads returns every aggregate's head, in aggregate order: an anchor
// to keep outside the database for VerifyAuditAnchored.
func (s *Store) AuditHeads(ctx context.Context) ([]audit.Head, error) {
	heads, err := s.auditHeads(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Head, 0, len(heads))
	for agg, h := range heads {
		hd := audit.Head{Aggregate: agg, Hash: h}
		if e := parseHead(h); e != nil {
			hd.Seq, hd.Hash = e.Seq, e.Hash
		}
		out = append(out, hd)
	}
	slices.SortFunc(out, func(a, b audit.Head) int { return cmp.Compare(a.Aggregate, b.Aggregate) })
	return out, nil
}

// auditHeads reads every audited row's audit_head, by aggregate.
func (s *Store) auditHeads(ctx context.Context) (map[string]string, error) {
	heads := map[string]string{}
	for _, t := range auditedTables {
		rows, err := s.db.QueryContext(ctx, `SELECT `+t.key+`, audit_head FROM `+t.name)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: audit heads of %s: %w", t.name, err)
		}
		for rows.Next() {
			var id, h string
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: audit heads of %s: %w", t.name, err)
			}
			heads[t.name+"/"+id] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: audit heads of %s: %w", t.name, err)
		}
	}
	return heads, nil
}

func hashOf(head string) string {
	if e := parseHead(head); e != nil {
		return e.Hash
	}
	return head
}
