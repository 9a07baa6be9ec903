package auth

import (
	"net/http"
	"slices"
)

// Allow serves h only to an authenticated caller whose role is one of
// roles: no caller is 401, another role is 403. Scoping within a role (a
// body's person sees only its body, a citizen only their IIN) is the
// handler's job, with the principal from FromContext.
func Allow(h http.Handler, roles ...Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := FromContext(r.Context())
		switch {
		case !ok:
			deny(w, http.StatusUnauthorized, "authentication required")
		case !slices.Contains(roles, p.Role):
			deny(w, http.StatusForbidden, "role "+string(p.Role)+" may not use this endpoint")
		default:
			h.ServeHTTP(w, r)
		}
	})
}

func deny(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":"` + msg + `"}` + "\n"))
}
