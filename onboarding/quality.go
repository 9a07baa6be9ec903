package onboarding

import (
	"slices"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// QualityTraining is the training of the quality authority's staff on
// information exchange, held by the UCC on the authority's written request
// (Rules130 p.15). The rules set no term; Service's default is 10 working
// days (WithQualityTrainingTerm changes it).
type QualityTraining struct {
	ID           string           `json:"id"`
	RequestRef   string           `json:"request_ref"` // the written request's number
	RequestedAt  time.Time        `json:"requested_at"`
	Topic        string           `json:"topic"`
	Timer        *deadlines.Timer `json:"timer"`
	HeldAt       time.Time        `json:"held_at,omitzero"`
	Trainers     []string         `json:"trainers,omitempty"`
	Participants []string         `json:"participants,omitempty"`
	Outcome      string           `json:"outcome,omitempty"`
	History      []Event          `json:"history"`
}

// Held reports whether the training took place.
func (q *QualityTraining) Held() bool { return !q.HeldAt.IsZero() }

// Clone returns a deep copy of q.
func (q *QualityTraining) Clone() *QualityTraining {
	c := *q
	c.Timer = q.Timer.Clone()
	c.Trainers = slices.Clone(q.Trainers)
	c.Participants = slices.Clone(q.Participants)
	c.History = slices.Clone(q.History)
	return &c
}

func (q *QualityTraining) record(c change, typ string, at time.Time, note string) {
	q.History = append(q.History, Event{Seq: len(q.History) + 1, Type: typ, Rule: rule(15), Actor: c.actor, At: at, Recorded: c.now, Note: note})
}
