package httpx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

func TestStatusAndErrorBody(t *testing.T) {
	t.Parallel()
	rule := deadlines.Cite(deadlines.Rules472, 8)
	for _, tc := range []struct {
		name   string
		err    error
		status int
		body   httpx.ErrorBody
	}{
		{"forbidden input", httpx.Forbidden(rule, "recipient", "not yours"), http.StatusForbidden,
			httpx.ErrorBody{Error: "Rules472 p.8: recipient: forbidden: not yours", Rule: "Rules472 p.8", Field: "recipient"}},
		{"forbidden wrapped", fmt.Errorf("api: %w", httpx.Forbidden(deadlines.Citation{}, "body", "x")), http.StatusForbidden,
			httpx.ErrorBody{Error: "api: body: forbidden: x", Field: "body"}},
		{"invalid", deadlines.Invalid(rule, "signature", "bad"), http.StatusBadRequest, httpx.ErrorBody{}},
		{"not found", fmt.Errorf("x: %w", deadlines.ErrNotFound), http.StatusNotFound, httpx.ErrorBody{Error: "x: not found"}},
		{"conflict", fmt.Errorf("x: %w", deadlines.ErrConflict), http.StatusConflict, httpx.ErrorBody{}},
		{"internal", errors.New("disk on fire"), http.StatusInternalServerError, httpx.ErrorBody{Error: "internal error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.status, httpx.Status(tc.err))
			w := httptest.NewRecorder()
			httpx.WriteError(w, slog.New(slog.DiscardHandler), tc.err)
			require.Equal(t, tc.status, w.Code)
			if tc.body == (httpx.ErrorBody{}) {
				return
			}
			var got httpx.ErrorBody
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
			require.Equal(t, tc.body, got)
		})
	}
}
