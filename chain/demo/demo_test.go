package demo_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain/demo"
)

// TestCatalogueCoversTheDefinitions: every component's service and
// provider is in the demo catalogue, valid, and the provider provides it.
func TestCatalogueCoversTheDefinitions(t *testing.T) {
	t.Parallel()
	defs, err := demo.Definitions()
	require.NoError(t, err)
	require.Len(t, defs, len(demo.Files))
	bodies := map[string]bool{}
	for _, b := range demo.Bodies() {
		require.NoError(t, b.Validate(), b.ID)
		bodies[b.ID] = true
	}
	services := map[string][]string{}
	for _, s := range demo.Services() {
		require.NoError(t, s.Validate(), s.ID)
		services[s.ID] = s.Providers
	}
	for _, d := range defs {
		for _, c := range d.Components {
			require.True(t, bodies[c.ProviderID], "%s: provider %s", c.ID, c.ProviderID)
			require.True(t, slices.Contains(services[c.ServiceID], c.ProviderID), "%s: %s provides %s", c.ID, c.ProviderID, c.ServiceID)
		}
	}
}
