package dashboard_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium or Chrome binary. When there is none the
// browser test skips, unless QYZMET_REQUIRE_BROWSER=1 (CI), where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("QYZMET_REQUIRE_BROWSER") == "1" {
		t.Fatal("QYZMET_REQUIRE_BROWSER=1 but no Chromium was found: apt-get install -y chromium")
	}
	t.Skip("no Chromium found (apt-get install -y chromium); set QYZMET_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// artifacts is where the screenshots go: $QYZMET_ARTIFACTS, or
// qyzmet-artifacts in the temporary directory.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("QYZMET_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "qyzmet-artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// TestBrowser_OperatorWalksThroughTheDashboard drives headless Chromium
// through the real app (seeded SQLite, the authenticator, loopback HTTP):
// log in, read the board, advance the onboarding one step, record a
// component's result and see the next ones routed, switch to Kazakh, and
// fetch the month's CSV with the browser's session.
func TestBrowser_OperatorWalksThroughTheDashboard(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	b := setup(t)
	srv := httptest.NewServer(b.handler)
	t.Cleanup(srv.Close)
	dir := artifacts(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-US"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancel)
	// The whole walk has 60 seconds; the watchdog stops the browser.
	watchdog := time.AfterFunc(60*time.Second, cancel)
	t.Cleanup(func() { watchdog.Stop() })

	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...))
	}
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		require.NoError(t, err)
		return strings.TrimSpace(s)
	}
	attr := func(sel chromedp.CSS, name string) string {
		t.Helper()
		a, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
		require.NoError(t, err)
		return a.Value
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is a PNG
		require.NoError(t, err)
		path := filepath.Join(dir, name+".png")
		require.NoError(t, os.WriteFile(path, png, 0o644))
		t.Logf("screenshot: %s", path)
	}

	// Log in through the form; it sends us back to the board.
	do(chromedp.Navigate(srv.URL+"/ui/board"), chromedp.WaitVisible(chromedp.CSS(`#key`)))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	require.Contains(t, loc, "/login?next=%2Fui%2Fboard")
	shot("01-login")
	do(chromedp.SendKeys(chromedp.CSS(`#key`), "demo-operator"), chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`#due-soon`)))
	board := text(`#due-soon`)
	require.Contains(t, board, "Rules130 p.4")
	require.Contains(t, board, "2025-03-27")
	require.Contains(t, board, "2 working days left")
	shot("02-board")

	// Advance the onboarding one step through its form.
	do(chromedp.Navigate(srv.URL+"/ui/onboardings/"+b.onboardingID), chromedp.WaitVisible(chromedp.CSS(`#step-form`)))
	shot("03-onboarding")
	do(chromedp.Click(chromedp.CSS(`#step-form-submit`)),
		chromedp.WaitNotPresent(chromedp.CSS(`input[name="step"][value="request"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#state`)))
	require.Equal(t, "Request sent", text(`#state`))
	shot("04-onboarding-advanced")

	// Record the birth registration's result; the allowance and the
	// kindergarten queue are routed next (Rules472 p.7, p.8).
	do(chromedp.Navigate(srv.URL+"/ui/applications/"+b.applicationID), chromedp.WaitVisible(chromedp.CSS(`#result-birth-registration`)))
	shot("05-application")
	do(chromedp.SendKeys(chromedp.CSS(`#result-birth-registration #f-reference`), "BC-2025-1"),
		chromedp.SendKeys(chromedp.CSS(`#result-birth-registration #f-fields-child-iin`), "250320500013"),
		chromedp.SendKeys(chromedp.CSS(`#result-birth-registration #f-fields-birth-record-number`), "R-7"),
		chromedp.Click(chromedp.CSS(`#result-birth-registration-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`g[data-component="birth-allowance"][data-status="in progress"]`)))
	require.Equal(t, "completed", attr(`g[data-component="birth-registration"]`, "data-status"))
	require.Equal(t, "in progress", attr(`g[data-component="kindergarten-queue"]`, "data-status"))
	shot("06-application-routed")

	// Switch to Kazakh: the labels change and the choice is remembered.
	do(chromedp.Navigate(srv.URL+"/ui/board"), chromedp.WaitVisible(chromedp.CSS(`#lang-kk`)), chromedp.Click(chromedp.CSS(`#lang-kk`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="kk"] h1`)))
	require.Equal(t, "Мерзімдер", text(`h1`))
	shot("07-board-kk")
	do(chromedp.Navigate(srv.URL+"/ui/calendar/2025"), chromedp.WaitVisible(chromedp.CSS(`html[lang="kk"] table.month`)))
	require.Contains(t, text(`h1`), "Өндірістік күнтізбе")
	shot("08-calendar-kk")
	do(chromedp.Navigate(srv.URL+"/ui/reports/2025-03"), chromedp.WaitVisible(chromedp.CSS(`#download-CSV`)))
	shot("09-report-kk")

	// Download the month's CSV with the browser's session cookie.
	href := attr(`#download-CSV`, "href")
	jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{srv.URL}})
	require.NoError(t, err)
	cookies := jar.Cookies
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+href, nil)
	require.NoError(t, err)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.True(t, bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")), "the CSV begins with the UTF-8 BOM")
	assert.Contains(t, res.Header.Get("Content-Disposition"), ".csv")
}
