package ncanode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/chain"
)

// The JSON of NCANode 3.x, from its DTO classes (github.com/malikzh/NCANode,
// src/main/java/kz/ncanode/dto/…) and the springdoc OpenAPI schema served at
// /swagger-ui (v3.ncanode.kz/swagger-ui). Only the fields used are declared;
// unknown fields are ignored, so a newer server with more fields still
// decodes.

// verifyRequest is CmsVerifyRequest (dto/request/CmsVerifyRequest.java and
// VerifyRequest.java). Data is the base64 signed content of a detached CMS;
// NCANode uses it only when the CMS has no content (service/CmsService.java,
// verify). RevocationCheck holds "OCSP" and/or "CRL"; when the field is
// absent the server defaults to ["CRL"], so it is always sent.
type verifyRequest struct {
	CMS             string   `json:"cms"`
	Data            string   `json:"data,omitempty"`
	RevocationCheck []string `json:"revocationCheck"`
}

// verifyResponse is CmsVerificationResponse (dto/response/
// CmsVerificationResponse.java) with StatusResponse's status and message.
type verifyResponse struct {
	Status  int          `json:"status"`
	Message string       `json:"message"`
	Valid   bool         `json:"valid"`
	Signers []signerInfo `json:"signers"`
}

// signerInfo is CmsSignerInfo (dto/cms/CmsSignerInfo.java): the
// certificates matching the signer, and the time-stamp token if any.
type signerInfo struct {
	Certificates []certificateInfo `json:"certificates"`
	TSP          *tspInfo          `json:"tsp"`
}

// certificateInfo is CertificateInfo (dto/certificate/CertificateInfo.java).
// Valid is NCANode's verdict on the certificate at the current time: within
// its validity, issuer known, and the requested revocation checks passed
// (wrapper/CertificateWrapper.java, isValid). SerialNumber is hexadecimal
// (BigInteger.toString(16)).
type certificateInfo struct {
	Valid        bool               `json:"valid"`
	Revocations  []revocationStatus `json:"revocations"`
	NotBefore    javaTime           `json:"notBefore"`
	NotAfter     javaTime           `json:"notAfter"`
	SerialNumber string             `json:"serialNumber"`
	Subject      *subject           `json:"subject"`
}

// subject is CertificateSubject (dto/certificate/CertificateSubject.java);
// iin and bin come without their "IIN"/"BIN" prefixes.
type subject struct {
	CommonName string `json:"commonName"`
	IIN        string `json:"iin"`
	BIN        string `json:"bin"`
}

// revocationStatus is CertificateRevocationStatus
// (dto/certificate/CertificateRevocationStatus.java). By is "OCSP" or "CRL".
// For OCSP, reason is "OK" when the responder answered (good or revoked)
// and an error text when the status is unknown (service/OcspService.java).
type revocationStatus struct {
	Revoked        bool     `json:"revoked"`
	By             string   `json:"by"`
	RevocationTime javaTime `json:"revocationTime"`
	Reason         string   `json:"reason"`
}

// tspInfo is TspInfo (dto/tsp/TspInfo.java): the signature time-stamp token.
type tspInfo struct {
	GenTime javaTime `json:"genTime"`
}

// errorResponse is ErrorResponse (dto/response/ErrorResponse.java), sent
// with the HTTP status by controller/advice/ExceptionHandlerControllerAdvice.java.
type errorResponse struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	Error   string `json:"error"` // Spring's own error body, for errors outside NCANode's handler
}

// javaTime is a java.util.Date as Jackson writes it: an ISO 8601 string
// ("2023-07-12T08:21:44.000+00:00", the OpenAPI "date-time" format), or
// epoch milliseconds when a server is configured to write timestamps, or
// null.
type javaTime time.Time

// UnmarshalJSON reads a string, a number or null.
func (t *javaTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*t = javaTime{}
		return nil
	}
	if len(b) > 0 && b[0] != '"' {
		var ms int64
		if err := json.Unmarshal(b, &ms); err != nil {
			return fmt.Errorf("date: %w", err)
		}
		*t = javaTime(time.UnixMilli(ms).UTC())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700"} {
		if parsed, err := time.Parse(layout, s); err == nil {
			*t = javaTime(parsed.UTC())
			return nil
		}
	}
	return fmt.Errorf("date %q is not ISO 8601", s)
}

// decode turns NCANode's answer to POST /cms/verify into Evidence. code is
// the HTTP status.
//
// NCANode answers 200 with a CmsVerificationResponse when it could read the
// CMS, whether or not the signature is valid. When it cannot read the CMS
// (bad base64, not a CMS, a detached CMS without data) CmsService.verify
// throws a ClientException, which the controller advice turns into HTTP
// 400 with {"status": 400, "message": …}: that is the documented "invalid
// CMS" answer, and decode reports it as Valid false. 5xx, 408 and 429 mean
// the server could not answer (ErrUnavailable); anything else is not an
// answer NCANode documents for this endpoint (ErrBadResponse).
func decode(code int, body []byte) (chain.Evidence, error) {
	if code >= 200 && code < 300 {
		var r verifyResponse
		if err := json.Unmarshal(body, &r); err != nil {
			return chain.Evidence{}, fmt.Errorf("ncanode: %w: %w", ErrBadResponse, err)
		}
		if r.Status == 0 || r.Status == 200 {
			return r.evidence(), nil
		}
		code = r.Status // an error status inside a 2xx answer
	}
	var e errorResponse
	_ = json.Unmarshal(body, &e) // the body may be HTML from a proxy; the status decides
	msg := e.Message
	if msg == "" {
		msg = e.Error
	}
	switch {
	case code == 400:
		reason := "NCANode could not read the CMS"
		if msg != "" {
			reason += ": " + msg
		}
		return invalid(chain.Evidence{}, reason), nil
	case code >= 500 || code == 408 || code == 429:
		return chain.Evidence{}, &StatusError{Code: code, Message: msg, err: ErrUnavailable}
	}
	return chain.Evidence{}, &StatusError{Code: code, Message: msg, err: ErrBadResponse}
}

// evidence maps a verification answer. It describes the first signer's
// first certificate (the one matching the signer's identifier); Valid is
// NCANode's verdict for the whole CMS.
func (r verifyResponse) evidence() chain.Evidence {
	if len(r.Signers) == 0 {
		return invalid(chain.Evidence{}, "NCANode found no signers in the CMS")
	}
	first := r.Signers[0]
	if len(first.Certificates) == 0 {
		return invalid(chain.Evidence{}, "the CMS does not carry the signer's certificate")
	}
	c := first.Certificates[0]
	ev := chain.Evidence{
		Serial:     strings.ToLower(c.SerialNumber),
		NotBefore:  time.Time(c.NotBefore),
		NotAfter:   time.Time(c.NotAfter),
		Revocation: revocation(c.Revocations),
		Verifier:   Name,
	}
	if c.Subject != nil {
		ev.SignerIIN = c.Subject.IIN
		ev.SignerBIN = c.Subject.BIN
		ev.SignerName = c.Subject.CommonName
	}
	if first.TSP != nil {
		ev.SigningTime = time.Time(first.TSP.GenTime)
	}

	switch {
	case ev.Revocation == chain.RevocationRevoked:
		return invalid(ev, "the certificate is revoked"+revokedDetail(c.Revocations))
	case !c.Valid:
		return invalid(ev, "the certificate is not valid now: expired, not issued by a trusted root, or its revocation status not confirmed")
	case !r.Valid:
		for i, s := range r.Signers[1:] {
			for _, other := range s.Certificates {
				if !other.Valid {
					return invalid(ev, fmt.Sprintf("signer %d: the certificate is not valid now", i+2))
				}
			}
		}
		return invalid(ev, "the signature does not verify")
	}
	ev.Valid = true
	return ev
}

// revocation sums up the checks: revoked if any says so; good if one
// answered and none is revoked; unknown otherwise. An OCSP answer counts
// when its reason is "OK" (a responder that did not know says something
// else); a CRL entry always counts.
func revocation(checks []revocationStatus) chain.Revocation {
	answer := chain.RevocationUnknown
	for _, c := range checks {
		switch {
		case c.Revoked:
			return chain.RevocationRevoked
		case strings.EqualFold(c.By, "CRL"), strings.EqualFold(c.By, "OCSP") && strings.EqualFold(c.Reason, "OK"):
			answer = chain.RevocationGood
		}
	}
	return answer
}

func revokedDetail(checks []revocationStatus) string {
	for _, c := range checks {
		if !c.Revoked {
			continue
		}
		s := " (" + c.By
		if at := time.Time(c.RevocationTime); !at.IsZero() {
			s += " at " + at.Format(time.RFC3339)
		}
		if c.Reason != "" && !strings.EqualFold(c.Reason, "OK") {
			s += ": " + c.Reason
		}
		return s + ")"
	}
	return ""
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
