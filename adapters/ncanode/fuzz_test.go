package ncanode

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
)

// FuzzDecode feeds arbitrary answers to the response decoder. It must never
// panic; it returns either Evidence from this verifier (with a Reason when
// not valid, and never valid with a revoked certificate) or an error
// wrapping one of the package's sentinels.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(f, err)
	for _, name := range files {
		body, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(200, body)
		f.Add(400, body)
	}
	f.Add(200, []byte(`{"valid":true,"signers":[{"certificates":[{"valid":true,"notBefore":1710138341000,"notAfter":null}]}]}`))
	f.Add(200, []byte(`{"valid":true,"signers":[{"certificates":[]}]}`))
	f.Add(200, []byte(`{"status":502}`))
	f.Add(503, []byte(`<html>`))
	f.Add(200, []byte(`null`))

	f.Fuzz(func(t *testing.T, code int, body []byte) {
		ev, err := decode(code, body)
		if err != nil {
			require.True(t, errors.Is(err, ErrUnavailable) || errors.Is(err, ErrBadResponse), err.Error())
			require.Equal(t, chain.Evidence{}, ev)
			return
		}
		require.Equal(t, Name, ev.Verifier)
		require.Contains(t, []chain.Revocation{chain.RevocationGood, chain.RevocationRevoked, chain.RevocationUnknown}, ev.Revocation)
		if ev.Valid {
			require.Empty(t, ev.Reason)
			require.NotEqual(t, chain.RevocationRevoked, ev.Revocation)
		} else {
			require.NotEmpty(t, ev.Reason)
		}
	})
}
