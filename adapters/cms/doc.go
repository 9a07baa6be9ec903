// Package cms is a chain.SignatureVerifier that checks CMS (PKCS#7)
// SignedData in process, with X.509 certificates and Go's crypto, so that
// an EDS-signed application stays verifiable by every provider
// (Rules472 p.8). The CMS is decoded by github.com/smallstep/pkcs7, the
// maintained fork of the archived go.mozilla.org/pkcs7; qyzmet does not
// parse ASN.1 by hand.
//
// # Verification
//
// Verify accepts an attached or a detached CMS. For a detached one the
// document argument is the signed content; for an attached one the
// attached content is verified, and a non-nil document must equal it.
// For every signer Verify checks, in this order:
//
//  1. the signature over the content (through the messageDigest signed
//     attribute when there are signed attributes);
//  2. that the certificate's key usage allows signing;
//  3. the chain from the signer's certificate through the certificates
//     carried in the CMS to one of the roots given to New;
//  4. revocation, when a RevocationChecker is configured.
//
// The verification time is the signer's signingTime signed attribute
// (1.2.840.113549.1.9.5) when present, else the injected deadlines.Clock.
// A signing time is the signer's own claim, not a trusted time stamp; one
// more than MaxClockSkew ahead of the clock is refused.
//
// # Evidence
//
// The Evidence describes the first signer. It reads the Kazakh NCA RK
// subject attributes: the IIN from serialNumber (2.5.4.5, "IIN" and 12
// digits), the BIN from organizationalUnit (2.5.4.11, "BIN" and 12
// digits), the name from commonName. Serial is the certificate serial in
// lowercase hexadecimal. Evidence.Revocation is chain.RevocationUnknown
// unless a RevocationChecker answered. Valid is true only when every signer
// passes every check; otherwise Reason says what failed first.
//
// # Algorithms
//
// RSA and ECDSA keys with SHA-1 or SHA-2 digests are supported, as
// far as the pkcs7 library and crypto/x509 support them. NCA RK's GOST
// 34.310 (GOST R 34.10) keys are not supported by Go's crypto: for them
// Verify returns ErrUnsupported, and the adapters/ncanode verifier, which
// asks an NCANode server with the Kalkan provider, should be used.
//
// # Errors
//
// A signature that is bad is not an error: Verify returns Evidence with
// Valid false and a Reason, also for bytes that are not a CMS at all, and
// never panics on them. Errors mean the verifier could not answer, and
// wrap a sentinel to match with errors.Is:
//
//   - ErrUnavailable: ctx is done (the error also wraps ctx.Err()), or the
//     RevocationChecker returned an error (also wrapped).
//   - ErrUnsupported: the signer's key algorithm is unknown to Go's crypto.
package cms
