package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

type talkDueJSON struct {
	Kind          string          `json:"kind"`
	TargetID      int64           `json:"target_id"`
	Name          string          `json:"name"`
	UnitID        int64           `json:"unit_id"`
	UnitName      string          `json:"unit_name"`
	CommitteeID   int64           `json:"committee_id"`
	CommitteeName string          `json:"committee_name"`
	Threshold     int             `json:"threshold"`
	RuleRounds    int             `json:"rule_rounds"`
	Streak        int             `json:"streak"`
	Rounds        []talkRoundView `json:"rounds"`
	CanRecord     bool            `json:"can_record"`
}

type followUpJSON struct {
	On   string    `json:"on"`
	Note string    `json:"note"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

type talkJSON struct {
	ID            int64           `json:"id"`
	Kind          string          `json:"kind"`
	TargetID      int64           `json:"target_id"`
	Name          string          `json:"name"`
	UnitID        int64           `json:"unit_id"`
	UnitName      string          `json:"unit_name"`
	CommitteeID   int64           `json:"committee_id"`
	CommitteeName string          `json:"committee_name"`
	TalkedBy      string          `json:"talked_by"`
	TalkedPost    string          `json:"talked_post"`
	TalkedOn      string          `json:"talked_on"`
	Content       string          `json:"content,omitempty"`
	Plan          string          `json:"plan,omitempty"`
	Status        string          `json:"status"`
	Version       int64           `json:"version"`
	Rounds        []talkRoundView `json:"rounds,omitempty"`
	Later         []talkRoundView `json:"later,omitempty"`
	FollowUps     []followUpJSON  `json:"followups,omitempty"`
}

func talkTargetID(k *talks.Talk) int64 {
	if k.Kind == talks.Team {
		return k.TeamID
	}
	return k.PersonID
}

func talkToJSON(k *talks.Talk, rule talks.Rule, full bool) talkJSON {
	out := talkJSON{ID: k.ID, Kind: string(k.Kind), TargetID: talkTargetID(k), Name: k.TargetName, UnitID: k.UnitID, UnitName: k.UnitName,
		CommitteeID: k.CommitteeID, CommitteeName: k.CommitteeName, TalkedBy: k.TalkedBy, TalkedPost: k.TalkedPost, TalkedOn: k.TalkedOn,
		Status: string(k.Status), Version: k.Version}
	if full {
		out.Content, out.Plan = k.Content, k.Plan
		out.Rounds, out.Later = talkRoundsView(k.Rounds, rule), talkRoundsView(k.Later, rule)
		out.FollowUps = []followUpJSON{}
		for _, f := range k.FollowUps {
			out.FollowUps = append(out.FollowUps, followUpJSON{On: f.On, Note: f.Note, By: f.By, At: f.At})
		}
	}
	return out
}

// apiTalks is GET /api/v1/evaluation/talks (?status=&year=&limit=&offset=): the talk list due
// now, computed from the closed rounds, and the talks recorded.
func (s *Server) apiTalks(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actor(r)
	q := r.URL.Query()
	var fe []errs.FieldError
	limit, offset := pplID(q, "limit", &fe), pplID(q, "offset", &fe)
	f := storage.TalkFilter{Status: talks.Status(q.Get("status"))}
	if f.Status != "" && !f.Status.Valid() {
		fe = append(fe, errs.Field("status", "talks.error.status"))
	}
	if q.Get("year") != "" {
		y, err := s.talkYear(q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.Year = y
	}
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	if limit == 0 {
		limit = perPage
	}
	f.Limit, f.Offset = int(min(limit, 1000)), int(min(offset, 1<<30))
	due, err := s.db.TalksDue(ctx, a, storage.TalkFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := s.db.Talks(ctx, a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dj := make([]talkDueJSON, 0, len(due))
	for _, d := range due {
		dj = append(dj, talkDueJSON{Kind: string(d.Target.Kind), TargetID: d.Target.ID, Name: d.Name, UnitID: d.UnitID, UnitName: d.UnitName,
			CommitteeID: d.CommitteeID, CommitteeName: d.CommitteeName, Threshold: d.Rule.Threshold, RuleRounds: d.Rule.Rounds,
			Streak: d.Verdict.Streak, Rounds: talkRoundsView(d.Verdict.Rounds, d.Rule), CanRecord: d.CanRecord})
	}
	tj := make([]talkJSON, 0, len(list))
	for i := range list {
		tj = append(tj, talkToJSON(&list[i], talks.Rule{}, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"due": dj, "talks": tj, "total": total})
}

// apiTalk is GET /api/v1/evaluation/talks/{id}.
func (s *Server) apiTalk(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, acc, err := s.db.Talk(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"talk": talkToJSON(k, acc.Rule, true)})
}

// apiTalkRecord is POST /api/v1/evaluation/talks: {kind, target_id, talked_by, talked_post,
// talked_on, content, plan}.
func (s *Server) apiTalkRecord(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind       string `json:"kind"`
		TargetID   int64  `json:"target_id"`
		TalkedBy   string `json:"talked_by"`
		TalkedPost string `json:"talked_post"`
		TalkedOn   string `json:"talked_on"`
		Content    string `json:"content"`
		Plan       string `json:"plan"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := talkFromForm(url.Values{"kind": {in.Kind}, "target": {strconv.FormatInt(in.TargetID, 10)}, "talked_by": {in.TalkedBy},
		"talked_post": {in.TalkedPost}, "talked_on": {in.TalkedOn}, "content": {in.Content}, "plan": {in.Plan}})
	if err == nil {
		err = s.db.RecordTalk(r.Context(), actor(r), k)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, acc, err := s.db.Talk(r.Context(), actor(r), k.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"talk": talkToJSON(k, acc.Rule, true)})
}

// apiTalkFollowUp is POST /api/v1/evaluation/talks/{id}/followups: {on, note, close, version}.
func (s *Server) apiTalkFollowUp(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		On      string `json:"on"`
		Note    string `json:"note"`
		Close   bool   `json:"close"`
		Version int64  `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.AddTalkFollowUp(r.Context(), actor(r), id, in.Version, &talks.FollowUp{On: in.On, Note: in.Note}, in.Close); err != nil {
		s.fail(w, r, err)
		return
	}
	k, acc, err := s.db.Talk(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"talk": talkToJSON(k, acc.Rule, true)})
}
