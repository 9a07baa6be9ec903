package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

// Denial is one refused request: who asked for what and was told no.
type Denial struct {
	Principal string // the caller's name; never a key or a session
	Role      string
	Route     string // the route pattern, e.g. "GET /v1/deadlines" (never the path: it may carry an IIN)
	Status    int    // 401, 403 or 404
}

// RecordDenial appends d to the tamper-evident audit log of the
// principal's "access_log/<principal>" aggregate, chained to their earlier
// denials, in one transaction. The entry's Type reads
// "denied <status> <route>" and its Actor is the principal, so the log
// itself says what was refused; VerifyAudit checks the chain like every
// other aggregate's.
func (s *Store) RecordDenial(ctx context.Context, d Denial) error {
	if strings.TrimSpace(d.Principal) == "" {
		return fmt.Errorf("sqlstore: recording a denial: no principal")
	}
	return s.inTxn(ctx, func(tx *txn) error {
		if err := tx.exec(ctx, recordingDenial, `INSERT INTO access_log (principal) VALUES (?) ON CONFLICT DO NOTHING`, d.Principal); err != nil {
			return err
		}
		var prev string
		if err := tx.queryRow(ctx, `SELECT audit_head FROM access_log WHERE principal = ?`+s.d.forUpdate, []any{d.Principal}, &prev); err != nil {
			return recordingDenial(err)
		}
		e := audit.Next(parseHead(prev), audit.Entry{
			Aggregate: "access_log/" + d.Principal, Type: "denied " + strconv.Itoa(d.Status) + " " + d.Route,
			Actor: d.Principal + " (" + d.Role + ")", At: s.now(),
		})
		if err := s.appendAudit(ctx, tx, e); err != nil {
			return err
		}
		return tx.exec(ctx, recordingDenial, `UPDATE access_log SET audit_head = ? WHERE principal = ?`, head(e), d.Principal)
	})
}

func recordingDenial(err error) error { return fmt.Errorf("sqlstore: recording a denial: %w", err) }
