package desk

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/onboarding"
)

// acceptance is one onboarding of a service with a body, as far as the
// desk needs it.
type acceptance struct {
	bodyID   string
	state    onboarding.State
	liveFrom time.Time
	info     *onboarding.InformationVersion // the current version entered into the UCC database, or nil
}

// consultableOn is onboarding.Onboarding.ConsultableOn (Rules130 p.3, p.9).
func (a acceptance) consultableOn(t time.Time) bool {
	return a.state == onboarding.StateProtocolSigned && !t.Before(a.liveFrom)
}

// entry is one state service with its acceptances.
type entry struct {
	svc         onboarding.StateService
	acceptances []acceptance // by body ID
}

func newEntry(svc onboarding.StateService, obs []*onboarding.Onboarding) entry {
	e := entry{svc: svc}
	for _, o := range obs {
		a := acceptance{bodyID: o.BodyID, state: o.State, liveFrom: o.LiveFrom}
		if v := o.CurrentInformation(); v != nil {
			c := *v
			a.info = &c
		}
		e.acceptances = append(e.acceptances, a)
	}
	slices.SortFunc(e.acceptances, func(a, b acceptance) int { return cmp.Compare(a.bodyID, b.bodyID) })
	return e
}

// index is a snapshot of the catalogue for search: the services with their
// acceptances and an inverted index of the words of their names in every
// language and of their register numbers. It is immutable once built.
type index struct {
	builtAt    time.Time
	entries    []entry          // by register number
	byID       map[string]int32 // service ID → entry
	byRegister map[string]int32 // register number → entry
	bodies     map[string]onboarding.Body
	words      []string  // every normalized word, sorted, unique
	postings   [][]int32 // postings[i]: the entries with words[i], ascending
	nameLen    []int32   // per entry: the length of its shortest normalized name
}

// buildIndex reads the catalogue.
func buildIndex(ctx context.Context, cat Catalogue, now time.Time) (*index, error) {
	svcs, err := cat.ListServices(ctx)
	if err != nil {
		return nil, fmt.Errorf("desk: services: %w", err)
	}
	bodies, err := cat.ListBodies(ctx)
	if err != nil {
		return nil, fmt.Errorf("desk: bodies: %w", err)
	}
	obs, err := cat.ListOnboardings(ctx, onboarding.OnboardingFilter{})
	if err != nil {
		return nil, fmt.Errorf("desk: onboardings: %w", err)
	}
	byService := map[string][]*onboarding.Onboarding{}
	for _, o := range obs {
		byService[o.ServiceID] = append(byService[o.ServiceID], o)
	}
	idx := &index{
		builtAt: now, byID: make(map[string]int32, len(svcs)), byRegister: make(map[string]int32, len(svcs)),
		bodies: make(map[string]onboarding.Body, len(bodies)),
	}
	for _, b := range bodies {
		idx.bodies[b.ID] = b
	}
	slices.SortFunc(svcs, func(a, b onboarding.StateService) int {
		return cmp.Or(cmp.Compare(a.RegisterNumber, b.RegisterNumber), cmp.Compare(a.ID, b.ID))
	})
	posting := map[string][]int32{}
	for i, s := range svcs {
		n := int32(i)
		idx.entries = append(idx.entries, newEntry(s, byService[s.ID]))
		idx.byID[s.ID] = n
		idx.byRegister[s.RegisterNumber] = n
		shortest := int32(1 << 30)
		seen := map[string]bool{}
		for _, text := range []string{s.RegisterNumber, s.Name.KK, s.Name.RU, s.Name.EN} {
			norm := Normalize(text)
			if text != s.RegisterNumber && norm != "" {
				shortest = min(shortest, int32(len(norm)))
			}
			for _, w := range strings.Fields(norm) {
				if !seen[w] {
					seen[w] = true
					posting[w] = append(posting[w], n)
				}
			}
		}
		idx.nameLen = append(idx.nameLen, shortest)
	}
	idx.words = make([]string, 0, len(posting))
	for w := range posting {
		idx.words = append(idx.words, w)
	}
	slices.Sort(idx.words)
	idx.postings = make([][]int32, len(idx.words))
	for i, w := range idx.words {
		idx.postings[i] = posting[w]
	}
	return idx, nil
}

// hit is a search result: an entry and how well it matched.
type hit struct {
	entry int32
	exact int32 // query words equal to a whole word of the service
}

// search returns up to limit entries whose words start with every query
// word: those with more whole-word matches first, then shorter names, then
// by register number; a query of numbers only, by register number.
func (idx *index) search(query []string, limit int) []hit {
	n := len(idx.entries)
	if n == 0 || len(query) == 0 {
		return nil
	}
	words := (n + 63) / 64
	// match: the entries every word so far begins a word of; cur: this
	// word's; whole[j]: the entries with query word j as a whole word.
	scratch := make([]uint64, (2+len(query))*words)
	match, cur := scratch[:words], scratch[words:2*words]
	whole := scratch[2*words:]
	for j, q := range query {
		clear(cur)
		lo := sort.SearchStrings(idx.words, q)
		for k := lo; k < len(idx.words) && strings.HasPrefix(idx.words[k], q); k++ {
			for _, p := range idx.postings[k] {
				cur[p>>6] |= 1 << (p & 63)
			}
		}
		if lo < len(idx.words) && idx.words[lo] == q {
			w := whole[j*words : (j+1)*words]
			for _, p := range idx.postings[lo] {
				w[p>>6] |= 1 << (p & 63)
			}
		}
		if j == 0 {
			copy(match, cur)
			continue
		}
		any := uint64(0)
		for i := range match {
			match[i] &= cur[i]
			any |= match[i]
		}
		if any == 0 {
			return nil
		}
	}
	var hits []hit
	for i, m := range match {
		for m != 0 {
			b := bits.TrailingZeros64(m)
			m &^= 1 << b
			e := int32(i*64 + b)
			h := hit{entry: e}
			for j := range query {
				h.exact += int32(whole[j*words+i] >> b & 1)
			}
			hits = append(hits, h)
		}
	}
	numeric := !slices.ContainsFunc(query, func(q string) bool { return strings.Trim(q, "0123456789") != "" })
	slices.SortFunc(hits, func(a, b hit) int {
		if numeric { // register numbers: in their order
			return cmp.Compare(a.entry, b.entry)
		}
		return cmp.Or(cmp.Compare(b.exact, a.exact), cmp.Compare(idx.nameLen[a.entry], idx.nameLen[b.entry]), cmp.Compare(a.entry, b.entry))
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// dedupe returns the distinct words of ws, sorted.
func dedupe(ws []string) []string {
	slices.Sort(ws)
	return slices.Compact(ws)
}
