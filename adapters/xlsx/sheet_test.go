package xlsx

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzPlainNeedsNoEscaping holds the fast path to the slow one: whatever
// escape writes is XML character data, and text that plain lets through
// unescaped reads back as itself, as its escaped form does.
func FuzzPlainNeedsNoEscaping(f *testing.F) {
	for _, s := range []string{"", "abc", "Өтініш беруші", "a & b", "_x0041_", "bad \xff", "x\uFFFEy", " lead", "tab\t", "\U0001F600", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r rowBuf
		escaped := string(r.escape(s))
		text := decode(t, escaped)
		require.True(t, utf8.ValidString(text))
		if plain(s) {
			require.Equal(t, s, decode(t, s), "written as it is")
			require.Equal(t, s, text, "escaped")
		}
	})
}

// decode reads XML character data back.
func decode(t *testing.T, data string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<t>" + data + "</t>"))
	var text strings.Builder
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return text.String()
		}
		require.NoError(t, err)
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
}
