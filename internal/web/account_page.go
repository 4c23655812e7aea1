package web

import (
	"net/http"

	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

type accountData struct {
	U *storage.User
}

func (s *Server) accountPage(r *http.Request) (*Page, error) {
	u, err := s.db.Account(r.Context(), actor(r))
	if err != nil {
		return nil, err
	}
	return &Page{Title: "account.title", Data: accountData{U: u}}, nil
}

// accountShow is the user's own account: username, roles, language, password.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.accountPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account_show", p)
}

// accountLocale saves the preferred language and switches this browser to it.
func (s *Server) accountLocale(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("locale")
	if err := s.db.SetOwnLocale(r.Context(), actor(r), lang); err != nil {
		p, perr := s.accountPage(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formFail(w, r, "account_show", p, err)
		return
	}
	// The language cookie outranks the stored preference, so it follows the new choice.
	c := s.cookie(r, langCookie, lang, 365*24*3600)
	c.HttpOnly = false
	http.SetCookie(w, c)
	redirectFlash(w, r, "/account", "flash.account.locale_saved")
}

// accountPassword changes the user's own password: the current one is required, the policy
// applies, and every other session of the user ends.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	next := r.PostFormValue("password")
	var err error
	if next != r.PostFormValue("password_confirm") {
		err = errs.Invalid(errs.Field("password_confirm", "account.password.mismatch"))
	} else {
		err = s.db.ChangeOwnPassword(r.Context(), actor(r), r.PostFormValue("current_password"), next, ctxOf(r).token)
	}
	if err != nil {
		p, perr := s.accountPage(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formFail(w, r, "account_show", p, err)
		return
	}
	redirectFlash(w, r, "/account", "flash.account.password_changed")
}
