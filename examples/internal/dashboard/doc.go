// Package dashboard is the demo server's HTML dashboard (issue 8): server
// rendered html/template pages with an embedded stylesheet, no JavaScript
// and nothing fetched from the network, so the pages work under the
// Content-Security-Policy "default-src 'self'", without JavaScript, and in
// print.
//
// # Pages
//
//   - /ui/board: every open term (onboarding steps, Rules130; components of
//     composite applications, Rules472; monthly report duties, Rules130 p.14)
//     grouped as overdue, due soon (at most DueSoonWorkdays working days
//     left) and due, with the citation, the body, the due date in the body's
//     zone and the countdown in working days of the calendar at the injected
//     clock's now.
//   - /ui/onboardings/{id}: an onboarding's timeline (each Rules130 step with
//     its date, term, citation and status) and the form of the next step,
//     which posts to /ui/onboardings/{id}/step, calls onboarding.Service and
//     redirects back (303); a refused step re-renders the page with each
//     rule and field.
//   - /ui/applications/{id}: a composite application's components as an
//     inline SVG graph laid out by DAG level, each node labelled with its
//     status in text as well as colour, and for the UCC operator or the
//     provider's responsible person a form per component in progress that
//     records its result (POST /ui/applications/{id}/result, 303 back).
//   - /ui/reports/{period}: the month's appeal report summary and chart
//     (adapters/htmlreport) with links to /v1/reports/monthly/{period}/{format}.
//   - /ui/calendar/{year}: the working-day calendar of a year.
//
// # Access
//
// Routes returns an httpx.Route table: every page requires a principal
// (auth.Allow), and scoping within a role is done here: a body's person sees
// only its body's onboardings, components and report, a citizen only their
// own applications; another tenant's record is 404 like a missing one.
// The demo server (demoapp) sends an anonymous browser asking for a page
// to /login?next=<page> instead of answering 401.
//
// # Language
//
// Each page speaks kk, ru or en: ?lang= picks it and the LangCookie cookie
// remembers it; otherwise the browser's Accept-Language, then English. The
// labels are in one table per language (i18n.go), and a test checks that
// every key is in all three.
//
// # Errors
//
// Domain errors map to status through httpx.Status: a refused form is
// re-rendered with 400, 409 or 422 and each *deadlines.RuleError's rule and
// field next to its input; a missing record is a 404 page.
package dashboard
