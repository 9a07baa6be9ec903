package cms

import "errors"

// Sentinel errors. Verify wraps one of them in every error it returns; match
// them with errors.Is. A signature that is merely bad is not an error.
var (
	// ErrUnavailable: the verifier could not answer now, because ctx is
	// done or the revocation checker failed. The error also wraps the cause
	// (context.Canceled, the checker's error). Trying again later may help.
	ErrUnavailable = errors.New("signature verifier unavailable")

	// ErrUnsupported: the signer's key uses an algorithm that Go's crypto
	// cannot verify, such as NCA RK's GOST 34.310 keys. The signature may be
	// perfectly good; ask a verifier that supports it (adapters/ncanode).
	ErrUnsupported = errors.New("signature algorithm not supported")
)
