package cms_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/smallstep/pkcs7"
	"github.com/stretchr/testify/require"
)

// Test identity numbers with valid check digits (see deadlines/kzid tests).
const (
	testIIN = "850101300005"
	testBIN = "050140000656"
)

var (
	oidSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidOU           = asn1.ObjectIdentifier{2, 5, 4, 11}
	serials         atomic.Int64
)

// tb is what the helpers need of a *testing.T, *testing.F or, in
// examples, panicky.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// panicky is a tb for examples: any failure panics.
type panicky struct{}

func (panicky) Helper()                           {}
func (panicky) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (panicky) FailNow()                          { panic("example setup failed") }

// issued is a certificate with its private key.
type issued struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// certOpts describe a certificate to issue; zero values take defaults.
type certOpts struct {
	Name      string    // common name; default "ТЕСТОВ ТЕСТ"
	IIN       string    // serialNumber "IIN…"; default testIIN, "-" for none
	BIN       string    // organizationalUnit "BIN…"; default none
	EC        bool      // ECDSA P-256 instead of RSA 2048
	NotBefore time.Time // default: an hour ago (wall clock, as the pkcs7 signer stamps wall-clock signing times)
	NotAfter  time.Time // default: in a year
	KeyUsage  x509.KeyUsage
}

func newKey(t tb, ec bool) crypto.Signer {
	t.Helper()
	if ec {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return k
}

// newCA returns a self-signed root CA.
func newCA(t tb, name string) issued {
	t.Helper()
	key := newKey(t, true)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serials.Add(1)),
		Subject:               pkix.Name{CommonName: name, Country: []string{"KZ"}},
		NotBefore:             time.Now().Add(-10 * 365 * 24 * time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return issued{cert: cert, key: key}
}

// intermediate returns a CA certificate issued by parent.
func (parent issued) intermediate(t tb, name string) issued {
	t.Helper()
	key := newKey(t, true)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serials.Add(1)),
		Subject:               pkix.Name{CommonName: name, Country: []string{"KZ"}},
		NotBefore:             parent.cert.NotBefore,
		NotAfter:              parent.cert.NotAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, key.Public(), parent.key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return issued{cert: cert, key: key}
}

// leaf issues a signer certificate with NCA RK's subject attributes.
func (parent issued) leaf(t tb, o certOpts) issued {
	t.Helper()
	if o.Name == "" {
		o.Name = "ТЕСТОВ ТЕСТ"
	}
	if o.IIN == "" {
		o.IIN = testIIN
	}
	if o.NotBefore.IsZero() {
		o.NotBefore = time.Now().Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = time.Now().Add(365 * 24 * time.Hour)
	}
	if o.KeyUsage == 0 {
		o.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}
	subject := pkix.Name{CommonName: o.Name, Country: []string{"KZ"}}
	if o.IIN != "-" {
		subject.ExtraNames = append(subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidSerialNumber, Value: "IIN" + o.IIN})
	}
	if o.BIN != "" {
		subject.Organization = []string{`ТОО "ТЕСТ"`}
		subject.ExtraNames = append(subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidOU, Value: "BIN" + o.BIN})
	}
	key := newKey(t, o.EC)
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetUint64(0xABCDEF0000 + uint64(serials.Add(1))),
		Subject:      subject,
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     o.KeyUsage,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, key.Public(), parent.key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return issued{cert: cert, key: key}
}

// signOpts describe a CMS to make.
type signOpts struct {
	Detached    bool
	NoAttrs     bool                // no signed attributes, so no signing time
	Chain       []*x509.Certificate // certificates carried in the CMS after the signer's
	MoreSigners []issued            // further signers
}

// sign makes a CMS SignedData with the pkcs7 library's signer.
func sign(t tb, content []byte, signer issued, o signOpts) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	require.NoError(t, err)
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	for _, s := range append([]issued{signer}, o.MoreSigners...) {
		if o.NoAttrs {
			require.NoError(t, sd.SignWithoutAttr(s.cert, s.key, pkcs7.SignerInfoConfig{}))
		} else {
			require.NoError(t, sd.AddSigner(s.cert, s.key, pkcs7.SignerInfoConfig{}))
		}
	}
	for _, c := range o.Chain {
		sd.AddCertificate(c)
	}
	if o.Detached {
		sd.Detach()
	}
	der, err := sd.Finish()
	require.NoError(t, err)
	return der
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
