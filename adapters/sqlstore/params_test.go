package sqlstore_test

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/sqlstore/sqlstoretest"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// hostileValues are IDs and text that would change a statement if they
// were spliced into its SQL rather than passed as parameters. "100ab_like"
// is what the LIKE pattern "100%_like" would match.
var hostileValues = []struct{ name, v string }{
	{"injection", `x'); DROP TABLE bodies; --`},
	{"quote", `it's`},
	{"double quote", `a"b`},
	{"backslash", `back\slash`},
	{"like wildcards", `100%_like`},
	{"like decoy", `100ab_like`},
	{"kazakh", `Қызмет ✓`},
	{"300 characters", strings.Repeat(`q'%_\"`, 50)},
}

// paramStores opens a fresh, migrated store of each dialect (PostgreSQL
// when QYZMET_TEST_POSTGRES is set).
var paramStores = map[string]func(t *testing.T) *sqlstore.Store{
	"SQLite": func(t *testing.T) *sqlstore.Store {
		return openMigrated(t, "sqlite://"+filepath.Join(t.TempDir(), "params.db"))
	},
	"Postgres": func(t *testing.T) *sqlstore.Store {
		return openMigrated(t, sqlstoretest.Schema(t, postgres(t).dsn, "params"))
	},
}

func openMigrated(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(ctx))
	return s
}

// asJSON is v's JSON, to compare values holding instants by what is stored.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestValuesAreParametersNeverSQL stores records whose IDs and text are
// hostileValues through the public ports, reads each back unchanged, finds
// exactly its own rows through the filters, and leaves every table in
// place with its audit chains intact.
func TestValuesAreParametersNeverSQL(t *testing.T) {
	t.Parallel()
	require.Equal(t, 300, utf8.RuneCountInString(hostileValues[len(hostileValues)-1].v))
	for name, open := range paramStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ctx := context.Background()
			before, err := s.Snapshot(ctx)
			require.NoError(t, err)
			tables := slices.Sorted(maps.Keys(before))
			require.Contains(t, tables, "bodies")

			cal := kz.Calendar()
			start := cal.Date(2025, time.March, 3).Add(10 * time.Hour)
			rule := deadlines.Cite(deadlines.Rules130, 5)
			received := time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)
			var ids []string
			timers := map[string]*deadlines.Timer{}
			for i, h := range hostileValues {
				ids = append(ids, h.v)
				t.Run(h.name, func(t *testing.T) {
					names := deadlines.Names{KK: h.v, RU: h.v, EN: h.v}
					body := onboarding.Body{ID: h.v, Kind: onboarding.KindCentral, BIN: "bin " + h.v, Name: names, Region: h.v, Zone: "Asia/Almaty"}
					require.NoError(t, s.CreateBody(ctx, body))
					gotBody, err := s.GetBody(ctx, h.v)
					require.NoError(t, err)
					require.Equal(t, body, gotBody)

					service := onboarding.StateService{ID: h.v, RegisterNumber: "reg " + h.v, Name: names,
						ActChanges: []string{h.v}, InternetResource: h.v, Providers: []string{h.v}}
					require.NoError(t, s.CreateService(ctx, service))
					gotService, err := s.GetService(ctx, h.v)
					require.NoError(t, err)
					require.Equal(t, service, gotService)

					tm, err := deadlines.NewTimer(cal, h.v, h.v, deadlines.Term{Kind: deadlines.WorkingDays, N: 2, Rule: rule}, start,
						deadlines.Warning(1, rule), deadlines.Breach(rule))
					require.NoError(t, err)
					require.NoError(t, s.CreateTimer(ctx, tm))
					gotTimer, err := s.GetTimer(ctx, h.v)
					require.NoError(t, err)
					require.Equal(t, asJSON(t, tm), asJSON(t, gotTimer))
					timers[h.v] = tm

					appeal := reports.Appeal{ID: h.v, ReceivedAt: received.Add(time.Duration(i) * time.Minute), ForumResponsible: h.v,
						Region: h.v, ApplicantName: h.v, Nature: reports.StandardViolation, Content: h.v, RequestNo: h.v, BodyID: h.v, ServiceID: h.v,
						RecordedAt: received.Add(time.Hour), RecordedBy: h.v}
					require.NoError(t, s.CreateAppeal(ctx, appeal))
					gotAppeal, err := s.GetAppeal(ctx, h.v)
					require.NoError(t, err)
					require.Equal(t, asJSON(t, appeal), asJSON(t, gotAppeal))

					data := deadlines.CalendarData{Version: h.v, Location: "Asia/Almaty",
						Holidays: []deadlines.HolidaySpec{{ID: h.v, Names: names, Dates: []deadlines.CivilDate{{Year: 2030, Month: time.September, Day: 3}}, Source: h.v}},
						Transfers: []deadlines.Transfer{{From: deadlines.CivilDate{Year: 2030, Month: time.June, Day: 8},
							To: deadlines.CivilDate{Year: 2030, Month: time.June, Day: 10}, Decree: h.v}},
						ConfirmedYears: []int{2030}}
					require.NoError(t, s.CreateCalendarData(ctx, h.v, data))
					gotData, err := s.CalendarData(ctx, h.v)
					require.NoError(t, err)
					require.Equal(t, data, gotData)

					for _, aggregate := range []string{"bodies/", "services/", "timers/", "appeals/", "calendars/"} {
						trail, err := s.AuditTrail(ctx, aggregate+h.v)
						require.NoError(t, err)
						require.Len(t, trail, 1, aggregate+h.v)
						require.Equal(t, aggregate+h.v, trail[0].Aggregate)
					}
					// The same key again is a conflict, found by the key as given.
					require.ErrorIs(t, s.CreateBody(ctx, body), deadlines.ErrConflict)
				})
			}
			slices.Sort(ids)

			bodies, err := s.ListBodies(ctx)
			require.NoError(t, err)
			var bodyIDs []string
			for _, b := range bodies {
				bodyIDs = append(bodyIDs, b.ID)
			}
			require.Equal(t, ids, bodyIDs, "ListBodies, in id order")
			services, err := s.ListServices(ctx)
			require.NoError(t, err)
			require.Len(t, services, len(ids))

			// Filters match their value exactly: "100%_like" is no pattern.
			for _, h := range hostileValues {
				var got []string
				for a, err := range s.Appeals(ctx, reports.AppealQuery{From: received, To: received.Add(time.Hour), BodyID: h.v}) {
					require.NoError(t, err)
					got = append(got, a.ID)
				}
				require.Equal(t, []string{h.v}, got, "appeals of body %q", h.v)
			}
			var all []string
			for a, err := range s.Appeals(ctx, reports.AppealQuery{From: received, To: received.Add(time.Hour)}) {
				require.NoError(t, err)
				all = append(all, a.ID)
			}
			require.Len(t, all, len(ids))

			// Every timer's rungs are due and claimed under its own ID.
			far := start.AddDate(1, 0, 0)
			due, err := s.DueFirings(ctx, far, 1000)
			require.NoError(t, err)
			require.Len(t, due, 2*len(ids))
			for _, f := range due {
				require.Contains(t, timers, f.TimerID)
				require.Equal(t, f.TimerID, f.Subject)
			}
			claimed, err := s.ClaimDue(ctx, far, 1000)
			require.NoError(t, err)
			require.Len(t, claimed, 2*len(ids))
			for id, tm := range timers {
				fs, err := s.Firings(ctx, id)
				require.NoError(t, err)
				require.Len(t, fs, len(tm.Schedule), "firings of timer %q", id)
				for _, f := range fs {
					require.Equal(t, id, f.TimerID)
				}
			}

			after, err := s.Snapshot(ctx)
			require.NoError(t, err)
			require.Equal(t, tables, slices.Sorted(maps.Keys(after)), "every table is still there")
			for _, table := range []string{"bodies", "services", "timers", "appeals", "calendars"} {
				require.Len(t, after[table], len(ids), table)
			}
			require.NoError(t, s.VerifyAudit(ctx))
		})
	}
}
