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
