package auth

import (
	"context"
	"sync/atomic"
)

type deniedKey struct{}

// TrackDenials returns ctx carrying a flag that Denied sets: the access
// audit wraps each request with it, so that a record refused as another
// tenant's (answered 404, exactly like a missing one) is audited as a
// denied attempt, as a 403 is.
func TrackDenials(ctx context.Context) (context.Context, *atomic.Bool) {
	f := new(atomic.Bool)
	return context.WithValue(ctx, deniedKey{}, f), f
}

// Denied records that the request asked for another tenant's record. It
// changes nothing in the answer; without TrackDenials it does nothing.
func Denied(ctx context.Context) {
	if f, ok := ctx.Value(deniedKey{}).(*atomic.Bool); ok {
		f.Store(true)
	}
}
