// Package reportstest provides test and benchmark helpers for code that
// uses reports: a store whose appeal register is generated on the fly, so a
// month of a million appeals streams without being held anywhere, and a
// peak-heap probe for the benchmarks.
package reportstest

import (
	"context"
	"iter"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
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

// PeakHeap runs fn and returns the largest heap in use (live and not yet
// swept objects, runtime/metrics /memory/classes/heap/objects:bytes) seen
// while it ran, sampled every millisecond, after a GC before it starts.
func PeakHeap(fn func()) uint64 {
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
	fn()
	close(done)
	wg.Wait()
	return max(peak, read())
}
