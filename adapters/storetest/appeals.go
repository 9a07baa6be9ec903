package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/reports"
)

// AppealStore is the appeal register: reports.Appeals, which includes the
// reports.Source the reports stream from.
type AppealStore interface {
	reports.Appeals
}

// appealsBundle is one isolated world: a fresh, empty appeal register.
type appealsBundle struct {
	ctx   context.Context
	cal   *deadlines.Calendar // Asia/Almaty
	store AppealStore
}

func setupAppeals(t testing.TB, h Harness) *appealsBundle {
	t.Helper()
	ctx := context.Background()
	stores := h.NewStores(ctx, t)
	store := stores.Appeals
	if store == nil && stores.Reports != nil {
		store = stores.Reports // the reports store keeps the register too
	}
	if store == nil {
		t.Skip("the adapter does not store appeals (Stores.Appeals and Stores.Reports are nil)")
	}
	return &appealsBundle{ctx: ctx, cal: kz.Calendar(), store: store}
}

func runAppeals(t *testing.T, h Harness) {
	t.Run("AppealCreateGetConflict", func(t *testing.T) {
		t.Parallel()
		b := setupAppeals(t, h)
		want := newAppeal("a-1", b.cal.Date(2025, time.March, 3).Add(10*time.Hour), "ministry")
		require.NoError(t, b.store.CreateAppeal(b.ctx, want))
		got, err := b.store.GetAppeal(b.ctx, "a-1")
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, want), canonicalJSON(t, got))
		require.Equal(t, want.ApplicantIIN, got.ApplicantIIN, "the register keeps the IIN; only logs mask it")

		dup := newAppeal("a-1", want.ReceivedAt.Add(time.Minute), "akimat-mangystau")
		require.ErrorIs(t, b.store.CreateAppeal(b.ctx, dup), reports.ErrConflict)
		got, err = b.store.GetAppeal(b.ctx, "a-1")
		require.NoError(t, err)
		require.Equal(t, "ministry", got.BodyID, "a conflict changes nothing")
		_, err = b.store.GetAppeal(b.ctx, "missing")
		require.ErrorIs(t, err, reports.ErrNotFound)
	})
	t.Run("AppealsStreamInOrderWithinBounds", func(t *testing.T) {
		t.Parallel()
		b := setupAppeals(t, h)
		start := b.cal.Date(2025, time.March, 1)
		// 600 appeals, more than any sane batch, created out of order, with
		// ties on the instant broken by ID.
		var all []reports.Appeal
		for i := range 600 {
			at := start.Add(time.Duration(i/2) * time.Hour)
			body := "ministry"
			if i%3 == 0 {
				body = "akimat-mangystau"
			}
			all = append(all, newAppeal(fmt.Sprintf("a-%03d", 599-i), at, body))
		}
		for _, i := range rotate(len(all), 7) {
			require.NoError(t, b.store.CreateAppeal(b.ctx, all[i]))
		}
		slices.SortFunc(all, func(x, y reports.Appeal) int {
			if c := x.ReceivedAt.Compare(y.ReceivedAt); c != 0 {
				return c
			}
			return compareStrings(x.ID, y.ID)
		})
		ids := func(as []reports.Appeal, keep func(reports.Appeal) bool) []string {
			var out []string
			for _, a := range as {
				if keep(a) {
					out = append(out, a.ID)
				}
			}
			return out
		}
		from, to := start.Add(10*time.Hour), start.Add(250*time.Hour)
		inRange := func(a reports.Appeal) bool { return !a.ReceivedAt.Before(from) && a.ReceivedAt.Before(to) }
		require.Equal(t, ids(all, func(reports.Appeal) bool { return true }), collect(t, b.store, reports.AppealQuery{From: start, To: start.AddDate(0, 1, 0)}))
		require.Equal(t, ids(all, inRange), collect(t, b.store, reports.AppealQuery{From: from, To: to}), "From inclusive, To exclusive")
		require.Equal(t, ids(all, func(a reports.Appeal) bool { return inRange(a) && a.BodyID == "akimat-mangystau" }),
			collect(t, b.store, reports.AppealQuery{From: from, To: to, BodyID: "akimat-mangystau"}))
		require.Empty(t, collect(t, b.store, reports.AppealQuery{From: to.AddDate(1, 0, 0), To: to.AddDate(2, 0, 0)}))

		// Instants compare as instants, whatever the zone they come in.
		utcFrom := from.UTC()
		require.Equal(t, ids(all, inRange), collect(t, b.store, reports.AppealQuery{From: utcFrom, To: to.In(time.FixedZone("X", -3*3600))}))

		// Stopping early, and writing while iterating.
		n := 0
		for a, err := range b.store.Appeals(b.ctx, reports.AppealQuery{From: start, To: to}) {
			require.NoError(t, err)
			if n == 0 {
				require.NoError(t, b.store.CreateAppeal(b.ctx, newAppeal("z-late", to.Add(time.Hour), "ministry")), "the consumer may write while iterating")
			}
			require.NotEmpty(t, a.ID)
			if n++; n == 300 {
				break
			}
		}
		require.Equal(t, 300, n)
		got, err := b.store.GetAppeal(b.ctx, "z-late")
		require.NoError(t, err)
		require.Equal(t, "REQ-z-late", got.RequestNo)

		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		var failed error
		for _, err := range b.store.Appeals(ctx, reports.AppealQuery{From: start, To: to}) {
			if err != nil {
				failed = err
				break
			}
		}
		require.ErrorIs(t, failed, context.Canceled, "a cancelled context ends the stream with its error")
	})
	t.Run("AppealsAreCopies", func(t *testing.T) {
		t.Parallel()
		b := setupAppeals(t, h)
		at := b.cal.Date(2025, time.March, 3).Add(10 * time.Hour)
		a := newAppeal("a-1", at, "ministry")
		want := canonicalJSON(t, a)
		require.NoError(t, b.store.CreateAppeal(b.ctx, a))
		a.Content, a.BodyID = "changed by the caller", "akimat-mangystau"
		got, err := b.store.GetAppeal(b.ctx, "a-1")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, got), "the store keeps its own copy")
		got.Content = "changed by a reader"
		for a, err := range b.store.Appeals(b.ctx, reports.AppealQuery{From: at, To: at.Add(time.Hour)}) {
			require.NoError(t, err)
			require.Equal(t, want, canonicalJSON(t, a), "nor does a reader change it")
			a.Content = "changed while streaming"
		}
		got, err = b.store.GetAppeal(b.ctx, "a-1")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, got))
		require.Equal(t, []string{"a-1"}, collect(t, b.store, reports.AppealQuery{From: at, To: at.Add(time.Hour), BodyID: "ministry"}),
			"the caller's change of BodyID did not reach the body filter")
	})
}
