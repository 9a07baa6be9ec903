package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

// conformanceStores are the stores the suite tests, all s. Whatever a test
// did, unless it tampered with the audit log, the audit chains still
// verify when it ends (the check runs before the store is closed).
func conformanceStores(tb testing.TB, s *sqlstore.Store) storetest.Stores {
	tampered := false
	tb.Cleanup(func() {
		if !tampered {
			require.NoError(tb, s.VerifyAudit(context.Background()))
		}
	})
	return storetest.Stores{Calendars: s, Timers: s, Onboarding: s, Chain: s, Reports: s, Desk: s, Appeals: s, Audit: s, Outbox: s,
		TamperAudit: func(ctx context.Context, aggregate string, seq int, how storetest.Tampering) error {
			tampered = true
			return tamperAudit(ctx, s, aggregate, seq, how)
		}}
}

// tamperAudit changes one row of the audit table, as someone with write
// access to the database could.
func tamperAudit(ctx context.Context, s *sqlstore.Store, aggregate string, seq int, how storetest.Tampering) error {
	q := func(query string) string { // the dialect's placeholders
		if s.Dialect() != "postgres" {
			return query
		}
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
		return query
	}
	table, id, _ := strings.Cut(aggregate, "/") // the suite tampers with aggregates keyed by id
	switch how {
	case storetest.DeleteAggregate:
		for _, query := range []string{`DELETE FROM audit WHERE aggregate = ?`, `DELETE FROM ` + table + ` WHERE id = ?`} {
			arg := aggregate
			if !strings.HasPrefix(query, "DELETE FROM audit") {
				arg = id
			}
			if _, err := s.DB().ExecContext(ctx, q(query), arg); err != nil {
				return err
			}
		}
		return nil
	case storetest.RewriteChain:
		trail, err := s.AuditTrail(ctx, aggregate)
		if err != nil {
			return err
		}
		for k := seq - 1; k < len(trail); k++ {
			if k == seq-1 {
				trail[k].Actor += " (rewritten)"
			}
			var prev *audit.Entry
			if k > 0 {
				prev = &trail[k-1]
			}
			trail[k] = audit.Next(prev, trail[k])
			raw, err := json.Marshal(trail[k])
			if err != nil {
				return err
			}
			if _, err := s.DB().ExecContext(ctx, q(`UPDATE audit SET entry = ? WHERE aggregate = ? AND seq = ?`), string(raw), aggregate, trail[k].Seq); err != nil {
				return err
			}
		}
		last := trail[len(trail)-1]
		_, err = s.DB().ExecContext(ctx, q(`UPDATE `+table+` SET audit_head = ? WHERE id = ?`), fmt.Sprintf("%d:%s", last.Seq, last.Hash), id)
		return err
	}
	var query string
	args := []any{aggregate, seq}
	switch how {
	case storetest.EditEntry:
		var raw string
		if err := s.DB().QueryRowContext(ctx, q(`SELECT entry FROM audit WHERE aggregate = ? AND seq = ?`), aggregate, seq).Scan(&raw); err != nil {
			return err
		}
		var e audit.Entry
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return err
		}
		e.Actor += " (edited)"
		edited, err := json.Marshal(e)
		if err != nil {
			return err
		}
		query, args = `UPDATE audit SET entry = ? WHERE aggregate = ? AND seq = ?`, append([]any{string(edited)}, args...)
	case storetest.DeleteEntry:
		query = `DELETE FROM audit WHERE aggregate = ? AND seq = ?`
	case storetest.ReorderEntry:
		query = `UPDATE audit SET id = (SELECT MAX(id) + 1 FROM audit) WHERE aggregate = ? AND seq = ?`
	default:
		return fmt.Errorf("tampering %v: unknown", how)
	}
	res, err := s.DB().ExecContext(ctx, q(query), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("tampering %v with %s #%d: %d rows, %v", how, aggregate, seq, n, err)
	}
	return nil
}
