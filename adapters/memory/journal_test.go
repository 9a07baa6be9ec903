package memory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/onboarding"
)

func TestWithoutAuditKeepsNoLogAndSaysSo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := memory.New(memory.WithoutAudit())
	require.NoError(t, m.CreateBody(ctx, onboarding.Body{ID: "b-1", BIN: deadlinestest.BIN(1)}))
	_, err := m.AuditTrail(ctx, "bodies/b-1")
	require.ErrorIs(t, err, errors.ErrUnsupported)
	require.ErrorIs(t, m.VerifyAudit(ctx), errors.ErrUnsupported, "an unaudited store does not claim to verify")
	_, err = m.LeaseOutbox(ctx, time.Now(), time.Minute, 10)
	require.ErrorIs(t, err, errors.ErrUnsupported)
	require.ErrorIs(t, m.AckOutbox(ctx, "k", time.Now()), errors.ErrUnsupported)
	require.ErrorIs(t, m.RetryOutbox(ctx, "k", time.Now(), "x"), errors.ErrUnsupported)
	_, _, _, err = m.OutboxStats(ctx)
	require.ErrorIs(t, err, errors.ErrUnsupported)
}

func TestWithClockStampsEntriesAndMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2025, time.March, 17, 10, 0, 0, 0, time.UTC)
	m := memory.New(memory.WithClock(deadlinestest.NewClock(at)))
	require.NoError(t, m.CreateOnboarding(ctx, &onboarding.Onboarding{ID: "o-1", ServiceID: "s-1", BodyID: "b-1",
		History: []onboarding.Event{{Seq: 1, Type: "onboarding.started", Actor: "ucc", Rule: deadlines.Cite(deadlines.Rules130, 4)}}}))
	trail, err := m.AuditTrail(ctx, "onboardings/o-1")
	require.NoError(t, err)
	require.Len(t, trail, 1)
	require.Equal(t, at, trail[0].At)
	require.Equal(t, "Rules130 p.4", trail[0].Rule)
	ms, err := m.LeaseOutbox(ctx, at, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, at, ms[0].NextAt, "a message is due when it was stored")
}
