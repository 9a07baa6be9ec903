package reports_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// countingStore counts the catalogue lookups an import makes.
type countingStore struct {
	reports.Store
	reports.AppealImporter
	bodies, services atomic.Int64
}

func (s *countingStore) GetBody(ctx context.Context, id string) (onboarding.Body, error) {
	s.bodies.Add(1)
	return s.Store.GetBody(ctx, id)
}

func (s *countingStore) GetService(ctx context.Context, id string) (onboarding.StateService, error) {
	s.services.Add(1)
	return s.Store.GetService(ctx, id)
}

// withoutImport hides the store's bulk path.
type withoutImport struct{ reports.Store }

func TestRules130_P14_ImportAppealsAllOrNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		bad    func(i int, a *reports.Appeal) // changes appeal i of five
		stored int
		lines  []int
		fields []string
		is     error
	}{
		{name: "AllValid", stored: 5},
		{name: "NotAProvider", bad: func(i int, a *reports.Appeal) {
			if i == 2 {
				a.BodyID = "quality"
			}
		}, lines: []int{3}, fields: []string{"body_id"}, is: reports.ErrInvalid},
		{name: "EveryBadLine", bad: func(i int, a *reports.Appeal) {
			switch i {
			case 0:
				a.ReceivedAt = a.ReceivedAt.AddDate(1, 0, 0) // in the future
			case 3:
				a.ApplicantIIN, a.Content = "123", " "
			}
		}, lines: []int{1, 4, 4}, fields: []string{"received_at", "content", "applicant_iin"}, is: reports.ErrInvalid},
		{name: "DuplicateID", bad: func(i int, a *reports.Appeal) {
			if i == 4 {
				a.ID = "imp-1"
			}
		}, lines: []int{5}, fields: []string{"id"}, is: reports.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			at := b.at(t, "2025-03-03 10:00")
			lines := make([]reports.Appeal, 5)
			for i := range lines {
				lines[i] = appeal(t, appealOpts{ID: "imp-" + string(rune('0'+i)), At: at, Serial: i})
				if tc.bad != nil {
					tc.bad(i, &lines[i])
				}
			}
			n, err := b.svc.ImportAppeals(b.ctx, reports.AppealLines(lines), "importer")
			if tc.is == nil {
				require.NoError(t, err)
				require.Equal(t, tc.stored, n)
				got, err := b.svc.Appeal(b.ctx, "imp-4")
				require.NoError(t, err)
				require.Equal(t, "importer", got.RecordedBy)
				require.True(t, b.clock.Now().Equal(got.RecordedAt))
				return
			}
			require.ErrorIs(t, err, tc.is)
			require.Zero(t, n)
			require.Equal(t, tc.fields, fields(err))
			var got []int
			var walk func(error)
			walk = func(e error) {
				switch x := e.(type) {
				case *reports.LineError:
					got = append(got, x.Line)
				case interface{ Unwrap() []error }:
					for _, inner := range x.Unwrap() {
						walk(inner)
					}
				case interface{ Unwrap() error }:
					walk(x.Unwrap())
				}
			}
			walk(err)
			require.Equal(t, tc.lines, got)
			requireRuleError(t, err, tc.is, 14, tc.fields[0])
			for i := range lines {
				_, err := b.store.GetAppeal(b.ctx, "imp-"+string(rune('0'+i)))
				require.ErrorIs(t, err, reports.ErrNotFound, "nothing is stored")
			}
		})
	}
	t.Run("CatalogueLookedUpOncePerID", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		cs := &countingStore{Store: b.store, AppealImporter: b.store}
		svc, err := reports.NewService(cs, b.cal, b.clock)
		require.NoError(t, err)
		at := b.at(t, "2025-03-03 10:00")
		var lines []reports.Appeal
		for i := range 50 {
			lines = append(lines, appeal(t, appealOpts{At: at, Serial: i}))
		}
		n, err := svc.ImportAppeals(b.ctx, reports.AppealLines(lines), "importer")
		require.NoError(t, err)
		require.Equal(t, 50, n)
		require.Equal(t, int64(1), cs.bodies.Load())
		require.Equal(t, int64(1), cs.services.Load())
	})
	t.Run("StoreWithoutBulkPath", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		svc, err := reports.NewService(withoutImport{b.store}, b.cal, b.clock)
		require.NoError(t, err)
		_, err = svc.ImportAppeals(b.ctx, reports.AppealLines(nil), "importer")
		require.ErrorIs(t, err, errors.ErrUnsupported)
	})
}
