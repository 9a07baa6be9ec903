package kzid_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// The valid numbers below were checked by hand:
//   850101300005: Σ i·dᵢ = 8+10+4+6+21 = 49 ≡ 5 (mod 11).
//   850101320006: first weighting 65 ≡ 10, second 24+20+6+8+27+20 = 105 ≡ 6.
//   050140000656: Σ i·dᵢ = 10+4+20+60+55 = 149 ≡ 6.

func TestValidateIIN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, err string
	}{
		{"850101300005", ""},
		{"850101320006", ""}, // needs the second weighting
		{"850101300004", "check digit"},
		{"850101320000", "check digit"},
		{"85010130000", "12 digits"},
		{"8501013000O5", "12 digits"},
		{"851301300005", "date of birth"}, // month 13; Σ = 60 ≡ 5, check digit valid
		{"850101700000", "7th digit"},     // Σ = 77 ≡ 0
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			err := kzid.ValidateIIN(tt.in)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			require.ErrorContains(t, err, tt.err)
		})
	}
}

func TestValidateBIN(t *testing.T) {
	t.Parallel()
	require.NoError(t, kzid.ValidateBIN("050140000656"))
	require.ErrorContains(t, kzid.ValidateBIN("050140000655"), "check digit")
	require.ErrorIs(t, kzid.ValidateBIN("850101300005"), deadlines.ErrInvalid, "an IIN is not a BIN")

	kind, err := kzid.Validate("050140000656")
	require.NoError(t, err)
	require.Equal(t, kzid.BIN, kind)
	kind, err = kzid.Validate("850101300005")
	require.NoError(t, err)
	require.Equal(t, kzid.IIN, kind)
}

// withCheck completes 11 digits with their check digit, or reports that the
// number can never be issued.
func withCheck(first11 string) (string, bool) {
	for c := '0'; c <= '9'; c++ {
		s := first11 + string(c)
		if _, err := kzid.Validate(s); err == nil {
			return s, true
		}
	}
	return "", false
}

func TestExactlyOneCheckDigitFits(t *testing.T) {
	t.Parallel()
	unissuable := 0
	for i := range 2000 {
		first11 := fmt.Sprintf("9003153%04d", i) // born 1990-03-15, male
		fits := 0
		for c := '0'; c <= '9'; c++ {
			if kzid.ValidateIIN(first11+string(c)) == nil {
				fits++
			}
		}
		require.LessOrEqual(t, fits, 1, first11)
		if fits == 0 {
			unissuable++
		}
	}
	require.Positive(t, unissuable, "some prefixes give 10 under both weightings")
	require.Less(t, unissuable, 2000/5)
	_, ok := withCheck("85010130000")
	require.True(t, ok)
}

func TestMask(t *testing.T) {
	t.Parallel()
	require.Equal(t, "850101******", kzid.Mask("850101300005"))
	require.Equal(t, "******", kzid.Mask("123"))
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"850101300005", "850101320006", "050140000656", "", "000000000000", "99999999999x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, err := kzid.Validate(s)
		if err != nil {
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			return
		}
		require.Len(t, s, 12)
		require.Equal(t, "******", kzid.Mask(s)[6:])
		if kind == kzid.IIN {
			require.Error(t, kzid.ValidateBIN(s))
		}
	})
}

func TestComplete(t *testing.T) {
	t.Parallel()
	got, err := kzid.Complete("90010130001")
	require.NoError(t, err)
	require.Equal(t, "900101300017", got)
	require.NoError(t, kzid.ValidateIIN(got))
	for _, bad := range []string{"", "9001013000", "90010130001x", "9001013000a"} {
		_, err := kzid.Complete(bad)
		require.ErrorIs(t, err, deadlines.ErrInvalid, bad)
	}
	// A prefix whose both weightings give 10 has no number.
	none := 0
	for i := range 1000 {
		if _, err := kzid.Complete(fmt.Sprintf("9001013%04d", i)); err != nil {
			none++
		}
	}
	require.Positive(t, none, "some prefixes are never issued")
}
