package reports_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// onboard starts the onboarding of the birth registration with the
// ministry (in the Register on 14 Mar 2025, standard approved on 17 Mar)
// and sends the Appendix 1 request on 18 Mar.
func (b *testBundle) onboard(t *testing.T) (*onboarding.Service, *onboarding.Onboarding) {
	t.Helper()
	osvc, err := onboarding.NewService(b.store, b.cal, b.clock, onboarding.WithIDs(func() string { return "onb-1" }))
	require.NoError(t, err)
	b.now(t, "2025-03-17 12:00")
	o, err := osvc.Start(b.ctx, onboarding.StartInput{ServiceID: "birth-registration", BodyID: "ministry",
		RegisteredOn: b.at(t, "2025-03-14"), StandardApprovedOn: b.at(t, "2025-03-17"), Actor: "ucc-operator"})
	require.NoError(t, err)
	b.now(t, "2025-03-18 10:00")
	o, err = osvc.SendRequest(b.ctx, o.ID, b.clock.Now(), "ucc-operator")
	require.NoError(t, err)
	return osvc, o
}

func TestRules130_P4_Appendix1RequestRenderedFromTheOnboarding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	osvc, o := b.onboard(t)
	item := reports.Appendix1Item{Onboarding: o, Service: b.birth}
	f, err := reports.Appendix1From(b.ministry, "Әсет Нұрланов", time.Time{}, item)
	require.NoError(t, err)
	require.Equal(t, "2025-03-18", f.Date.String(), "the request's date")
	require.Empty(t, f.Rows[0].PersonName, "the responsible person is appointed after the request (p.5)")
	for _, lang := range []string{"kk", "ru", "en"} {
		var buf bytes.Buffer
		require.NoError(t, reports.WriteAppendix1CSV(&buf, f, lang))
		require.True(t, strings.HasPrefix(buf.String(), reports.BOM))
		golden(t, "appendix1_"+lang+".csv", buf.Bytes())
	}

	// Once the body appointed its responsible person, the form shows them.
	b.now(t, "2025-03-19 10:00")
	o, err = osvc.ConfirmReceipt(b.ctx, o.ID, b.clock.Now(), "ministry-clerk")
	require.NoError(t, err)
	b.now(t, "2025-03-27 09:00")
	o, err = osvc.Appoint(b.ctx, o.ID, b.clock.Now(), onboarding.Person{FullName: "Ахметова Динара", Position: "бас сарапшы",
		Phone: "+7 (717) 274-00-01", Email: "d.akhmetova@minjust.gov.kz"}, "ministry-clerk")
	require.NoError(t, err)
	f, err = reports.Appendix1From(b.ministry, "Әсет Нұрланов", time.Time{}, reports.Appendix1Item{Onboarding: o, Service: b.birth})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, reports.WriteAppendix1JSON(&buf, f))
	golden(t, "appendix1.json", buf.Bytes())

	cases := []struct {
		name   string
		body   onboarding.Body
		exec   string
		date   time.Time
		items  []reports.Appendix1Item
		fields []string
	}{
		{"no executor", b.ministry, " ", time.Time{}, []reports.Appendix1Item{item}, []string{"executor"}},
		{"another body's onboarding", b.akimat, "A", time.Time{}, []reports.Appendix1Item{item}, []string{"onboardings"}},
		{"another service", b.ministry, "A", time.Time{}, []reports.Appendix1Item{{Onboarding: o, Service: b.pension}}, []string{"onboardings"}},
		{"not a provider", b.quality, "A", time.Time{}, []reports.Appendix1Item{item}, []string{"body", "onboardings"}},
		{"no services", b.ministry, "A", b.clock.Now(), nil, []string{"onboardings"}},
		{"not sent and no date", b.ministry, "A", time.Time{}, []reports.Appendix1Item{{Onboarding: &onboarding.Onboarding{ID: "x", BodyID: "ministry", ServiceID: "birth-registration"}, Service: b.birth}}, []string{"date"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := reports.Appendix1From(tc.body, tc.exec, tc.date, tc.items...)
			requireRuleError(t, err, reports.ErrInvalid, 4, tc.fields[0])
			require.ElementsMatch(t, tc.fields, fields(err))
		})
	}
}

func TestRules130_P12_NoticeToTheQualityAuthorityListsRefusalsAndAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	osvc, err := onboarding.NewService(b.store, b.cal, b.clock)
	require.NoError(t, err)
	b.now(t, "2025-03-20 12:00")
	var ledger *onboarding.RefusalLedger
	for i, refused := range []string{"2025-03-05 10:00", "2025-03-19 15:00"} {
		at := b.at(t, refused)
		req, err := osvc.AskBody(b.ctx, "ministry", "", "which documents does the service require?", at.Add(-24*time.Hour), "ucc-operator")
		require.NoError(t, err)
		ledger, err = osvc.Answer(b.ctx, req.ID, onboarding.Answer{Kind: onboarding.Refused, At: at, By: "ministry-clerk",
			Text:      []string{"не относится к нашей компетенции", "повторно: не будем отвечать"}[i],
			Documents: []onboarding.Document{{Name: "ответное письмо", Ref: "исх-" + at.Format("0102")}}})
		require.NoError(t, err)
	}
	require.Len(t, ledger.Notices, 1)
	f, err := reports.NoticeFrom(b.cal, ledger, 1, b.ministry, b.quality)
	require.NoError(t, err)
	require.Equal(t, "2025-03-27", f.Due.String(), "3 working days after 19 March, Nauryz days off skipped")
	require.Len(t, f.Refusals, 2)
	require.Len(t, f.Attachments, 2)
	// Request IDs are random here: fix them for the golden files.
	for i := range f.Refusals {
		f.Refusals[i].RequestID = "REQ-" + string(rune('1'+i))
	}
	f.ID = "ministry/2025-03/1"
	for _, lang := range []string{"kk", "ru"} {
		var buf bytes.Buffer
		require.NoError(t, reports.WriteNoticeCSV(&buf, f, lang))
		golden(t, "notice_"+lang+".csv", buf.Bytes())
	}
	var buf bytes.Buffer
	require.NoError(t, reports.WriteNoticeJSON(&buf, f))
	golden(t, "notice.json", buf.Bytes())

	_, err = reports.NoticeFrom(b.cal, ledger, 2, b.ministry, b.quality)
	requireRuleError(t, err, reports.ErrNotFound, 12, "seq")
	_, err = reports.NoticeFrom(b.cal, ledger, 1, b.akimat, b.ministry)
	require.ElementsMatch(t, []string{"to", "body"}, fields(err))
	requireRuleError(t, err, reports.ErrInvalid, 12, "to")
	_, err = reports.NoticeFrom(b.cal, nil, 1, b.ministry, b.quality)
	requireRuleError(t, err, reports.ErrInvalid, 12, "ledger")
}
