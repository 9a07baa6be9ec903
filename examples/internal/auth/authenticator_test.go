package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func newAuth(t *testing.T, now *time.Time) *Authenticator {
	t.Helper()
	a, err := NewAuthenticator(DemoKeys(), secret, func() time.Time { return *now })
	require.NoError(t, err)
	return a
}

func TestDemoKeysHaveValidIdentities(t *testing.T) {
	for key, p := range DemoKeys() {
		if p.Role == Citizen {
			assert.NoError(t, kzid.ValidateIIN(p.IIN), key)
		}
		if p.Role == BodyPerson {
			assert.NotEmpty(t, p.BodyID, key)
		}
	}
}

func TestNewAuthenticatorRejectsBadConfig(t *testing.T) {
	now := func() time.Time { return time.Unix(0, 0) }
	_, err := NewAuthenticator(DemoKeys(), []byte("short"), now)
	assert.Error(t, err)
	_, err = NewAuthenticator(map[string]Principal{"a": {Name: "x", Role: Operator}, "b": {Name: "x", Role: Citizen}}, secret, now)
	assert.ErrorContains(t, err, "used twice")
	_, err = NewAuthenticator(map[string]Principal{"": {Name: "x", Role: Operator}}, secret, now)
	assert.Error(t, err)
}

func TestBearerKeys(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	a := newAuth(t, &now)
	var got Principal
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = FromContext(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))
	for _, tc := range []struct {
		header string
		status int
		role   Role
	}{
		{"", http.StatusNoContent, ""},
		{"Bearer demo-operator", http.StatusNoContent, Operator},
		{"Bearer demo-citizen", http.StatusNoContent, Citizen},
		{"Bearer demo-operatorX", http.StatusUnauthorized, ""},
		{"Basic demo-operator", http.StatusUnauthorized, ""},
	} {
		got = Principal{}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, tc.status, w.Code, tc.header)
		assert.Equal(t, tc.role, got.Role, tc.header)
	}
}

func TestLoginSessionExpiresAndCannotBeForged(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	a := newAuth(t, &now)
	form := url.Values{"key": {"demo-education"}, "next": {"/ui/board"}}
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	a.Login(w, r)
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/ui/board", w.Header().Get("Location"))
	cookies := w.Result().Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.True(t, c.HttpOnly)

	withCookie := func(v string) (Principal, bool) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: v})
		p, ok, err := a.Authenticate(r)
		require.NoError(t, err)
		return p, ok
	}
	p, ok := withCookie(c.Value)
	require.True(t, ok)
	assert.Equal(t, "education-department", p.BodyID)

	enc, mac, _ := strings.Cut(c.Value, ".")
	_, ok = withCookie(enc + "." + mac[:len(mac)-2] + "AA")
	assert.False(t, ok, "forged mac")
	_, ok = withCookie("garbage")
	assert.False(t, ok)

	now = now.Add(8*time.Hour + time.Second)
	_, ok = withCookie(c.Value)
	assert.False(t, ok, "expired")
}

func TestLoginRejectsUnknownKeyAndForeignRedirects(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	a := newAuth(t, &now)
	post := func(key, next string) *httptest.ResponseRecorder {
		form := url.Values{"key": {key}, "next": {next}}
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		a.Login(w, r)
		return w
	}
	w := post("nope", "/")
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Empty(t, w.Result().Cookies())
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""} {
		assert.Equal(t, "/", post("demo-operator", next).Header().Get("Location"), next)
	}
}
