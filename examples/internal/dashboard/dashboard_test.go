package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/dashboard"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

func TestBoard_ListsSeededTermsWithCitationAndWorkingDayCountdown(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// The onboarding started on 19 March 10:00 (the seed's "yesterday"):
	// the request is due within 3 working days (Rules130 p.4) in the
	// education department's zone: 20, 26 and 27 March, Nauryz being off.
	// At 20 March 10:00 the working days left in (now, due] are 26 and 27.
	res := b.get(t, "demo-operator", "/ui/board")
	require.Equal(t, http.StatusOK, res.StatusCode)
	soon := section(res.Body, "due-soon")
	require.NotEmpty(t, soon, "the due-soon section")
	row := rowWith(soon, "/ui/onboardings/"+b.onboardingID)
	require.NotEmpty(t, row, "the seeded onboarding is due soon")
	assert.Contains(t, row, "Rules130 p.4")
	assert.Contains(t, row, `datetime="2025-03-27"`)
	assert.Contains(t, row, "Asia/Aqtau")
	assert.Contains(t, row, `data-left="2"`)
	assert.Contains(t, row, "2 working days left")
	assert.Contains(t, row, "Appendix 1 request sent")

	// The composite application's first component was received at 20 March
	// 10:00 and is due within 2 working days (Rules472 p.5): 27 March.
	comp := rowWith(soon, "Registration of the birth")
	require.NotEmpty(t, comp)
	assert.Contains(t, comp, "Rules472 p.5")
	assert.Contains(t, comp, `datetime="2025-03-27"`)
	assert.Contains(t, comp, "/ui/applications/"+b.applicationID)
	overdue := section(res.Body, "overdue")
	assert.NotContains(t, overdue, "/ui/onboardings/", "no onboarding term is overdue yet")
	assert.NotContains(t, overdue, "/ui/applications/", "no component term is overdue yet")

	// A day after the due date the request is overdue by one working day.
	b.clock.Set(time.Date(2025, time.March, 28, 10, 0, 0, 0, start.Location()))
	res = b.get(t, "demo-operator", "/ui/board")
	over := section(res.Body, "overdue")
	row = rowWith(over, "/ui/onboardings/"+b.onboardingID)
	require.NotEmpty(t, row, "the request is overdue on 28 March")
	assert.Contains(t, row, "overdue by 1 working days")
	assert.NotContains(t, section(res.Body, "due-soon"), "/ui/onboardings/"+b.onboardingID)
}

func TestBoard_BodyPersonSeesOnlyItsOwnBody(t *testing.T) {
	t.Parallel()
	b := setup(t)

	edu := b.get(t, "demo-education", "/ui/board").Body
	assert.Contains(t, edu, "/ui/onboardings/"+b.onboardingID, "its own onboarding")
	assert.NotContains(t, edu, `data-body="registry-office"`, "another body's component")
	for _, body := range regexp.MustCompile(`data-body="([^"]*)"`).FindAllStringSubmatch(edu, -1) {
		assert.Equal(t, "education-department", body[1])
	}

	reg := b.get(t, "demo-registry", "/ui/board").Body
	assert.Contains(t, reg, `data-body="registry-office"`, "its own component")
	assert.NotContains(t, reg, "/ui/onboardings/", "the education department's onboarding")

	// Another tenant's record answers 404 exactly like a missing one.
	assert.Equal(t, http.StatusNotFound, b.get(t, "demo-registry", "/ui/onboardings/"+b.onboardingID).StatusCode)
	assert.Equal(t, http.StatusNotFound, b.get(t, "demo-registry", "/ui/onboardings/no-such-id").StatusCode)
	assert.Equal(t, http.StatusNotFound, b.get(t, "demo-citizen2", "/ui/applications/"+b.applicationID).StatusCode)
	assert.Equal(t, http.StatusOK, b.get(t, "demo-citizen", "/ui/applications/"+b.applicationID).StatusCode)
	assert.Equal(t, http.StatusNotFound, b.post(t, "demo-registry", "/ui/onboardings/"+b.onboardingID+"/step",
		url.Values{"step": {"request"}, "sent_at": {"2025-03-20T09:00"}}).StatusCode)
	// The labour ministry has no person here; the education department
	// provides the kindergarten queue, not the birth registration.
	assert.Equal(t, http.StatusNotFound, b.post(t, "demo-education", "/ui/applications/"+b.applicationID+"/result",
		url.Values{"component": {"birth-registration"}, "channel": {"electronic"}, "reference": {"X"}, "at": {"2025-03-20T10:00:00"}}).StatusCode)

	// A citizen's board has their own application's components only.
	cit := b.get(t, "demo-citizen", "/ui/board").Body
	assert.Contains(t, cit, "/ui/applications/"+b.applicationID)
	assert.NotContains(t, cit, "/ui/onboardings/")
	assert.NotContains(t, b.get(t, "demo-citizen2", "/ui/board").Body, "/ui/applications/")
}

func TestOnboardingTimeline_FormAdvancesTheStep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	page := "/ui/onboardings/" + b.onboardingID

	res := b.get(t, "demo-operator", page)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Body, `<dd id="state">Awaiting the request</dd>`)
	assert.Contains(t, res.Body, `name="step" value="request"`)
	assert.Contains(t, res.Body, `action="`+page+`/step"`)
	current := rowWith(res.Body, "Appendix 1 request sent")
	assert.Contains(t, current, `data-status="current"`)
	assert.Contains(t, current, "Rules130 p.4")
	assert.Contains(t, current, "3 working days")

	// A step in the future is refused with its rule and field, and nothing changes.
	bad := b.post(t, "demo-operator", page+"/step", url.Values{"step": {"request"}, "sent_at": {"2025-03-21T09:00"}})
	require.Equal(t, http.StatusBadRequest, bad.StatusCode)
	assert.Contains(t, bad.Body, `<strong class="rule">Rules130 p.4</strong>`)
	assert.Contains(t, bad.Body, `<code class="field">sent_at</code>`)
	assert.Contains(t, bad.Body, `aria-invalid="true"`)
	assert.Contains(t, bad.Body, `value="2025-03-21T09:00"`, "the submitted value is kept")
	o, err := b.app.Onboarding.Get(context.Background(), b.onboardingID)
	require.NoError(t, err)
	require.Equal(t, onboarding.StateAwaitingRequest, o.State)

	ok := b.post(t, "demo-operator", page+"/step", url.Values{"step": {"request"}, "sent_at": {"2025-03-20T09:30"}})
	require.Equal(t, http.StatusSeeOther, ok.StatusCode, ok.Body)
	assert.Equal(t, page, ok.Header.Get("Location"))
	o, err = b.app.Onboarding.Get(context.Background(), b.onboardingID)
	require.NoError(t, err)
	require.Equal(t, onboarding.StateRequestSent, o.State)
	require.Equal(t, "UCC operator", o.History[len(o.History)-1].Actor)

	res = b.get(t, "demo-operator", page)
	assert.Contains(t, res.Body, `<dd id="state">Request sent</dd>`)
	assert.Contains(t, rowWith(res.Body, "Appendix 1 request sent"), `data-status="done"`)
	assert.Contains(t, res.Body, `name="step" value="receipt"`)

	// Three bad fields of the appointment are reported at once.
	require.Equal(t, http.StatusSeeOther, b.post(t, "demo-education", page+"/step", url.Values{"step": {"receipt"}, "received_at": {"2025-03-20T09:45"}}).StatusCode)
	bad = b.post(t, "demo-education", page+"/step", url.Values{"step": {"appointment"}, "appointed_at": {"2025-03-20T09:50"},
		"person.full_name": {"A. Serikova"}, "person.phone": {"12"}, "person.email": {"not mail"}})
	require.Equal(t, http.StatusBadRequest, bad.StatusCode)
	for _, f := range []string{"person.position", "person.phone", "person.email"} {
		assert.Contains(t, bad.Body, `<code class="field">`+f+`</code>`)
	}
	assert.Contains(t, bad.Body, `value="A. Serikova"`)

	// The quality authority reads the timeline but has no form.
	q := b.get(t, "demo-quality", page)
	require.Equal(t, http.StatusOK, q.StatusCode)
	assert.NotContains(t, q.Body, `id="step-form"`)
	assert.Equal(t, http.StatusForbidden, b.post(t, "demo-quality", page+"/step", url.Values{"step": {"appointment"}}).StatusCode)
}

func TestApplicationGraph_OneNodePerComponentWithItsStatus(t *testing.T) {
	t.Parallel()
	b := setup(t)
	page := "/ui/applications/" + b.applicationID
	nodes := regexp.MustCompile(`<g class="node st-([a-z-]+)[^"]*" data-component="([^"]+)" data-status="([^"]+)">`)
	statuses := func(html string) map[string]string {
		out := map[string]string{}
		for _, m := range nodes.FindAllStringSubmatch(html, -1) {
			out[m[2]] = m[3]
		}
		return out
	}

	res := b.get(t, "demo-operator", page)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Len(t, nodes.FindAllString(res.Body, -1), 3, "one node per component")
	assert.Equal(t, map[string]string{
		"birth-registration": chain.StatusInProgress.String(),
		"birth-allowance":    chain.StatusWaiting.String(),
		"kindergarten-queue": chain.StatusWaiting.String(),
	}, statuses(res.Body))
	assert.Equal(t, 2, strings.Count(res.Body, `<line class="edge" data-from="birth-registration"`), "an arrow per prerequisite")
	assert.Contains(t, res.Body, `id="result-birth-registration"`, "the operator may record its result")
	assert.NotContains(t, res.Body, `id="result-birth-allowance"`, "not before it is routed")

	// A result without the fields the next services need is refused (p.7).
	bad := b.post(t, "demo-registry", page+"/result", url.Values{"component": {"birth-registration"}, "channel": {"electronic"},
		"reference": {"BC-1"}, "at": {"2025-03-20T10:00:00"}, "fields.child_iin": {""}, "fields.birth_record_number": {"R-7"}})
	require.Equal(t, http.StatusBadRequest, bad.StatusCode)
	assert.Contains(t, bad.Body, `<code class="field">fields.child_iin</code>`)
	assert.Contains(t, bad.Body, "Rules472 p.7")
	assert.Equal(t, chain.StatusInProgress.String(), statuses(bad.Body)["birth-registration"])

	ok := b.post(t, "demo-registry", page+"/result", url.Values{"component": {"birth-registration"}, "channel": {"electronic"},
		"reference": {"BC-1"}, "at": {"2025-03-20T10:00:00"}, "fields.child_iin": {"250320500013"}, "fields.birth_record_number": {"R-7"}})
	require.Equal(t, http.StatusSeeOther, ok.StatusCode, ok.Body)
	res = b.get(t, "demo-operator", page)
	assert.Equal(t, map[string]string{
		"birth-registration": chain.StatusCompleted.String(),
		"birth-allowance":    chain.StatusInProgress.String(),
		"kindergarten-queue": chain.StatusInProgress.String(),
	}, statuses(res.Body), "the next components are routed")
	assert.Contains(t, res.Body, "birth certificate BC-1")

	// Statuses are labelled in text, in the page's language, not by colour alone.
	kk := b.get(t, "demo-operator", page+"?lang=kk").Body
	assert.Contains(t, kk, ">"+chain.StatusCompleted.Label().KK+"</text>")
}

func TestLanguageSwitch_ChangesLabelsAndIsRemembered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct{ lang, title, group string }{
		{"en", "Deadlines", "Due soon"},
		{"ru", "Сроки", "Скоро срок"},
		{"kk", "Мерзімдер", "Мерзімі жақын"},
	} {
		res := b.get(t, "demo-operator", "/ui/board?lang="+tc.lang)
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, res.Body, `<html lang="`+tc.lang+`">`)
		assert.Contains(t, res.Body, "<h1>"+tc.title+"</h1>")
		assert.Contains(t, res.Body, tc.group)
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == dashboard.LangCookie {
				cookie = c
			}
		}
		require.NotNil(t, cookie, tc.lang)
		// The cookie keeps the language on the next page, without ?lang=.
		next := b.get(t, "demo-operator", "/ui/calendar/2025", "Cookie", cookie.Name+"="+cookie.Value)
		assert.Contains(t, next.Body, `<html lang="`+tc.lang+`">`)
	}
	assert.Contains(t, b.get(t, "demo-operator", "/ui/board", "Accept-Language", "ru-RU,ru;q=0.9").Body, `<html lang="ru">`)
	assert.Contains(t, b.get(t, "demo-operator", "/ui/board?lang=xx").Body, `<html lang="en">`)
}

func TestAnonymousIsRedirectedToLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, target := range []string{"/ui/board", "/ui/onboardings/" + b.onboardingID, "/ui/calendar/2025?lang=kk"} {
		res := b.get(t, "", target)
		assert.Equal(t, http.StatusSeeOther, res.StatusCode, target)
		assert.Equal(t, "/login?next="+url.QueryEscape(target), res.Header.Get("Location"), target)
	}
	res := b.get(t, "", "/")
	assert.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/ui/board", res.Header.Get("Location"))
	// A form post without a session is refused, not redirected.
	assert.Equal(t, http.StatusUnauthorized, b.post(t, "", "/ui/onboardings/"+b.onboardingID+"/step", url.Values{"step": {"request"}}).StatusCode)
	// The stylesheet is public: the login page may use it.
	css := b.get(t, "", "/ui/static/dashboard.css")
	assert.Equal(t, http.StatusOK, css.StatusCode)
	assert.Contains(t, css.Header.Get("Content-Type"), "text/css")
	// Another role is refused.
	assert.Equal(t, http.StatusForbidden, b.get(t, "demo-citizen", "/ui/onboardings/"+b.onboardingID).StatusCode)
	assert.Equal(t, http.StatusForbidden, b.get(t, "demo-citizen", "/ui/reports/2025-03").StatusCode)
}

func TestCalendarPage_MarksHolidaysAndTransfers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.get(t, "demo-citizen", "/ui/calendar/2025")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, 12, strings.Count(res.Body, `<table class="month">`))
	assert.Equal(t, 365, strings.Count(res.Body, `data-date="2025-`))
	for date, kind := range map[string]string{
		"2025-03-20": "working", "2025-03-21": "holiday", "2025-03-22": "holiday", "2025-03-24": "weekend-shift",
		"2025-03-29": "weekend", "2025-01-03": "transferred-day-off", "2025-01-05": "transferred-working-day",
	} {
		assert.Contains(t, res.Body, `data-date="`+date+`" data-kind="`+kind+`"`, date)
	}
	assert.Contains(t, res.Body, `day kind-working today" data-date="2025-03-20"`)
	assert.Contains(t, res.Body, `<abbr title="Nauryz">21</abbr>`)
	assert.NotContains(t, res.Body, `id="estimated"`)
	assert.Contains(t, b.get(t, "demo-citizen", "/ui/calendar/2027").Body, `id="estimated"`)
	assert.Equal(t, http.StatusNotFound, b.get(t, "demo-citizen", "/ui/calendar/1800").StatusCode)
	assert.Equal(t, http.StatusNotFound, b.get(t, "demo-citizen", "/ui/calendar/abc").StatusCode)
}

func TestReportPage_SummaryChartAndDownloadLinks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	cal, err := kz.New()
	require.NoError(t, err)
	svc, err := reports.NewService(b.app.Store, cal, b.clock)
	require.NoError(t, err)
	// The seed filed appeals already: count the page's total before and
	// after three more for the education department.
	total := func(principal, path string) int {
		t.Helper()
		m := regexp.MustCompile(`<td class="n" id="total">(\d+)</td>`).FindStringSubmatch(b.get(t, principal, path).Body)
		require.Len(t, m, 2, "the total on %s", path)
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		return n
	}
	quality0 := total("demo-quality", "/ui/reports/2025-03")
	edu0 := total("demo-education", "/ui/reports/2025-03")
	reg0 := total("demo-registry", "/ui/reports/2025-03")
	for i, region := range []string{"Astana", "Astana", "Mangystau"} {
		_, err := svc.RecordAppeal(ctx, reports.Appeal{ReceivedAt: start.Add(-time.Duration(i+1) * time.Hour), ForumResponsible: "A. Nurlanov", Region: region,
			ApplicantName: "Applicant", ApplicantIIN: "850101300005", Nature: reports.StandardViolation, Content: "late", RequestNo: "REQ",
			BodyID: "education-department", ServiceID: "kindergarten-queue"}, "ucc-operator")
		require.NoError(t, err)
	}

	res := b.get(t, "demo-quality", "/ui/reports/2025-03?lang=ru")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, quality0+3, total("demo-quality", "/ui/reports/2025-03?lang=ru"))
	assert.Contains(t, res.Body, "<svg")
	chart := res.Body[strings.Index(res.Body, `<figure class="chart"`):]
	assert.NotContains(t, chart[:strings.Index(chart, "</figure>")], "style=", "the CSP blocks inline styles: the chart uses presentation attributes")
	for _, f := range []string{"csv", "json", "xlsx", "html"} {
		assert.Contains(t, res.Body, `href="/v1/reports/monthly/2025-03/`+f+`?lang=ru"`)
	}
	assert.Contains(t, res.Body, `href="/ui/reports/2025-02"`)

	// A body's person sees its own report, and not another body's.
	own := b.get(t, "demo-education", "/ui/reports/2025-03")
	require.Equal(t, http.StatusOK, own.StatusCode)
	assert.Contains(t, own.Body, `href="/v1/reports/monthly/2025-03/csv?body=education-department&amp;lang=en"`)
	assert.Equal(t, edu0+3, total("demo-education", "/ui/reports/2025-03"))
	assert.Equal(t, reg0, total("demo-registry", "/ui/reports/2025-03"), "another body's appeals do not count")
	assert.Equal(t, http.StatusNotFound, b.get(t, "demo-registry", "/ui/reports/2025-03?body=education-department").StatusCode)
	assert.Equal(t, http.StatusBadRequest, b.get(t, "demo-quality", "/ui/reports/2025-13").StatusCode)
}
