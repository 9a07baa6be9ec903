package onboarding_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/onboarding"
)

// BenchmarkLifecycle runs one service's whole onboarding per op — start,
// request, receipt, appointment, information, training, protocol: 7
// transitions — on the memory adapter, and reports transitions per second.
// Run it with -benchtime=100000x for the 100k-services figure.
//
// "unaudited" is the domain's throughput, on a store WithoutAudit;
// "audited" is the memory store's default, which also appends an audit
// entry (the aggregate's JSON digest) and queues the outbox messages of
// every transition, and is compared with it in the same run.
func BenchmarkLifecycle(b *testing.B) {
	b.Run("unaudited", func(b *testing.B) { benchLifecycle(b, memory.New(memory.WithoutAudit())) })
	b.Run("audited", func(b *testing.B) { benchLifecycle(b, memory.New()) })
}

func benchLifecycle(b *testing.B, store *memory.Store) {
	tb := setupStore(b, store)
	tb.now(b, "2025-05-01 12:00")
	at := func(s string) time.Time { return tb.at(b, s) }
	ucc := onboarding.Signatory{FullName: "UCC Director", Position: "director"}
	body := onboarding.Signatory{FullName: "Vice Minister", Position: "vice minister"}
	info := information("registers a birth")
	p := person(1)
	times := struct{ reg, appr, sent, recv, appt, info, train, sign time.Time }{
		at(scRegistered), at(scApproved), at(scSent), at(scReceived), at(scAppointed), at(scInformed), at(scTrained), at(scSigned),
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		svc := tb.service
		svc.ID, svc.RegisterNumber = "svc-"+strconv.Itoa(n), strconv.Itoa(1_000_000+n)
		if err := tb.svc.RegisterService(tb.ctx, svc); err != nil {
			b.Fatal(err)
		}
		o, err := tb.svc.Start(tb.ctx, onboarding.StartInput{ServiceID: svc.ID, BodyID: "ministry", RegisteredOn: times.reg, StandardApprovedOn: times.appr, Actor: "ucc"})
		if err != nil {
			b.Fatal(err)
		}
		id := o.ID
		steps := []func() (*onboarding.Onboarding, error){
			func() (*onboarding.Onboarding, error) { return tb.svc.SendRequest(tb.ctx, id, times.sent, "ucc") },
			func() (*onboarding.Onboarding, error) { return tb.svc.ConfirmReceipt(tb.ctx, id, times.recv, "body") },
			func() (*onboarding.Onboarding, error) { return tb.svc.Appoint(tb.ctx, id, times.appt, p, "body") },
			func() (*onboarding.Onboarding, error) {
				return tb.svc.ProvideInformation(tb.ctx, id, times.info, info, "ucc-employee", "person1")
			},
			func() (*onboarding.Onboarding, error) {
				return tb.svc.RecordTraining(tb.ctx, id, onboarding.Training{At: times.train, Trainer: "person1", Trainees: []string{"e"}}, "ucc")
			},
			func() (*onboarding.Onboarding, error) {
				return tb.svc.SignProtocol(tb.ctx, id, onboarding.Protocol{Number: "1", SignedAt: times.sign, UCC: ucc, Body: body}, "ucc")
			},
		}
		for _, step := range steps {
			if _, err := step(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(7*n)/b.Elapsed().Seconds(), "transitions/s")
}
