package htmlreport_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/htmlreport"
	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestRules130_P14_PrintablePageWithTheMonthsChart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cal := kz.Calendar()
	store := memory.New()
	clock := deadlinestest.NewClock(cal.Date(2025, time.April, 2).Add(10 * time.Hour))
	svc, err := reports.NewService(store, cal, clock)
	require.NoError(t, err)
	names := func(kk, ru, en string) deadlines.Names { return deadlines.Names{KK: kk, RU: ru, EN: en} }
	require.NoError(t, store.CreateBody(ctx, onboarding.Body{ID: "quality", Kind: onboarding.KindQualityAuthority, BIN: "050140000203", Name: names("Сапа органы", "Орган по качеству", "Quality authority"), Region: "Astana", Zone: "Asia/Almaty"}))
	require.NoError(t, store.CreateBody(ctx, onboarding.Body{ID: "ministry", Kind: onboarding.KindCentral, BIN: "050140000401", Name: names("Әділет министрлігі", "Министерство юстиции", "Ministry of Justice"), Region: "Astana", Zone: "Asia/Almaty"}))
	require.NoError(t, store.CreateService(ctx, onboarding.StateService{ID: "birth", RegisterNumber: "00101001", Name: names("Баланың тууын тіркеу", "Регистрация рождения", "Birth registration"), Providers: []string{"ministry"}}))
	for i, a := range []struct {
		day    int
		region string
		nature reports.Nature
	}{{3, "Astana", reports.StandardViolation}, {5, "Almaty", reports.EmployeeConduct}, {12, "Astana", reports.StandardViolation | reports.EmployeeConduct}, {20, "Mangystau", reports.StandardViolation}} {
		_, err := svc.RecordAppeal(ctx, reports.Appeal{ReceivedAt: cal.Date(2025, time.March, a.day).Add(10 * time.Hour), ForumResponsible: "Нұрланов Әсет",
			Region: a.region, ApplicantName: "Иванова <Мария> & Co", Nature: a.nature, Content: "срок <нарушен>",
			RequestNo: "REQ-" + string(rune('1'+i)), BodyID: "ministry", ServiceID: "birth"}, "ucc-operator")
		require.NoError(t, err)
	}
	var buf bytes.Buffer
	_, err = svc.Render(ctx, reports.Period{Year: 2025, Month: time.March}, "quality", htmlreport.NewWriter(&buf, "ru"))
	require.NoError(t, err)
	page := buf.String()

	require.Contains(t, page, "<th>Ф.И.О. заявителя</th>")
	require.Contains(t, page, "Иванова &lt;Мария&gt; &amp; Co", "text is escaped")
	require.NotContains(t, page, "<Мария>")
	require.Equal(t, 4, strings.Count(page, "<tr><td class=\"n\">"), "a row per appeal")
	require.Contains(t, page, "<svg", "the chart is inline SVG")
	require.Contains(t, page, "Mangystau")
	require.NotContains(t, page, "<script", "no script")
	for _, u := range regexp.MustCompile(`(?:https?:)?//[^\s"'<>)]+`).FindAllString(page, -1) {
		require.Contains(t, []string{"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, u, "the page fetches nothing from the network: XML namespaces only")
	}
	path := filepath.Join("testdata", "golden", "appendix2_ru.html")
	if *update {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./adapters/htmlreport -update to create it")
	require.Equal(t, string(want), page)

	svg, err := htmlreport.Chart(&reports.Summary{}, "kk")
	require.NoError(t, err, "an empty month still draws")
	require.Contains(t, string(svg), "<svg")
}
