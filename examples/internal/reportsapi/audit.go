package reportsapi

import (
	"errors"
	"net/http"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

// auditTrail answers an aggregate's audit entries in order; an aggregate
// without entries (an unknown table among them) is 404.
func (h *handler) auditTrail(w http.ResponseWriter, r *http.Request) {
	table, id := r.PathValue("table"), r.PathValue("id")
	if id == "" {
		h.fail(w, notFound("audit trail"))
		return
	}
	es, err := h.Audit.AuditTrail(r.Context(), table+"/"+id)
	if err == nil && len(es) == 0 {
		err = notFound("audit trail")
	}
	h.answer(w, http.StatusOK, es, err)
}

// VerifyResult is the answer of GET /v1/audit/verify.
type VerifyResult struct {
	OK       bool            `json:"ok"`
	Error    string          `json:"error,omitempty"`
	Problems []audit.Problem `json:"problems,omitempty"` // each edited, deleted or reordered entry
}

// Anchor is the answer of GET /v1/audit/anchor and the body of POST
// /v1/audit/verify: every aggregate's audit head, and their digest
// (audit.AnchorDigest), the short value to publish where the database's
// writers cannot change it.
type Anchor struct {
	Heads  []audit.Head `json:"heads"`
	Digest string       `json:"digest"`
}

// anchor answers every aggregate's head and their digest.
func (h *handler) anchor(w http.ResponseWriter, r *http.Request) {
	heads, err := h.Audit.AuditHeads(r.Context())
	h.answer(w, http.StatusOK, Anchor{Heads: heads, Digest: audit.AnchorDigest(heads)}, err)
}

// verifyAnchored is verifyAudit that also checks an anchor taken earlier
// (audit.VerifyAnchored): an aggregate deleted with its whole chain, or a
// chain rewritten with its head, since then is named too. The anchor's
// digest must be its heads' (400 naming "digest" otherwise): the caller
// compares it with the digest it published when it took the anchor, which
// is what vouches for the heads; the server cannot.
func (h *handler) verifyAnchored(w http.ResponseWriter, r *http.Request) {
	var in Anchor
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	if len(in.Heads) == 0 {
		h.fail(w, deadlines.Invalid(deadlines.Citation{}, "heads", "an anchor has the heads GET /v1/audit/anchor answered"))
		return
	}
	if in.Digest != audit.AnchorDigest(in.Heads) {
		h.fail(w, deadlines.Invalid(deadlines.Citation{}, "digest", "not the digest of these heads: the anchor was changed"))
		return
	}
	h.verified(w, h.Audit.VerifyAuditAnchored(r.Context(), in.Heads))
}

// verifyAudit checks every aggregate's audit chain: 200 {"ok":true}, 409
// naming every tampered entry, or 500 when the check could not run.
func (h *handler) verifyAudit(w http.ResponseWriter, r *http.Request) {
	h.verified(w, h.Audit.VerifyAudit(r.Context()))
}

// verified answers a verification's outcome.
func (h *handler) verified(w http.ResponseWriter, err error) {
	var te *audit.TamperError
	switch {
	case err == nil:
		httpx.WriteJSON(w, http.StatusOK, VerifyResult{OK: true})
	case errors.As(err, &te):
		h.Logger.Warn("audit log tampered", "problems", len(te.Problems), "err", err)
		httpx.WriteJSON(w, http.StatusConflict, VerifyResult{Error: err.Error(), Problems: te.Problems})
	default:
		h.Logger.Error("verifying the audit log", "err", err)
		httpx.WriteJSON(w, http.StatusInternalServerError, VerifyResult{Error: "the audit log could not be verified"})
	}
}
