package logmask_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/examples/internal/logmask"
)

func TestMask(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"900101300017", "900101******"},
		{"iin=900101300017,", "iin=900101******,"},
		{"/v1/recipients/900101300017/applications", "/v1/recipients/900101******/applications"},
		{"two 900101300017 and 850515400012", "two 900101****** and 850515******"},
		{"BIN 050140000013.", "BIN 050140******."},
		{"11 digits 90010130001 stay", "11 digits 90010130001 stay"},
		{"13 digits 9001013000171 stay", "13 digits 9001013000171 stay"},
		{"nanos 1742198400000000000", "nanos 1742198400000000000"},
		{"ascii only: ٩٠٠١٠١٣٠٠٠١٧", "ascii only: ٩٠٠١٠١٣٠٠٠١٧"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, logmask.Mask(tc.in))
		})
	}
}

type stringer struct{}

func (stringer) String() string { return "recipient 900101300017" }

func TestHandlerMasksMessagesAndValues(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(logmask.New(slog.NewJSONHandler(&buf, nil)))
	log = log.With("recipient", "850515400012").WithGroup("req")
	log.Info("lookup 900101300017",
		"path", "/v1/recipients/900101300017",
		"err", fmt.Errorf("wrapped: %w", errors.New("application of 900101300017 not found")),
		"who", stringer{},
		"ids", []string{"900101300017"},
		slog.Group("nested", "iin", "900101300017"),
		"count", 12, "as_int", 900101300017, "as_uint", uint64(850515400012), "at_ns", int64(1742198400000000000))
	out := buf.String()
	require.NotContains(t, out, "900101300017")
	require.NotContains(t, out, "850515400012")
	for _, want := range []string{
		`"msg":"lookup 900101******"`, `"recipient":"850515******"`, `"path":"/v1/recipients/900101******"`,
		`"err":"wrapped: application of 900101****** not found"`, `"who":"recipient 900101******"`,
		`"ids":"[900101******]"`, `"nested":{"iin":"900101******"}`, `"count":12`, `"as_int":"900101******"`, `"as_uint":"850515******"`, `"at_ns":1742198400000000000`,
	} {
		require.Contains(t, out, want)
	}
}

func TestHandlerKeepsLevels(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(logmask.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	log.Info("dropped 900101300017")
	require.Empty(t, buf.String())
	log.Warn("kept 900101300017")
	require.Contains(t, buf.String(), "kept 900101******")
}
