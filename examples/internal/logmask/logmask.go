package logmask

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler masks IINs/BINs before passing records to the inner handler.
type Handler struct{ inner slog.Handler }

// New wraps inner.
func New(inner slog.Handler) *Handler { return &Handler{inner: inner} }

// Enabled reports whether the inner handler handles level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle masks the record's message and attributes.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs masks attrs once, when the logger is derived.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = maskAttr(a)
	}
	return &Handler{inner: h.inner.WithAttrs(masked)}
}

// WithGroup opens a group on the inner handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Mask(v.String()))
	case slog.KindInt64:
		if n := v.Int64(); n >= 1e11 && n < 1e12 {
			return slog.String(a.Key, Mask(fmt.Sprint(n)))
		}
	case slog.KindUint64:
		if n := v.Uint64(); n >= 1e11 && n < 1e12 {
			return slog.String(a.Key, Mask(fmt.Sprint(n)))
		}
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, ga := range g {
			out[i] = maskAttr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, Mask(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, Mask(x.String()))
		case []byte:
			return slog.String(a.Key, Mask(string(x)))
		default:
			return slog.String(a.Key, Mask(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Mask replaces the last 6 digits of every run of exactly 12 ASCII digits
// in s with '*'.
func Mask(s string) string {
	var b []byte // allocated on the first match only
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 12 {
			if b == nil {
				b = []byte(s)
			}
			for j := i - 6; j < i; j++ {
				b[j] = '*'
			}
		}
		run = 0
	}
	if b == nil {
		return s
	}
	return string(b)
}
