package ncanode_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/ncanode"
	"github.com/qyzmet/qyzmet/chain"
)

var (
	application = []byte(`{"service":"birth-of-a-child","recipient":"850101300005"}`)
	signature   = []byte{0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02} // only sent, never parsed here
)

// request is what the fake NCANode received.
type request struct {
	Method, Path, ContentType string
	Body                      map[string]json.RawMessage
}

type testBundle struct {
	server *httptest.Server
	client *ncanode.Client

	mu       sync.Mutex
	requests []request
}

// setup starts a fake NCANode under /ncanode answering every request with
// handle, and a Client for it.
func setup(t *testing.T, handle http.HandlerFunc, opts ...ncanode.Option) *testBundle {
	t.Helper()
	b := &testBundle{}
	b.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var body map[string]json.RawMessage
		_ = json.Unmarshal(raw, &body)
		b.mu.Lock()
		b.requests = append(b.requests, request{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Body: body})
		b.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(b.server.Close)
	c, err := ncanode.New(b.server.URL+"/ncanode/", opts...)
	require.NoError(t, err)
	b.client = c
	return b
}

func (b *testBundle) received(t *testing.T) []request {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]request(nil), b.requests...)
}

// answer replies with status and the sample testdata/file, as NCANode does.
func answer(t *testing.T, status int, file string) http.HandlerFunc {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	require.NoError(t, err)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRules472_P8_NCANodeAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		file   string
		want   chain.Evidence
	}{
		{
			name: "valid", status: http.StatusOK, file: "verify-valid.json",
			want: chain.Evidence{
				Valid:       true,
				SignerIIN:   "850101300005",
				SignerName:  "ТЕСТОВ ТЕСТ",
				Serial:      "6a1c0b2e7d5f4e3a9b8c7d6e5f4a3b2c1d0e9f8a",
				NotBefore:   at("2024-03-11T06:25:41Z"),
				NotAfter:    at("2025-03-11T06:25:41Z"),
				Revocation:  chain.RevocationGood,
				SigningTime: at("2024-06-03T04:15:22Z"),
				Verifier:    "ncanode",
			},
		},
		{
			name: "legal entity with BIN, CRL, no time-stamp", status: http.StatusOK, file: "verify-legal-entity.json",
			want: chain.Evidence{
				Valid:      true,
				SignerIIN:  "850101320006",
				SignerBIN:  "050140000656",
				SignerName: "СОТРУДНИКОВ СОТРУДНИК",
				Serial:     "4f00a1b2c3d4e5f60718293a4b5c6d7e8f901234",
				NotBefore:  at("2024-01-15T09:00:00Z"),
				NotAfter:   at("2025-01-15T09:00:00Z"),
				Revocation: chain.RevocationGood,
				Verifier:   "ncanode",
			},
		},
		{
			name: "invalid signature", status: http.StatusOK, file: "verify-invalid-signature.json",
			want: chain.Evidence{
				SignerIIN:   "850101300005",
				SignerName:  "ТЕСТОВ ТЕСТ",
				Serial:      "6a1c0b2e7d5f4e3a9b8c7d6e5f4a3b2c1d0e9f8a",
				NotBefore:   at("2024-03-11T06:25:41Z"),
				NotAfter:    at("2025-03-11T06:25:41Z"),
				Revocation:  chain.RevocationGood,
				SigningTime: at("2024-06-03T04:15:22Z"),
				Verifier:    "ncanode",
				Reason:      "the signature does not verify",
			},
		},
		{
			name: "revoked", status: http.StatusOK, file: "verify-revoked.json",
			want: chain.Evidence{
				SignerIIN:   "850101300005",
				SignerName:  "ТЕСТОВ ТЕСТ",
				Serial:      "6a1c0b2e7d5f4e3a9b8c7d6e5f4a3b2c1d0e9f8a",
				NotBefore:   at("2024-03-11T06:25:41Z"),
				NotAfter:    at("2025-03-11T06:25:41Z"),
				Revocation:  chain.RevocationRevoked,
				SigningTime: at("2024-06-03T04:15:22Z"),
				Verifier:    "ncanode",
				Reason:      "the certificate is revoked (OCSP at 2024-05-20T11:42:07Z)",
			},
		},
		{
			name: "OCSP did not know", status: http.StatusOK, file: "verify-ocsp-unknown.json",
			want: chain.Evidence{
				SignerIIN:  "850101300005",
				SignerName: "ТЕСТОВ ТЕСТ",
				Serial:     "6a1c0b2e7d5f4e3a9b8c7d6e5f4a3b2c1d0e9f8a",
				NotBefore:  at("2024-03-11T06:25:41Z"),
				NotAfter:   at("2025-03-11T06:25:41Z"),
				Revocation: chain.RevocationUnknown,
				Verifier:   "ncanode",
				Reason:     "the certificate is not valid now: expired, not issued by a trusted root, or its revocation status not confirmed",
			},
		},
		{
			name: "not a CMS (HTTP 400)", status: http.StatusBadRequest, file: "error-invalid-cms.json",
			want: chain.Evidence{
				Revocation: chain.RevocationUnknown,
				Verifier:   "ncanode",
				Reason:     "NCANode could not read the CMS: unknown object in getInstance: kz.gov.pki.kalkan.asn1.DERApplicationSpecific",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, answer(t, tt.status, tt.file))
			ev, err := b.client.Verify(t.Context(), application, signature)
			require.NoError(t, err)
			require.Equal(t, tt.want, ev)
			require.Len(t, b.received(t), 1)
		})
	}
}

func TestRequest(t *testing.T) {
	t.Parallel()
	decode := func(t *testing.T, raw json.RawMessage) []byte {
		t.Helper()
		var s string
		require.NoError(t, json.Unmarshal(raw, &s))
		b, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		return b
	}
	checks := func(t *testing.T, raw json.RawMessage) []string {
		t.Helper()
		var c []string
		require.NoError(t, json.Unmarshal(raw, &c))
		return c
	}

	t.Run("detached: cms and data in base64, OCSP by default", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"))
		_, err := b.client.Verify(t.Context(), application, signature)
		require.NoError(t, err)
		reqs := b.received(t)
		require.Len(t, reqs, 1)
		r := reqs[0]
		require.Equal(t, http.MethodPost, r.Method)
		require.Equal(t, "/ncanode/cms/verify", r.Path)
		require.Equal(t, "application/json", r.ContentType)
		require.Equal(t, signature, decode(t, r.Body["cms"]))
		require.Equal(t, application, decode(t, r.Body["data"]))
		require.Equal(t, []string{"OCSP"}, checks(t, r.Body["revocationCheck"]))
		require.Len(t, r.Body, 3)
	})

	t.Run("attached: no data", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"))
		_, err := b.client.Verify(t.Context(), nil, signature)
		require.NoError(t, err)
		r := b.received(t)[0]
		require.NotContains(t, r.Body, "data")
		require.Equal(t, signature, decode(t, r.Body["cms"]))
	})

	t.Run("revocation checks as configured", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"), ncanode.WithRevocationCheck(ncanode.CheckOCSP, ncanode.CheckCRL))
		_, err := b.client.Verify(t.Context(), nil, signature)
		require.NoError(t, err)
		require.Equal(t, []string{"OCSP", "CRL"}, checks(t, b.received(t)[0].Body["revocationCheck"]))
	})

	t.Run("no revocation check is an explicit empty list", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"), ncanode.WithRevocationCheck())
		_, err := b.client.Verify(t.Context(), nil, signature)
		require.NoError(t, err)
		require.JSONEq(t, `[]`, string(b.received(t)[0].Body["revocationCheck"]), "absent, NCANode would check the CRL")
	})

	t.Run("empty signature is invalid without asking", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"))
		ev, err := b.client.Verify(t.Context(), application, nil)
		require.NoError(t, err)
		require.False(t, ev.Valid)
		require.Equal(t, "the signature is empty", ev.Reason)
		require.Empty(t, b.received(t))
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		file     string // testdata answer, or
		body     string // a raw answer
		opts     []ncanode.Option
		sentinel error
		code     int    // StatusError.Code, when the error is one
		contains string // in the error text
	}{
		{name: "server error", status: 500, file: "error-server.json", sentinel: ncanode.ErrUnavailable, code: 500, contains: "CRL cache is not ready"},
		{name: "gateway page from a proxy", status: 502, body: "<html>502 Bad Gateway</html>", sentinel: ncanode.ErrUnavailable, code: 502},
		{name: "too many requests", status: 429, body: "slow down", sentinel: ncanode.ErrUnavailable, code: 429},
		{name: "error status inside a 200 answer", status: 200, body: `{"status":503,"message":"busy"}`, sentinel: ncanode.ErrUnavailable, code: 503, contains: "busy"},
		{name: "malformed JSON", status: 200, body: `{"status":200,"valid":tru`, sentinel: ncanode.ErrBadResponse},
		{
			name: "a date that is not ISO 8601", status: 200, sentinel: ncanode.ErrBadResponse, contains: "11.03.2024",
			body: `{"valid":true,"signers":[{"certificates":[{"notBefore":"11.03.2024"}]}]}`,
		},
		{name: "wrong base URL", status: 404, body: `{"status":404,"error":"Not Found","path":"/x/cms/verify"}`, sentinel: ncanode.ErrBadResponse, code: 404, contains: "Not Found"},
		{
			name: "answer too long", status: 200, file: "verify-valid.json", opts: []ncanode.Option{ncanode.WithMaxResponseBytes(512)},
			sentinel: ncanode.ErrBadResponse, contains: "longer than 512 bytes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			handle := func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}
			if tt.file != "" {
				handle = answer(t, tt.status, tt.file)
			}
			b := setup(t, handle, tt.opts...)
			ev, err := b.client.Verify(t.Context(), application, signature)
			require.ErrorIs(t, err, tt.sentinel)
			require.Equal(t, chain.Evidence{}, ev)
			if tt.contains != "" {
				require.ErrorContains(t, err, tt.contains)
			}
			var se *ncanode.StatusError
			if tt.code == 0 {
				require.NotErrorAs(t, err, &se)
				return
			}
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.code, se.Code)
		})
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()

	t.Run("context cancelled while NCANode thinks", func(t *testing.T) {
		t.Parallel()
		arrived := make(chan struct{})
		b := setup(t, func(_ http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-r.Context().Done()
		})
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := b.client.Verify(ctx, application, signature)
		require.ErrorIs(t, err, ncanode.ErrUnavailable)
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("context already done", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := b.client.Verify(ctx, application, signature)
		require.ErrorIs(t, err, ncanode.ErrUnavailable)
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, b.received(t))
	})

	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := b.client.Verify(ctx, application, signature)
		require.ErrorIs(t, err, ncanode.ErrUnavailable)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("server down", func(t *testing.T) {
		t.Parallel()
		b := setup(t, answer(t, http.StatusOK, "verify-valid.json"))
		b.server.Close()
		_, err := b.client.Verify(t.Context(), application, signature)
		require.ErrorIs(t, err, ncanode.ErrUnavailable)
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "ncanode:14579", "ftp://ncanode", "http://", "http://ncanode?x=1", "http://nca node"} {
		_, err := ncanode.New(base)
		require.ErrorIs(t, err, ncanode.ErrInvalid, base)
	}
	_, err := ncanode.New("http://ncanode:14579", ncanode.WithRevocationCheck("OCSP", "crl"), ncanode.WithHTTPClient(nil), ncanode.WithMaxResponseBytes(0))
	require.ErrorIs(t, err, ncanode.ErrInvalid)
	for _, part := range []string{`"crl"`, "nil client", "WithMaxResponseBytes"} {
		require.ErrorContains(t, err, part, "every problem is reported")
	}

	_, err = ncanode.New("https://gw.example.kz/ncanode", ncanode.WithHTTPClient(&http.Client{}))
	require.NoError(t, err)
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(t, http.StatusOK, "verify-valid.json"))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			ev, err := b.client.Verify(context.Background(), application, signature)
			if err == nil && !ev.Valid {
				err = errors.New(ev.Reason)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, b.received(t), 8)
	require.True(t, strings.HasSuffix(b.received(t)[0].Path, "/cms/verify"))
}
