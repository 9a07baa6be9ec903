package sqlstore

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/onboarding"
)

// An update hands fn the onboarding the last update of this process saved
// only while the stored document is byte for byte the one it wrote: a
// document another process or a hand edit changed is read and decoded, a
// closure that failed leaves nothing behind, and the audit chain stays
// whole through all of it.
func TestUpdateReusesTheSavedOnboardingOnlyWhileItsDocumentIsUnchanged(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := openAtVersion(t, dialect, LatestVersion())
			at := time.Date(2025, time.March, 17, 10, 0, 0, 0, time.UTC)
			require.NoError(t, s.CreateOnboarding(ctx, &onboarding.Onboarding{
				ID: "o", ServiceID: "svc", BodyID: "body", Zone: "Asia/Almaty", State: onboarding.StateRequestSent,
				RegisteredOn: at, StandardApprovedOn: at,
			}))
			// rename sets the service ID's suffix and reports the one fn saw;
			// handed is the value fn got.
			var handed *onboarding.Onboarding
			rename := func(suffix string, fail bool) (string, error) {
				var seen string
				err := s.UpdateOnboarding(ctx, "o", func(o *onboarding.Onboarding) error {
					handed, seen = o, o.ServiceID
					o.ServiceID = "svc-" + suffix
					if fail {
						return errors.New("refused")
					}
					return nil
				})
				return seen, err
			}
			seen, err := rename("1", false) // decoded: nothing kept yet
			require.NoError(t, err)
			require.Equal(t, "svc", seen)
			require.Len(t, s.docs.entries, 1)
			first := handed

			seen, err = rename("2", false) // the kept value
			require.NoError(t, err)
			require.Equal(t, "svc-1", seen)
			require.Same(t, first, handed, "the value the last update saved")

			// A failed closure changed the kept value: it is dropped.
			_, err = rename("lost", true)
			require.Error(t, err)
			require.Empty(t, s.docs.entries)
			seen, err = rename("3", false)
			require.NoError(t, err)
			require.Equal(t, "svc-2", seen)
			require.NotSame(t, first, handed, "decoded again")
			third := handed

			// Another writer (a hand edit here) changes the document: the
			// update reads it, not the kept value.
			var doc string
			require.NoError(t, s.db.QueryRowContext(ctx, s.q(`SELECT doc FROM onboardings WHERE id = ?`), "o").Scan(&doc))
			o := new(onboarding.Onboarding)
			require.NoError(t, decode([]byte(doc), o))
			o.ServiceID = "svc-edited"
			edited, err := encode(o)
			require.NoError(t, err)
			_, err = s.db.ExecContext(ctx, s.q(`UPDATE onboardings SET doc = ? WHERE id = ?`), string(edited), "o")
			require.NoError(t, err)
			require.Len(t, s.docs.entries, 1, "the kept value is there, stale")
			seen, err = rename("4", false)
			require.NoError(t, err)
			require.Equal(t, "svc-edited", seen)
			require.NotSame(t, third, handed, "decoded again")

			got, err := s.GetOnboarding(ctx, "o")
			require.NoError(t, err)
			require.Equal(t, "svc-4", got.ServiceID)
			// The edit was not audited: Verify names it (the entry of
			// rename 4 starts from a document rename 3 did not write), and
			// nothing else.
			err = s.VerifyAudit(ctx)
			require.Error(t, err)
			require.Contains(t, err.Error(), "onboardings/o")
		})
	}
}

// The cache holds at most docCacheSize aggregates.
func TestDocCacheIsBounded(t *testing.T) {
	t.Parallel()
	var c docCache
	for i := range docCacheSize + 10 {
		c.put("t/"+strconv.Itoa(i), cachedDoc{doc: strconv.Itoa(i)})
	}
	require.Len(t, c.entries, docCacheSize)
	c.put("t/again", cachedDoc{doc: "first"})
	c.put("t/again", cachedDoc{doc: "second"})
	require.Len(t, c.entries, docCacheSize)
	e, ok := c.take("t/again")
	require.True(t, ok)
	require.Equal(t, "second", e.doc)
	_, ok = c.take("t/again")
	require.False(t, ok, "taken out")
}
