package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/talks"
)

// talkRulePage is a town's (or county's) talk rule: the threshold, the rounds in a row, and
// the share of 优秀 in the annual review; inherited from above (or the seed's) until set here.
type talkRulePage struct {
	Unit    *org.Unit
	Rule    talks.Rule
	Version int64 // 0: not set here
	Values  url.Values
}

func (s *Server) talkRuleData(r *http.Request, v url.Values) (*talkRulePage, error) {
	id, err := pathID(r, "town")
	if err != nil {
		return nil, err
	}
	u, err := s.db.Unit(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	d := &talkRulePage{Unit: u, Values: v}
	if d.Rule, d.Version, err = s.db.TalkRule(r.Context(), actor(r), id); err != nil {
		return nil, err
	}
	if d.Values == nil {
		d.Values = url.Values{"threshold": {strconv.Itoa(d.Rule.Threshold)}, "rounds": {strconv.Itoa(d.Rule.Rounds)},
			"excellent_share": {talkShareText(d.Rule.ExcellentShare)}, "version": {strconv.FormatInt(d.Version, 10)}}
	}
	return d, nil
}

// talkRuleForm is GET /evaluation/talk-rules/{town}.
func (s *Server) talkRuleForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.talkRuleData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "talks_rule", &Page{Title: "talks.rule.title", Data: d})
}

// talkRuleSave is POST /evaluation/talk-rules/{town}: threshold, rounds, excellent_share
// (percent), version.
func (s *Server) talkRuleSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "town")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	rule := talks.Rule{Threshold: talkIntField(v, "threshold", 0, &fe), Rounds: talkIntField(v, "rounds", 0, &fe),
		ExcellentShare: talkShare(v, "excellent_share", &fe)}
	if len(fe) > 0 {
		// Show every problem at once: the store's checks too.
		if verr := rule.Validate(); verr != nil {
			fe = append(fe, errs.As(verr).Fields...)
		}
	}
	err = errs.FieldsOf(fe)
	if err == nil {
		err = s.db.SaveTalkRule(r.Context(), actor(r), id, rule, pplVersion(v.Get("version")))
	}
	if err != nil {
		d, derr := s.talkRuleData(r, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "talks_rule", &Page{Title: "talks.rule.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/evaluation/talk-rules/"+strconv.FormatInt(id, 10), "flash.talks.rule_saved")
}
