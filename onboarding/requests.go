package onboarding

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// AskBody records a UCC request to a participant for information or a
// clarification (Rules130 p.10).
func (s *Service) AskBody(ctx context.Context, bodyID, onboardingID, subject string, at time.Time, actor string) (*InfoRequest, error) {
	var errs []error
	body, err := s.store.GetBody(ctx, bodyID)
	if err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(10), Field: "body_id", Err: err})
	}
	if onboardingID != "" {
		if _, err := s.store.GetOnboarding(ctx, onboardingID); err != nil {
			errs = append(errs, &deadlines.RuleError{Rule: rule(10), Field: "onboarding_id", Err: err})
		}
	}
	if strings.TrimSpace(subject) == "" {
		errs = append(errs, deadlines.Invalid(rule(10), "subject", "what the UCC asks is required"))
	}
	if strings.TrimSpace(actor) == "" {
		errs = append(errs, deadlines.Invalid(rule(10), "actor", "who acts is required"))
	}
	if err := (change{now: s.clock.Now()}).checkAt(rule(10), "sent_at", at, time.Time{}, ""); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	r := &InfoRequest{ID: s.newID(), BodyID: body.ID, OnboardingID: onboardingID, Subject: subject, SentAt: at, SentBy: actor}
	if err := s.store.CreateRequest(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Answer records a participant's answer (Rules130 p.11). An unlawful
// refusal is counted in the body's ledger for its period; when the count
// reaches the threshold, ONE notice to the quality authority is raised, due
// within 3 working days (p.12); later refusals of the period join it while
// it is unsent, or open a follow-up once it was sent. Recording the same
// answer again changes nothing; a different answer to an answered request
// is a conflict. It returns the ledger (nil unless the answer is a refusal).
func (s *Service) Answer(ctx context.Context, requestID string, a Answer) (*RefusalLedger, error) {
	if err := errors.Join(a.validate()...); err != nil {
		return nil, err
	}
	req, err := s.store.GetRequest(ctx, requestID)
	if err != nil {
		return nil, err
	}
	body, err := s.store.GetBody(ctx, req.BodyID)
	if err != nil {
		return nil, err
	}
	c, err := s.change(body.Zone, a.By, rule(11))
	if err != nil {
		return nil, err
	}
	if err := c.checkAt(rule(11), "at", a.At, req.SentAt, "the request was sent"); err != nil {
		return nil, err
	}
	var key LedgerKey
	if a.Kind == Refused {
		key = LedgerKey{BodyID: body.ID, Period: s.period(a.At.In(c.cal.Location()))}
		if key.Period == "" || strings.Contains(key.Period, "/") {
			return nil, deadlines.Invalid(rule(12), "period", "the refusal period function returned "+fmt.Sprintf("%q", key.Period))
		}
	}
	var out *RefusalLedger
	err = s.store.AnswerRequest(ctx, requestID, key, func(r *InfoRequest, l *RefusalLedger) error {
		if r.Answer != nil {
			if sameAnswer(*r.Answer, a) {
				if l != nil {
					out = l.Clone()
				}
				return nil
			}
			return deadlines.Wrap(rule(11), "answer", ErrConflict, "request "+r.ID+" was answered at "+r.Answer.At.Format(time.RFC3339))
		}
		a.Recorded = c.now
		a.Documents = slices.Clone(a.Documents)
		r.Answer = &a
		if l == nil {
			return nil
		}
		l.Key = key
		if _, err := l.addRefusal(c, Refusal{RequestID: r.ID, At: a.At, Text: a.Text, Documents: a.Documents}, s.threshold); err != nil {
			return err
		}
		out = l.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", requestID, err)
	}
	return out, nil
}

// SendNotice records that the p.12 notice was sent to the quality
// authority with its attachments.
func (s *Service) SendNotice(ctx context.Context, key LedgerKey, seq int, at time.Time, actor string) (*RefusalLedger, error) {
	body, err := s.store.GetBody(ctx, key.BodyID)
	if err != nil {
		return nil, &deadlines.RuleError{Rule: rule(12), Field: "body_id", Err: err}
	}
	var out *RefusalLedger
	err = s.store.UpdateLedger(ctx, key, func(l *RefusalLedger) error {
		c, err := s.change(body.Zone, actor, rule(12))
		if err != nil {
			return err
		}
		if err := l.sendNotice(c, seq, at); err != nil {
			return err
		}
		out = l.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", key, err)
	}
	return out, nil
}

// Ledger returns a body's refusals and notices for the period containing at
// (in the body's zone).
func (s *Service) Ledger(ctx context.Context, bodyID string, at time.Time) (*RefusalLedger, error) {
	body, err := s.store.GetBody(ctx, bodyID)
	if err != nil {
		return nil, err
	}
	c, err := s.calIn(body.Zone)
	if err != nil {
		return nil, err
	}
	key := LedgerKey{BodyID: bodyID, Period: s.period(at.In(c.Location()))}
	l, err := s.store.GetLedger(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return &RefusalLedger{Key: key}, nil
	}
	return l, err
}

// RefusalCount returns how many unlawful refusals a body made in the period
// containing at (Rules130 p.12).
func (s *Service) RefusalCount(ctx context.Context, bodyID string, at time.Time) (int, error) {
	l, err := s.Ledger(ctx, bodyID, at)
	if err != nil {
		return 0, err
	}
	return len(l.Refusals), nil
}

// RequestQualityTraining records the quality authority's written request
// for training of its staff (Rules130 p.15) and starts its term.
func (s *Service) RequestQualityTraining(ctx context.Context, requestRef, topic string, requestedAt time.Time, actor string) (*QualityTraining, error) {
	var errs []error
	if strings.TrimSpace(requestRef) == "" {
		errs = append(errs, deadlines.Invalid(rule(15), "request_ref", "the training is held on a written request: its number is required"))
	}
	if strings.TrimSpace(topic) == "" {
		errs = append(errs, deadlines.Invalid(rule(15), "topic", "required"))
	}
	c, err := s.change(s.cal.Location().String(), actor, rule(15))
	if err != nil {
		errs = append(errs, err)
	} else if err := c.checkAt(rule(15), "requested_at", requestedAt, time.Time{}, ""); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	q := &QualityTraining{ID: s.newID(), RequestRef: requestRef, RequestedAt: requestedAt, Topic: topic}
	t, err := deadlines.NewTimer(c.cal, "qtraining/"+q.ID, "p.15 training "+requestRef, s.qtTerm, requestedAt, s.rungsFor(s.qtTerm.Rule)...)
	if err != nil {
		return nil, err
	}
	q.Timer = t
	q.record(c, "quality_training.requested", requestedAt, "request "+requestRef+": "+topic)
	if err := s.store.CreateQualityTraining(ctx, q); err != nil {
		return nil, err
	}
	return q, nil
}

// HoldQualityTraining records that the p.15 training took place and its outcome.
func (s *Service) HoldQualityTraining(ctx context.Context, id string, at time.Time, trainers, participants []string, outcome, actor string) (*QualityTraining, error) {
	var errs []error
	if len(trainers) == 0 || slicesContainsBlank(trainers) {
		errs = append(errs, deadlines.Invalid(rule(15), "trainers", "the UCC trainers are required"))
	}
	if len(participants) == 0 || slicesContainsBlank(participants) {
		errs = append(errs, deadlines.Invalid(rule(15), "participants", "the quality authority's staff trained are required"))
	}
	if strings.TrimSpace(outcome) == "" {
		errs = append(errs, deadlines.Invalid(rule(15), "outcome", "required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out *QualityTraining
	err := s.store.UpdateQualityTraining(ctx, id, func(q *QualityTraining) error {
		c, err := s.change(s.cal.Location().String(), actor, rule(15))
		if err != nil {
			return err
		}
		if q.Held() {
			return deadlines.Wrap(rule(15), "id", ErrConflict, "training "+q.ID+" was held at "+q.HeldAt.Format(time.RFC3339))
		}
		if err := c.checkAt(rule(15), "at", at, q.RequestedAt, "the written request"); err != nil {
			return err
		}
		if err := q.Timer.Stop(c.cal, at, rule(15), "held"); err != nil {
			return err
		}
		q.HeldAt, q.Trainers, q.Participants, q.Outcome = at, slices.Clone(trainers), slices.Clone(participants), outcome
		q.record(c, "quality_training.held", at, outcome)
		out = q.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("quality training %s: %w", id, err)
	}
	return out, nil
}

// HandleFiring is a deadlines.FiringHandler: it records the escalation of
// a missed term in the history of the onboarding, ledger or training that
// owns the timer, once per firing.
func (s *Service) HandleFiring(ctx context.Context, f deadlines.Firing) error {
	note := fmt.Sprintf("%s: %s, due %s", f.Rung.Name, f.Subject, f.Due.Format(time.DateOnly))
	ev := func(history []Event) ([]Event, bool) {
		for _, e := range history {
			if e.Type == "escalation" && e.Note == note {
				return history, false
			}
		}
		return append(history, Event{Seq: len(history) + 1, Type: "escalation", Rule: f.Rung.Rule, Actor: "sweeper", At: f.At, Recorded: f.FiredAt, Note: note}), true
	}
	switch {
	case strings.HasPrefix(f.TimerID, "notice/"):
		parts := strings.Split(strings.TrimPrefix(f.TimerID, "notice/"), "/")
		if len(parts) != 3 {
			return deadlines.Invalid(rule(12), "timer_id", "malformed notice timer "+f.TimerID)
		}
		return s.store.UpdateLedger(ctx, LedgerKey{BodyID: parts[0], Period: parts[1]}, func(l *RefusalLedger) error {
			l.History, _ = ev(l.History)
			return nil
		})
	case strings.HasPrefix(f.TimerID, "qtraining/"):
		return s.store.UpdateQualityTraining(ctx, strings.TrimPrefix(f.TimerID, "qtraining/"), func(q *QualityTraining) error {
			q.History, _ = ev(q.History)
			return nil
		})
	default:
		id, _, _ := strings.Cut(f.TimerID, "/")
		return s.store.UpdateOnboarding(ctx, id, func(o *Onboarding) error {
			o.History, _ = ev(o.History)
			return nil
		})
	}
}

func sortSteps(steps []StepStatus) {
	slices.SortStableFunc(steps, func(a, b StepStatus) int {
		if a.Status.Breached != b.Status.Breached {
			if a.Status.Breached {
				return -1
			}
			return 1
		}
		return cmp.Or(a.Status.Deadline.Due.Compare(b.Status.Deadline.Due), cmp.Compare(a.BodyID, b.BodyID), cmp.Compare(a.Step, b.Step))
	})
}
