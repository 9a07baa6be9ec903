package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

// TestNextHashesAreStable pins the hashes of a few entries: stored chains
// must verify whatever the code that computes them becomes.
func TestNextHashesAreStable(t *testing.T) {
	t.Parallel()
	almaty := time.FixedZone("Almaty", 5*3600)
	first := audit.Next(nil, audit.Entry{Aggregate: "appeals/imp-7", Type: "appeal.recorded", Actor: "importer", Rule: "Rules130 p.14",
		At: time.Date(2025, 3, 17, 10, 0, 0, 123456789, almaty), After: audit.Digest([]byte(`{"id":"imp-7"}`))})
	second := audit.Next(&first, audit.Entry{Aggregate: "appeals/imp-7", Type: "changed", Actor: "система «Ё»\x1f",
		At: time.Date(2025, 3, 17, 5, 0, 0, 0, time.UTC), Before: first.After, After: audit.Digest(nil)})
	long := audit.Next(&second, audit.Entry{Aggregate: "ledgers/" + string(make([]byte, 600)), Seq: 99, Type: "x", At: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, tc := range []struct {
		e    audit.Entry
		hash string
	}{
		{first, "75d290fff74af5ecfcc64a5e43899382e7034904a03714843eee02424bd7cdbb"},
		{second, "9c4f9c1cc45e2c374ce92548df54f61604099173ac9fce44d7ff00c97782a66e"},
		{long, "97862555ab29eaca1bc3541391e215afffa7c66b0c303194669e66588bf26716"},
	} {
		require.Len(t, tc.e.Hash, 64)
		require.Equal(t, tc.hash, tc.e.Hash)
	}
}
