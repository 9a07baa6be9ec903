package kzid_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// FuzzComplete: any 11 characters either fail with ErrInvalid or complete
// to a 12-digit number with that prefix, and any other last digit makes a
// number Validate rejects: the check digit is the only one.
func FuzzComplete(f *testing.F) {
	for _, s := range []string{"90010130001", "85010130000", "05014000065", "9001013000", "9001013000x", "", "00000000000", "٩٠٠١٠١٣٠٠٠١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := kzid.Complete(s)
		if err != nil {
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			require.Empty(t, got)
			return
		}
		require.Len(t, got, 12)
		require.Equal(t, s, got[:11])
		last := got[11]
		require.True(t, last >= '0' && last <= '9', got)
		for c := byte('0'); c <= '9'; c++ {
			if c != last {
				_, err := kzid.Validate(got[:11] + string(c))
				require.ErrorIs(t, err, deadlines.ErrInvalid, "%s with check digit %c", got[:11], c)
			}
		}
	})
}
