package availability_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/availability"
	"github.com/qyzmet/qyzmet/chain"
)

func TestStatic(t *testing.T) {
	t.Parallel()
	s, err := availability.Parse([]byte(`{"missing": {"900101300017": ["bank_account"], "*": ["military_record"]}}`))
	require.NoError(t, err)
	ctx := context.Background()
	for _, tc := range []struct {
		name, recipient string
		needs, want     []string
	}{
		{"the recipient's own gap", "900101300017", []string{"parent_iin", "bank_account"}, []string{"bank_account"}},
		{"everyone's gap", "900101300027", []string{"military_record", "bank_account"}, []string{"military_record"}},
		{"both, in the order asked", "900101300017", []string{"military_record", "address", "bank_account"}, []string{"military_record", "bank_account"}},
		{"nothing missing", "900101300027", []string{"address"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Missing(ctx, tc.recipient, tc.needs)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	t.Run("the zero value has everything", func(t *testing.T) {
		t.Parallel()
		got, err := (&availability.Static{}).Missing(ctx, "x", []string{"a"})
		require.NoError(t, err)
		require.Empty(t, got)
	})
	t.Run("a cancelled context", func(t *testing.T) {
		t.Parallel()
		c, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Missing(c, "x", []string{"a"})
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestParseRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{"mising": {}}`, `{"missing": {"x": "a"}}`, `{} {}`, `nope`} {
		_, err := availability.Parse([]byte(in))
		require.ErrorIs(t, err, chain.ErrInvalid, in)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"missing": {"*": ["a"]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := availability.Parse(b)
		if err != nil {
			require.ErrorIs(t, err, chain.ErrInvalid)
			return
		}
		_, err = s.Missing(context.Background(), "r", []string{"a", "b"})
		require.NoError(t, err)
	})
}
