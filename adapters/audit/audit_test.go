package audit_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

// chain builds n chained entries of one aggregate.
func chain(n int) []audit.Entry {
	var out []audit.Entry
	before := ""
	at := time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC)
	for i := range n {
		after := audit.Digest([]byte{byte(i)})
		e := audit.Entry{Aggregate: "application/a1", Type: "changed", Actor: "registrar", Rule: "Rules472 p.4", At: at.Add(time.Duration(i) * time.Minute), Before: before, After: after}
		var prev *audit.Entry
		if i > 0 {
			prev = &out[i-1]
		}
		out = append(out, audit.Next(prev, e))
		before = after
	}
	return out
}

func TestVerify(t *testing.T) {
	t.Parallel()
	good := chain(5)
	head := good[4].Hash
	require.Empty(t, audit.Verify("application/a1", good, head))

	tests := []struct {
		name   string
		tamper func([]audit.Entry) ([]audit.Entry, string)
		want   []audit.Problem
	}{
		{"an edited actor", func(es []audit.Entry) ([]audit.Entry, string) { es[2].Actor = "someone else"; return es, head },
			[]audit.Problem{{Seq: 3, Kind: audit.Edited}}},
		{"a deleted middle entry", func(es []audit.Entry) ([]audit.Entry, string) { return slices.Delete(es, 1, 2), head },
			[]audit.Problem{{Seq: 2, Kind: audit.Deleted}}},
		{"the newest entry deleted", func(es []audit.Entry) ([]audit.Entry, string) { return es[:4], head },
			[]audit.Problem{{Seq: 5, Kind: audit.Deleted}}},
		{"the first entry deleted", func(es []audit.Entry) ([]audit.Entry, string) { return es[1:], head },
			[]audit.Problem{{Seq: 1, Kind: audit.Deleted}}},
		{"two entries swapped", func(es []audit.Entry) ([]audit.Entry, string) { es[1], es[2] = es[2], es[1]; return es, head },
			[]audit.Problem{{Seq: 2, Kind: audit.Reordered}}},
		{"a rehashed edit breaks the next link", func(es []audit.Entry) ([]audit.Entry, string) {
			es[2].Actor = "forger"
			es[2] = audit.Next(&es[1], es[2]) // a forger recomputes its hash…
			return es, head                   // …but the next entry chains to the old one
		}, []audit.Problem{{Seq: 4, Kind: audit.Deleted}}},
		{"a changed digest", func(es []audit.Entry) ([]audit.Entry, string) {
			es[3].Before = audit.Digest([]byte("x"))
			return es, head
		},
			[]audit.Problem{{Seq: 4, Kind: audit.Edited}, {Seq: 4, Kind: audit.Broken}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			es, h := tc.tamper(slices.Clone(good))
			got := audit.Verify("application/a1", es, h)
			require.Len(t, got, len(tc.want), "%v", got)
			for i, w := range tc.want {
				require.Equal(t, w.Seq, got[i].Seq, "%v", got)
				require.Equal(t, w.Kind, got[i].Kind, "%v", got)
			}
			err := error(&audit.TamperError{Problems: got})
			require.True(t, errors.Is(err, audit.ErrTampered))
		})
	}
}

func FuzzVerify(f *testing.F) {
	good := chain(4)
	f.Add(0, "x", 1)
	f.Fuzz(func(t *testing.T, i int, actor string, drop int) {
		es := slices.Clone(good)
		i = (i%len(es) + len(es)) % len(es)
		changed := es[i].Actor != actor
		es[i].Actor = actor
		if changed {
			require.NotEmpty(t, audit.Verify("application/a1", es, good[3].Hash), "an edit is always found")
		}
		drop = (drop%len(good) + len(good)) % len(good)
		cut := slices.Delete(slices.Clone(good), drop, drop+1)
		require.NotEmpty(t, audit.Verify("application/a1", cut, good[3].Hash), "a deletion is always found")
	})
}
