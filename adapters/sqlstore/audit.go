package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

// auditedTables are the tables whose rows keep an audit head.
var auditedTables = []string{"timers", "bodies", "services", "onboardings", "requests", "quality_trainings", "definitions", "applications", "appeals", "reconciliations", "desk_deliveries"}

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
	heads := map[string]string{}
	for _, t := range auditedTables {
		rows, err := s.db.QueryContext(ctx, `SELECT id, audit_head FROM `+t)
		if err != nil {
			return fmt.Errorf("sqlstore: audit heads of %s: %w", t, err)
		}
		for rows.Next() {
			var id, h string
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: audit heads of %s: %w", t, err)
			}
			heads[t+"/"+id] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	months, err := s.db.QueryContext(ctx, `SELECT period, audit_head FROM monthly_reports`)
	if err != nil {
		return fmt.Errorf("sqlstore: audit heads of monthly_reports: %w", err)
	}
	for months.Next() {
		var p, h string
		if err := months.Scan(&p, &h); err != nil {
			months.Close()
			return err
		}
		heads["monthly_reports/"+p] = h
	}
	months.Close()
	rows, err := s.db.QueryContext(ctx, `SELECT body_id, period, audit_head FROM ledgers`)
	if err != nil {
		return fmt.Errorf("sqlstore: audit heads of ledgers: %w", err)
	}
	for rows.Next() {
		var b, p, h string
		if err := rows.Scan(&b, &p, &h); err != nil {
			rows.Close()
			return err
		}
		heads["ledgers/"+b+"/"+p] = h
	}
	rows.Close()

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
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return &audit.TamperError{Problems: []audit.Problem{{Kind: audit.Edited, Detail: "an entry that is not JSON: " + err.Error()}}}
		}
		trails[e.Aggregate] = append(trails[e.Aggregate], e)
	}
	if err := erows.Err(); err != nil {
		return err
	}
	var problems []audit.Problem
	for agg, h := range heads {
		problems = append(problems, audit.Verify(agg, trails[agg], hashOf(h))...)
		delete(trails, agg)
	}
	for agg := range trails {
		problems = append(problems, audit.Problem{Aggregate: agg, Kind: audit.Deleted, Detail: "entries of an aggregate that is gone"})
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b audit.Problem) int {
			return cmp.Or(cmp.Compare(a.Aggregate, b.Aggregate), cmp.Compare(a.Seq, b.Seq))
		})
		return &audit.TamperError{Problems: problems}
	}
	return nil
}

func hashOf(head string) string {
	if e := parseHead(head); e != nil {
		return e.Hash
	}
	return head
}
