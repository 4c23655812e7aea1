package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// pointsRaceData is the horse race page.
type pointsRaceData struct {
	Units    []org.Unit
	UnitID   int64
	Kind     points.TargetKind
	Kinds    []points.TargetKind
	Period   string
	Periods  []pointsPeriodChoice
	Ranking  *storage.PointsRanking
	Rows     []pointsRow
	Ratios   string
	Query    string // the selection, for the export link
	CanEnter bool
}

// pointsRow is one line of a ranking.
type pointsRow struct {
	points.Standing
	TotalText string
	Link      string
}

// pointsPeriodChoice is a period offered in the selector.
type pointsPeriodChoice struct {
	Key      string
	Period   points.Period
	Selected bool
}

// pointsPeriods offers this year's and last year's periods, newest first, selecting sel.
func pointsPeriods(today, sel string) []pointsPeriodChoice {
	var out []pointsPeriodChoice
	year, _ := strconv.Atoi(today[:4])
	for y := year; y >= year-1; y-- {
		ys := strconv.Itoa(y)
		keys := []string{ys, ys + "-H2", ys + "-H1", ys + "-Q4", ys + "-Q3", ys + "-Q2", ys + "-Q1"}
		for m := 12; m >= 1; m-- {
			keys = append(keys, ys+"-"+strconv.Itoa(100 + m)[1:])
		}
		for _, k := range keys {
			sp, _ := points.ParseSpan(k)
			if sp.From > today {
				continue
			}
			out = append(out, pointsPeriodChoice{Key: k, Period: sp.Period, Selected: k == sel})
		}
	}
	return out
}

// pointsSelection reads the race's selection (?unit=&kind=&period=), defaulting to the first
// town or county the user sees whole, secretaries, and this quarter.
func (s *Server) pointsSelection(r *http.Request) (*pointsRaceData, points.Span, error) {
	q := r.URL.Query()
	units, err := s.db.PointsUnits(r.Context(), actor(r))
	if err != nil {
		return nil, points.Span{}, err
	}
	d := &pointsRaceData{Units: units, Kinds: points.TargetKinds, Kind: points.TargetKind(q.Get("kind"))}
	if d.Kind == "" {
		d.Kind = points.BranchSecretary
	}
	if !d.Kind.Valid() {
		return nil, points.Span{}, errs.Invalid(errs.Field("kind", "points.kind.invalid"))
	}
	var fe []errs.FieldError
	d.UnitID = pplID(q, "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, points.Span{}, err
	}
	if d.UnitID == 0 {
		pp := principal(r)
		for _, u := range units {
			if pp.CanAt(authz.ViewPoints, u.Path) {
				d.UnitID = u.ID
				break
			}
		}
		if d.UnitID == 0 && len(units) > 0 {
			d.UnitID = units[len(units)-1].ID
		}
	}
	today := points.Today(s.clock.Now())
	span, _ := points.SpanOf(points.Quarter, today)
	if k := q.Get("period"); k != "" {
		if span, err = points.ParseSpan(k); err != nil {
			return nil, span, err
		}
	}
	d.Period = span.Key
	d.Periods = pointsPeriods(today, span.Key)
	v := url.Values{"unit": {strconv.FormatInt(d.UnitID, 10)}, "kind": {string(d.Kind)}, "period": {span.Key}}
	d.Query = v.Encode()
	return d, span, nil
}

// pointsRows dresses a ranking's standings for the page.
func pointsRows(rk *storage.PointsRanking, period string) []pointsRow {
	out := make([]pointsRow, len(rk.Standings))
	for i, st := range rk.Standings {
		out[i] = pointsRow{Standing: st, TotalText: points.Format(st.Total),
			Link: "/points/targets/" + string(st.Kind) + "/" + strconv.FormatInt(st.ID, 10) + "?period=" + period}
	}
	return out
}

// pointsRace is GET /points: the horse race of a town or county for a kind of target in a period.
func (s *Server) pointsRace(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ViewPoints) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	d, span, err := s.pointsSelection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.UnitID != 0 {
		if d.Ranking, err = s.db.PointsRanking(r.Context(), actor(r), d.UnitID, d.Kind, span); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Rows = pointsRows(d.Ranking, span.Key)
		d.Ratios = pointsRatioText(s, r, d.Ranking.Ratios)
	}
	d.CanEnter = principal(r).Can(authz.EnterPoints)
	s.render(w, r, http.StatusOK, "points_race", &Page{Title: "points.race.title", Data: d})
}

// pointsRatioText shows a ratio set as "优秀 30% · 良好 50% · 一般 20%".
func pointsRatioText(s *Server, r *http.Request, rs []points.Ratio) string {
	pr := s.printer(r)
	parts := make([]string, len(rs))
	for i, x := range rs {
		parts[i] = pr.T("points.grade."+string(x.Grade)) + " " + strconv.Itoa(x.Percent) + "%"
	}
	return strings.Join(parts, " · ")
}

// pointsGrade is POST /points/grades: set or clear a target's X grade for a period.
func (s *Server) pointsGrade(w http.ResponseWriter, r *http.Request) {
	var fe []errs.FieldError
	id := pplID(r.PostForm, "target", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	k := points.TargetKind(r.PostFormValue("kind"))
	period := r.PostFormValue("period")
	set := r.PostFormValue("x") == "1"
	if err := s.db.SetPointsX(r.Context(), actor(r), k, id, period, r.PostFormValue("reason"), set); err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/points/targets/"+string(k)+"/"+strconv.FormatInt(id, 10)+"?period="+url.QueryEscape(period), "flash.points.graded")
}
