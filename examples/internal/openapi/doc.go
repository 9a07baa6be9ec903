// Package openapi serves the demo server's OpenAPI 3 document, one JSON
// file (openapi.json) that describes every /v1 route: parameters, request
// bodies, answers (ErrorBody for 400/401/403/404/409/422) and the bearer
// key scheme. A test keeps it valid and equal, route for route, to the
// server's route table.
package openapi
