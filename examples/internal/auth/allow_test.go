package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAllow(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := Allow(ok, Operator, QualityAuthority)
	for _, tc := range []struct {
		name   string
		p      *Principal
		status int
	}{
		{"anonymous", nil, http.StatusUnauthorized},
		{"citizen", &Principal{Role: Citizen, IIN: "900101300017"}, http.StatusForbidden},
		{"body", &Principal{Role: BodyPerson, BodyID: "b"}, http.StatusForbidden},
		{"operator", &Principal{Role: Operator}, http.StatusNoContent},
		{"quality", &Principal{Role: QualityAuthority}, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tc.p != nil {
				r = r.WithContext(WithPrincipal(r.Context(), *tc.p))
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tc.status, w.Code)
		})
	}
}
