// Package ncanode is a chain.SignatureVerifier that asks an NCANode 3.x
// server (github.com/malikzh/NCANode, the Kalkan-based signing service used
// with NCA RK keys) to verify CMS signatures, so that applications signed
// with GOST 34.310 keys, which Go's crypto cannot check (see adapters/cms),
// stay verifiable by every provider (Rules472 p.8).
//
// # Request
//
// Verify sends POST {base}/cms/verify with a JSON body (NCANode's
// CmsVerifyRequest):
//
//	{"cms": "<base64 CMS>", "data": "<base64 document>", "revocationCheck": ["OCSP"]}
//
// data is sent when document is not nil. NCANode uses it only when the CMS
// is detached; for an attached CMS it verifies the attached content and
// ignores data (CmsService.verify), so unlike adapters/cms this client does
// not compare a document with attached content. revocationCheck lists
// "OCSP" and/or "CRL" (WithRevocationCheck; OCSP by default). It is always
// sent, as an empty list for no check, because NCANode checks the CRL when
// the field is absent.
//
// # Answer
//
// NCANode answers HTTP 200 with {"status": 200, "message": "OK", "valid":
// bool, "signers": [{"certificates": [CertificateInfo…], "tsp": {…}}]}.
// CertificateInfo has valid, revocations [{revoked, by, revocationTime,
// reason}], notBefore, notAfter, serialNumber (hex) and subject {commonName,
// iin, bin, …}. The Evidence describes the first signer's certificate:
// SignerIIN, SignerBIN and SignerName from the subject, Serial in lowercase,
// NotBefore and NotAfter, SigningTime from the time-stamp token's genTime
// (NCANode does not report the signingTime attribute, so it is zero without
// a time-stamp). Valid is NCANode's "valid" for the whole CMS, which covers
// every signature, each certificate's validity now, a trusted issuer and
// the requested revocation checks.
//
// Revocation is revoked when any check says revoked, good when an OCSP
// answer (reason "OK") or a CRL check says not revoked, and unknown when
// no check was made or the OCSP responder did not know.
//
// Sources: the DTO classes under src/main/java/kz/ncanode/dto and
// CmsController, CmsService, CertificateWrapper, OcspService and
// ExceptionHandlerControllerAdvice in github.com/malikzh/NCANode, and the
// OpenAPI schema NCANode serves at /swagger-ui (v3.ncanode.kz/swagger-ui).
// Sample answers are in testdata/.
//
// # Errors
//
// A signature NCANode rejects is not an error: Verify returns Evidence
// with Valid false and a Reason. That includes HTTP 400, which NCANode
// sends ({"status": 400, "message": …}) when it cannot read the CMS at all.
// Errors mean no answer was had, and wrap a sentinel to match with
// errors.Is:
//
//   - ErrUnavailable: network failure, ctx done (the error also wraps
//     ctx.Err()), HTTP 5xx, 408 or 429. Trying again later may help.
//   - ErrBadResponse: an answer that is not NCANode's documented one:
//     malformed JSON, a longer answer than WithMaxResponseBytes allows, or
//     another status (404 for a wrong base URL, 401/403 from a proxy).
//
// Status errors are a *StatusError with the code and the server's message;
// errors.As gives it. New returns errors wrapping ErrInvalid
// (deadlines.ErrInvalid) for a bad base URL or option, all of them at once.
package ncanode
