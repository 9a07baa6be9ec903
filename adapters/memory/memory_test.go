package memory_test

import (
	"context"
	"testing"
	_ "time/tzdata"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

type harness struct{}

func (harness) NewStores(context.Context, testing.TB) storetest.Stores {
	m := memory.New()
	return storetest.Stores{Timers: m, Onboarding: m, Chain: m, Reports: m, Desk: m}
}

func (harness) Capabilities() storetest.Capabilities { return storetest.Capabilities{} }

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, harness{})
}

func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, harness{}) }
