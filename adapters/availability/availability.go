// Package availability is a configurable stub of chain.DataAvailability
// for demos and tests (Rules472 p.3): it answers from a configuration of
// which data are missing for which recipients, instead of asking state
// information systems.
package availability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/qyzmet/qyzmet/chain"
)

var _ chain.DataAvailability = (*Static)(nil)

// Static answers from its configuration. The zero value says every datum
// is available. It is safe for concurrent use once configured.
type Static struct {
	// Unavailable maps a recipient's IIN or BIN ("*" for everyone) to the
	// data not available for them.
	Unavailable map[string][]string `json:"missing"`
}

// Parse reads a JSON configuration such as
//
//	{"missing": {"990101300123": ["bank_account"], "*": ["military_record"]}}
//
// strictly: unknown fields and trailing data are errors.
func Parse(b []byte) (*Static, error) {
	var s Static
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("availability: %w: %v", chain.ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("availability: %w: trailing data after the JSON document", chain.ErrInvalid)
	}
	return &s, nil
}

// Missing implements chain.DataAvailability.
func (s *Static) Missing(ctx context.Context, recipient string, needs []string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, n := range needs {
		if slices.Contains(s.Unavailable[recipient], n) || slices.Contains(s.Unavailable["*"], n) {
			out = append(out, n)
		}
	}
	return out, nil
}
