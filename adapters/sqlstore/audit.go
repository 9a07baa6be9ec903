package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
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
	var heads map[string]string
	trails := map[string][]audit.Entry{}
	var notJSON error
	err := s.readSnapshot(ctx, func(q querier) error {
		var err error
		if heads, err = auditHeads(ctx, q); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT entry FROM audit ORDER BY id`)
		if err != nil {
			return fmt.Errorf("sqlstore: audit entries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var raw string
			if err := rows.Scan(&raw); err != nil {
				return fmt.Errorf("sqlstore: audit entries: %w", err)
			}
			var e audit.Entry
			if err := decode([]byte(raw), &e); err != nil {
				notJSON = &audit.TamperError{Problems: []audit.Problem{{Kind: audit.Edited, Detail: "an entry that is not JSON: " + err.Error()}}}
				return nil
			}
			trails[e.Aggregate] = append(trails[e.Aggregate], e)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: audit entries: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if notJSON != nil {
		return notJSON
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
// to keep outside the database for VerifyAuditAnchored. A row stored
// before it was audited (migration 003) has no head and is left out.
func (s *Store) AuditHeads(ctx context.Context) ([]audit.Head, error) {
	var heads map[string]string
	err := s.readSnapshot(ctx, func(q querier) (err error) {
		heads, err = auditHeads(ctx, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]audit.Head, 0, len(heads))
	for agg, h := range heads {
		if e := parseHead(h); e != nil {
			out = append(out, audit.Head{Aggregate: agg, Seq: e.Seq, Hash: e.Hash})
		}
	}
	slices.SortFunc(out, func(a, b audit.Head) int { return cmp.Compare(a.Aggregate, b.Aggregate) })
	return out, nil
}

// auditHeads reads every audited row's audit_head, by aggregate.
func auditHeads(ctx context.Context, q querier) (map[string]string, error) {
	heads := map[string]string{}
	for _, t := range auditedTables {
		rows, err := q.QueryContext(ctx, `SELECT `+t.key+`, audit_head FROM `+t.name)
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

// readSnapshot runs fn in a read-only transaction, so that all it reads
// is one state of the database: REPEATABLE READ on PostgreSQL; on SQLite
// a deferred transaction (the driver begins a read-only one so, whatever
// the DSN's _txlock), whose first read fixes a WAL snapshot and which,
// unlike the store's write transactions, blocks no writer.
func (s *Store) readSnapshot(ctx context.Context, fn func(querier) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlstore: beginning a read: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to keep
	return fn(tx)
}
