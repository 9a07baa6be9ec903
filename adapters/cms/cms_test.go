package cms_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/cms"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

var application = []byte(`{"service":"birth-of-a-child","recipient":"850101300005"}`)

type testBundle struct {
	root   issued
	inter  issued // issued by root
	other  issued // an untrusted root
	rsa    issued // RSA signer issued by inter
	ec     issued // ECDSA signer issued by inter
	legal  issued // legal entity's employee, with a BIN, issued by inter
	clock  *deadlinestest.Clock
	verify *cms.Verifier
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	root := newCA(t, "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST ROOT)")
	inter := root.intermediate(t, "NCA TEST INTERMEDIATE")
	clock := deadlinestest.NewClock(time.Now())
	return &testBundle{
		root:   root,
		inter:  inter,
		other:  newCA(t, "SOMEONE ELSE"),
		rsa:    inter.leaf(t, certOpts{}),
		ec:     inter.leaf(t, certOpts{EC: true}),
		legal:  inter.leaf(t, certOpts{Name: "СОТРУДНИКОВ СОТРУДНИК", IIN: "850101320006", BIN: testBIN, EC: true}),
		clock:  clock,
		verify: cms.New(pool(root.cert), clock),
	}
}

// signed returns a CMS by signer carrying the intermediate certificate.
func (b *testBundle) signed(t *testing.T, signer issued, o signOpts) []byte {
	t.Helper()
	o.Chain = append(o.Chain, b.inter.cert)
	return sign(t, application, signer, o)
}

func TestRules472_P8_SignedApplicationVerifiable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	expiredKey := b.inter.leaf(t, certOpts{NotBefore: time.Now().Add(-2 * 365 * 24 * time.Hour), NotAfter: time.Now().Add(-365 * 24 * time.Hour)})
	authOnly := b.inter.leaf(t, certOpts{KeyUsage: x509.KeyUsageKeyEncipherment})
	strayRoot := b.other.leaf(t, certOpts{})

	tests := []struct {
		name      string
		document  func() []byte
		signature func() []byte
		clock     time.Time // the verifier's clock; zero: now
		valid     bool
		reason    string // substring of Reason when not valid
		iin, bin  string
	}{
		{
			name:      "valid attached RSA",
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{}) },
			valid:     true, iin: testIIN,
		},
		{
			name:      "valid attached ECDSA",
			signature: func() []byte { return b.signed(t, b.ec, signOpts{}) },
			valid:     true, iin: testIIN,
		},
		{
			name:      "valid attached with the same document",
			document:  func() []byte { return application },
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{}) },
			valid:     true, iin: testIIN,
		},
		{
			name:      "valid detached",
			document:  func() []byte { return application },
			signature: func() []byte { return b.signed(t, b.ec, signOpts{Detached: true}) },
			valid:     true, iin: testIIN,
		},
		{
			name:      "valid without signed attributes, at the clock",
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{NoAttrs: true}) },
			valid:     true, iin: testIIN,
		},
		{
			name:      "signer with BIN",
			signature: func() []byte { return b.signed(t, b.legal, signOpts{}) },
			valid:     true, iin: "850101320006", bin: testBIN,
		},
		{
			name:      "the signing time, not the clock, is the verification time",
			signature: func() []byte { return b.signed(t, b.ec, signOpts{}) },
			clock:     time.Now().Add(5 * 365 * 24 * time.Hour), // the certificate has expired since
			valid:     true, iin: testIIN,
		},
		{
			name:      "tampered content, detached",
			document:  func() []byte { return append([]byte{'!'}, application...) },
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{Detached: true}) },
			reason:    "message digest mismatch",
		},
		{
			name:      "tampered content, detached, no signed attributes",
			document:  func() []byte { return append([]byte{'!'}, application...) },
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{Detached: true, NoAttrs: true}) },
			reason:    "does not verify",
		},
		{
			name:      "attached content differs from the document",
			document:  func() []byte { return []byte("another application") },
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{}) },
			reason:    "differs from the document",
		},
		{
			name:      "detached without a document",
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{Detached: true}) },
			reason:    "no document",
		},
		{
			name:      "wrong root",
			signature: func() []byte { return sign(t, application, strayRoot, signOpts{}) },
			reason:    "not issued by a trusted root",
		},
		{
			name:      "intermediate missing from the CMS",
			signature: func() []byte { return sign(t, application, b.rsa, signOpts{}) },
			reason:    "not issued by a trusted root",
		},
		{
			name:      "expired certificate, signing time stamped now",
			signature: func() []byte { return b.signed(t, expiredKey, signOpts{}) },
			reason:    "outside the certificate's validity",
		},
		{
			name:      "expired certificate at the clock",
			signature: func() []byte { return b.signed(t, b.ec, signOpts{NoAttrs: true}) },
			clock:     time.Now().Add(2 * 365 * 24 * time.Hour),
			reason:    "expired or not yet valid",
		},
		{
			name:      "signing time in the future",
			signature: func() []byte { return b.signed(t, b.ec, signOpts{}) },
			clock:     time.Now().Add(-time.Hour),
			reason:    "in the future",
		},
		{
			name:      "key usage does not allow signing",
			signature: func() []byte { return b.signed(t, authOnly, signOpts{}) },
			reason:    "key usage",
		},
		{
			name:      "two trusted signers",
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{MoreSigners: []issued{b.legal}}) },
			valid:     true, iin: "", bin: "", // which signer the Evidence names depends on the DER order
		},
		{
			name:      "a second signer is untrusted",
			signature: func() []byte { return b.signed(t, b.rsa, signOpts{MoreSigners: []issued{strayRoot}}) },
			reason:    "the certificate is not issued by a trusted root", // DER sorts the SET of signers, so either may come first
		},
		{name: "garbage bytes", signature: func() []byte { return []byte("not a CMS at all") }, reason: "not a CMS"},
		{name: "empty", signature: func() []byte { return nil }, reason: "not a CMS"},
		{name: "truncated", signature: func() []byte { s := b.signed(t, b.rsa, signOpts{}); return s[:len(s)/2] }, reason: "not a CMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := deadlinestest.NewClock(time.Now())
			if !tt.clock.IsZero() {
				clock.Set(tt.clock)
			}
			var document []byte
			if tt.document != nil {
				document = tt.document()
			}
			ev, err := cms.New(pool(b.root.cert), clock).Verify(t.Context(), document, tt.signature())
			require.NoError(t, err)
			require.Equal(t, cms.Name, ev.Verifier)
			if !tt.valid {
				require.False(t, ev.Valid)
				require.Contains(t, ev.Reason, tt.reason)
				require.Equal(t, chain.RevocationUnknown, ev.Revocation)
				if tt.iin != "" {
					require.Equal(t, tt.iin, ev.SignerIIN)
				}
				return
			}
			require.True(t, ev.Valid, ev.Reason)
			require.Empty(t, ev.Reason)
			if tt.iin != "" {
				require.Equal(t, tt.iin, ev.SignerIIN)
				require.Equal(t, tt.bin, ev.SignerBIN)
			}
			require.Equal(t, chain.RevocationUnknown, ev.Revocation, "no revocation checker configured")
		})
	}
}

func TestRules472_P8_EvidenceDescribesTheSigner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := time.Now().UTC().Add(-time.Minute)
	ev, err := b.verify.Verify(t.Context(), nil, b.signed(t, b.legal, signOpts{}))
	require.NoError(t, err)
	require.True(t, ev.Valid, ev.Reason)
	require.Equal(t, chain.Evidence{
		Valid:       true,
		SignerIIN:   "850101320006",
		SignerBIN:   testBIN,
		SignerName:  "СОТРУДНИКОВ СОТРУДНИК",
		Serial:      b.legal.cert.SerialNumber.Text(16),
		NotBefore:   b.legal.cert.NotBefore.UTC(),
		NotAfter:    b.legal.cert.NotAfter.UTC(),
		Revocation:  chain.RevocationUnknown,
		SigningTime: ev.SigningTime,
		Verifier:    "cms",
	}, ev)
	require.Regexp(t, `^abcdef[0-9a-f]+$`, ev.Serial, "lowercase hexadecimal")
	require.WithinRange(t, ev.SigningTime, before, time.Now().UTC().Add(time.Minute))

	ev, err = b.verify.Verify(t.Context(), nil, b.signed(t, b.rsa, signOpts{NoAttrs: true}))
	require.NoError(t, err)
	require.True(t, ev.Valid, ev.Reason)
	require.True(t, ev.SigningTime.IsZero(), "no signingTime attribute")
	require.Empty(t, ev.SignerBIN)
}

func TestRules472_P8_Revocation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	signature := b.signed(t, b.ec, signOpts{})
	errOCSPDown := errors.New("ocsp.pki.gov.kz: connection refused")

	tests := []struct {
		name   string
		answer chain.Revocation
		err    error
		valid  bool
		want   chain.Revocation
	}{
		{name: "good", answer: chain.RevocationGood, valid: true, want: chain.RevocationGood},
		{name: "revoked", answer: chain.RevocationRevoked, want: chain.RevocationRevoked},
		{name: "unknown", answer: chain.RevocationUnknown, valid: true, want: chain.RevocationUnknown},
		{name: "nonsense answer is unknown", answer: "maybe", valid: true, want: chain.RevocationUnknown},
		{name: "checker down", err: errOCSPDown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			check := func(_ context.Context, cert, issuer *x509.Certificate) (chain.Revocation, error) {
				calls.Add(1)
				require.Equal(t, b.ec.cert.SerialNumber, cert.SerialNumber)
				require.Equal(t, b.inter.cert.Subject.CommonName, issuer.Subject.CommonName, "the issuer from the verified chain")
				return tt.answer, tt.err
			}
			v := cms.New(pool(b.root.cert), b.clock, cms.WithRevocationChecker(check))
			ev, err := v.Verify(t.Context(), nil, signature)
			require.EqualValues(t, 1, calls.Load())
			if tt.err != nil {
				require.ErrorIs(t, err, cms.ErrUnavailable)
				require.ErrorIs(t, err, errOCSPDown)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.valid, ev.Valid)
			require.Equal(t, tt.want, ev.Revocation)
			if !tt.valid {
				require.Contains(t, ev.Reason, "revoked")
				require.Equal(t, testIIN, ev.SignerIIN, "evidence still names the signer")
			}
		})
	}

	t.Run("not asked about an untrusted signer", func(t *testing.T) {
		t.Parallel()
		check := func(context.Context, *x509.Certificate, *x509.Certificate) (chain.Revocation, error) {
			t.Error("checker called for a signature that failed")
			return chain.RevocationGood, nil
		}
		ev, err := cms.New(pool(b.other.cert), b.clock, cms.WithRevocationChecker(check)).Verify(t.Context(), nil, signature)
		require.NoError(t, err)
		require.False(t, ev.Valid)
	})
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	signature := b.signed(t, b.rsa, signOpts{})

	t.Run("context cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := b.verify.Verify(ctx, nil, signature)
		require.ErrorIs(t, err, cms.ErrUnavailable)
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("context cancelled by the revocation checker", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		check := func(ctx context.Context, _, _ *x509.Certificate) (chain.Revocation, error) {
			cancel()
			return chain.RevocationUnknown, ctx.Err()
		}
		_, err := cms.New(pool(b.root.cert), b.clock, cms.WithRevocationChecker(check)).Verify(ctx, nil, signature)
		require.ErrorIs(t, err, cms.ErrUnavailable)
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("GOST key is unsupported, not invalid", func(t *testing.T) {
		t.Parallel()
		// Put NCA RK's GOST 34.310 key OID (1.2.398.3.10.1.1.1.1) in place of
		// rsaEncryption (1.2.840.113549.1.1.1, same length) in the signer's
		// SubjectPublicKeyInfo, the first place it occurs in the CMS.
		rsaEncryption := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}
		gost := []byte{0x06, 0x09, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x01, 0x01}
		leaf := b.root.leaf(t, certOpts{})
		gostSigned := bytes.Replace(sign(t, application, leaf, signOpts{}), rsaEncryption, gost, 1)
		_, err := b.verify.Verify(t.Context(), nil, gostSigned)
		require.ErrorIs(t, err, cms.ErrUnsupported)
		require.ErrorContains(t, err, "ncanode")
	})

	t.Run("nil roots trust nothing", func(t *testing.T) {
		t.Parallel()
		ev, err := cms.New(nil, b.clock).Verify(t.Context(), nil, signature)
		require.NoError(t, err)
		require.False(t, ev.Valid)
		require.Contains(t, ev.Reason, "trusted root")
	})

	t.Run("nil clock panics at construction", func(t *testing.T) {
		t.Parallel()
		require.Panics(t, func() { cms.New(pool(b.root.cert), nil) })
	})
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	signature := b.signed(t, b.ec, signOpts{})
	var good atomic.Int32
	v := cms.New(pool(b.root.cert), deadlines.ClockFunc(b.clock.Now), cms.WithRevocationChecker(
		func(context.Context, *x509.Certificate, *x509.Certificate) (chain.Revocation, error) {
			good.Add(1)
			return chain.RevocationGood, nil
		}))
	done := make(chan chain.Evidence)
	for range 8 {
		go func() {
			ev, err := v.Verify(context.Background(), nil, signature)
			if err != nil {
				ev.Reason = err.Error()
			}
			done <- ev
		}()
	}
	for range 8 {
		ev := <-done
		require.True(t, ev.Valid, ev.Reason)
	}
	require.EqualValues(t, 8, good.Load())
}
