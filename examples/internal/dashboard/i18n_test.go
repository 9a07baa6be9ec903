package dashboard

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
)

// TestMessagesComplete checks that every label is translated: the three
// tables have the same keys, no value is blank, and every key the
// templates and the Go code use, literally or built from a known set, is
// in them.
func TestMessagesComplete(t *testing.T) {
	t.Parallel()
	want := slices.Sorted(maps.Keys(en))
	for lang, table := range messages {
		assert.Equal(t, want, slices.Sorted(maps.Keys(table)), "the keys of %s", lang)
		for k, v := range table {
			assert.NotEmpty(t, strings.TrimSpace(v), "%s: %s", lang, k)
		}
	}

	used := map[string]bool{}
	literal := regexp.MustCompile(`(?:\.T |translate\(lang, |\bt\()"([a-z0-9.-]*[a-z0-9])"`)
	err := fs.WalkDir(templateFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(path)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return err
	})
	require.NoError(t, err)
	goFiles, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	require.Greater(t, len(used), 50, "the scan finds the literal keys")
	add := func(prefix string, names ...string) {
		for _, n := range names {
			used[prefix+n] = true
		}
	}
	add("group.", string(GroupOverdue), string(GroupDueSoon), string(GroupDue))
	add("kind.", "onboarding", "component", "report")
	add("report.state.", "owed", "generated", "sent", "acknowledged")
	add("onb.status.", "done", "late", "current", "overdue", "pending", "scheduled")
	add("step.", "registered", "request", "receipt", "appointment", "information", "training", "protocol", "live", "update", "replacement", "notice")
	add("next.", "request", "receipt", "appointment", "information", "training", "protocol")
	add("channel.", "electronic", "paper")
	for k := deadlines.WorkingDays; k <= deadlines.Immediately; k++ {
		add("term.", k.String())
	}
	for k := deadlines.DayWorking; k <= deadlines.DayTransferredWorking; k++ {
		add("kind.day.", k.String())
	}
	add("role.", string(auth.Operator), string(auth.BodyPerson), string(auth.QualityAuthority), string(auth.Citizen))
	for i := 1; i <= 12; i++ {
		add("month.", strconv.Itoa(i))
	}
	for i := 1; i <= 7; i++ {
		add("weekday.", strconv.Itoa(i))
	}
	var missing []string
	for k := range used {
		if _, ok := en[k]; !ok {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	assert.Empty(t, missing, "used keys without a label")
}

func TestPresentational_TurnsInlineStylesIntoAttributes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`<path d="M 0 0" style="stroke:none;fill:white"/>`, `<path d="M 0 0" stroke="none" fill="white"/>`},
		{`<text style="fill:rgb(70,70,70);font-size:16px;font-family:'Roboto Medium',sans-serif">A</text>`,
			`<text fill="rgb(70,70,70)" font-size="16px" font-family="'Roboto Medium',sans-serif">A</text>`},
		{`<g style="">x</g>`, `<g >x</g>`},
		{`<g style="bad prop:1;onload=x:2;fill:red">`, `<g fill="red">`},
		{`<rect x="1"/>`, `<rect x="1"/>`},
	} {
		assert.Equal(t, tc.want, string(presentational([]byte(tc.in))), tc.in)
	}
}
