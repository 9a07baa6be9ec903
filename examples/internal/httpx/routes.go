package httpx

import (
	"net/http"

	"github.com/qyzmet/qyzmet/examples/internal/auth"
)

// Route is one endpoint of the demo server. The server's route table is
// the single source the mux, the role × endpoint test and the OpenAPI
// check read.
type Route struct {
	// Pattern is the net/http pattern, method first: "GET /v1/bodies".
	Pattern string
	// Roles may call the route; nil makes it public (health, login).
	Roles   []auth.Role
	Handler http.Handler
}

// Mount registers routes on mux, each behind auth.Allow unless public.
func Mount(mux *http.ServeMux, routes []Route) {
	for _, r := range routes {
		h := r.Handler
		if r.Roles != nil {
			h = auth.Allow(h, r.Roles...)
		}
		mux.Handle(r.Pattern, h)
	}
}
