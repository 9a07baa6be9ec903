package ncanode

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/qyzmet/qyzmet/chain"
)

// Name is the Evidence.Verifier value of this verifier.
const Name = "ncanode"

// DefaultMaxResponseBytes bounds the answer read from NCANode. A
// verification answer is a few kilobytes per certificate.
const DefaultMaxResponseBytes = 1 << 20

// defaultTimeout bounds a request when the caller's ctx has no deadline and
// no *http.Client was given.
const defaultTimeout = 30 * time.Second

var _ chain.SignatureVerifier = (*Client)(nil)

// Check is a revocation check NCANode can make.
type Check string

// Revocation checks, as NCANode names them in "revocationCheck".
const (
	CheckOCSP Check = "OCSP" // ask NCA RK's OCSP responder
	CheckCRL  Check = "CRL"  // look in the CRLs the server has cached
)

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through hc instead of a client with a 30 s
// timeout. Use it for TLS settings, proxies and instrumentation.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.http = hc }
}

// WithRevocationCheck sets the checks NCANode makes; the default is OCSP.
// With no checks, none is made and Evidence.Revocation is unknown.
func WithRevocationCheck(checks ...Check) Option {
	return func(c *Client) { c.checks = checks }
}

// WithMaxResponseBytes bounds the answer read from NCANode; a longer one is
// an ErrBadResponse. The default is DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) { c.maxResponse = n }
}

// Client verifies CMS signatures by asking an NCANode 3.x server
// (POST {base}/cms/verify). It is safe for concurrent use.
type Client struct {
	endpoint    string
	http        *http.Client
	checks      []Check
	maxResponse int64
}

// New returns a Client for the NCANode server at baseURL, for example
// "http://ncanode:14579" or "https://gw.example.kz/ncanode". Errors wrap
// ErrInvalid.
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("ncanode: base URL: %w: %w", ErrInvalid, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("ncanode: base URL %q: %w: want http(s)://host[:port][/path]", baseURL, ErrInvalid)
	}
	c := &Client{
		endpoint:    u.JoinPath("cms", "verify").String(),
		http:        &http.Client{Timeout: defaultTimeout},
		checks:      []Check{CheckOCSP},
		maxResponse: DefaultMaxResponseBytes,
	}
	for _, opt := range opts {
		opt(c)
	}
	var errs []error
	if c.http == nil {
		errs = append(errs, fmt.Errorf("ncanode: WithHTTPClient: %w: nil client", ErrInvalid))
	}
	for _, ch := range c.checks {
		if ch != CheckOCSP && ch != CheckCRL {
			errs = append(errs, fmt.Errorf("ncanode: WithRevocationCheck: %w: %q is neither OCSP nor CRL", ErrInvalid, ch))
		}
	}
	if c.maxResponse <= 0 {
		errs = append(errs, fmt.Errorf("ncanode: WithMaxResponseBytes: %w: %d", ErrInvalid, c.maxResponse))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// Verify asks NCANode to verify signature, a CMS, over its attached content
// or, when it is detached, over document. NCANode ignores document for an
// attached CMS and verifies the attached content.
//
// Evidence describes the first signer; Valid is NCANode's verdict on the
// whole CMS (every signature, certificate validity now and the requested
// revocation checks). Errors wrap ErrUnavailable (network, ctx, 5xx, 408,
// 429) or ErrBadResponse; status errors are *StatusError.
func (c *Client) Verify(ctx context.Context, document, signature []byte) (chain.Evidence, error) {
	if len(signature) == 0 {
		return invalid(chain.Evidence{}, "the signature is empty"), nil
	}
	reqBody := verifyRequest{
		CMS:             base64.StdEncoding.EncodeToString(signature),
		RevocationCheck: make([]string, 0, len(c.checks)),
	}
	if document != nil {
		reqBody.Data = base64.StdEncoding.EncodeToString(document)
	}
	for _, ch := range c.checks {
		reqBody.RevocationCheck = append(reqBody.RevocationCheck, string(ch))
	}
	payload, err := json.Marshal(reqBody)
	if err != nil {
		return chain.Evidence{}, fmt.Errorf("ncanode: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(payload))
	if err != nil {
		return chain.Evidence{}, fmt.Errorf("ncanode: %w: %w", ErrUnavailable, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		return chain.Evidence{}, fmt.Errorf("ncanode: %w: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxResponse+1))
	if err != nil {
		return chain.Evidence{}, fmt.Errorf("ncanode: read answer: %w: %w", ErrUnavailable, err)
	}
	if int64(len(body)) > c.maxResponse {
		return chain.Evidence{}, fmt.Errorf("ncanode: %w: answer longer than %d bytes", ErrBadResponse, c.maxResponse)
	}
	return decode(resp.StatusCode, body)
}
