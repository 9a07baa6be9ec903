package sqlstore_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/reports"
)

// importLines returns n appeals "<prefix>-<i>" for the store's port (no
// validation), one of them with a text that JSON must escape.
func importLines(prefix string, n int) []reports.Appeal {
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("Asia/Almaty", 5*3600))
	out := make([]reports.Appeal, n)
	for i := range out {
		id := prefix + "-" + strconv.Itoa(i)
		out[i] = reports.Appeal{ID: id, ReceivedAt: at.Add(time.Duration(i) * time.Second), ForumResponsible: "Forum Keeper", Region: "Астана",
			ApplicantName: "Applicant " + id, Nature: reports.StandardViolation, Content: "Срок нарушен", RequestNo: "REQ-" + id,
			BodyID: "ministry", ServiceID: "birth-registration", RecordedAt: at.Add(time.Hour), RecordedBy: "importer"}
	}
	out[n/2].Content = `"quoted" & <escaped>`
	return out
}

// TestImportAppealsWritesWhatEveryOtherPathReads: each imported appeal's
// stored document is json.Marshal's, its first audit entry names its
// creation and the digest of that document, and the chain verifies.
func TestImportAppealsWritesWhatEveryOtherPathReads(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ctx := t.Context()
			lines := importLines("doc", 7)
			n, err := s.ImportAppeals(ctx, reports.AppealLines(lines))
			require.NoError(t, err)
			require.Equal(t, len(lines), n)
			for _, a := range []reports.Appeal{lines[0], lines[len(lines)/2]} {
				var doc string
				require.NoError(t, s.DB().QueryRowContext(ctx, q(s, `SELECT doc FROM appeals WHERE id = ?`), a.ID).Scan(&doc))
				want, err := json.Marshal(&a)
				require.NoError(t, err)
				require.Equal(t, string(want), doc)
				trail, err := s.AuditTrail(ctx, "appeals/"+a.ID)
				require.NoError(t, err)
				require.Len(t, trail, 1)
				require.Equal(t, "appeal.recorded", trail[0].Type)
				require.Equal(t, "importer", trail[0].Actor)
				require.Equal(t, "Rules130 p.14", trail[0].Rule)
				require.Equal(t, audit.Digest([]byte(doc)), trail[0].After)
			}
			require.NoError(t, s.VerifyAudit(ctx))
		})
	}
}

// TestImportAppealsStoredAuditEntryChangesNothing: an audit entry already
// stored under a new appeal's name (left by someone with write access)
// fails the import as a conflict, and nothing is stored.
func TestImportAppealsStoredAuditEntryChangesNothing(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ctx := t.Context()
			lines := importLines("orphan", 1234)
			_, err := s.DB().ExecContext(ctx, q(s, `INSERT INTO audit (aggregate, seq, entry) VALUES (?, 1, '{}')`), "appeals/"+lines[777].ID)
			require.NoError(t, err)
			_, err = s.ImportAppeals(ctx, reports.AppealLines(lines))
			require.ErrorIs(t, err, reports.ErrConflict)
			var stored int
			require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM appeals`).Scan(&stored))
			require.Zero(t, stored)
			require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM audit`).Scan(&stored))
			require.Equal(t, 1, stored)
			_, err = s.DB().ExecContext(ctx, `DELETE FROM audit`) // for the clean-up's VerifyAudit
			require.NoError(t, err)
		})
	}
}

// q returns query in s's placeholder style.
func q(s *sqlstore.Store, query string) string {
	if s.Dialect() != "postgres" {
		return query
	}
	out, n := "", 0
	for _, r := range query {
		if r == '?' {
			n++
			out += "$" + strconv.Itoa(n)
			continue
		}
		out += string(r)
	}
	return out
}
