package cms

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
)

// Subject attributes in which NCA RK puts the identity numbers.
var (
	oidSerialNumber       = asn1.ObjectIdentifier{2, 5, 4, 5}  // "IIN123456789012" (or "BIN…" on some legal-entity certificates)
	oidOrganizationalUnit = asn1.ObjectIdentifier{2, 5, 4, 11} // "BIN123456789012"
)

// identity reads the IIN and the BIN from a certificate subject. A value
// that is not the prefix followed by exactly 12 digits is ignored: the
// fields stay empty rather than hold something that is not a number. The
// check digit is not checked here; the certificate authority vouches for
// the number, and kzid can check it where that matters.
func identity(name pkix.Name) (iin, bin string) {
	for _, atv := range name.Names {
		s, ok := atv.Value.(string)
		if !ok {
			continue
		}
		switch {
		case atv.Type.Equal(oidSerialNumber):
			if v, ok := number(s, "IIN"); ok && iin == "" {
				iin = v
			} else if v, ok := number(s, "BIN"); ok && bin == "" {
				bin = v
			}
		case atv.Type.Equal(oidOrganizationalUnit):
			if v, ok := number(s, "BIN"); ok && bin == "" {
				bin = v
			}
		}
	}
	return iin, bin
}

// number returns the 12 digits after prefix in s.
func number(s, prefix string) (string, bool) {
	v, ok := strings.CutPrefix(strings.TrimSpace(s), prefix)
	if !ok || len(v) != 12 {
		return "", false
	}
	for i := range len(v) {
		if v[i] < '0' || v[i] > '9' {
			return "", false
		}
	}
	return v, true
}

// canSign reports whether the certificate may make signatures: a key usage
// extension, when present, must allow digitalSignature or nonRepudiation
// (contentCommitment), as RFC 5280 4.2.1.3 requires.
func canSign(cert *x509.Certificate) bool {
	return cert.KeyUsage == 0 || cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) != 0
}
