package cms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/cms"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

// FuzzVerify feeds arbitrary bytes as the signature: Verify must never
// panic, and bytes it cannot verify give Valid false with a Reason. The
// only error possible here is ErrUnsupported (a mutated key algorithm):
// the context is live and no revocation checker is configured.
func FuzzVerify(f *testing.F) {
	root := newCA(f, "FUZZ ROOT")
	signer := root.leaf(f, certOpts{EC: true})
	attached := sign(f, application, signer, signOpts{})
	f.Add(attached)
	f.Add(sign(f, application, signer, signOpts{Detached: true}))
	f.Add(sign(f, application, signer, signOpts{NoAttrs: true}))
	f.Add(attached[:len(attached)-7])
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80, 0x00, 0x00}) // BER, indefinite lengths
	f.Add([]byte("garbage"))
	f.Add([]byte{})

	v := cms.New(pool(root.cert), deadlinestest.NewClock(time.Now()))
	f.Fuzz(func(t *testing.T, signature []byte) {
		ev, err := v.Verify(t.Context(), application, signature)
		if err != nil {
			require.ErrorIs(t, err, cms.ErrUnsupported)
			return
		}
		require.Equal(t, cms.Name, ev.Verifier)
		if !ev.Valid {
			require.NotEmpty(t, ev.Reason)
		}
	})
}
