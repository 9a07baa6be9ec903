package audit_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

// FuzzVerifyStored feeds Verify entries as a store would read them back
// (JSON rows, in stored order) and a head. Verify never panics, and when it
// finds nothing the entries are exactly the chain Next builds from their
// content: numbered 1…n in order, each hash over its content and its
// predecessor's hash, the last one the head.
func FuzzVerifyStored(f *testing.F) {
	good := chain(3)
	raw, err := json.Marshal(good)
	require.NoError(f, err)
	f.Add(raw, good[2].Hash)
	f.Add(raw, "")
	f.Add([]byte(`[]`), "")
	f.Add([]byte(`[{"aggregate":"application/a1","seq":1}]`), "x")
	f.Add([]byte(`[{"aggregate":"application/a1","seq":-3,"at":"0001-01-01T00:00:00Z"},{"aggregate":"application/a1","seq":2}]`), "")
	f.Fuzz(func(t *testing.T, stored []byte, head string) {
		var es []audit.Entry
		if json.Unmarshal(stored, &es) != nil {
			return
		}
		problems := audit.Verify("application/a1", es, head)
		for _, p := range problems {
			require.Equal(t, "application/a1", p.Aggregate)
			require.NotEmpty(t, p.Kind)
		}
		if len(problems) > 0 {
			return
		}
		var prev *audit.Entry
		for i, e := range es {
			require.Equal(t, "application/a1", e.Aggregate)
			require.Equal(t, i+1, e.Seq)
			rebuilt := audit.Next(prev, e)
			require.Equal(t, rebuilt.Hash, e.Hash, "entry #%d", e.Seq)
			if prev != nil {
				require.Equal(t, prev.After, e.Before, "entry #%d", e.Seq)
			}
			prev = &es[i]
		}
		if prev == nil {
			require.Empty(t, head)
		} else {
			require.Equal(t, prev.Hash, head)
		}
	})
}
