package reportsapi_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
)

// TestOpenAPIPathsMatchTheRoutes checks openapi_paths.json (merged into
// the server's OpenAPI document) against the route table: every route is
// documented with its roles, nothing else is, and every $ref resolves.
func TestOpenAPIPathsMatchTheRoutes(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("openapi_paths.json")
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]struct {
			Roles     []auth.Role    `json:"x-roles"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))

	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, r := range reportsapi.Routes(reportsapi.Deps{}) {
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = strings.ReplaceAll(path, "...}", "}")
		key := method + " " + path
		require.True(t, documented[key], "%s is not documented", r.Pattern)
		delete(documented, key)
		op := doc.Paths[path][strings.ToLower(method)]
		require.ElementsMatch(t, r.Roles, op.Roles, "%s: x-roles", r.Pattern)
		require.Contains(t, op.Responses, "403", r.Pattern)
	}
	require.Empty(t, documented, "documented paths without a route")

	for _, m := range regexp.MustCompile(`"#/components/schemas/([A-Za-z0-9]+)"`).FindAllStringSubmatch(string(raw), -1) {
		require.Contains(t, doc.Components.Schemas, m[1])
	}
}
