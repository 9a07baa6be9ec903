// Package reportstest provides test and benchmark helpers for code that
// uses reports: a store whose appeal register is generated on the fly, so a
// month of a million appeals streams without being held anywhere, and a
// probe of the peak heap and CPU time for the benchmarks.
package reportstest

import (
	"context"
	"io"
	"iter"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qyzmet/qyzmet/reports"
)

// Regions are the regions Synthetic spreads appeals over.
var Regions = []string{"Astana", "Almaty", "Shymkent", "Mangystau", "Karaganda", "Aktobe", "Atyrau", "Kostanay"}

// Synthetic wraps a store (for its catalogue and records) and replaces its
// appeal register by N generated appeals spread evenly over every month
// asked for, about the given bodies and service. Each appeal is made when
// the consumer asks for it.
type Synthetic struct {
	reports.Store
	N         int
	BodyIDs   []string // the bodies concerned, in turn; each must provide ServiceID
	ServiceID string
}

// Appeals implements reports.Source.
func (s *Synthetic) Appeals(ctx context.Context, q reports.AppealQuery) iter.Seq2[reports.Appeal, error] {
	return func(yield func(reports.Appeal, error) bool) {
		span := q.To.Sub(q.From)
		step := span / time.Duration(max(s.N, 1))
		natures := [...]reports.Nature{reports.StandardViolation, reports.EmployeeConduct, reports.StandardViolation | reports.EmployeeConduct}
		var idBuf []byte
		for i := range s.N {
			body := s.BodyIDs[i%len(s.BodyIDs)]
			if q.BodyID != "" && body != q.BodyID {
				continue
			}
			if i%4096 == 0 && ctx.Err() != nil {
				yield(reports.Appeal{}, ctx.Err())
				return
			}
			idBuf = strconv.AppendInt(idBuf[:0], int64(i), 10)
			id := string(idBuf)
			a := reports.Appeal{
				ID: id, ReceivedAt: q.From.Add(time.Duration(i) * step), ForumResponsible: "Нұрланов Әсет",
				Region: Regions[i%len(Regions)], ApplicantName: "Заявитель Иван Иванович", Nature: natures[i%len(natures)],
				Content:   "Услуга оказана с нарушением срока, установленного стандартом государственной услуги",
				RequestNo: "REQ-" + id, BodyID: body, ServiceID: s.ServiceID,
			}
			if !yield(a, nil) {
				return
			}
		}
	}
}

// Usage is what Measure saw while a function ran.
type Usage struct {
	// PeakHeap is the largest heap in use (live and not yet swept
	// objects, runtime/metrics /memory/classes/heap/objects:bytes), read
	// every millisecond by a sampling goroutine and once more at the end,
	// after a GC before the function starts. Between two garbage
	// collections this figure only grows, so a sample misses at most what
	// is allocated in the millisecond (or scheduling delay) before a
	// collection ends.
	PeakHeap uint64
	// CPU is the user and system CPU time of the whole process while the
	// function ran: every goroutine's, the garbage collector's and the
	// sampler's. Unlike wall-clock time it hardly depends on how many
	// other processes share the machine. It is 0 where the platform has
	// no getrusage.
	CPU time.Duration
}

// Measure runs fn and reports its peak heap and CPU time. It sets no
// runtime setting (GOGC, GOMEMLIMIT): the figures are those of the process
// as it was started.
func Measure(fn func()) Usage {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	cpu := processCPU()
	fn()
	cpu = processCPU() - cpu
	close(done)
	wg.Wait()
	return Usage{PeakHeap: max(peak, read()), CPU: cpu}
}

// BenchRender renders the month's report for recipient into writers made
// by newWriter (discarding the bytes) once per iteration, and reports
// rows/s, cpu-ns/row (the process's CPU time, which holds when other
// processes share the machine) and peak-heap-MiB (sampled while rendering).
func BenchRender(b *testing.B, svc *reports.Service, p reports.Period, recipient string, newWriter func(io.Writer) reports.Writer) {
	b.Helper()
	b.ReportAllocs()
	var peak uint64
	var cpu time.Duration
	rows := 0
	for b.Loop() {
		u := Measure(func() {
			sum, err := svc.Render(context.Background(), p, recipient, newWriter(io.Discard))
			if err != nil {
				b.Fatal(err)
			}
			rows += sum.Total
		})
		peak = max(peak, u.PeakHeap)
		cpu += u.CPU
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(rows), "cpu-ns/row")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
