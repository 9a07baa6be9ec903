// Package audit is the tamper-evident audit log the store adapters keep
// (it is not itself an adapter). Every state change of an aggregate appends
// an Entry — who, when, under which rule, and the SHA-256 digests of the
// aggregate before and after — whose hash chains the previous entry of the
// same aggregate; the aggregate's row keeps the hash of its last entry (its
// head). Verify finds any entry edited, deleted or reordered, and says
// which.
//
// Chains are per aggregate, so writers of different aggregates never queue
// on one global tail; the head stored with the aggregate, in the same
// transaction, makes the deletion of the newest entries detectable too.
// Someone who can write both the log and the aggregates can still delete
// an aggregate with its whole chain, or rewrite a chain and its head: the
// stores' AuditHeads export every head, to keep outside the database (an
// anchor), and VerifyAnchored (the stores' VerifyAuditAnchored) finds
// both for everything the anchor holds.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Entry is one audit row.
type Entry struct {
	Aggregate string    `json:"aggregate"` // kind/id, e.g. "application/5f1…"
	Seq       int       `json:"seq"`       // 1, 2, … within the aggregate
	Type      string    `json:"type"`      // what changed: the newest event's type, or "created"/"changed"
	Actor     string    `json:"actor"`
	Rule      string    `json:"rule,omitempty"` // the citation, e.g. "Rules472 p.10"
	At        time.Time `json:"at"`             // when the change was stored
	Before    string    `json:"before"`         // digest of the aggregate before; "" when created
	After     string    `json:"after"`          // digest after
	Prev      string    `json:"prev"`           // Hash of entry Seq-1; "" for the first
	Hash      string    `json:"hash"`
}

// Digest is the hex SHA-256 of an aggregate's stored form.
func Digest(doc []byte) string {
	return hexSum(sha256.Sum256(doc))
}

// hexSum is hex.EncodeToString(sum[:]) with one allocation, not two.
func hexSum(sum [sha256.Size]byte) string {
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// sum is the hash of e's content and its predecessor's hash: the SHA-256
// of its fields Aggregate, Seq (decimal), Type, Actor, Rule, At (UTC,
// RFC 3339 with nanoseconds), Before, After and Prev, each followed by a
// 0x1f byte. The bytes are built in one buffer, on the stack for all but
// very long fields, and hashed at once.
func (e Entry) sum() string {
	var buf [512]byte
	b := buf[:0]
	b = append(append(b, e.Aggregate...), 0x1f)
	b = append(strconv.AppendInt(b, int64(e.Seq), 10), 0x1f)
	b = append(append(b, e.Type...), 0x1f)
	b = append(append(b, e.Actor...), 0x1f)
	b = append(append(b, e.Rule...), 0x1f)
	b = append(e.At.UTC().AppendFormat(b, time.RFC3339Nano), 0x1f)
	b = append(append(b, e.Before...), 0x1f)
	b = append(append(b, e.After...), 0x1f)
	b = append(append(b, e.Prev...), 0x1f)
	return hexSum(sha256.Sum256(b))
}

// Next chains e after prev (nil for an aggregate's first entry): it sets
// Seq, Prev and Hash, and At to UTC.
func Next(prev *Entry, e Entry) Entry {
	e.Seq, e.Prev = 1, ""
	if prev != nil {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	e.At = e.At.UTC()
	e.Hash = e.sum()
	return e
}

// Kind is what is wrong with an entry.
type Kind string

// Kinds of tampering.
const (
	Edited    Kind = "edited"    // its hash does not match its content
	Deleted   Kind = "deleted"   // an entry before it (or the newest ones) is missing
	Reordered Kind = "reordered" // it is stored out of its sequence
	Broken    Kind = "broken"    // its before-digest is not the previous after-digest
)

// Problem is one finding of Verify.
type Problem struct {
	Aggregate string `json:"aggregate"`
	Seq       int    `json:"seq"` // the entry's sequence number as stored (or the missing one)
	Kind      Kind   `json:"kind"`
	Detail    string `json:"detail"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%s #%d %s: %s", p.Aggregate, p.Seq, p.Kind, p.Detail)
}

// ErrTampered is what a *TamperError matches.
var ErrTampered = errors.New("audit log tampered")

// TamperError lists every problem found.
type TamperError struct{ Problems []Problem }

func (e *TamperError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return ErrTampered.Error() + ": " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrTampered) true.
func (e *TamperError) Is(target error) bool { return target == ErrTampered }

// Verify checks one aggregate's entries in the order they were stored
// against its head (the hash the aggregate's row keeps) and returns what
// it finds, or nil.
func Verify(aggregate string, stored []Entry, head string) []Problem {
	var out []Problem
	bad := func(seq int, k Kind, detail string) {
		out = append(out, Problem{Aggregate: aggregate, Seq: seq, Kind: k, Detail: detail})
	}
	for i, e := range stored {
		if e.Aggregate != aggregate {
			bad(e.Seq, Edited, "belongs to "+e.Aggregate)
		}
		if e.sum() != e.Hash {
			bad(e.Seq, Edited, "its content does not match its hash")
		}
		if i > 0 && e.Seq < stored[i-1].Seq {
			bad(e.Seq, Reordered, fmt.Sprintf("stored after #%d", stored[i-1].Seq))
		}
	}
	// The chain itself is checked in sequence order, so a reordering is
	// reported once, as such, and not as gaps.
	bySeq := slices.Clone(stored)
	slices.SortStableFunc(bySeq, func(a, b Entry) int { return a.Seq - b.Seq })
	for i, e := range bySeq {
		want, prev := 1, (*Entry)(nil)
		if i > 0 {
			prev = &bySeq[i-1]
			want = prev.Seq + 1
		}
		switch {
		case e.Seq < want:
			bad(e.Seq, Edited, "a second entry with this number")
		case e.Seq > want:
			bad(want, Deleted, fmt.Sprintf("missing before #%d", e.Seq))
		case prev != nil && e.Prev != prev.Hash:
			bad(e.Seq, Deleted, "does not chain to the entry before it")
		case prev == nil && e.Prev != "":
			bad(e.Seq, Deleted, "the first stored entry chains to one that is gone")
		case prev != nil && e.Before != prev.After:
			bad(e.Seq, Broken, "the aggregate changed between two audited changes")
		}
	}
	last, seq := "", 1
	if n := len(bySeq); n > 0 {
		last, seq = bySeq[n-1].Hash, bySeq[n-1].Seq+1
	}
	if last != head {
		bad(seq, Deleted, "the newest entries are missing (the aggregate's head does not match)")
	}
	return out
}
