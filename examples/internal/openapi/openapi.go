// Package openapi serves the demo server's OpenAPI 3 document, one JSON
// file (openapi.json) that describes every /v1 route: parameters, request
// bodies, answers (ErrorBody for 400/401/403/404/409/422) and the bearer
// key scheme. A test keeps it valid and equal, route for route, to the
// server's route table.
package openapi

import (
	_ "embed"
	"net/http"
)

// Document is the OpenAPI document.
//
//go:embed openapi.json
var Document []byte

// Handler serves Document.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(Document)
	})
}
