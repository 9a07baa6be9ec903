package cms

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
)

// Name is the Evidence.Verifier value of this verifier.
const Name = "cms"

// MaxClockSkew is how far a signer's signing time may lie ahead of the
// clock before the signature is refused as dated in the future.
const MaxClockSkew = 5 * time.Minute

var _ chain.SignatureVerifier = (*Verifier)(nil)

// RevocationChecker asks whether cert, issued by issuer, is revoked, for
// example from OCSP or a CRL. It returns chain.RevocationGood,
// RevocationRevoked or RevocationUnknown; an error means it could not ask
// (the responder is down), and Verify then returns an error wrapping
// ErrUnavailable. It must be safe for concurrent use.
type RevocationChecker func(ctx context.Context, cert, issuer *x509.Certificate) (chain.Revocation, error)

// Option configures a Verifier.
type Option func(*Verifier)

// WithRevocationChecker makes Verify ask check about every signer whose
// signature and chain are good. Without it, Evidence.Revocation is
// chain.RevocationUnknown.
func WithRevocationChecker(check RevocationChecker) Option {
	return func(v *Verifier) { v.revocation = check }
}

// Verifier verifies CMS (PKCS#7) SignedData against a fixed set of trusted
// roots. It is safe for concurrent use.
type Verifier struct {
	roots      *x509.CertPool
	clock      deadlines.Clock
	revocation RevocationChecker
}

// New returns a Verifier that trusts the certificates in roots, and only
// them: a nil roots trusts nothing (it never falls back to the system
// roots). Intermediate certificates come from the CMS itself. clock gives
// the verification time when a signer has no signing time; New panics if
// it is nil.
func New(roots *x509.CertPool, clock deadlines.Clock, opts ...Option) *Verifier {
	if clock == nil {
		panic("cms: New needs a deadlines.Clock")
	}
	if roots == nil {
		roots = x509.NewCertPool()
	}
	v := &Verifier{roots: roots, clock: clock}
	for _, opt := range opts {
		opt(v)
	}
	return v
}

// Verify checks signature, a DER or BER encoded CMS SignedData, over its
// attached content or, when it is detached, over document. When the CMS is
// attached and document is not nil, document must equal the attached
// content. Every signer must be valid; the Evidence describes the first.
//
// A bad signature, an untrusted or expired certificate, a revoked one and
// bytes that are not a CMS give Evidence with Valid false and a Reason, and
// a nil error. Errors wrap ErrUnavailable (ctx done, revocation checker
// failed) or ErrUnsupported (a key Go cannot verify, such as GOST).
func (v *Verifier) Verify(ctx context.Context, document, signature []byte) (chain.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return chain.Evidence{}, fmt.Errorf("cms: %w: %w", ErrUnavailable, err)
	}
	now := v.clock.Now()
	p7, err := parse(signature)
	if err != nil {
		return invalid(chain.Evidence{}, "not a CMS SignedData: "+err.Error()), nil
	}
	if len(p7.Signers) == 0 {
		return invalid(chain.Evidence{}, "the CMS has no signers"), nil
	}
	switch {
	case len(p7.Content) == 0 && document == nil:
		return invalid(chain.Evidence{}, "the signature is detached and no document was given"), nil
	case len(p7.Content) == 0:
		p7.Content = document
	case document != nil && !bytes.Equal(document, p7.Content):
		return invalid(chain.Evidence{}, "the attached content differs from the document"), nil
	}

	var first chain.Evidence
	for i := range p7.Signers {
		one := *p7
		one.Signers = p7.Signers[i : i+1]
		ev, err := v.verifySigner(ctx, &one, now)
		if err != nil {
			return chain.Evidence{}, fmt.Errorf("cms: signer %d: %w", i+1, err)
		}
		switch {
		case i == 0:
			first = ev
		case first.Valid && !ev.Valid:
			first.Valid = false
			first.Reason = fmt.Sprintf("signer %d: %s", i+1, ev.Reason)
		}
	}
	return first, nil
}

// verifySigner checks the only signer of p7.
func (v *Verifier) verifySigner(ctx context.Context, p7 *pkcs7.PKCS7, now time.Time) (chain.Evidence, error) {
	cert := p7.GetOnlySigner()
	if cert == nil {
		return invalid(chain.Evidence{}, "the CMS does not carry the signer's certificate"), nil
	}
	ev := describe(cert)
	if cert.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm {
		return chain.Evidence{}, fmt.Errorf("%w: the key of certificate %s (GOST 34.310 keys of NCA RK need the ncanode adapter)", ErrUnsupported, ev.Serial)
	}

	at := now
	if st, ok := signingTime(p7); ok {
		ev.SigningTime = st
		at = st
		if st.After(now.Add(MaxClockSkew)) {
			return invalid(ev, fmt.Sprintf("the signing time %s is in the future", st.Format(time.RFC3339))), nil
		}
	}
	if err := safely(func() error { return p7.VerifyWithChainAtTime(nil, at) }); err != nil {
		return invalid(ev, signatureReason(err)), nil
	}
	if !canSign(cert) {
		return invalid(ev, "the certificate's key usage does not allow signatures"), nil
	}
	intermediates := x509.NewCertPool()
	for _, c := range p7.Certificates {
		intermediates.AddCert(c)
	}
	chains, err := cert.Verify(x509.VerifyOptions{
		Roots:         v.roots,
		Intermediates: intermediates,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return invalid(ev, chainReason(err, at)), nil
	}

	if v.revocation != nil {
		if err := ctx.Err(); err != nil {
			return chain.Evidence{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		issuer := chains[0][0]
		if len(chains[0]) > 1 {
			issuer = chains[0][1]
		}
		r, err := v.revocation(ctx, cert, issuer)
		if err != nil {
			return chain.Evidence{}, fmt.Errorf("%w: revocation check of certificate %s: %w", ErrUnavailable, ev.Serial, err)
		}
		switch r {
		case chain.RevocationGood, chain.RevocationRevoked:
			ev.Revocation = r
		}
		if r == chain.RevocationRevoked {
			return invalid(ev, "the certificate is revoked"), nil
		}
	}
	ev.Valid = true
	return ev, nil
}

// describe fills Evidence with what the certificate says about the signer.
func describe(cert *x509.Certificate) chain.Evidence {
	iin, bin := identity(cert.Subject)
	return chain.Evidence{
		SignerIIN:  iin,
		SignerBIN:  bin,
		SignerName: cert.Subject.CommonName,
		Serial:     cert.SerialNumber.Text(16),
		NotBefore:  cert.NotBefore.UTC(),
		NotAfter:   cert.NotAfter.UTC(),
		Revocation: chain.RevocationUnknown,
		Verifier:   Name,
	}
}

func invalid(ev chain.Evidence, reason string) chain.Evidence {
	ev.Valid = false
	ev.Verifier = Name
	if ev.Revocation == "" {
		ev.Revocation = chain.RevocationUnknown
	}
	ev.Reason = reason
	return ev
}

// signingTime reads the signingTime signed attribute (1.2.840.113549.1.9.5)
// of p7's only signer.
func signingTime(p7 *pkcs7.PKCS7) (time.Time, bool) {
	for _, attr := range p7.Signers[0].AuthenticatedAttributes {
		if !attr.Type.Equal(pkcs7.OIDAttributeSigningTime) {
			continue
		}
		var t time.Time
		if rest, err := asn1.Unmarshal(attr.Value.Bytes, &t); err != nil || len(rest) > 0 {
			return time.Time{}, false
		}
		return t.UTC(), true
	}
	return time.Time{}, false
}

func signatureReason(err error) string {
	var digest *pkcs7.MessageDigestMismatchError
	var st *pkcs7.SigningTimeNotValidError
	switch {
	case errors.As(err, &digest):
		return "the content does not match the signature (message digest mismatch)"
	case errors.As(err, &st):
		return fmt.Sprintf("the signing time %s is outside the certificate's validity", st.SigningTime.UTC().Format(time.RFC3339))
	}
	return "the signature does not verify: " + err.Error()
}

func chainReason(err error, at time.Time) string {
	var invalidCert x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(err, &invalidCert) && invalidCert.Reason == x509.Expired:
		return fmt.Sprintf("a certificate in the chain is expired or not yet valid at %s", at.UTC().Format(time.RFC3339))
	case errors.As(err, &unknown):
		return "the certificate is not issued by a trusted root"
	}
	return "the certificate chain is not valid: " + err.Error()
}

// parse decodes a CMS. The library parses untrusted input; a panic in it
// is turned into an error, so garbage can never crash the caller.
func parse(b []byte) (p7 *pkcs7.PKCS7, err error) {
	err = safely(func() error {
		var perr error
		p7, perr = pkcs7.Parse(b)
		return perr
	})
	if err != nil {
		return nil, err
	}
	return p7, nil
}

func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed CMS: %v", r)
		}
	}()
	return f()
}
