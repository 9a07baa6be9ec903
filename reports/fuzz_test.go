package reports_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/reports"
)

// checkDecoded holds for every successful decode: valid figures that
// survive a round trip through WriteFiguresCSV; and every failure is a
// typed error naming a line.
func checkDecoded(t *testing.T, figs []reports.Figure, err error) {
	if err != nil {
		require.ErrorIs(t, err, reports.ErrInvalid)
		var le *reports.LineError
		require.True(t, errors.As(err, &le), "%v", err)
		require.Positive(t, le.Line)
		return
	}
	require.NotEmpty(t, figs)
	for _, f := range figs {
		require.GreaterOrEqual(t, f.Count, int64(0))
		require.Positive(t, f.Line)
	}
	var buf bytes.Buffer
	require.NoError(t, reports.WriteFiguresCSV(&buf, figs))
	again, err := reports.DecodeFiguresCSV(&buf)
	require.NoError(t, err, buf.String())
	require.Equal(t, lineless(figs), lineless(again))
}

func FuzzDecodeFiguresCSV(f *testing.F) {
	f.Add(ministryMarch)
	f.Add("period,body_id,dimension,key,count\n2025-03,ministry,region,\"Ast,ana\",1\n")
	f.Add("period,body_id,dimension,key,count\n2025-03,ministry,total,,x\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		figs, err := reports.DecodeFiguresCSV(strings.NewReader(in))
		checkDecoded(t, figs, err)
	})
}

func FuzzDecodeFiguresJSON(f *testing.F) {
	f.Add(`[{"period": "2025-03", "body_id": "ministry", "dimension": "total", "count": 3}]`)
	f.Add("[\n{\"period\": \"2025-03\", \"body_id\": \"m\", \"dimension\": \"nature\", \"key\": \"employee_conduct\", \"count\": 1}\n]")
	f.Add(`[{"count": "3"}]`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, in string) {
		figs, err := reports.DecodeFiguresJSON(strings.NewReader(in))
		checkDecoded(t, figs, err)
		if err == nil {
			raw, err := json.Marshal(lineless(figs))
			require.NoError(t, err)
			again, err := reports.DecodeFiguresJSON(bytes.NewReader(raw))
			require.NoError(t, err, string(raw))
			require.Equal(t, lineless(figs), lineless(again))
		}
	})
}
