package sqlstore

import (
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// decode reads a stored document (JSON that encoding/json wrote) into v.
// It uses github.com/go-json-experiment/json, the implementation proposed
// as encoding/json/v2: it decodes the onboarding and application documents
// in about half the time of encoding/json, and decoding was ≈ 30 % of a
// SQLite transition's CPU. The documents are the store's own, so v2's
// stricter defaults (exact field names, no duplicate names, valid UTF-8)
// accept every one of them.
func decode(raw []byte, v any) error { return jsonv2.Unmarshal(raw, v) }

// encode writes a document as encoding/json writes it (the package
// documents jsonv1.DefaultOptionsV1 as encoding/json's semantics), through
// the same implementation as decode: a quarter fewer allocations for an
// onboarding (times and citations are appended, not allocated). The one
// difference in bytes: a string holding invalid UTF-8 gets the replacement
// character itself where encoding/json writes the escape \ufffd; both
// decode to the same string (TestEncodeWritesWhatEncodingJSONWrites).
func encode(v any) ([]byte, error) { return jsonv2.Marshal(v, v1Options) }

var v1Options = jsonv1.DefaultOptionsV1()
