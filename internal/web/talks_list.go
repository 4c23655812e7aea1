package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// talkListPage is the talk list: the members and teams the rule calls to a talk now (computed
// from the closed rounds), and the talks recorded.
type talkListPage struct {
	Due    []talkDueView
	Talks  []talks.Talk
	Pager  Pager
	Status string
	Year   int // 0: every year
	// The towns and counties whose talk rule the user sets.
	RuleUnits []org.Unit
}

// talkList is GET /evaluation/talks (?status=rectifying|closed&year=&page=).
func (s *Server) talkList(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actor(r)
	q := r.URL.Query()
	d := &talkListPage{Pager: pagerFrom(r), Status: q.Get("status")}
	f := storage.TalkFilter{Limit: d.Pager.Per, Offset: d.Pager.Offset()}
	switch talks.Status(d.Status) {
	case talks.Rectifying, talks.Closed:
		f.Status = talks.Status(d.Status)
	default:
		d.Status = ""
	}
	if q.Get("year") != "" {
		y, err := s.talkYear(q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Year, f.Year = y, y
	}
	due, err := s.db.TalksDue(ctx, a, storage.TalkFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Due = talkDueViews(due)
	if d.Talks, d.Pager.Total, err = s.db.Talks(ctx, a, f); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.RuleUnits, err = s.db.EvalTowns(ctx, a); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "talks_list", &Page{Title: "talks.title", Data: d})
}

// talkTargetPage is one member's or team's history under the rule, with the form that records
// their talk when one is due.
type talkTargetPage struct {
	D      talkDueView
	Talks  []talks.Talk
	Values url.Values
	Today  string
}

// talkTargetData gathers the target page; v are the form's values to show again.
func (s *Server) talkTargetData(r *http.Request, kind talks.TargetKind, id int64, v url.Values) (*talkTargetPage, error) {
	ctx, a := r.Context(), actor(r)
	d, err := s.db.TalkDueFor(ctx, a, storage.TalkTarget{Kind: kind, ID: id})
	if err != nil {
		return nil, err
	}
	p := &talkTargetPage{D: talkDueViews([]storage.TalkDue{*d})[0], Today: talks.Today(s.clock.Now()), Values: v}
	if p.Talks, _, err = s.db.Talks(ctx, a, storage.TalkFilter{Kind: kind, TargetID: id, Limit: 100}); err != nil {
		return nil, err
	}
	if p.Values == nil {
		// Who talked: the official's own name when the account is linked to a person (the
		// login name means nothing on the record).
		by := ""
		if pid := principal(r).PersonID; pid != 0 {
			if me, err := s.db.Person(ctx, a, pid); err == nil {
				by = me.Name
			}
		}
		p.Values = url.Values{"talked_on": {p.Today}, "talked_by": {by}}
	}
	return p, nil
}

// talkMember is GET /evaluation/talks/member/{person}.
func (s *Server) talkMember(w http.ResponseWriter, r *http.Request) {
	s.talkTarget(w, r, talks.Member, "person")
}

// talkTeam is GET /evaluation/talks/team/{talkteam}.
func (s *Server) talkTeam(w http.ResponseWriter, r *http.Request) {
	s.talkTarget(w, r, talks.Team, "talkteam")
}

func (s *Server) talkTarget(w http.ResponseWriter, r *http.Request, kind talks.TargetKind, param string) {
	id, err := pathID(r, param)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.talkTargetData(r, kind, id, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "talks_target", &Page{Title: "talks.target.title", Data: d})
}

// talkFromForm reads the talk form.
func talkFromForm(v url.Values) (*talks.Talk, error) {
	var fe []errs.FieldError
	k := &talks.Talk{Kind: talks.TargetKind(v.Get("kind")), TalkedBy: strings.TrimSpace(v.Get("talked_by")),
		TalkedPost: strings.TrimSpace(v.Get("talked_post")), TalkedOn: strings.TrimSpace(v.Get("talked_on")),
		Content: strings.TrimSpace(v.Get("content")), Plan: strings.TrimSpace(v.Get("plan")), Status: talks.Rectifying}
	target := pplID(v, "target", &fe)
	if k.Kind == talks.Team {
		k.TeamID = target
	} else {
		k.PersonID = target
	}
	return k, errs.FieldsOf(fe)
}

// talkRecord is POST /evaluation/talks: kind, target, talked_by, talked_post, talked_on,
// content, plan. The store checks again that the talk is due and who keeps it.
func (s *Server) talkRecord(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	k, err := talkFromForm(v)
	if err == nil {
		err = s.db.RecordTalk(r.Context(), actor(r), k)
	}
	if err != nil {
		kind := talks.TargetKind(v.Get("kind"))
		target, _ := strconv.ParseInt(v.Get("target"), 10, 64)
		if (kind == talks.Member || kind == talks.Team) && target > 0 {
			if d, derr := s.talkTargetData(r, kind, target, v); derr == nil {
				s.formFail(w, r, "talks_target", &Page{Title: "talks.target.title", Form: v, Data: d}, err)
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/evaluation/talks/"+strconv.FormatInt(k.ID, 10), "flash.talks.recorded")
}
