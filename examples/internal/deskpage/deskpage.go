// Package deskpage is the demo server's UCC consultation desk (Rules130
// p.3, p.5, p.13; Rules472 p.9): one search box that answers, in the chosen
// language, whether a service is consultable and what it requires, or —
// for a 12-digit IIN or BIN, or an application number — where the
// citizen's applications are. It also serves the same answers as JSON.
package deskpage

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

//go:embed desk.html
var files embed.FS

var page = template.Must(template.ParseFS(files, "desk.html"))

type handler struct {
	desk   *desk.Desk
	logger *slog.Logger
}

// Routes returns the desk page and its JSON API for the server's route
// table; the desk is the UCC operator's.
func Routes(d *desk.Desk, logger *slog.Logger) []httpx.Route {
	h := &handler{desk: d, logger: logger}
	ops := []auth.Role{auth.Operator}
	return []httpx.Route{
		{Pattern: "GET /desk", Roles: ops, Handler: http.HandlerFunc(h.page)},
		{Pattern: "GET /v1/desk/services", Roles: ops, Handler: http.HandlerFunc(h.services)},
		{Pattern: "GET /v1/desk/services/{key}", Roles: ops, Handler: http.HandlerFunc(h.service)},
		{Pattern: "GET /v1/desk/recipients/{recipient}", Roles: ops, Handler: http.HandlerFunc(h.recipient)},
		{Pattern: "GET /v1/desk/applications/{number}", Roles: ops, Handler: http.HandlerFunc(h.application)},
	}
}

func lang(r *http.Request) string {
	switch l := r.URL.Query().Get("lang"); l {
	case "kk", "ru", "en":
		return l
	}
	return "kk"
}

func (h *handler) services(w http.ResponseWriter, r *http.Request) {
	v, err := h.desk.Search(r.Context(), r.URL.Query().Get("q"), lang(r))
	h.answer(w, v, err)
}

func (h *handler) service(w http.ResponseWriter, r *http.Request) {
	v, err := h.desk.Service(r.Context(), r.PathValue("key"), lang(r))
	h.answer(w, v, err)
}

func (h *handler) recipient(w http.ResponseWriter, r *http.Request) {
	v, err := h.desk.ByRecipient(r.Context(), r.PathValue("recipient"), lang(r))
	h.answer(w, v, err)
}

func (h *handler) application(w http.ResponseWriter, r *http.Request) {
	v, err := h.desk.ByApplication(r.Context(), r.PathValue("number"), lang(r))
	h.answer(w, v, err)
}

func (h *handler) answer(w http.ResponseWriter, v any, err error) {
	if err != nil {
		httpx.WriteError(w, h.logger, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, v)
}

// view is what the page template shows.
type view struct {
	Query, Lang  string
	Services     []desk.ServiceAnswer
	Applications []desk.ApplicationAnswer
	Error        string
	Searched     bool
}

// page answers the search box: an IIN or BIN lists the citizen's
// applications, anything else searches services and application numbers.
func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	v := view{Query: strings.TrimSpace(r.URL.Query().Get("q")), Lang: lang(r)}
	ctx := r.Context()
	if v.Query != "" {
		v.Searched = true
		var err error
		if _, idErr := kzid.Validate(v.Query); idErr == nil {
			v.Applications, err = h.desk.ByRecipient(ctx, v.Query, v.Lang)
		} else {
			v.Services, err = h.desk.Search(ctx, v.Query, v.Lang)
			if a, aerr := h.desk.ByApplication(ctx, v.Query, v.Lang); aerr == nil {
				v.Applications = append(v.Applications, *a)
			}
		}
		if err != nil {
			if httpx.Status(err) == http.StatusInternalServerError {
				h.logger.Error("desk", "err", err)
				v.Error = "internal error"
			} else {
				v.Error = err.Error()
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, v); err != nil {
		h.logger.Error("desk page", "err", err)
	}
}
