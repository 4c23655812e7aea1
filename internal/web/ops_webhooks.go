package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/webhook"
)

// opsSender posts test messages from the webhook page; a short timeout keeps the page quick.
var opsSender = webhook.NewSender(8 * time.Second)

type opsWebhooksData struct {
	Unit       *org.Unit // the unit chosen with ?unit=, if any
	Hooks      []storage.Webhook
	Deliveries []opsDeliveryRow
	Units      []org.Unit // where the user may add a webhook, for the unit field
	Kinds      []webhook.Kind
}

type opsDeliveryRow struct {
	storage.Delivery
	Text string
}

// opsWebhookKinds are the units a group robot is usually set up for.
var opsWebhookKinds = []org.Kind{org.Town, org.Village, org.Community, org.Department}

// opsWebhooksData reads the webhook page for the actor: the webhooks (and recent deliveries) of
// the unit ?unit= names, or of every unit in their configure scope.
func (s *Server) opsWebhooksData(r *http.Request, unitID int64) (*opsWebhooksData, error) {
	a := actor(r)
	if !a.P.Can(authz.ConfigureCases) {
		return nil, errs.Forbidden()
	}
	ctx := r.Context()
	d := &opsWebhooksData{Kinds: webhook.Kinds}
	hooks, err := s.db.Webhooks(ctx, a, unitID)
	if err != nil {
		return nil, err
	}
	d.Hooks = hooks
	if unitID != 0 {
		if d.Unit, err = s.db.Unit(ctx, a, unitID); err != nil {
			return nil, err
		}
	}
	ds, err := s.db.WebhookDeliveries(ctx, a, unitID, 20)
	if err != nil {
		return nil, err
	}
	pr := s.printer(r)
	for _, x := range ds {
		d.Deliveries = append(d.Deliveries, opsDeliveryRow{Delivery: x, Text: pr.T(x.Message, x.Args...)})
	}
	units, _, err := s.db.Units(ctx, a, storage.UnitFilter{Kinds: opsWebhookKinds, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if a.Scope(authz.ConfigureCases).Contains(u.Path) {
			d.Units = append(d.Units, u)
		}
	}
	return d, nil
}

// opsWebhookUnit reads ?unit= (or the form's unit) as an id; malformed is not found.
func opsWebhookUnit(v string) (int64, error) {
	if strings.TrimSpace(v) == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound()
	}
	return id, nil
}

// opsWebhooks shows a unit's group robots (or all the user configures), the recent deliveries,
// and the form to add one.
func (s *Server) opsWebhooks(w http.ResponseWriter, r *http.Request) {
	unitID, err := opsWebhookUnit(r.URL.Query().Get("unit"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.opsWebhooksData(r, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := url.Values{"kind": {string(webhook.WeCom)}}
	if d.Unit != nil {
		f.Set("unit_code", d.Unit.Code)
	}
	s.render(w, r, http.StatusOK, "ops_webhooks", &Page{Title: "ops.webhooks.title", Data: d, Form: f})
}

// opsWebhooksURL is the page of a unit's webhooks.
func opsWebhooksURL(unitID int64) string {
	if unitID == 0 {
		return "/admin/webhooks"
	}
	return "/admin/webhooks?unit=" + strconv.FormatInt(unitID, 10)
}

// opsWebhookCreate adds a group robot to the unit the form names (by code, or by id).
func (s *Server) opsWebhookCreate(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	back, _ := opsWebhookUnit(r.PostForm.Get("back_unit"))
	d, err := s.opsWebhooksData(r, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &Page{Title: "ops.webhooks.title", Data: d}
	hook := &storage.Webhook{Kind: webhook.Kind(r.PostForm.Get("kind")), Name: r.PostForm.Get("name"),
		URL: r.PostForm.Get("url"), Secret: r.PostForm.Get("secret")}
	if code := strings.TrimSpace(r.PostForm.Get("unit_code")); code != "" {
		hook.UnitID, err = s.adminUnitIDByCode(r.Context(), a, "unit_code", code)
	} else {
		hook.UnitID, err = opsWebhookUnit(r.PostForm.Get("unit_id"))
		if err != nil || hook.UnitID == 0 {
			err = errs.Invalid(errs.Field("unit_code", "validation.required"))
		}
	}
	if err == nil {
		err = s.db.CreateWebhook(r.Context(), a, hook)
		err = adminRenameField(err, "unit_id", "unit_code")
	}
	if err != nil {
		// Never echo the secret back into the page.
		p.Form = url.Values{}
		for k, v := range r.PostForm {
			if k != "secret" {
				p.Form[k] = v
			}
		}
		s.formFail(w, r, "ops_webhooks", p, err)
		return
	}
	if back == 0 {
		back = hook.UnitID
	}
	redirectFlash(w, r, opsWebhooksURL(back), "flash.ops.webhook_added")
}

// opsWebhookDelete removes a group robot.
func (s *Server) opsWebhookDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r)
	hook, err := s.db.Webhook(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.DeleteWebhook(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, opsWebhooksURL(hook.UnitID), "flash.ops.webhook_deleted")
}

// opsWebhookTest posts a test message to a group robot at once and shows how it went; the
// outcome goes to the audit log.
func (s *Server) opsWebhookTest(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r)
	hook, err := s.db.Webhook(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Group messages are in the platform's default language, as the delivery job sends them.
	gp := locale.NewPrinter(locale.Default)
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	serr := opsSender.Send(ctx, hook.Hook(), gp.T("ops.webhook.format", hook.UnitName, gp.T("ops.webhook.test_text")))
	result := "ok"
	if serr != nil {
		result = serr.Error()
	}
	if err := s.db.RecordWebhookTest(r.Context(), a, id, result); err != nil {
		s.fail(w, r, err)
		return
	}
	if serr == nil {
		redirectFlash(w, r, opsWebhooksURL(hook.UnitID), "flash.ops.webhook_test_ok")
		return
	}
	d, err := s.opsWebhooksData(r, hook.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := serr.Error()
	var we *webhook.Error
	if errors.As(serr, &we) {
		msg = we.Message
	}
	s.render(w, r, http.StatusBadGateway, "ops_webhooks", &Page{Title: "ops.webhooks.title", Data: d,
		Error: s.printer(r).T("ops.webhook.test_failed", msg), Form: url.Values{"kind": {string(webhook.WeCom)}, "unit_code": {d.Unit.Code}}})
}
