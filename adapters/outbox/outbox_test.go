package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

// fakeStore records what the relay does.
type fakeStore struct {
	msgs    []outbox.Message
	acked   []string
	retried map[string]time.Time
}

func (f *fakeStore) LeaseOutbox(_ context.Context, _ time.Time, _ time.Duration, limit int) ([]outbox.Message, error) {
	return f.msgs[:min(limit, len(f.msgs))], nil
}
func (f *fakeStore) AckOutbox(_ context.Context, key string, _ time.Time) error {
	f.acked = append(f.acked, key)
	return nil
}
func (f *fakeStore) RetryOutbox(_ context.Context, key string, next time.Time, _ string) error {
	f.retried[key] = next
	return nil
}

func TestRelayBacksOffExponentially(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC)
	store := &fakeStore{retried: map[string]time.Time{}, msgs: []outbox.Message{
		{Key: "a/1", Attempts: 1}, {Key: "a/2", Attempts: 3}, {Key: "a/3", Attempts: 40}, {Key: "b/1", Attempts: 1},
	}}
	r, err := outbox.NewRelay(store, outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
		if m.Key == "b/1" {
			return nil
		}
		return errors.New("down")
	}), deadlinestest.NewClock(now), outbox.WithBatch(10))
	require.NoError(t, err)
	res, err := r.Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, outbox.Result{Delivered: 1, Failed: 3}, res)
	require.Equal(t, []string{"b/1"}, store.acked)
	require.Equal(t, now.Add(time.Second), store.retried["a/1"])
	require.Equal(t, now.Add(4*time.Second), store.retried["a/2"])
	require.Equal(t, now.Add(time.Hour), store.retried["a/3"], "capped at an hour")
}

func TestNewRelayNeedsItsParts(t *testing.T) {
	t.Parallel()
	_, err := outbox.NewRelay(nil, nil, nil)
	require.ErrorIs(t, err, deadlines.ErrInvalid)
}
