package demoapp_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/reports"
)

// jsonOf marshals v for a case's body.
func jsonOf(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// form encodes an HTML form.
func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

const formType = "application/x-www-form-urlencoded"

// handWrittenCases are the cases that need to know the route: wrong
// values, checksums, order, dates, unknown IDs, other tenants, content
// types and path parameters.
func handWrittenCases(b *testBundle) []badCase {
	now := b.clock.Now()
	future := now.AddDate(0, 0, 10)
	past := now.AddDate(-1, 0, 0) // before the seeded records started
	sig := base64.StdEncoding.EncodeToString(chaintest.Sign(demoapp.DemoRecipient))
	submit := func(over map[string]any) string {
		m := map[string]any{
			"definition_id": "birth-of-a-child", "recipient": demoapp.DemoRecipient,
			"document": base64.StdEncoding.EncodeToString([]byte(`{}`)), "signature": sig,
			"data": map[string]string{"parent_iin": demoapp.DemoRecipient},
		}
		for k, v := range over {
			m[k] = v
		}
		return jsonOf(m)
	}
	result := func(over map[string]any) string {
		m := map[string]any{
			"at": now, "channel": "electronic", "reference": "AB-1",
			"fields": map[string]string{"child_iin": "250315600012", "birth_record_number": "1"},
		}
		for k, v := range over {
			m[k] = v
		}
		return jsonOf(m)
	}
	app := func(b *testBundle) string { return "/v1/applications/" + b.applicationID }
	ob := func(b *testBundle) string { return "/v1/onboardings/" + b.onboardingID }

	// fresh files a new application in prepare, for cases that need one in
	// a state of their own.
	var fresh string
	newApp := func(t *testing.T, b *testBundle) {
		a, err := b.app.Router.Submit(t.Context(), chain.Submission{
			DefinitionID: "birth-of-a-child", Recipient: demoapp.DemoRecipient, Document: []byte(`{}`),
			Signature: chaintest.Sign(demoapp.DemoRecipient), Data: map[string]string{"parent_iin": demoapp.DemoRecipient}, Actor: "test",
		})
		require.NoError(t, err)
		fresh = a.ApplicationID
	}
	freshPath := func(component, action string) func(b *testBundle) string {
		return func(*testBundle) string {
			return "/v1/applications/" + fresh + "/components/" + component + "/" + action
		}
	}
	completed := func(t *testing.T, b *testBundle) {
		newApp(t, b)
		_, err := b.app.Router.Complete(t.Context(), fresh, "birth-registration", chain.Issued{
			Channel: chain.Electronic, Reference: "AB-1", At: now, Actor: "registrar",
			Fields: map[string]string{"child_iin": "250315600012", "birth_record_number": "1"},
		})
		require.NoError(t, err)
	}

	// A reconciliation with one discrepancy, explained once.
	var recID string
	explained := func(t *testing.T, b *testBundle) {
		rec, err := b.app.Reports.Reconcile(t.Context(), reports.ReconcileInput{
			Source: "test", ReceivedAt: now, Actor: "test",
			Figures: []reports.Figure{{Period: reports.Period{Year: 2025, Month: time.February}, BodyID: "registry-office", Dimension: reports.DimTotal, Count: 1}},
		})
		require.NoError(t, err)
		require.NotEmpty(t, rec.Discrepancies)
		recID = rec.ID
		_, err = b.app.Reports.Explain(t.Context(), rec.ID, rec.Discrepancies[0].Seq, "counted late", now, "test")
		require.NoError(t, err)
	}

	// The registry office's report of February, generated.
	generated := func(t *testing.T, b *testBundle) {
		_, err := b.app.Reports.Generate(t.Context(), reports.Period{Year: 2025, Month: time.February}, "registry-office", reports.NewJSONWriter(io.Discard), "test")
		require.NoError(t, err)
	}

	// A registry-office appeal of the seeded register.
	registryAppeal := func(b *testBundle) string {
		for _, a := range demoapp.SeedAppeals(reports.Period{Year: 2025, Month: time.March}, b.app.Reports.Location(), now) {
			if a.BodyID == "registry-office" {
				return "/v1/appeals/" + a.ID
			}
		}
		panic("no registry-office appeal in the seed")
	}
	appeal := func(over map[string]any) string {
		m := map[string]any{
			"received_at": now.Add(-time.Hour), "forum_responsible": "A B", "region": "Astana", "applicant_name": "C D",
			"applicant_iin": demoapp.DemoRecipient, "nature": "standard_violation", "content": "late", "request_no": "KZ-1",
			"body_id": "registry-office", "service_id": "birth-registration",
		}
		for k, v := range over {
			m[k] = v
		}
		return jsonOf(m)
	}

	const (
		op, edu, reg, qa, cit, cit2  = "demo-operator", "demo-education", "demo-registry", "demo-quality", "demo-citizen", "demo-citizen2"
		bad, nf, conflict, forbidden = http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusForbidden
	)
	return []badCase{
		// Onboardings (Rules130 p.3–p.9).
		{route: "POST /v1/onboardings", kind: kWrongType, name: "date as a number", key: op, body: `{"service_id":5}`, status: bad, rule: "-", field: "body", contains: "service_id"},
		{route: "POST /v1/onboardings", kind: kInvalid, name: "nothing given", key: op, body: `{}`, status: bad, rule: "Rules130 p.3"},
		{route: "POST /v1/onboardings", kind: kDate, name: "registered in the future", key: op,
			body:   jsonOf(map[string]any{"service_id": "marriage-registration", "body_id": "registry-office", "registered_on": future, "standard_approved_on": now}),
			status: bad, rule: "Rules130 p.3", field: "registered_on"},
		{route: "POST /v1/onboardings", kind: kUnknownID, name: "unknown service", key: op,
			body:   jsonOf(map[string]any{"service_id": "no-such-service", "body_id": "registry-office", "registered_on": now, "standard_approved_on": now}),
			status: nf},
		{route: "POST /v1/onboardings", kind: kTenant, name: "another body's", key: edu,
			body:   jsonOf(map[string]any{"service_id": "marriage-registration", "body_id": "registry-office", "registered_on": now, "standard_approved_on": now}),
			status: forbidden, rule: "Rules130 p.3", field: "body_id"},
		{route: "POST /v1/onboardings", kind: kOrder, name: "started twice", key: op,
			body:   jsonOf(map[string]any{"service_id": "kindergarten-queue", "body_id": "education-department", "registered_on": now, "standard_approved_on": now}),
			status: conflict},

		{route: "POST /v1/onboardings/{id}/{step}", kind: kOrder, name: "receipt before the request", key: op,
			pathf: func(b *testBundle) string { return ob(b) + "/receipt" }, body: jsonOf(map[string]any{"at": now}), status: conflict},
		{route: "POST /v1/onboardings/{id}/{step}", kind: kOrder, name: "protocol before training", key: op,
			pathf: func(b *testBundle) string { return ob(b) + "/protocol" }, body: jsonOf(map[string]any{"protocol": map[string]any{
				"number": "P-1", "signed_at": now, "ucc": map[string]string{"full_name": "A B", "position": "head"}, "body": map[string]string{"full_name": "C D", "position": "head"},
			}}), status: conflict},
		{route: "POST /v1/onboardings/{id}/{step}", kind: kDate, name: "request sent in the future", key: op,
			pathf: func(b *testBundle) string { return ob(b) + "/request" }, body: jsonOf(map[string]any{"at": future}), status: bad, rule: "Rules130 p.4", field: "at"},
		{route: "POST /v1/onboardings/{id}/{step}", kind: kDate, name: "request sent before registration", key: op,
			pathf: func(b *testBundle) string { return ob(b) + "/request" }, body: jsonOf(map[string]any{"at": past}), status: bad, rule: "Rules130 p.4", field: "at"},
		{route: "POST /v1/onboardings/{id}/{step}", kind: kUnknownID, name: "no such onboarding", key: op,
			path: "/v1/onboardings/no-such/request", body: jsonOf(map[string]any{"at": now}), status: nf},
		{route: "POST /v1/onboardings/{id}/{step}", kind: kBadParam, name: "no such step", key: op,
			pathf: func(b *testBundle) string { return ob(b) + "/launch" }, body: `{}`, status: nf, rule: "-", field: "step"},
		{route: "POST /v1/onboardings/{id}/{step}", kind: kTenant, name: "another body's onboarding", key: reg,
			pathf: func(b *testBundle) string { return ob(b) + "/request" }, body: jsonOf(map[string]any{"at": now}), status: nf},

		// One application (Rules472).
		{route: "POST /v1/applications", kind: kChecksum, name: "recipient IIN checksum", key: op,
			body: submit(map[string]any{"recipient": "900101300018"}), status: bad, field: "recipient"},
		{route: "POST /v1/applications", kind: kChecksum, name: "an IIN in the data", key: op,
			body: submit(map[string]any{"data": map[string]string{"parent_iin": "900101300018"}}), status: bad, rule: "Rules472 p.3", field: "data.parent_iin"},
		{route: "POST /v1/applications", kind: kTenant, name: "for another citizen", key: cit2, body: submit(nil), status: forbidden, rule: "Rules472 p.8", field: "recipient"},
		{route: "POST /v1/applications", kind: kUnknownID, name: "no such definition", key: op, body: submit(map[string]any{"definition_id": "no-such"}), status: nf},
		{route: "POST /v1/applications", kind: kInvalid, name: "signature of someone else", key: op,
			body: submit(map[string]any{"signature": base64.StdEncoding.EncodeToString(chaintest.Sign("850515400012"))}), status: bad, field: "signature"},
		{route: "POST /v1/applications", kind: kWrongType, name: "document as a number", key: op, body: `{"document":5}`, status: bad, rule: "-", field: "body", contains: "document"},

		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kOrder, name: "before it is routed", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/kindergarten-queue/result" }, body: result(map[string]any{"fields": map[string]string{"queue_number": "1"}}), status: conflict},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kOrder, name: "a second result", key: op, prepare: completed,
			pathf: freshPath("birth-registration", "result"), body: result(map[string]any{"reference": "AB-2"}), status: conflict},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kDate, name: "issued in the future", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/result" }, body: result(map[string]any{"at": future}), status: bad, field: "at"},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kDate, name: "issued before the application", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/result" }, body: result(map[string]any{"at": past}), status: bad, field: "at"},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kInvalid, name: "unknown channel", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/result" }, body: result(map[string]any{"channel": "pigeon"}), status: bad, field: "channel"},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kUnknownID, name: "no such application", key: op,
			path: "/v1/applications/no-such/components/birth-registration/result", body: result(nil), status: nf},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kUnknownID, name: "no such component", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/no-such/result" }, body: result(nil), status: nf},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kChecksum, name: "the child's IIN", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/result" },
			body:  result(map[string]any{"fields": map[string]string{"child_iin": "250315600019", "birth_record_number": "1"}}), status: bad, rule: "Rules472 p.7", field: "fields.child_iin"},
		{route: "POST /v1/applications/{id}/components/{component}/result", kind: kTenant, name: "another provider's component", key: edu,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/result" }, body: result(nil), status: nf},

		{route: "POST /v1/applications/{id}/components/{component}/refusal", kind: kInvalid, name: "unknown ground", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/refusal" },
			body:  jsonOf(map[string]any{"at": now, "ground": "no-such-ground", "reason": "x"}), status: bad, field: "ground"},
		{route: "POST /v1/applications/{id}/components/{component}/refusal", kind: kOrder, name: "before it is routed", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/kindergarten-queue/refusal" },
			body:  jsonOf(map[string]any{"at": now, "ground": "already-queued", "reason": "x"}), status: conflict},
		{route: "POST /v1/applications/{id}/components/{component}/refusal", kind: kDate, name: "refused in the future", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/refusal" },
			body:  jsonOf(map[string]any{"at": future, "ground": "false-data", "reason": "x"}), status: bad, field: "at"},
		{route: "POST /v1/applications/{id}/components/{component}/refusal", kind: kTenant, name: "another provider's component", key: edu,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/refusal" },
			body:  jsonOf(map[string]any{"at": now, "ground": "false-data", "reason": "x"}), status: nf},
		{route: "POST /v1/applications/{id}/components/{component}/refusal", kind: kUnknownID, name: "no such application", key: op,
			path: "/v1/applications/no-such/components/birth-registration/refusal", body: jsonOf(map[string]any{"at": now, "ground": "false-data", "reason": "x"}), status: nf},

		{route: "POST /v1/applications/{id}/components/{component}/decision", kind: kOrder, name: "no appeal to decide", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/decision" },
			body:  jsonOf(map[string]any{"at": now, "seq": 1, "outcome": "dismissed"}), status: nf, rule: "Rules472 p.12", field: "seq"},
		{route: "POST /v1/applications/{id}/components/{component}/decision", kind: kTenant, name: "another provider's component", key: edu,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/decision" },
			body:  jsonOf(map[string]any{"at": now, "seq": 1, "outcome": "dismissed"}), status: nf},
		{route: "POST /v1/applications/{id}/components/{component}/decision", kind: kUnknownID, name: "no such application", key: op,
			path: "/v1/applications/no-such/components/birth-registration/decision", body: jsonOf(map[string]any{"at": now, "seq": 1, "outcome": "dismissed"}), status: nf},

		{route: "POST /v1/applications/{id}/components/{component}/payment", kind: kOrder, name: "paying for a free service", key: op,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/payment" },
			body:  jsonOf(map[string]any{"at": now, "method": "card", "amount_tiyn": 100, "receipt": "R-1"}), status: conflict},
		{route: "POST /v1/applications/{id}/components/{component}/payment", kind: kTenant, name: "another citizen's application", key: cit2,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/payment" },
			body:  jsonOf(map[string]any{"at": now, "method": "card", "amount_tiyn": 100, "receipt": "R-1"}), status: nf},
		{route: "POST /v1/applications/{id}/components/{component}/payment", kind: kUnknownID, name: "no such application", key: op,
			path: "/v1/applications/no-such/components/birth-registration/payment", body: jsonOf(map[string]any{"at": now, "method": "card", "amount_tiyn": 100, "receipt": "R-1"}), status: nf},

		{route: "POST /v1/applications/{id}/components/{component}/appeal", kind: kOrder, name: "before any decision", key: cit,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/appeal" },
			body:  jsonOf(map[string]any{"at": now, "reason": "too slow"}), status: conflict},
		{route: "POST /v1/applications/{id}/components/{component}/appeal", kind: kTenant, name: "another citizen's application", key: cit2,
			pathf: func(b *testBundle) string { return app(b) + "/components/birth-registration/appeal" },
			body:  jsonOf(map[string]any{"at": now, "reason": "too slow"}), status: nf},
		{route: "POST /v1/applications/{id}/components/{component}/appeal", kind: kUnknownID, name: "no such application", key: op,
			path: "/v1/applications/no-such/components/birth-registration/appeal", body: jsonOf(map[string]any{"at": now, "reason": "too slow"}), status: nf},

		// Reads with parameters.
		{route: "GET /v1/onboardings", kind: kTenant, name: "another body's list", key: edu, path: "/v1/onboardings?body=registry-office", status: forbidden, rule: "-", field: "body"},
		{route: "GET /v1/onboardings/{id}", kind: kUnknownID, name: "no such onboarding", key: op, path: "/v1/onboardings/no-such", status: nf},
		{route: "GET /v1/onboardings/{id}", kind: kTenant, name: "another body's onboarding", key: reg, status: nf},
		{route: "GET /v1/deadlines", kind: kBadParam, name: "due_within not a number", key: op, path: "/v1/deadlines?due_within=soon", status: bad, rule: "-", field: "due_within"},
		{route: "GET /v1/deadlines", kind: kTenant, name: "another body's board", key: edu, path: "/v1/deadlines?body=registry-office", status: forbidden, rule: "-", field: "body"},
		{route: "GET /v1/definitions/{id}", kind: kUnknownID, name: "no such definition", key: op, path: "/v1/definitions/no-such", status: nf},
		{route: "GET /v1/applications/{id}/ucc", kind: kUnknownID, name: "no such application", key: op, path: "/v1/applications/no-such/ucc", status: nf},
		{route: "GET /v1/recipients/{recipient}/applications", kind: kChecksum, name: "IIN checksum", key: op, path: "/v1/recipients/900101300018/applications", status: bad, field: "recipient"},
		{route: "GET /v1/recipients/{recipient}/applications", kind: kTenant, name: "another citizen's", key: cit2, status: nf},
		{route: "GET /v1/recipients/{recipient}/applications/{id}", kind: kUnknownID, name: "no such application", key: op,
			path: "/v1/recipients/" + demoapp.DemoRecipient + "/applications/no-such", status: nf},
		{route: "GET /v1/recipients/{recipient}/applications/{id}", kind: kTenant, name: "another citizen's", key: cit2, status: nf},
		{route: "GET /v1/calendar/kz/{year}", kind: kBadParam, name: "year 1800", key: op, path: "/v1/calendar/kz/1800", status: bad, rule: "-", field: "year"},
		{route: "GET /v1/calendar/kz/{year}", kind: kBadParam, name: "year not a number", key: op, path: "/v1/calendar/kz/MMXXV", status: bad, rule: "-", field: "year"},
		{route: "GET /v1/terms", kind: kBadParam, name: "no from", key: op, path: "/v1/terms?rule=Rules472+p.5&kind=working-days&n=2", status: bad, rule: "Rules472 p.5", field: "from"},
		{route: "GET /v1/terms", kind: kBadParam, name: "n not a number", key: op, path: "/v1/terms?rule=Rules472+p.5&kind=working-days&n=two&from=2025-03-17", status: bad, rule: "Rules472 p.5", field: "n"},
		{route: "GET /v1/desk/services/{key}", kind: kUnknownID, name: "no such service", key: op, path: "/v1/desk/services/no-such", status: nf},
		{route: "GET /v1/desk/recipients/{recipient}", kind: kChecksum, name: "IIN checksum", key: op, path: "/v1/desk/recipients/900101300018", status: bad, field: "recipient"},
		{route: "GET /v1/desk/applications/{number}", kind: kUnknownID, name: "no such application", key: op, path: "/v1/desk/applications/no-such", status: nf},

		// The appeal register and the monthly reports (Rules130 p.14).
		{route: "POST /v1/appeals", kind: kChecksum, name: "applicant IIN checksum", key: op, body: appeal(map[string]any{"applicant_iin": "900101300018"}), status: bad, rule: "Rules130 p.14", field: "applicant_iin"},
		{route: "POST /v1/appeals", kind: kDate, name: "received in the future", key: op, body: appeal(map[string]any{"received_at": future}), status: bad, rule: "Rules130 p.14", field: "received_at"},
		{route: "POST /v1/appeals", kind: kInvalid, name: "unknown nature", key: op, body: appeal(map[string]any{"nature": "rudeness"}), status: bad, field: "nature"},
		{route: "POST /v1/appeals", kind: kUnknownID, name: "no such body", key: op, body: appeal(map[string]any{"body_id": "no-such"}), status: bad, rule: "Rules130 p.14", field: "body_id"},
		{route: "POST /v1/appeals", kind: kOrder, name: "a seeded appeal again", key: op,
			bodyf: func(b *testBundle) string {
				return appeal(map[string]any{"id": strings.TrimPrefix(registryAppeal(b), "/v1/appeals/")})
			}, status: conflict},
		{route: "POST /v1/audit/verify", kind: kInvalid, name: "a digest that is not the heads'", key: op,
			body: `{"heads":[{"aggregate":"appeals/a","seq":1,"hash":"00"}],"digest":"00"}`, status: bad, rule: "-", field: "digest"},
		{route: "POST /v1/audit/verify", kind: kInvalid, name: "no heads", key: op, body: `{"heads":[],"digest":"00"}`, status: bad, rule: "-", field: "heads"},
		{route: "GET /v1/appeals", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/appeals?period=2025-13", status: bad, field: "period"},
		{route: "GET /v1/appeals", kind: kBadParam, name: "no range", key: op, path: "/v1/appeals", status: bad, rule: "Rules130 p.14", field: "from"},
		{route: "GET /v1/appeals", kind: kBadParam, name: "limit 0", key: op, path: "/v1/appeals?period=2025-03&limit=0", status: bad, rule: "-", field: "limit"},
		{route: "GET /v1/appeals", kind: kTenant, name: "another body's appeals", key: edu, path: "/v1/appeals?period=2025-03&body=registry-office", status: nf},
		{route: "GET /v1/appeals/{id}", kind: kUnknownID, name: "no such appeal", key: op, path: "/v1/appeals/no-such", status: nf},
		{route: "GET /v1/appeals/{id}", kind: kTenant, name: "another body's appeal", key: edu, pathf: registryAppeal, status: nf},

		{route: "POST /v1/reports/monthly/{period}", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/reports/monthly/2025-13", status: bad, field: "period"},
		{route: "POST /v1/reports/monthly/{period}", kind: kBadParam, name: "year 1800", key: op, path: "/v1/reports/monthly/1800-01", status: bad, field: "period"},
		{route: "POST /v1/reports/monthly/{period}", kind: kOrder, name: "opened twice", key: op, path: "/v1/reports/monthly/2025-03", status: conflict},
		{route: "POST /v1/reports/monthly/{period}", kind: kDate, name: "a month in the future", key: op, path: "/v1/reports/monthly/2025-06", status: bad, field: "period"},
		{route: "GET /v1/reports/monthly/{period}", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/reports/monthly/2025-13", status: bad, field: "period"},
		{route: "GET /v1/reports/monthly/{period}", kind: kUnknownID, name: "a month never opened", key: op, path: "/v1/reports/monthly/2024-01", status: nf},
		{route: "GET /v1/reports/monthly/{period}/{format}", kind: kBadParam, name: "format exe", key: op, path: "/v1/reports/monthly/2025-03/exe", status: bad, rule: "Rules130 p.14", field: "format"},
		{route: "GET /v1/reports/monthly/{period}/{format}", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/reports/monthly/2025-13/csv", status: bad, field: "period"},
		{route: "GET /v1/reports/monthly/{period}/{format}", kind: kTenant, name: "another body's report", key: edu, path: "/v1/reports/monthly/2025-02/csv?body=registry-office", status: nf},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/generate", kind: kOrder, name: "a month not ended", key: op, path: "/v1/reports/monthly/2025-03/registry-office/generate", status: conflict},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/generate", kind: kUnknownID, name: "no such recipient", key: op, path: "/v1/reports/monthly/2025-02/no-such/generate", status: nf},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/generate", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/reports/monthly/2025-13/registry-office/generate", status: bad, field: "period"},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/sent", kind: kOrder, name: "sent before generated", key: op, path: "/v1/reports/monthly/2025-02/registry-office/sent", body: `{}`, status: conflict},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/sent", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/reports/monthly/2025-13/registry-office/sent", body: `{}`, status: bad, field: "period"},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/sent", kind: kDate, name: "sent in the future", key: op, prepare: generated, path: "/v1/reports/monthly/2025-02/registry-office/sent",
			body: jsonOf(map[string]any{"at": future}), status: bad, rule: "Rules130 p.14", field: "at"},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/acknowledged", kind: kOrder, name: "acknowledged before sent", key: op, path: "/v1/reports/monthly/2025-02/registry-office/acknowledged", body: `{}`, status: conflict},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/acknowledged", kind: kTenant, name: "another body's report", key: edu, path: "/v1/reports/monthly/2025-02/registry-office/acknowledged", body: `{}`, status: nf},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/acknowledged", kind: kTenant, name: "the quality authority for a body", key: qa, path: "/v1/reports/monthly/2025-02/registry-office/acknowledged", body: `{}`,
			status: forbidden, rule: "Rules130 p.14", field: "recipient"},
		{route: "POST /v1/reports/monthly/{period}/{recipient}/acknowledged", kind: kBadParam, name: "period 2025-13", key: op, path: "/v1/reports/monthly/2025-13/registry-office/acknowledged", body: `{}`, status: bad, field: "period"},

		{route: "GET /v1/onboardings/{id}/appendix1", kind: kBadParam, name: "format exe", key: op, pathf: func(b *testBundle) string { return ob(b) + "/appendix1?format=exe" }, status: bad, rule: "Rules130 p.4", field: "format"},
		{route: "GET /v1/onboardings/{id}/appendix1", kind: kUnknownID, name: "no such onboarding", key: op, path: "/v1/onboardings/no-such/appendix1", status: nf},
		{route: "GET /v1/onboardings/{id}/appendix1", kind: kTenant, name: "another body's onboarding", key: reg, pathf: func(b *testBundle) string { return ob(b) + "/appendix1" }, status: nf},
		{route: "GET /v1/notices/{body}/{period}/{seq}/{format}", kind: kBadParam, name: "seq 0", key: op, path: "/v1/notices/registry-office/2025-03/0/json", status: bad, rule: "Rules130 p.12", field: "seq"},
		{route: "GET /v1/notices/{body}/{period}/{seq}/{format}", kind: kBadParam, name: "format exe", key: op, path: "/v1/notices/registry-office/2025-03/1/exe", status: bad, rule: "Rules130 p.12", field: "format"},
		{route: "GET /v1/notices/{body}/{period}/{seq}/{format}", kind: kUnknownID, name: "no such notice", key: op, path: "/v1/notices/registry-office/2025-03/1/json", status: nf},
		{route: "GET /v1/notices/{body}/{period}/{seq}/{format}", kind: kTenant, name: "another body's notice", key: edu, path: "/v1/notices/registry-office/2025-03/1/json", status: nf},

		// Reconciliation (Rules130 p.16).
		{route: "POST /v1/reconciliations", kind: kContentType, name: "text/plain", key: op, contentType: "text/plain", body: "period,body_id,dimension,key,count\n",
			status: http.StatusUnsupportedMediaType, rule: "Rules130 p.16", field: "body"},
		{route: "POST /v1/reconciliations", kind: kTenant, name: "another body's figures", key: edu, contentType: "text/csv",
			body: "period,body_id,dimension,key,count\n2025-02,registry-office,total,,3\n", status: forbidden, rule: "Rules130 p.16", field: "body_id"},
		{route: "POST /v1/reconciliations", kind: kInvalid, name: "a count that is no number", key: op, contentType: "text/csv",
			body: "period,body_id,dimension,key,count\n2025-02,registry-office,total,,many\n", status: bad, rule: "Rules130 p.16", field: "count"},
		{route: "POST /v1/reconciliations", kind: kBadParam, name: "period 2025-13 in the file", key: op, contentType: "text/csv",
			body: "period,body_id,dimension,key,count\n2025-13,registry-office,total,,3\n", status: bad, rule: "Rules130 p.16", field: "period"},
		{route: "POST /v1/reconciliations", kind: kDate, name: "a month not begun", key: op, contentType: "text/csv",
			body: "period,body_id,dimension,key,count\n2025-04,registry-office,total,,3\n", status: bad, rule: "Rules130 p.16", field: "period"},
		{route: "GET /v1/reconciliations/{id}", kind: kUnknownID, name: "no such reconciliation", key: op, path: "/v1/reconciliations/no-such", status: nf},
		{route: "POST /v1/reconciliations/{id}/explanations", kind: kUnknownID, name: "no such reconciliation", key: op, path: "/v1/reconciliations/no-such/explanations",
			body: jsonOf(map[string]any{"seq": 1, "explanation": "x"}), status: nf},
		{route: "POST /v1/reconciliations/{id}/explanations", kind: kOrder, name: "a second explanation", key: op, prepare: explained,
			pathf: func(*testBundle) string { return "/v1/reconciliations/" + recID + "/explanations" }, body: jsonOf(map[string]any{"seq": 1, "explanation": "again"}), status: conflict},
		{route: "POST /v1/reconciliations/{id}/explanations", kind: kInvalid, name: "no such discrepancy", key: op,
			pathf: func(*testBundle) string { return "/v1/reconciliations/" + recID + "/explanations" }, body: jsonOf(map[string]any{"seq": 99, "explanation": "x"}), status: nf, field: "seq"},

		{route: "GET /v1/audit/{table}/{id...}", kind: kBadParam, name: "no such table", key: op, path: "/v1/audit/passwords/x", status: nf},
		{route: "GET /v1/audit/{table}/{id...}", kind: kUnknownID, name: "no such aggregate", key: op, path: "/v1/audit/onboardings/no-such", status: nf},

		// The desk page, the dashboard's pages and forms (HTML answers).
		{route: "GET /ui/onboardings/{id}", kind: kUnknownID, name: "no such onboarding", key: op, path: "/ui/onboardings/no-such", status: nf, html: true},
		{route: "GET /ui/onboardings/{id}", kind: kTenant, name: "another body's onboarding", key: reg, pathf: func(b *testBundle) string { return "/ui/onboardings/" + b.onboardingID }, status: nf, html: true},
		{route: "GET /ui/applications/{id}", kind: kUnknownID, name: "no such application", key: op, path: "/ui/applications/no-such", status: nf, html: true},
		{route: "GET /ui/applications/{id}", kind: kTenant, name: "another citizen's application", key: cit2, pathf: func(b *testBundle) string { return "/ui/applications/" + b.applicationID }, status: nf, html: true},
		{route: "GET /ui/reports/{period}", kind: kBadParam, name: "period 2025-13", key: op, path: "/ui/reports/2025-13", status: bad, html: true, rule: "Rules130 p.14"},
		{route: "GET /ui/calendar/{year}", kind: kBadParam, name: "year 1800", key: op, path: "/ui/calendar/1800", status: nf, html: true},
		{route: "POST /ui/onboardings/{id}/step", kind: kOrder, name: "receipt before the request", key: op, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/onboardings/" + b.onboardingID + "/step" },
			body:  form("step", "receipt", "received_at", now.Format("2006-01-02T15:04")), status: conflict, html: true},
		{route: "POST /ui/onboardings/{id}/step", kind: kDate, name: "request sent in the future", key: op, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/onboardings/" + b.onboardingID + "/step" },
			body:  form("step", "request", "sent_at", future.Format("2006-01-02T15:04")), status: bad, html: true, rule: "Rules130 p.4"},
		{route: "POST /ui/onboardings/{id}/step", kind: kBadParam, name: "no such step", key: op, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/onboardings/" + b.onboardingID + "/step" }, body: form("step", "launch"), status: bad, html: true},
		{route: "POST /ui/onboardings/{id}/step", kind: kUnknownID, name: "no such onboarding", key: op, contentType: formType,
			path: "/ui/onboardings/no-such/step", body: form("step", "request", "sent_at", now.Format("2006-01-02T15:04")), status: nf, html: true},
		{route: "POST /ui/onboardings/{id}/step", kind: kTenant, name: "another body's onboarding", key: reg, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/onboardings/" + b.onboardingID + "/step" },
			body:  form("step", "request", "sent_at", now.Format("2006-01-02T15:04")), status: nf, html: true},
		{route: "POST /ui/applications/{id}/result", kind: kOrder, name: "before it is routed", key: op, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/applications/" + b.applicationID + "/result" },
			body:  form("component", "kindergarten-queue", "at", now.Format("2006-01-02T15:04"), "channel", "electronic", "reference", "Q-1"), status: conflict, html: true},
		{route: "POST /ui/applications/{id}/result", kind: kDate, name: "a date that is none", key: op, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/applications/" + b.applicationID + "/result" },
			body:  form("component", "birth-registration", "at", "yesterday", "channel", "electronic", "reference", "A-1"), status: bad, html: true, rule: "Rules472 p.4"},
		{route: "POST /ui/applications/{id}/result", kind: kUnknownID, name: "no such application", key: op, contentType: formType,
			path: "/ui/applications/no-such/result", body: form("component", "birth-registration"), status: nf, html: true},
		{route: "POST /ui/applications/{id}/result", kind: kTenant, name: "another provider's component", key: edu, contentType: formType,
			pathf: func(b *testBundle) string { return "/ui/applications/" + b.applicationID + "/result" },
			body: form("component", "birth-registration", "at", now.Format("2006-01-02T15:04"), "channel", "electronic", "reference", "A-1",
				"fields.child_iin", "250315600012", "fields.birth_record_number", "1"), status: nf, html: true},
		{route: "POST /login", kind: kInvalid, name: "an unknown key", contentType: formType, body: form("key", "no-such-key", "next", "/"), status: http.StatusUnauthorized, html: true},
	}
}
