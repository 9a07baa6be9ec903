package logmask_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/qyzmet/qyzmet/examples/internal/logmask"
)

// BenchmarkLogLine compares a request log line through the text handler
// ("plain", the baseline) with the same line through the masking wrapper
// ("masked"), once without and once with an IIN in it.
//
//	go test -run '^$' -bench BenchmarkLogLine -count 5 ./examples/internal/logmask/
func BenchmarkLogLine(b *testing.B) {
	for _, tc := range []struct{ name, value string }{{"no-iin", "GET /v1/bodies"}, {"iin", "/v1/recipients/900101300017/applications"}} {
		for _, h := range []struct {
			name string
			log  *slog.Logger
		}{
			{"plain", slog.New(slog.NewTextHandler(io.Discard, nil))},
			{"masked", slog.New(logmask.New(slog.NewTextHandler(io.Discard, nil)))},
		} {
			b.Run(tc.name+"/"+h.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					h.log.Info("request", "method", "GET", "route", tc.value, "status", 200, "role", "operator")
				}
			})
		}
	}
}
