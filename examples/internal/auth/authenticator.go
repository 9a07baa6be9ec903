package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "qyzmet_session"

// Authenticator resolves a request's credentials to a Principal: an
// `Authorization: Bearer <key>` header (API clients) or a session cookie
// issued by Login (the dashboard). Sessions are signed with HMAC-SHA256,
// so instances sharing the secret accept each other's sessions.
type Authenticator struct {
	keys   map[string]Principal // by key
	byName map[string]Principal
	secret []byte
	now    func() time.Time
	ttl    time.Duration
}

// NewAuthenticator returns an authenticator for keys (key → principal;
// names must be unique). secret signs sessions (at least 32 bytes); now is
// the clock for session expiry.
func NewAuthenticator(keys map[string]Principal, secret []byte, now func() time.Time) (*Authenticator, error) {
	if len(secret) < 32 {
		return nil, errors.New("auth: the session secret must have at least 32 bytes")
	}
	a := &Authenticator{keys: map[string]Principal{}, byName: map[string]Principal{}, secret: secret, now: now, ttl: 8 * time.Hour}
	for k, p := range keys {
		if k == "" || p.Name == "" || p.Role == "" {
			return nil, fmt.Errorf("auth: key for %q: key, name and role are required", p.Name)
		}
		if _, dup := a.byName[p.Name]; dup {
			return nil, fmt.Errorf("auth: principal name %q is used twice", p.Name)
		}
		a.keys[k], a.byName[p.Name] = p, p
	}
	return a, nil
}

// lookup compares key with every known key in constant time per key.
func (a *Authenticator) lookup(key string) (Principal, bool) {
	var found Principal
	ok := false
	for k, p := range a.keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			found, ok = p, true
		}
	}
	return found, ok
}

// Authenticate returns the caller of r. ok is false for an anonymous
// request; err is set when credentials were presented but are not valid.
func (a *Authenticator) Authenticate(r *http.Request) (p Principal, ok bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		key, found := strings.CutPrefix(h, "Bearer ")
		if !found {
			return Principal{}, false, errors.New("authorization must be a Bearer key")
		}
		if p, ok := a.lookup(key); ok {
			return p, true, nil
		}
		return Principal{}, false, errors.New("unknown key")
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return Principal{}, false, nil
	}
	p, ok = a.session(c.Value)
	if !ok {
		return Principal{}, false, nil // an expired or forged session is anonymous: the page asks to log in again
	}
	return p, true, nil
}

// Middleware puts the caller into the request context. Invalid bearer
// credentials are 401 at once; anonymous requests pass through (Allow
// decides).
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok, err := a.Authenticate(r)
		if err != nil {
			deny(w, http.StatusUnauthorized, err.Error())
			return
		}
		if ok {
			r = r.WithContext(WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

func (a *Authenticator) sign(payload string) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// issue returns a session value for p: name|expiry|mac, base64url-encoded.
func (a *Authenticator) issue(p Principal) string {
	payload := p.Name + "|" + strconv.FormatInt(a.now().Add(a.ttl).Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + a.sign(payload)
}

func (a *Authenticator) session(v string) (Principal, bool) {
	enc, mac, ok := strings.Cut(v, ".")
	if !ok {
		return Principal{}, false
	}
	// Strict: a payload whose last character carries stray low bits
	// decodes to the same bytes as the issued one; only the issued
	// spelling is a session (found by FuzzAuthenticate).
	raw, err := base64.RawURLEncoding.Strict().DecodeString(enc)
	if err != nil || !hmac.Equal([]byte(mac), []byte(a.sign(string(raw)))) {
		return Principal{}, false
	}
	name, exp, ok := strings.Cut(string(raw), "|")
	if !ok {
		return Principal{}, false
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !a.now().Before(time.Unix(unix, 0)) {
		return Principal{}, false
	}
	p, ok := a.byName[name]
	return p, ok
}

// Login handles the login form's POST (fields "key" and "next"): a valid
// key sets the session cookie and redirects to next (a local path only);
// an unknown key answers 401 with the form again.
func (a *Authenticator) Login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	next := localPath(r.PostForm.Get("next"))
	p, ok := a.lookup(r.PostForm.Get("key"))
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		writeLoginForm(w, next, "Unknown key.")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: a.issue(p), Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: int(a.ttl / time.Second),
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// LoginPage serves the login form.
func (a *Authenticator) LoginPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeLoginForm(w, localPath(r.URL.Query().Get("next")), "")
}

// Logout clears the session cookie.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// localPath keeps redirects on this server: anything but an absolute
// local path ("/x", not "//host" or "/\host") becomes "/".
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func writeLoginForm(w http.ResponseWriter, next, msg string) {
	_ = loginTmpl.Execute(w, struct{ Next, Msg string }{next, msg})
}
