package sqlstore

import (
	"bytes"
	"encoding/json"

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

// encode returns the JSON the store keeps for v: the bytes encoding/json's
// Marshal returns, which the audit digests cover. A variable only so that
// TestMain can check every value the package's tests encode against
// encoding/json, byte for byte.
var encode = marshal

// marshal is encoding/json's Marshal, made by the same module's v1
// package (encoding/json's API on the v2 implementation), which encodes
// an onboarding document in ≈ 75 % of encoding/json's time and to the
// same bytes, but for one difference: invalid UTF-8 in a string becomes
// U+FFFD written as the character, where encoding/json writes the escape
// \ufffd. So JSON holding that character, which every such string leaves
// (and otherwise only a string holding U+FFFD itself), is made again by
// encoding/json; so is an error, which encoding/json words.
func marshal(v any) ([]byte, error) {
	raw, err := jsonv1.Marshal(v)
	if err != nil || bytes.Contains(raw, replacementChar) {
		return json.Marshal(v)
	}
	return raw, nil
}

var replacementChar = []byte("\uFFFD")
