package sqlstore

import "sync"

// docCache keeps, per aggregate, the value the last update in this process
// saved and the document it wrote, for the doc types whose port lets a
// store hand fn the value it keeps (doc.cached). The next update sends
// the document back with its locked read, which returns the stored
// document only when it differs in any byte (another process, a
// migration or a hand edit changed it): otherwise it hands fn the kept
// value and neither reads nor decodes the document, which was a sixth of
// an onboarding transition's CPU on PostgreSQL. An entry is taken out for
// the update that uses it and put back only once that update's
// transaction has committed, so a value is never in two updates at once
// and a failed update's half-changed value is dropped.
type docCache struct {
	mu      sync.Mutex
	entries map[string]cachedDoc // "<table>/<id>" → the last saved version
}

// cachedDoc is one aggregate's last saved version.
type cachedDoc struct {
	doc    string // the document as stored
	digest string // audit.Digest of doc: the Before of the next audit entry
	value  any    // *T decoded from doc (or what doc was encoded from)
}

// docCacheSize bounds the entries: an onboarding's is ≈ 20 KB.
const docCacheSize = 512

// take removes and returns key's entry.
func (c *docCache) take(key string) (cachedDoc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if ok {
		delete(c.entries, key)
	}
	return e, ok
}

// put stores key's entry, making room by dropping an arbitrary one when
// the cache is full.
func (c *docCache) put(key string, e cachedDoc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]cachedDoc)
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= docCacheSize {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}
