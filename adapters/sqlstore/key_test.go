package sqlstore

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// FuzzSplitKey: the store reads a firing's timer ID and cycle from its
// key by its rung's name (see firingRow.firing). Every firing's Key()
// splits back into its timer ID and cycle, whatever slashes they hold;
// and whatever the key, a key that splits is the Key() of the firing
// split from it, so an acknowledgement by Key() finds its row.
func FuzzSplitKey(f *testing.F) {
	f.Add("t1", 1, "breach", "t1/1/breach")
	f.Add("org/7/app", 12, "warn/1", "org/7/app/12/warn/1")
	f.Add("", -3, "", "/-3/")
	f.Add("m", 0, "breach", "m/01/breach")
	f.Add("m", 0, "breach", "m/1/")
	f.Fuzz(func(t *testing.T, id string, cycle int, rung, key string) {
		fr := deadlines.Firing{TimerID: id, Cycle: cycle, Rung: deadlines.Rung{Name: rung}}
		gotID, gotCycle, err := splitKey(fr.Key(), rung)
		require.NoError(t, err)
		require.Equal(t, id, gotID)
		require.Equal(t, cycle, gotCycle)

		gotID, gotCycle, err = splitKey(key, rung)
		if err != nil {
			require.ErrorIs(t, err, errBadKey)
			return
		}
		require.Equal(t, key, gotID+"/"+strconv.Itoa(gotCycle)+"/"+rung)
	})
}
