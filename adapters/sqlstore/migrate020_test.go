package sqlstore

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// Migration 020 marks the desk escalations recorded before it delivered in
// the outbox: a later save of their delivery publishes none of them, and a
// new escalation still is.
func TestMigration020MarksEarlierEscalationsDelivered(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := openAtVersion(t, dialect, 19)
			at := time.Date(2025, time.March, 27, 19, 0, 0, 0, time.UTC)
			const id = "A\"1\x01" // a quote and a control character, to be escaped in the payload's JSON
			old := desk.Escalation{Key: "desk/" + id + "/1/stage-lag", Rung: "stage-lag", Stage: desk.StageReceived, At: at, FiredAt: at}
			d := &desk.Delivery{ID: id, Application: id, ServiceID: "birth", ProviderID: "ministry", Recipient: "900101300017",
				ReceivedAt: at.AddDate(0, 0, -10), Escalations: []desk.Escalation{old}}
			raw, err := encode(d)
			require.NoError(t, err)
			_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO desk_deliveries (id, application, recipient, provider_id, service_id, received_at, doc)
				VALUES (?, ?, ?, ?, ?, ?, ?)`), d.ID, d.Application, d.Recipient, d.ProviderID, d.ServiceID, d.ReceivedAt.UnixNano(), string(raw))
			require.NoError(t, err)
			_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO desk_escalations (key, delivery_id, provider_id, service_id, at) VALUES (?, ?, ?, ?, ?)`),
				old.Key, d.ID, d.ProviderID, d.ServiceID, at.UnixNano())
			require.NoError(t, err)

			require.NoError(t, s.Migrate(ctx))

			var payload string
			var delivered *int64
			require.NoError(t, s.db.QueryRowContext(ctx, s.q(`SELECT payload, delivered_at FROM outbox WHERE key = ?`),
				"desk_deliveries/"+id+"/escalation/"+old.Key).Scan(&payload, &delivered))
			require.NotNil(t, delivered)
			var p struct{ Aggregate string }
			require.NoError(t, json.Unmarshal([]byte(payload), &p), payload)
			require.Equal(t, "desk_deliveries/"+id, p.Aggregate)

			// A save offers every escalation: the old one stays delivered,
			// a new one is pending.
			require.NoError(t, s.UpdateDelivery(ctx, d.ID, func(d *desk.Delivery) error {
				d.Escalations = append(d.Escalations, desk.Escalation{Key: "desk/" + id + "/2/stage-lag", Rung: "stage-lag", Stage: desk.StageReceived, At: at.AddDate(0, 1, 0)})
				return nil
			}))
			pending, _, _, err := s.OutboxStats(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, pending, "only the new escalation")
		})
	}
}
