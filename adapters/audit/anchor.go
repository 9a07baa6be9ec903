package audit

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
)

// Head is where an aggregate's chain stood when it was anchored: the
// sequence number and hash of its newest entry.
//
// An anchor is every aggregate's Head at one moment, kept where those who
// can write the database cannot (a file on write-once storage, a signed
// notice; AnchorDigest is a short value to publish for it). The chains
// themselves show an entry edited, deleted or moved, but not a whole
// aggregate deleted with its chain, nor a chain rewritten with its head;
// VerifyAnchored shows both for everything that existed when the anchor
// was taken.
type Head struct {
	Aggregate string `json:"aggregate"`
	Seq       int    `json:"seq"`
	Hash      string `json:"hash"`
}

// AnchorDigest is the hex SHA-256 of heads in order of aggregate, then
// sequence number, then hash: equal for equal lists of heads, whatever
// their order. Each field is written with its length before it, so no
// choice of names (an aggregate's ID may come from outside) can make two
// different lists of heads encode alike.
func AnchorDigest(heads []Head) string {
	sorted := slices.SortedFunc(slices.Values(heads), func(a, b Head) int {
		return cmp.Or(cmp.Compare(a.Aggregate, b.Aggregate), cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.Hash, b.Hash))
	})
	h := sha256.New()
	field := func(v string) { _, _ = h.Write([]byte(strconv.Itoa(len(v)) + ":" + v)) }
	for _, hd := range sorted {
		field(hd.Aggregate)
		field(strconv.Itoa(hd.Seq))
		field(hd.Hash)
	}
	return hexSum([sha256.Size]byte(h.Sum(nil)))
}

// VerifyAnchored checks that every head of an anchor is still in its
// aggregate's stored trail (trails maps an aggregate to its entries): the
// entry with the head's Seq must be there with the head's Hash. An
// aggregate whose entry is gone is reported Deleted; one whose entry has
// another hash, Edited (its chain was rewritten). A head with no entry
// (Seq 0: an aggregate stored before it was audited) anchors nothing.
//
// An anchor protects the entries up to its heads: an entry appended since
// can still be rewritten with its head, or its aggregate deleted whole,
// unseen until the next anchor holds it. Take anchors as often as that
// window must be short.
func VerifyAnchored(anchor []Head, trails map[string][]Entry) []Problem {
	var out []Problem
	for _, hd := range anchor {
		if hd.Seq == 0 {
			continue
		}
		trail := trails[hd.Aggregate]
		i := slices.IndexFunc(trail, func(e Entry) bool { return e.Seq == hd.Seq })
		switch {
		case len(trail) == 0:
			out = append(out, Problem{Aggregate: hd.Aggregate, Seq: hd.Seq, Kind: Deleted, Detail: "anchored, and its whole trail is gone"})
		case i < 0:
			out = append(out, Problem{Aggregate: hd.Aggregate, Seq: hd.Seq, Kind: Deleted, Detail: "anchored, and no longer stored"})
		case trail[i].Hash != hd.Hash:
			out = append(out, Problem{Aggregate: hd.Aggregate, Seq: hd.Seq, Kind: Edited,
				Detail: fmt.Sprintf("its hash is not the anchored one (%.12s…): the chain was rewritten", hd.Hash)})
		}
	}
	return out
}
