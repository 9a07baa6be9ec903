package chain

import (
	"context"
	"time"
)

// Revocation is what a certificate's revocation check answered.
type Revocation string

// Revocation answers.
const (
	RevocationGood    Revocation = "good"    // OCSP or CRL says not revoked
	RevocationRevoked Revocation = "revoked" // revoked at or before the signing time
	RevocationUnknown Revocation = "unknown" // not checked, or the responder did not know
)

// Evidence is a verifier's answer about an EDS-signed application, stored
// with the application so every provider can see what was checked and when
// (Rules472 p.8).
type Evidence struct {
	Valid       bool       `json:"valid"`            // the signature matches the document and the certificate chain is trusted
	SignerIIN   string     `json:"signer_iin"`       // the individual's IIN from the certificate subject
	SignerBIN   string     `json:"signer_bin"`       // the organisation's BIN, for a legal entity's certificate
	SignerName  string     `json:"signer_name"`      // the certificate subject's common name
	Serial      string     `json:"serial"`           // certificate serial number, hexadecimal
	NotBefore   time.Time  `json:"not_before"`       // certificate validity
	NotAfter    time.Time  `json:"not_after"`        // certificate validity
	Revocation  Revocation `json:"revocation"`       // revocation status
	SigningTime time.Time  `json:"signing_time"`     // from the signed attributes or time stamp; zero if absent
	Verifier    string     `json:"verifier"`         // which verifier answered, e.g. "cms" or "ncanode"
	Reason      string     `json:"reason,omitempty"` // why Valid is false
}

// SignatureVerifier checks an EDS signature over the original application
// bytes. Signature is a CMS (PKCS#7) SignedData, attached or detached; when
// it is detached, document is the signed content, and when it is attached
// a non-empty document must equal the attached content (else Valid is
// false). A signature that is merely bad, or input that cannot be parsed,
// is not an error: Verify returns Evidence with Valid false and a Reason.
// Errors are for a verifier that could not answer: a network failure, a
// responder down, or a key algorithm it does not support (adapters/cms
// cannot read GOST keys; adapters/ncanode can), so a caller may try
// another verifier. Verify must be safe for concurrent use.
type SignatureVerifier interface {
	Verify(ctx context.Context, document, signature []byte) (Evidence, error)
}

// DataAvailability tells whether the data a component needs are present
// in state information systems for a recipient (Rules472 p.3).
type DataAvailability interface {
	// Missing returns the items of needs that are not available for the
	// recipient (an IIN or BIN), or none.
	Missing(ctx context.Context, recipient string, needs []string) ([]string, error)
}

// Dispatch is one delivery of the (enriched) application to a component's
// provider (Rules472 p.7, p.8).
type Dispatch struct {
	Key           string            `json:"key"` // idempotency key: the same key is the same delivery
	ApplicationID string            `json:"application_id"`
	DefinitionID  string            `json:"definition_id"`
	ComponentID   string            `json:"component_id"`
	ServiceID     string            `json:"service_id"`
	ProviderID    string            `json:"provider_id"`
	Recipient     string            `json:"recipient"`
	Data          map[string]string `json:"data,omitempty"` // the application's data, enriched with prerequisite results
	Document      []byte            `json:"document"`       // the signed original, unchanged
	Signature     []byte            `json:"signature"`
}

// Ack is a provider's acknowledgement of a dispatch.
type Ack struct {
	ReceivedAt time.Time // when the provider received the application; zero means now
	Reference  string    // the provider's own registration number, if any
}

// Dispatcher delivers applications to providers. Delivery is at least
// once: the same Dispatch may be delivered again (after a crash or a lost
// acknowledgement) with the same Key, and a provider must treat a repeated
// Key as the same delivery.
// Dispatch must not modify d's maps and slices, which may be shared.
type Dispatcher interface {
	Dispatch(ctx context.Context, d Dispatch) (Ack, error)
}

// DispatcherFunc adapts a function to a Dispatcher.
type DispatcherFunc func(ctx context.Context, d Dispatch) (Ack, error)

// Dispatch calls f.
func (f DispatcherFunc) Dispatch(ctx context.Context, d Dispatch) (Ack, error) { return f(ctx, d) }
