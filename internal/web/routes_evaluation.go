package web

import (
	"time"

	"wuxing/internal/ratelimit"
)

// Public ballot limits, per client address: generous, since a village meeting may vote from one
// network; the tokens (128 bits) and codes (about 49 bits) are far beyond guessing at this pace.
const (
	evalBallotBurst = 120
	evalBallotPer   = 10 * time.Minute
)

// evaluationRoutes lists the routes of democratic evaluation (民主评议): rounds, one-time ballots, meeting tallies, results, the satisfaction list, the talk rule, the annual review.
// The handlers live in evaluation_*.go.
func (s *Server) evaluationRoutes() []route {
	lim := ratelimit.New(evalBallotBurst, evalBallotPer, ratelimit.WithClock(s.clock.Now))
	return []route{
		// Rounds, targets, ballots, tallies, results (evaluation_rounds.go, evaluation_ballots.go,
		// evaluation_tallies.go, evaluation_results.go).
		{pattern: "GET /evaluation", access: user, h: s.evalList},
		{pattern: "GET /evaluation/rounds/new", access: user, h: s.evalNew},
		{pattern: "POST /evaluation/rounds", access: user, h: s.evalCreate},
		{pattern: "GET /evaluation/rounds/{id}", access: user, h: s.evalShow},
		{pattern: "GET /evaluation/rounds/{id}/edit", access: user, h: s.evalEdit},
		{pattern: "POST /evaluation/rounds/{id}", access: user, h: s.evalUpdate},
		{pattern: "POST /evaluation/rounds/{id}/open", access: user, h: s.evalOpen},
		{pattern: "POST /evaluation/rounds/{id}/close", access: user, h: s.evalClose},
		{pattern: "GET /evaluation/rounds/{id}/targets", access: user, h: s.evalPicker},
		{pattern: "POST /evaluation/rounds/{id}/targets", access: user, h: s.evalAddTargets},
		{pattern: "POST /evaluation/rounds/{id}/targets/{target}/remove", access: user, h: s.evalRemoveTarget},
		{pattern: "POST /evaluation/rounds/{id}/ballots", access: user, h: s.evalIssue},
		{pattern: "POST /evaluation/rounds/{id}/batches/{batch}/void", access: user, h: s.evalVoid},
		{pattern: "GET /evaluation/rounds/{id}/units/{unit}/tally", access: user, h: s.evalTallyForm},
		{pattern: "POST /evaluation/rounds/{id}/units/{unit}/tally", access: user, h: s.evalTallyEnter},
		{pattern: "POST /evaluation/tallies/{tally}/confirm", access: user, h: s.evalTallyConfirm},
		{pattern: "GET /evaluation/tallies/{tally}/photo", access: user, h: s.evalTallyPhoto},
		{pattern: "GET /evaluation/rounds/{id}/results", access: user, h: s.evalResults},
		{pattern: "GET /evaluation/rounds/{id}/results.xlsx", access: user, h: s.evalResultsXLSX},
		{pattern: "GET /evaluation/targets/{target}/trend", access: user, h: s.evalTrend},
		{pattern: "GET /api/v1/evaluation/rounds", access: user, api: true, h: s.apiEvalRounds},
		{pattern: "GET /api/v1/evaluation/rounds/{id}", access: user, api: true, h: s.apiEvalRound},
		{pattern: "GET /api/v1/evaluation/rounds/{id}/results", access: user, api: true, h: s.apiEvalResults},
		{pattern: "GET /api/v1/evaluation/rounds/{id}/units/{unit}/tally", access: user, api: true, h: s.apiEvalTally},
		{pattern: "POST /api/v1/evaluation/rounds/{id}/units/{unit}/tally", access: user, api: true, h: s.apiEvalTallyEnter},
		{pattern: "POST /api/v1/evaluation/tallies/{tally}/confirm", access: user, api: true, h: s.apiEvalTallyConfirm},
		// The residents' side: the ballot by link or short code, and the published satisfaction
		// list (evaluation_public.go).
		{pattern: "GET /b", access: public, h: s.evalCodePage(lim)},
		{pattern: "POST /b", access: public, h: s.evalCodeSubmit(lim)},
		{pattern: "GET /b/{token}", access: public, h: s.evalBallotPage(lim)},
		{pattern: "POST /b/{token}", access: public, h: s.evalBallotSubmit(lim)},
		{pattern: "GET /s/{unitcode}", access: public, h: s.evalPublicIndex(lim)},
		{pattern: "GET /s/{unitcode}/{round}", access: public, h: s.evalPublicList(lim)},
		{pattern: "GET /s/{unitcode}/{round}/list.xlsx", access: public, h: s.evalPublicXLSX(lim)},
		{pattern: "GET /api/v1/public/ballots/{token}", access: public, api: true, h: s.apiEvalBallot(lim)},
		{pattern: "POST /api/v1/public/ballots/{token}", access: public, api: true, h: s.apiEvalBallotSubmit(lim)},

		// Talks and annual review (another part appends its routes below this line).
		// ---- talks area: the admonitory-talk rule and the party's annual review; handlers in talks_*.go ----
		{pattern: "GET /evaluation/talks", access: user, h: s.talkList},
		{pattern: "POST /evaluation/talks", access: user, h: s.talkRecord},
		{pattern: "GET /evaluation/talks/member/{person}", access: user, h: s.talkMember},
		{pattern: "GET /evaluation/talks/team/{talkteam}", access: user, h: s.talkTeam},
		{pattern: "GET /evaluation/talks/{id}", access: user, h: s.talkShow},
		{pattern: "POST /evaluation/talks/{id}/followups", access: user, h: s.talkFollowUp},
		{pattern: "GET /evaluation/talk-rules/{town}", access: user, h: s.talkRuleForm},
		{pattern: "POST /evaluation/talk-rules/{town}", access: user, h: s.talkRuleSave},
		{pattern: "GET /evaluation/reviews", access: user, h: s.reviewList},
		{pattern: "POST /evaluation/reviews", access: user, h: s.reviewOpen},
		{pattern: "GET /evaluation/reviews/entries/{reviewentry}", access: user, h: s.reviewEntry},
		{pattern: "POST /evaluation/reviews/entries/{reviewentry}", access: user, h: s.reviewEntrySave},
		{pattern: "GET /api/v1/evaluation/talks", access: user, api: true, h: s.apiTalks},
		{pattern: "POST /api/v1/evaluation/talks", access: user, api: true, h: s.apiTalkRecord},
		{pattern: "GET /api/v1/evaluation/talks/{id}", access: user, api: true, h: s.apiTalk},
		{pattern: "POST /api/v1/evaluation/talks/{id}/followups", access: user, api: true, h: s.apiTalkFollowUp},
		{pattern: "GET /api/v1/evaluation/reviews", access: user, api: true, h: s.apiReviews},
		{pattern: "POST /api/v1/evaluation/reviews/entries/{reviewentry}", access: user, api: true, h: s.apiReviewEntrySave},
		// ---- end of the talks area ----
	}
}
