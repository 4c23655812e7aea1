package web

import (
	"context"
	"testing"

	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// talkScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
// Each community gets a recorded talk with its member (the rounds of talkHistory make both due)
// and an opened annual review.
func talkScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	ctx := context.Background()
	talkHistory(t, f)
	today := talks.Today(f.clock.Now())
	for _, side := range []struct {
		s       *scopeSide
		member  int64
		unit    int64
		content string
	}{{zq, f.zqHead.ID, f.zq.ID, "站前约谈谈话内容"}, {kx, f.kxHead.ID, f.kx.ID, "开西约谈谈话内容"}} {
		k := &talks.Talk{Kind: talks.Member, PersonID: side.member, TalkedBy: "张明", TalkedPost: "镇党委副书记", TalkedOn: today,
			Content: side.content, Plan: side.content + "整改"}
		if err := f.db.RecordTalk(ctx, storage.System, k); err != nil {
			t.Fatalf("talk: %v", err)
		}
		rv, err := f.db.OpenReview(ctx, storage.System, side.unit, talks.YearOf(f.clock.Now()))
		if err != nil || len(rv.Entries) == 0 {
			t.Fatalf("review: %v", err)
		}
		side.s.ids["talk"] = []int64{k.ID}
		side.s.ids["review_entry"] = []int64{rv.Entries[0].ID}
		side.s.markers = append(side.s.markers, side.content)
	}
}
