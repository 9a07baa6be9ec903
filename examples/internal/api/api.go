// Package api is the demo server's JSON API over the onboarding service
// (Rules130) and the "one application" router (Rules472). Handlers decode
// input, call the domain, and answer; every domain error goes through
// httpx's one mapping (400 with the rule citation and field, 404, 409).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Catalogue lists bodies and services.
type Catalogue interface {
	ListBodies(ctx context.Context) ([]onboarding.Body, error)
	ListServices(ctx context.Context) ([]onboarding.StateService, error)
}

// Onboardings lists onboardings.
type Onboardings interface {
	ListOnboardings(ctx context.Context, f onboarding.OnboardingFilter) ([]*onboarding.Onboarding, error)
}

// Deps are what the handlers use.
type Deps struct {
	Onboarding  *onboarding.Service
	Router      *chain.Router
	Catalogue   Catalogue
	Onboardings Onboardings
	Clock       deadlines.Clock
	Logger      *slog.Logger
}

type handler struct{ Deps }

// Register adds the API's routes to mux.
func Register(mux *http.ServeMux, d Deps) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{d}
	mux.HandleFunc("GET /v1/bodies", h.bodies)
	mux.HandleFunc("GET /v1/services", h.services)
	mux.HandleFunc("GET /v1/onboardings", h.onboardings)
	mux.HandleFunc("POST /v1/onboardings", h.start)
	mux.HandleFunc("GET /v1/onboardings/{id}", h.onboarding)
	mux.HandleFunc("POST /v1/onboardings/{id}/{step}", h.step)
	mux.HandleFunc("GET /v1/deadlines", h.deadlines)
	mux.HandleFunc("GET /v1/consultable", h.consultable)

	mux.HandleFunc("GET /v1/definitions/{id}", h.definition)
	mux.HandleFunc("POST /v1/applications", h.submit)
	mux.HandleFunc("POST /v1/applications/{id}/components/{component}/{action}", h.component)
	mux.HandleFunc("GET /v1/applications/{id}/ucc", h.ucc)
	mux.HandleFunc("GET /v1/recipients/{recipient}/applications", h.recipientApplications)
	mux.HandleFunc("GET /v1/recipients/{recipient}/applications/{id}", h.recipientApplication)
}

func (h *handler) fail(w http.ResponseWriter, err error) { httpx.WriteError(w, h.Logger, err) }

func (h *handler) answer(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return l
	}
	return "en"
}

func (h *handler) bodies(w http.ResponseWriter, r *http.Request) {
	v, err := h.Catalogue.ListBodies(r.Context())
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) services(w http.ResponseWriter, r *http.Request) {
	v, err := h.Catalogue.ListServices(r.Context())
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) onboardings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, err := h.Onboardings.ListOnboardings(r.Context(), onboarding.OnboardingFilter{BodyID: q.Get("body"), ServiceID: q.Get("service")})
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) onboarding(w http.ResponseWriter, r *http.Request) {
	v, err := h.Onboarding.Get(r.Context(), r.PathValue("id"))
	h.answer(w, http.StatusOK, v, err)
}

type startRequest struct {
	ServiceID          string    `json:"service_id"`
	BodyID             string    `json:"body_id"`
	RegisteredOn       time.Time `json:"registered_on"`
	StandardApprovedOn time.Time `json:"standard_approved_on"`
	Actor              string    `json:"actor"`
}

func (h *handler) start(w http.ResponseWriter, r *http.Request) {
	var in startRequest
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.Onboarding.Start(r.Context(), onboarding.StartInput{
		ServiceID: in.ServiceID, BodyID: in.BodyID, RegisteredOn: in.RegisteredOn, StandardApprovedOn: in.StandardApprovedOn, Actor: in.Actor,
	})
	h.answer(w, http.StatusCreated, v, err)
}

// stepRequest carries the fields of every onboarding step; each step reads
// the ones it needs.
type stepRequest struct {
	At          time.Time              `json:"at"`
	Actor       string                 `json:"actor"`
	Person      onboarding.Person      `json:"person"`
	Information onboarding.Information `json:"information"`
	EnteredBy   string                 `json:"entered_by"`
	Version     int                    `json:"version"`
	ChangedOn   time.Time              `json:"changed_on"`
	What        string                 `json:"what"`
	Questions   []string               `json:"questions"`
	Training    onboarding.Training    `json:"training"`
	Protocol    onboarding.Protocol    `json:"protocol"`
}

// step runs one step of the onboarding lifecycle (Rules130 p.4–p.9).
func (h *handler) step(w http.ResponseWriter, r *http.Request) {
	var in stepRequest
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	ctx, id, svc := r.Context(), r.PathValue("id"), h.Onboarding
	var (
		o   *onboarding.Onboarding
		err error
	)
	switch r.PathValue("step") {
	case "request": // p.4
		o, err = svc.SendRequest(ctx, id, in.At, in.Actor)
	case "receipt":
		o, err = svc.ConfirmReceipt(ctx, id, in.At, in.Actor)
	case "appointment": // p.5
		o, err = svc.Appoint(ctx, id, in.At, in.Person, in.Actor)
	case "information": // p.5
		o, err = svc.ProvideInformation(ctx, id, in.At, in.Information, in.EnteredBy, in.Actor)
	case "entry": // p.5, p.6
		o, err = svc.EnterInformation(ctx, id, in.Version, in.Actor)
	case "change": // p.6
		o, err = svc.NoteChange(ctx, id, in.ChangedOn, in.What, in.Actor)
	case "update": // p.6
		o, err = svc.UpdateInformation(ctx, id, in.ChangedOn, in.At, in.Information, in.EnteredBy, in.Actor)
	case "replacement": // p.7
		o, err = svc.ReplacePerson(ctx, id, in.ChangedOn, in.At, in.Person, in.Actor)
	case "questions": // p.8
		o, err = svc.SendQuestions(ctx, id, in.At, in.Questions, in.Actor)
	case "training": // p.8
		o, err = svc.RecordTraining(ctx, id, in.Training, in.Actor)
	case "protocol": // p.8, p.9
		o, err = svc.SignProtocol(ctx, id, in.Protocol, in.Actor)
	default:
		http.NotFound(w, r)
		return
	}
	h.answer(w, http.StatusOK, o, err)
}

func (h *handler) deadlines(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	within := -1
	if s := q.Get("due_within"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			h.fail(w, deadlines.Invalid(deadlines.Citation{}, "due_within", "a number of working days"))
			return
		}
		within = n
	}
	v, err := h.Onboarding.Deadlines(r.Context(), onboarding.DeadlineFilter{BodyID: q.Get("body"), ServiceID: q.Get("service"), DueWithin: within})
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) consultable(w http.ResponseWriter, r *http.Request) {
	v, err := h.Onboarding.Consultable(r.Context(), h.Clock.Now())
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) definition(w http.ResponseWriter, r *http.Request) {
	v, err := h.Router.Definition(r.Context(), r.PathValue("id"))
	h.answer(w, http.StatusOK, v, err)
}

type submitRequest struct {
	DefinitionID string            `json:"definition_id"`
	Recipient    string            `json:"recipient"`
	Document     []byte            `json:"document"`  // base64
	Signature    []byte            `json:"signature"` // base64 CMS
	Facts        []string          `json:"facts"`
	Data         map[string]string `json:"data"`
	Actor        string            `json:"actor"`
}

func (h *handler) submit(w http.ResponseWriter, r *http.Request) {
	var in submitRequest
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.Router.Submit(r.Context(), chain.Submission(in))
	h.answer(w, http.StatusCreated, v, err)
}

type componentRequest struct {
	Actor     string              `json:"actor"`
	At        time.Time           `json:"at"`
	Channel   chain.Channel       `json:"channel"`
	Reference string              `json:"reference"`
	Fields    map[string]string   `json:"fields"`
	Ground    string              `json:"ground"`
	Reason    string              `json:"reason"`
	Method    chain.PaymentMethod `json:"method"`
	Amount    int64               `json:"amount_tiyn"`
	Receipt   string              `json:"receipt"`
	Seq       int                 `json:"seq"`
	Outcome   chain.Outcome       `json:"outcome"`
	Note      string              `json:"note"`
}

// component records what a provider or the recipient does to a component
// (Rules472 p.4, p.6, p.10–p.13).
func (h *handler) component(w http.ResponseWriter, r *http.Request) {
	var in componentRequest
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	ctx, id, c, rt := r.Context(), r.PathValue("id"), r.PathValue("component"), h.Router
	var (
		a   *chain.Application
		err error
	)
	switch r.PathValue("action") {
	case "result":
		a, err = rt.Complete(ctx, id, c, chain.Issued{Channel: in.Channel, Reference: in.Reference, Fields: in.Fields, At: in.At, Actor: in.Actor})
	case "refusal":
		a, err = rt.Refuse(ctx, id, c, chain.Refusal{Ground: in.Ground, Reason: in.Reason, At: in.At, Actor: in.Actor})
	case "payment":
		a, err = rt.Pay(ctx, id, c, chain.Payment{Method: in.Method, AmountTiyn: in.Amount, Receipt: in.Receipt, PaidAt: in.At}, in.Actor)
	case "appeal":
		a, err = rt.Appeal(ctx, id, c, in.Reason, in.At, in.Actor)
	case "decision":
		a, err = rt.DecideAppeal(ctx, id, c, in.Seq, in.Outcome, in.At, in.Note, in.Actor)
	default:
		http.NotFound(w, r)
		return
	}
	h.answer(w, http.StatusOK, a, err)
}

func (h *handler) ucc(w http.ResponseWriter, r *http.Request) {
	v, err := h.Router.ForUCC(r.Context(), r.PathValue("id"), lang(r))
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) recipientApplications(w http.ResponseWriter, r *http.Request) {
	v, err := h.Router.RecipientApplications(r.Context(), r.PathValue("recipient"), lang(r))
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) recipientApplication(w http.ResponseWriter, r *http.Request) {
	v, err := h.Router.ForRecipient(r.Context(), r.PathValue("recipient"), r.PathValue("id"), lang(r))
	h.answer(w, http.StatusOK, v, err)
}
