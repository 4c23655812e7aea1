package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// talkPage is one talk: who, when, what was said and planned, the follow-ups, the rounds it was
// held for and the target's rounds since, which show whether it worked.
type talkPage struct {
	K      *talks.Talk
	Access storage.TalkAccess
	Rounds []talkRoundView
	Later  []talkRoundView
	Values url.Values
	Today  string
}

func (s *Server) talkPageData(r *http.Request, id int64, v url.Values) (*talkPage, error) {
	k, acc, err := s.db.Talk(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	d := &talkPage{K: k, Access: acc, Today: talks.Today(s.clock.Now()), Values: v}
	d.Rounds, d.Later = talkRoundsView(k.Rounds, acc.Rule), talkRoundsView(k.Later, acc.Rule)
	if d.Values == nil {
		d.Values = url.Values{"on": {d.Today}}
	}
	return d, nil
}

// talkShow is GET /evaluation/talks/{id}.
func (s *Server) talkShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.talkPageData(r, id, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "talks_show", &Page{Title: "talks.show.title", Data: d})
}

// talkFollowUp is POST /evaluation/talks/{id}/followups: on, note, close=1, version.
func (s *Server) talkFollowUp(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	f := &talks.FollowUp{On: strings.TrimSpace(v.Get("on")), Note: strings.TrimSpace(v.Get("note"))}
	if _, err := s.db.AddTalkFollowUp(r.Context(), actor(r), id, pplVersion(v.Get("version")), f, v.Get("close") == "1"); err != nil {
		d, derr := s.talkPageData(r, id, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "talks_show", &Page{Title: "talks.show.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/evaluation/talks/"+strconv.FormatInt(id, 10), "flash.talks.followup")
}
