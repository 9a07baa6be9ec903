package reportsapi

import (
	"errors"
	"net/http"
	"slices"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

// AuditTables are the tables whose rows keep an audit trail, named as the
// first part of an aggregate ("appeals/<id>", "ledgers/<body>/<period>");
// adapters/sqlstore audits these.
var AuditTables = []string{
	"timers", "bodies", "services", "onboardings", "requests", "ledgers", "quality_trainings", "definitions",
	"applications", "appeals", "monthly_reports", "reconciliations", "desk_deliveries", "access_log",
}

// auditTrail answers an aggregate's audit entries in order; an unknown
// table or an aggregate without entries is 404.
func (h *handler) auditTrail(w http.ResponseWriter, r *http.Request) {
	table, id := r.PathValue("table"), r.PathValue("id")
	if !slices.Contains(AuditTables, table) || id == "" {
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

// verifyAudit checks every aggregate's audit chain: 200 {"ok":true}, 409
// naming every tampered entry, or 500 when the check could not run.
func (h *handler) verifyAudit(w http.ResponseWriter, r *http.Request) {
	err := h.Audit.VerifyAudit(r.Context())
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
