package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
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

// Applications reads one application (the scoping of provider and
// recipient actions needs its components and recipient).
type Applications interface {
	GetApplication(ctx context.Context, id string) (*chain.Application, error)
}

// Deps are what the handlers use.
type Deps struct {
	Onboarding   *onboarding.Service
	Router       *chain.Router
	Catalogue    Catalogue
	Onboardings  Onboardings
	Applications Applications
	Clock        deadlines.Clock
	Logger       *slog.Logger
}

type handler struct{ Deps }

// The role sets of the policy table in the package doc.
var (
	everyone   = []auth.Role{auth.Operator, auth.BodyPerson, auth.QualityAuthority, auth.Citizen}
	opsBody    = []auth.Role{auth.Operator, auth.BodyPerson}
	opsCitizen = []auth.Role{auth.Operator, auth.Citizen}
	board      = []auth.Role{auth.Operator, auth.QualityAuthority, auth.BodyPerson}
	uccView    = []auth.Role{auth.Operator, auth.QualityAuthority}
)

// Routes returns the API's endpoints with the roles that may call them
// (the policy table in the package doc). Scoping within a role is done by
// the handlers.
func Routes(d Deps) []httpx.Route {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{d}
	action := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.component(w, r, name) })
	}
	return []httpx.Route{
		{Pattern: "GET /v1/bodies", Roles: everyone, Handler: http.HandlerFunc(h.bodies)},
		{Pattern: "GET /v1/services", Roles: everyone, Handler: http.HandlerFunc(h.services)},
		{Pattern: "GET /v1/consultable", Roles: everyone, Handler: http.HandlerFunc(h.consultable)},
		{Pattern: "GET /v1/onboardings", Roles: opsBody, Handler: http.HandlerFunc(h.onboardings)},
		{Pattern: "POST /v1/onboardings", Roles: opsBody, Handler: http.HandlerFunc(h.start)},
		{Pattern: "GET /v1/onboardings/{id}", Roles: opsBody, Handler: http.HandlerFunc(h.onboarding)},
		{Pattern: "POST /v1/onboardings/{id}/{step}", Roles: opsBody, Handler: http.HandlerFunc(h.step)},
		{Pattern: "GET /v1/deadlines", Roles: board, Handler: http.HandlerFunc(h.deadlines)},

		{Pattern: "GET /v1/definitions/{id}", Roles: everyone, Handler: http.HandlerFunc(h.definition)},
		{Pattern: "POST /v1/applications", Roles: opsCitizen, Handler: http.HandlerFunc(h.submit)},
		{Pattern: "POST /v1/applications/{id}/components/{component}/result", Roles: opsBody, Handler: action("result")},
		{Pattern: "POST /v1/applications/{id}/components/{component}/refusal", Roles: opsBody, Handler: action("refusal")},
		{Pattern: "POST /v1/applications/{id}/components/{component}/decision", Roles: opsBody, Handler: action("decision")},
		{Pattern: "POST /v1/applications/{id}/components/{component}/payment", Roles: opsCitizen, Handler: action("payment")},
		{Pattern: "POST /v1/applications/{id}/components/{component}/appeal", Roles: opsCitizen, Handler: action("appeal")},
		{Pattern: "GET /v1/applications/{id}/ucc", Roles: uccView, Handler: http.HandlerFunc(h.ucc)},
		{Pattern: "GET /v1/recipients/{recipient}/applications", Roles: opsCitizen, Handler: http.HandlerFunc(h.recipientApplications)},
		{Pattern: "GET /v1/recipients/{recipient}/applications/{id}", Roles: opsCitizen, Handler: http.HandlerFunc(h.recipientApplication)},
	}
}

func (h *handler) fail(w http.ResponseWriter, err error) { httpx.WriteError(w, h.Logger, err) }

func (h *handler) answer(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

// list answers an empty list as [] rather than null, as the OpenAPI
// document declares.
func list[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return l
	}
	return "en"
}

func (h *handler) bodies(w http.ResponseWriter, r *http.Request) {
	v, err := h.Catalogue.ListBodies(r.Context())
	h.answer(w, http.StatusOK, list(v), err)
}

func (h *handler) services(w http.ResponseWriter, r *http.Request) {
	v, err := h.Catalogue.ListServices(r.Context())
	h.answer(w, http.StatusOK, list(v), err)
}

func (h *handler) onboardings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	body, err := bodyFilter(r, q.Get("body"))
	if err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.Onboardings.ListOnboardings(r.Context(), onboarding.OnboardingFilter{BodyID: body, ServiceID: q.Get("service")})
	h.answer(w, http.StatusOK, list(v), err)
}

func (h *handler) onboarding(w http.ResponseWriter, r *http.Request) {
	v, err := h.ownOnboarding(r, r.PathValue("id"))
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
	in.Actor = actor(r, in.Actor)
	if p := caller(r); p.Role != auth.Operator && (p.Role != auth.BodyPerson || in.BodyID != p.BodyID) {
		h.fail(w, httpx.Forbidden(deadlines.Cite(deadlines.Rules130, 3), "body_id", "a body's person starts onboardings of their own body only"))
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
	in.Actor = actor(r, in.Actor)
	ctx, id, svc := r.Context(), r.PathValue("id"), h.Onboarding
	o, err := h.ownOnboarding(r, id)
	if err != nil {
		h.fail(w, err)
		return
	}
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
		// The documented 404 body, naming the path value that is wrong.
		h.fail(w, deadlines.Wrap(deadlines.Citation{}, "step", deadlines.ErrNotFound, "no onboarding step "+strconv.Quote(r.PathValue("step"))))
		return
	}
	h.answer(w, http.StatusOK, o, httpx.RenameFields(err, stepFields[r.PathValue("step")]))
}

// stepFields maps, per step, the names the onboarding domain gives its
// fields to the names of stepRequest's JSON fields where they differ, so a
// 400 names what the client sent.
var stepFields = map[string]map[string]string{
	"request":     {"sent_at": "at"},
	"receipt":     {"received_at": "at"},
	"appointment": {"appointed_at": "at"},
	"information": {"submitted_at": "at"},
	"update":      {"submitted_at": "at"},
	"replacement": {"replaced_on": "changed_on", "notified_at": "at"},
	"questions":   {"sent_at": "at", "items": "questions"},
	"training":    {"at": "training.at", "trainer": "training.trainer", "trainees": "training.trainees"},
	"protocol":    {"signed_at": "protocol.signed_at", "number": "protocol.number"},
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
	body, err := bodyFilter(r, q.Get("body"))
	if err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.Onboarding.Deadlines(r.Context(), onboarding.DeadlineFilter{BodyID: body, ServiceID: q.Get("service"), DueWithin: within})
	h.answer(w, http.StatusOK, list(v), err)
}

func (h *handler) consultable(w http.ResponseWriter, r *http.Request) {
	v, err := h.Onboarding.Consultable(r.Context(), h.Clock.Now())
	h.answer(w, http.StatusOK, list(v), err)
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
	in.Actor = actor(r, in.Actor)
	if p := caller(r); p.Role != auth.Operator && (p.Role != auth.Citizen || in.Recipient != p.IIN) {
		h.fail(w, httpx.Forbidden(deadlines.Cite(deadlines.Rules472, 8), "recipient", "a citizen files applications for their own IIN only"))
		return
	}
	rc, err := h.Router.Submit(r.Context(), chain.Submission(in))
	h.answerApplication(w, r, http.StatusCreated, rc, err)
}

// answerApplication answers a command with the application as stored
// after it (the documented response): the router's commands return a
// receipt, and Get reads the application.
func (h *handler) answerApplication(w http.ResponseWriter, r *http.Request, status int, rc chain.Receipt, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	a, err := h.Router.Get(r.Context(), rc.ApplicationID)
	h.answer(w, status, a, err)
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
func (h *handler) component(w http.ResponseWriter, r *http.Request, action string) {
	var in componentRequest
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	in.Actor = actor(r, in.Actor)
	ctx, id, c, rt := r.Context(), r.PathValue("id"), r.PathValue("component"), h.Router
	if err := h.ownComponent(r, id, c); err != nil {
		h.fail(w, err)
		return
	}
	var (
		rc  chain.Receipt
		err error
	)
	switch action {
	case "result":
		rc, err = rt.Complete(ctx, id, c, chain.Issued{Channel: in.Channel, Reference: in.Reference, Fields: in.Fields, At: in.At, Actor: in.Actor})
	case "refusal":
		rc, err = rt.Refuse(ctx, id, c, chain.Refusal{Ground: in.Ground, Reason: in.Reason, At: in.At, Actor: in.Actor})
	case "payment":
		rc, err = rt.Pay(ctx, id, c, chain.Payment{Method: in.Method, AmountTiyn: in.Amount, Receipt: in.Receipt, PaidAt: in.At}, in.Actor)
	case "appeal":
		rc, err = rt.Appeal(ctx, id, c, in.Reason, in.At, in.Actor)
	case "decision":
		rc, err = rt.DecideAppeal(ctx, id, c, in.Seq, in.Outcome, in.At, in.Note, in.Actor)
	default:
		http.NotFound(w, r)
		return
	}
	h.answerApplication(w, r, http.StatusOK, rc, err)
}

func (h *handler) ucc(w http.ResponseWriter, r *http.Request) {
	v, err := h.Router.ForUCC(r.Context(), r.PathValue("id"), lang(r))
	h.answer(w, http.StatusOK, v, err)
}

func (h *handler) recipientApplications(w http.ResponseWriter, r *http.Request) {
	recipient := r.PathValue("recipient")
	if err := ownRecipient(r, recipient); err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.Router.RecipientApplications(r.Context(), recipient, lang(r))
	h.answer(w, http.StatusOK, list(v), err)
}

func (h *handler) recipientApplication(w http.ResponseWriter, r *http.Request) {
	recipient, id := r.PathValue("recipient"), r.PathValue("id")
	if err := ownRecipient(r, recipient); err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.Router.ForRecipient(r.Context(), recipient, id, lang(r))
	h.answer(w, http.StatusOK, v, err)
}
