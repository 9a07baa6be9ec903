package storetest

import "testing"

// runOnboarding is being written; see the onboarding port contract in onboarding/store.go.
func runOnboarding(t *testing.T, h Harness) {}

func benchOnboarding(b *testing.B, h Harness) {}
