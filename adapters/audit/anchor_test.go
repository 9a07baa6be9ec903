package audit_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
)

func TestAnchorDigestIsTheSetsNotTheOrders(t *testing.T) {
	a := audit.Head{Aggregate: "onboardings/1", Seq: 3, Hash: "aa"}
	b := audit.Head{Aggregate: "timers/t", Seq: 1, Hash: "bb"}
	d := audit.AnchorDigest([]audit.Head{a, b})
	require.Len(t, d, 64)
	require.Equal(t, d, audit.AnchorDigest([]audit.Head{b, a}))
	for _, changed := range [][]audit.Head{
		{a},
		{a, {Aggregate: "timers/t", Seq: 2, Hash: "bb"}},
		{a, {Aggregate: "timers/t", Seq: 1, Hash: "bc"}},
		{a, {Aggregate: "timers/u", Seq: 1, Hash: "bb"}},
		{a, {Aggregate: "timers/t1", Seq: 1, Hash: "bb"}},
	} {
		require.NotEqual(t, d, audit.AnchorDigest(changed), "%v", changed)
	}
	// Duplicates, too, are in one order whatever the input's.
	dup := audit.Head{Aggregate: "onboardings/1", Seq: 2, Hash: "ab"}
	require.Equal(t, audit.AnchorDigest([]audit.Head{a, dup, b}), audit.AnchorDigest([]audit.Head{b, dup, a}))
}

// An aggregate's ID may come from outside: no name can make a list of
// heads that omits an aggregate encode like one that holds it.
func TestAnchorDigestCannotBeForgedByNames(t *testing.T) {
	honest := []audit.Head{{Aggregate: "a", Seq: 1, Hash: "h"}, {Aggregate: "b", Seq: 2, Hash: "g"}}
	d := audit.AnchorDigest(honest)
	for _, forged := range [][]audit.Head{
		{{Aggregate: "a\x1f1\x1fh\x1eb", Seq: 2, Hash: "g"}},
		{{Aggregate: "a\x1f1\x1fh\x1eb\x1f2\x1fg\x1e", Seq: 0, Hash: ""}},
		{{Aggregate: "a1:11:h1:b", Seq: 2, Hash: "g"}},
		{{Aggregate: "a", Seq: 1, Hash: "h1:b1:21:g"}},
		{{Aggregate: "1:a1:11:h1:b", Seq: 2, Hash: "g"}},
	} {
		require.NotEqual(t, d, audit.AnchorDigest(forged), "%q", forged)
	}
}

func TestVerifyAnchored(t *testing.T) {
	es := chain(4)
	agg := es[0].Aggregate
	anchorAt := func(n int) []audit.Head { return []audit.Head{{Aggregate: agg, Seq: n, Hash: es[n-1].Hash}} }
	rewritten := chain(4)
	rewritten[1].Actor = "someone else"
	for i := 1; i < 4; i++ {
		rewritten[i] = audit.Next(&rewritten[i-1], rewritten[i])
	}
	require.Empty(t, audit.Verify(agg, rewritten, rewritten[3].Hash), "a rewritten chain verifies on its own")

	tests := []struct {
		name   string
		anchor []audit.Head
		trails map[string][]audit.Entry
		want   []audit.Problem // Detail ignored
	}{
		{"the chain as anchored", anchorAt(4), map[string][]audit.Entry{agg: es}, nil},
		{"extended since", anchorAt(2), map[string][]audit.Entry{agg: es}, nil},
		{"no anchor", nil, map[string][]audit.Entry{agg: es}, nil},
		{"the aggregate's trail is gone", anchorAt(3), map[string][]audit.Entry{}, []audit.Problem{{Aggregate: agg, Seq: 3, Kind: audit.Deleted}}},
		{"the anchored entry is gone", anchorAt(4), map[string][]audit.Entry{agg: es[:3]}, []audit.Problem{{Aggregate: agg, Seq: 4, Kind: audit.Deleted}}},
		{"the chain was rewritten", anchorAt(3), map[string][]audit.Entry{agg: rewritten}, []audit.Problem{{Aggregate: agg, Seq: 3, Kind: audit.Edited}}},
		{"rewritten after the anchor", anchorAt(1), map[string][]audit.Entry{agg: rewritten}, nil},
		{"a head that anchors nothing (stored before audit)", []audit.Head{{Aggregate: "requests/legacy"}}, map[string][]audit.Entry{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := audit.VerifyAnchored(tt.anchor, tt.trails)
			for i := range got {
				require.NotEmpty(t, got[i].Detail)
				got[i].Detail = ""
			}
			require.Equal(t, tt.want, got)
		})
	}
}
