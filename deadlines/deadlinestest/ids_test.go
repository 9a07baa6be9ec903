package deadlinestest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

func TestIdentityNumbers(t *testing.T) {
	t.Parallel()
	require.Equal(t, "900101300017", deadlinestest.IIN("900101", 1))
	require.NoError(t, kzid.ValidateIIN(deadlinestest.IIN("850101", 7)))
	require.NoError(t, kzid.ValidateBIN(deadlinestest.BIN(40)))
	require.NotEqual(t, deadlinestest.BIN(40), deadlinestest.BIN(60))
}
