package reports_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testBundle is one isolated world: a memory store with the participants
// and services registered, a reports service and a clock.
type testBundle struct {
	ctx      context.Context
	cal      *deadlines.Calendar // Asia/Almaty
	clock    *deadlinestest.Clock
	store    *memory.Store
	svc      *reports.Service
	quality  onboarding.Body
	ministry onboarding.Body // central state body, Asia/Almaty
	akimat   onboarding.Body // regional akimat, Asia/Aqtau
	center   onboarding.Body // a public service center: a provider, not a report recipient
	birth    onboarding.StateService
	pension  onboarding.StateService
}

func setup(t testing.TB, opts ...reports.Option) *testBundle {
	t.Helper()
	b := &testBundle{ctx: context.Background(), cal: kz.Calendar(), store: memory.New()}
	b.clock = deadlinestest.NewClock(b.at(t, "2025-04-01 09:00"))
	var n atomic.Int64
	opts = append([]reports.Option{reports.WithIDs(func() string { return "id-" + strconv.FormatInt(n.Add(1), 10) })}, opts...)
	svc, err := reports.NewService(b.store, b.cal, b.clock, opts...)
	require.NoError(t, err)
	b.svc = svc
	b.quality = onboarding.Body{ID: "quality", Kind: onboarding.KindQualityAuthority, BIN: deadlinestest.BIN(20),
		Name: deadlines.Names{KK: "Сапа жөніндегі уәкілетті орган", RU: "Уполномоченный орган по качеству", EN: "Quality authority"}, Region: "Astana", Zone: "Asia/Almaty"}
	b.ministry = onboarding.Body{ID: "ministry", Kind: onboarding.KindCentral, BIN: deadlinestest.BIN(40),
		Name: deadlines.Names{KK: "Әділет министрлігі", RU: "Министерство юстиции", EN: "Ministry of Justice"}, Region: "Astana", Zone: "Asia/Almaty"}
	b.akimat = onboarding.Body{ID: "akimat-mangystau", Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelRegion, BIN: deadlinestest.BIN(60),
		Name: deadlines.Names{KK: "Маңғыстау облысының әкімдігі", RU: "Акимат Мангистауской области", EN: "Akimat of Mangystau region"}, Region: "Mangystau", Zone: "Asia/Aqtau"}
	b.center = onboarding.Body{ID: "psc-aktau", Kind: onboarding.KindPublicServiceCenter, BIN: deadlinestest.BIN(80),
		Name: deadlines.Names{KK: "ХҚКО Ақтау", RU: "ЦОН Актау", EN: "PSC Aktau"}, Region: "Mangystau", Zone: "Asia/Aqtau"}
	for _, body := range []onboarding.Body{b.quality, b.ministry, b.akimat, b.center} {
		require.NoError(t, body.Validate())
		require.NoError(t, b.store.CreateBody(b.ctx, body))
	}
	b.birth = onboarding.StateService{ID: "birth-registration", RegisterNumber: "00101001",
		Name:       deadlines.Names{KK: "Баланың тууын тіркеу", RU: "Регистрация рождения ребенка", EN: "Registration of a child's birth"},
		Standard:   onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2015, Month: 4, Day: 17}, Title: "Стандарт «Регистрация рождения ребенка»"},
		Regulation: onboarding.Requisites{Number: "95", Date: deadlines.CivilDate{Year: 2015, Month: 5, Day: 20}},
		ActChanges: []string{"No. 7 of 2024-01-10", "No. 31 of 2024-06-03"}, InternetResource: "https://egov.kz/birth",
		Providers: []string{"ministry", "akimat-mangystau", "psc-aktau"}}
	b.pension = onboarding.StateService{ID: "pension", RegisterNumber: "00501002",
		Name:      deadlines.Names{KK: "Зейнетақы тағайындау", RU: "Назначение пенсии", EN: "Granting a pension"},
		Providers: []string{"akimat-mangystau"}}
	for _, s := range []onboarding.StateService{b.birth, b.pension} {
		require.NoError(t, s.Validate())
		require.NoError(t, b.store.CreateService(b.ctx, s))
	}
	return b
}

// at parses "2006-01-02" or "2006-01-02 15:04" in Asia/Almaty.
func (b *testBundle) at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := time.DateOnly
	if len(s) > len(time.DateOnly) {
		layout = "2006-01-02 15:04"
	}
	v, err := time.ParseInLocation(layout, s, b.cal.Location())
	require.NoError(t, err)
	return v
}

// now moves the clock to s and returns it.
func (b *testBundle) now(t testing.TB, s string) time.Time {
	t.Helper()
	b.clock.Set(b.at(t, s))
	return b.clock.Now()
}

// appealOpts configure appeal; zero fields take the defaults: a complaint
// about the ministry's birth registration from Astana.
type appealOpts struct {
	ID        string
	At        time.Time // required
	Region    string
	Applicant string
	Serial    int
	Nature    reports.Nature
	BodyID    string
	ServiceID string
	Content   string
}

func appeal(t testing.TB, o appealOpts) reports.Appeal {
	t.Helper()
	if o.Region == "" {
		o.Region = "Astana"
	}
	if o.Applicant == "" {
		o.Applicant = "Серікұлы Айбек"
	}
	if o.Nature == 0 {
		o.Nature = reports.StandardViolation
	}
	if o.BodyID == "" {
		o.BodyID = "ministry"
	}
	if o.ServiceID == "" {
		o.ServiceID = "birth-registration"
	}
	if o.Content == "" {
		o.Content = "the certificate was not issued within the standard's term"
	}
	return reports.Appeal{ID: o.ID, ReceivedAt: o.At, ForumResponsible: "Әсет Нұрланов", Region: o.Region,
		ApplicantName: o.Applicant, ApplicantIIN: deadlinestest.IIN("850101", o.Serial), Nature: o.Nature, Content: o.Content,
		RequestNo: "REQ-" + o.At.Format("0102-1504"), BodyID: o.BodyID, ServiceID: o.ServiceID}
}

// record enters appeals, with the clock standing after them.
func (b *testBundle) record(t testing.TB, as ...reports.Appeal) {
	t.Helper()
	for _, a := range as {
		_, err := b.svc.RecordAppeal(b.ctx, a, "ucc-operator")
		require.NoError(t, err)
	}
}

// march records the golden scenario: six appeals in March 2025 and one on
// each side of the month.
func (b *testBundle) march(t testing.TB) {
	t.Helper()
	b.now(t, "2025-04-01 09:00")
	b.record(t,
		appeal(t, appealOpts{ID: "a-feb", At: b.at(t, "2025-02-28 23:59")}),
		appeal(t, appealOpts{ID: "a-01", At: b.at(t, "2025-03-01 00:00"), Applicant: "Серікұлы Айбек", Serial: 1}),
		appeal(t, appealOpts{ID: "a-02", At: b.at(t, "2025-03-03 10:15"), Applicant: "Иванова Мария Петровна", Serial: 2, Nature: reports.EmployeeConduct,
			Content: `the operator said "come back tomorrow", twice`}),
		appeal(t, appealOpts{ID: "a-03", At: b.at(t, "2025-03-12 16:40"), Applicant: "Жұмабаева Сәуле", Serial: 3, Region: "Mangystau",
			BodyID: "akimat-mangystau", Nature: reports.StandardViolation | reports.EmployeeConduct, Content: "refused without a reason;\nrude reply"}),
		appeal(t, appealOpts{ID: "a-04", At: b.at(t, "2025-03-20 11:05"), Applicant: "Ахметов Нұрлан", Serial: 4, Region: "Mangystau",
			BodyID: "akimat-mangystau", ServiceID: "pension"}),
		appeal(t, appealOpts{ID: "a-05", At: b.at(t, "2025-03-28 09:30"), Applicant: "Smith John", Serial: 5, Region: "Almaty",
			Nature: reports.EmployeeConduct}),
		appeal(t, appealOpts{ID: "a-06", At: b.at(t, "2025-03-31 23:59"), Applicant: "Петров Пётр", Serial: 6, BodyID: "psc-aktau", Region: "Mangystau"}),
		appeal(t, appealOpts{ID: "a-apr", At: b.at(t, "2025-04-01 00:00")}),
	)
}

// requireRuleError asserts err is a *deadlines.RuleError of the sentinel,
// rule and field.
func requireRuleError(t testing.TB, err error, sentinel error, point int, field string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, deadlines.Cite(deadlines.Rules130, point), re.Rule, err.Error())
	require.Equal(t, field, re.Field, err.Error())
}

// fields lists the fields of every *deadlines.RuleError joined in err.
func fields(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case *deadlines.RuleError:
			out = append(out, x.Field)
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./reports -update to create it")
	require.Equal(t, string(want), string(got), "%s differs: run go test ./reports -update if the change is intended", name)
}

// render renders a report into a buffer.
func (b *testBundle) render(t testing.TB, p reports.Period, recipient string, w func(*bytes.Buffer) reports.Writer) (string, reports.Summary) {
	t.Helper()
	var buf bytes.Buffer
	s, err := b.svc.Render(b.ctx, p, recipient, w(&buf))
	require.NoError(t, err)
	return buf.String(), s
}

func csvWriter(lang string) func(*bytes.Buffer) reports.Writer {
	return func(buf *bytes.Buffer) reports.Writer { return reports.NewCSVWriter(buf, lang) }
}

func jsonWriter(buf *bytes.Buffer) reports.Writer { return reports.NewJSONWriter(buf) }

var march2025 = reports.Period{Year: 2025, Month: time.March}
