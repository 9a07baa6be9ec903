package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzAuthenticate: a request is a principal only with a known key in a
// Bearer header, or a session cookie the authenticator issued itself. Any
// other header is an error, any other cookie is anonymous.
func FuzzAuthenticate(f *testing.F) {
	now := time.Date(2025, time.March, 17, 10, 0, 0, 0, time.UTC)
	a, err := NewAuthenticator(DemoKeys(), secret, func() time.Time { return now })
	require.NoError(f, err)
	issued := a.issue(DemoKeys()["demo-operator"])
	f.Add("Bearer demo-operator", "")
	f.Add("Bearer demo-operator ", "")
	f.Add("bearer demo-operator", "")
	f.Add("", issued)
	f.Add("", issued+"x")
	f.Add("", "VUNDIG9wZXJhdG9yfDE3NDIyMDkyMDA.AAAA")
	f.Add("", ".")
	f.Fuzz(func(t *testing.T, authorization, cookie string) {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
		if authorization != "" {
			req.Header["Authorization"] = []string{authorization}
		}
		if cookie != "" {
			req.Header["Cookie"] = []string{SessionCookie + "=" + cookie}
		}
		p, ok, err := a.Authenticate(req)
		if authorization != "" {
			key, bearer := strings.CutPrefix(authorization, "Bearer ")
			want, known := DemoKeys()[key]
			if bearer && known {
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, want, p)
			} else {
				require.Error(t, err, "%q", authorization)
				require.False(t, ok)
			}
			return
		}
		require.NoError(t, err, "a bad cookie is anonymous, not an error")
		if ok {
			c, cerr := req.Cookie(SessionCookie)
			require.NoError(t, cerr)
			require.Equal(t, issued, c.Value, "only an issued session is accepted")
			require.Equal(t, DemoKeys()["demo-operator"], p)
		}
	})
}

// FuzzLocalPath: the login redirect never leaves the server.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/ui/board", "//evil.example", "/\\evil.example", "https://evil.example/", "/x?next=//y", "", "/%2f%2fevil", "\t//evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		require.True(t, strings.HasPrefix(got, "/"), got)
		require.False(t, strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\"), got)
		u, err := url.Parse(got)
		require.NoError(t, err)
		require.Empty(t, u.Host, got)
		require.Empty(t, u.Scheme, got)
		// What a browser does with the Location header: resolve it
		// against this server.
		base, err := url.Parse("https://qyzmet.example/login")
		require.NoError(t, err)
		require.Equal(t, "qyzmet.example", base.ResolveReference(u).Host, got)
	})
}
