// Package chaintest provides fakes of chain's ports for tests and
// examples: a SignatureVerifier that trusts a readable signature format and
// a Dispatcher that records deliveries and can be told to fail.
package chaintest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/chain"
)

// Sign returns a fake signature by the holder of an IIN or BIN: Verifier
// accepts it as valid. It is not a CMS signature.
func Sign(signer string) []byte { return []byte("valid:" + signer) }

// SignRevoked returns a fake signature whose certificate is revoked.
func SignRevoked(signer string) []byte { return []byte("revoked:" + signer) }

// Verifier is a fake chain.SignatureVerifier. A signature "valid:<id>"
// (see Sign) is valid and signed by id (set as both the signer's IIN and
// BIN); "revoked:<id>" is valid but revoked; anything else is not valid.
// Err, when set, is returned instead, as a verifier that cannot answer.
type Verifier struct {
	SigningTime time.Time
	Err         error
	mu          sync.Mutex
	calls       int
}

// Verify implements chain.SignatureVerifier.
func (v *Verifier) Verify(_ context.Context, document, signature []byte) (chain.Evidence, error) {
	v.mu.Lock()
	v.calls++
	v.mu.Unlock()
	if v.Err != nil {
		return chain.Evidence{}, v.Err
	}
	ev := chain.Evidence{Verifier: "chaintest", Serial: "0f", SigningTime: v.SigningTime, Revocation: chain.RevocationGood}
	kind, id, _ := strings.Cut(string(signature), ":")
	switch {
	case len(document) == 0:
		ev.Reason = "no content"
	case kind == "valid":
		ev.Valid = true
	case kind == "revoked":
		ev.Valid, ev.Revocation = true, chain.RevocationRevoked
	default:
		ev.Reason = "signature does not match the document"
	}
	if ev.Valid {
		ev.SignerIIN, ev.SignerBIN, ev.SignerName = id, id, "TEST SIGNER"
	}
	return ev, nil
}

// Calls returns how many times Verify was called.
func (v *Verifier) Calls() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.calls
}

// ErrProviderDown is what a failing Dispatcher returns.
var ErrProviderDown = errors.New("chaintest: provider unavailable")

// Dispatcher is a fake chain.Dispatcher that records every delivery, as a
// provider's inbox deduplicating by idempotency key would.
type Dispatcher struct {
	mu        sync.Mutex
	all       []chain.Dispatch
	firstByID map[string]chain.Dispatch
	fail      int
	failFor   map[string]bool
}

// FailNext makes the next n deliveries fail with ErrProviderDown.
func (d *Dispatcher) FailNext(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail = n
}

// FailProvider makes every delivery to a provider fail until cleared with
// on false.
func (d *Dispatcher) FailProvider(providerID string, on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failFor == nil {
		d.failFor = map[string]bool{}
	}
	d.failFor[providerID] = on
}

// Dispatch implements chain.Dispatcher.
func (d *Dispatcher) Dispatch(ctx context.Context, x chain.Dispatch) (chain.Ack, error) {
	if err := ctx.Err(); err != nil {
		return chain.Ack{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail > 0 || d.failFor[x.ProviderID] {
		if d.fail > 0 {
			d.fail--
		}
		return chain.Ack{}, ErrProviderDown
	}
	d.all = append(d.all, x)
	if d.firstByID == nil {
		d.firstByID = map[string]chain.Dispatch{}
	}
	if _, ok := d.firstByID[x.Key]; !ok {
		d.firstByID[x.Key] = x
	}
	return chain.Ack{Reference: "in-" + x.Key}, nil
}

// Deliveries returns every delivery received, repeats included, in order.
func (d *Dispatcher) Deliveries() []chain.Dispatch {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]chain.Dispatch(nil), d.all...)
}

// Unique returns how many distinct idempotency keys were delivered.
func (d *Dispatcher) Unique() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.firstByID)
}
