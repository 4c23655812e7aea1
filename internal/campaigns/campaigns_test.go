package campaigns

import (
	"slices"
	"testing"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/org"
)

func fields(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, f := range errs.As(err).Fields {
		out = append(out, f.Field+":"+f.Key)
	}
	return out
}

func fieldsOf(fe []errs.FieldError) []string { return fields(errs.FieldsOf(fe)) }

// validCampaign is a two-week campaign over two villages of a town.
func validCampaign() *Campaign {
	return &Campaign{
		TownID: 3, TownPath: "/1/2/3/", TownKind: org.Town, Name: "人居环境再提升，乡村蝶变迎新春",
		StartsOn: "2026-01-19", EndsOn: "2026-02-01", CategoryID: 13,
		Areas: []Area{
			{UnitID: 10, UnitPath: "/1/2/3/10/", UnitKind: org.Village, UnitActive: true, OfficerID: 100, OfficerPath: "/1/2/3/10/", OfficerActive: true},
			{UnitID: 11, UnitPath: "/1/2/3/11/", UnitKind: org.Village, UnitActive: true, OfficerID: 101, OfficerPath: "/1/2/3/11/40/", OfficerActive: true},
		},
	}
}

func TestCampaignValidate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := validCampaign()
		if err := c.Validate(); err != nil {
			t.Fatalf("valid campaign refused: %v", fields(err))
		}
		if c.RecheckDays != DefaultRecheckDays {
			t.Errorf("re-check days default %d, want %d", c.RecheckDays, DefaultRecheckDays)
		}
		if c.Areas[1].Position != 2 {
			t.Errorf("positions not numbered: %+v", c.Areas)
		}
	})
	for _, tc := range []struct {
		name   string
		change func(c *Campaign)
		want   string
	}{
		{"NameRequired", func(c *Campaign) { c.Name = "  " }, "name:validation.required"},
		{"NameTooLong", func(c *Campaign) { c.Name = string(make([]rune, MaxName+1)) }, "name:validation.too_long"},
		{"BadStart", func(c *Campaign) { c.StartsOn = "2026-13-01" }, "starts_on:campaigns.date.invalid"},
		{"EndBeforeStart", func(c *Campaign) { c.EndsOn = "2026-01-18" }, "ends_on:campaigns.date.order"},
		{"TooLong", func(c *Campaign) { c.EndsOn = "2027-01-20" }, "ends_on:campaigns.date.too_long"},
		{"RecheckDays", func(c *Campaign) { c.RecheckDays = MaxRecheckDays + 1 }, "recheck_days:campaigns.recheck_days.invalid"},
		{"NegativeRecheckDays", func(c *Campaign) { c.RecheckDays = -1 }, "recheck_days:campaigns.recheck_days.invalid"},
		{"Category", func(c *Campaign) { c.CategoryID = 0 }, "category_id:validation.required"},
		{"NotATown", func(c *Campaign) { c.TownKind = org.Village }, "town_id:campaigns.town.invalid"},
		{"NoAreas", func(c *Campaign) { c.Areas = nil }, "areas:campaigns.areas.required"},
		{"AreaOutsideTown", func(c *Campaign) { c.Areas[1].UnitPath = "/1/2/9/11/" }, "area_unit_1:campaigns.area.unit_invalid"},
		{"AreaIsTown", func(c *Campaign) { c.Areas[1].UnitPath, c.Areas[1].UnitKind = "/1/2/3/", org.Town }, "area_unit_1:campaigns.area.unit_invalid"},
		{"AreaDepartment", func(c *Campaign) { c.Areas[1].UnitKind = org.Department }, "area_unit_1:campaigns.area.unit_invalid"},
		{"AreaInactive", func(c *Campaign) { c.Areas[0].UnitActive = false }, "area_unit_0:campaigns.area.unit_invalid"},
		{"AreaNotFound", func(c *Campaign) { c.Areas[0].UnitPath = "" }, "area_unit_0:campaigns.area.unit_invalid"},
		{"AreaTwice", func(c *Campaign) { c.Areas[1] = c.Areas[0] }, "area_unit_1:campaigns.area.duplicate"},
		{"OfficerRequired", func(c *Campaign) { c.Areas[0].OfficerID = 0 }, "area_officer_0:validation.required"},
		{"OfficerElsewhere", func(c *Campaign) { c.Areas[0].OfficerPath = "/1/2/3/11/" }, "area_officer_0:campaigns.area.officer_invalid"},
		{"OfficerAtTown", func(c *Campaign) { c.Areas[0].OfficerPath = "/1/2/3/" }, "area_officer_0:campaigns.area.officer_invalid"},
		{"OfficerInactive", func(c *Campaign) { c.Areas[0].OfficerActive = false }, "area_officer_0:campaigns.area.officer_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validCampaign()
			tc.change(c)
			if got := fields(c.Validate()); !slices.Contains(got, tc.want) {
				t.Errorf("got %v, want %s among them", got, tc.want)
			}
		})
	}
}

func TestDatesMustCoverProblems(t *testing.T) {
	c := validCampaign()
	c.FirstFound, c.LastFound = "2026-01-20", "2026-01-30"
	if fe := c.ValidateFields(); len(fe) != 0 {
		t.Fatalf("covering dates refused: %v", fieldsOf(fe))
	}
	c.StartsOn = "2026-01-21"
	if got := fieldsOf(c.ValidateFields()); !slices.Contains(got, "starts_on:campaigns.date.problems_outside") {
		t.Errorf("start after the first problem: %v", got)
	}
	c.StartsOn, c.EndsOn = "2026-01-19", "2026-01-29"
	if got := fieldsOf(c.ValidateFields()); !slices.Contains(got, "ends_on:campaigns.date.problems_outside") {
		t.Errorf("end before the last problem: %v", got)
	}
}

func TestPhaseAndFoundDay(t *testing.T) {
	c := validCampaign()
	for day, want := range map[string]Phase{"2026-01-18": Planned, "2026-01-19": Running, "2026-02-01": Running, "2026-02-02": Ended} {
		if got := c.PhaseOn(day); got != want {
			t.Errorf("PhaseOn(%s) = %s, want %s", day, got, want)
		}
	}
	for _, tc := range []struct{ day, today, want string }{
		{"2026-01-20", "2026-01-20", ""},
		{"2026-01-20", "2026-03-01", ""},
		{"2026-01-18", "2026-01-20", "campaigns.day.outside"},
		{"2026-02-02", "2026-03-01", "campaigns.day.outside"},
		{"2026-01-21", "2026-01-20", "campaigns.day.future"},
		{"20260120", "2026-01-20", "campaigns.date.invalid"},
	} {
		f := c.CheckFoundDay("day", tc.day, tc.today)
		got := ""
		if f != nil {
			got = f.Key
		}
		if got != tc.want {
			t.Errorf("CheckFoundDay(%s, today %s) = %q, want %q", tc.day, tc.today, got, tc.want)
		}
	}
}

func TestDue(t *testing.T) {
	if got := DueDay("2026-01-31", 0); got != "2026-02-01" {
		t.Errorf("default due day %s, want the next day", got)
	}
	if got := DueDay("2026-01-31", 3); got != "2026-02-03" {
		t.Errorf("due in 3 days: %s", got)
	}
	// The end of the due day in China time is 15:59:59 UTC.
	if got, want := DueAt("2026-02-01"), time.Date(2026, 2, 1, 15, 59, 59, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DueAt = %s, want %s", got, want)
	}
	if got := Today(time.Date(2026, 1, 31, 16, 30, 0, 0, time.UTC)); got != "2026-02-01" {
		t.Errorf("Today after 16:00 UTC is already the next day in China: %s", got)
	}
	p := &Problem{FoundOn: "2026-01-20", DueOn: "2026-01-21"}
	if p.DueFor("2026-01-20") || !p.DueFor("2026-01-21") || !p.DueFor("2026-01-25") {
		t.Error("DueFor wrong")
	}
	p.Rectified = true
	if p.DueFor("2026-01-25") {
		t.Error("a rectified problem is not due")
	}
}

func TestRecheck(t *testing.T) {
	fresh := func() *Problem { return &Problem{FoundOn: "2026-01-20", DueOn: "2026-01-21"} }
	t.Run("PassOnTime", func(t *testing.T) {
		o, err := Recheck(fresh(), "2026-01-21", true, "2026-01-20", 1)
		if err != nil || !o.Rectified || o.Late {
			t.Fatalf("got %+v, %v", o, err)
		}
	})
	t.Run("PassEarly", func(t *testing.T) {
		o, err := Recheck(fresh(), "2026-01-20", true, "", 1)
		if err != nil || !o.Rectified || o.Late {
			t.Fatalf("got %+v, %v", o, err)
		}
	})
	t.Run("PassLateCheckButResolvedInTime", func(t *testing.T) {
		o, err := Recheck(fresh(), "2026-01-23", true, "2026-01-21", 1)
		if err != nil || !o.Rectified || o.Late {
			t.Fatalf("resolved by the due day, checked later: got %+v, %v", o, err)
		}
	})
	t.Run("PassResolvedAfterDue", func(t *testing.T) {
		o, err := Recheck(fresh(), "2026-01-23", true, "2026-01-22", 1)
		if err != nil || !o.Rectified || !o.Late || !o.NewlyLate || o.LateOn != "2026-01-23" {
			t.Fatalf("resolved after the due day: got %+v, %v", o, err)
		}
	})
	t.Run("FailMakesLate", func(t *testing.T) {
		o, err := Recheck(fresh(), "2026-01-21", false, "", 1)
		if err != nil || o.Rectified || !o.Late || !o.NewlyLate || o.LateOn != "2026-01-21" || o.DueOn != "2026-01-22" {
			t.Fatalf("got %+v, %v", o, err)
		}
	})
	t.Run("FailAgainKeepsFirstLateDay", func(t *testing.T) {
		p := fresh()
		p.Late, p.LateOn, p.DueOn = true, "2026-01-21", "2026-01-22"
		o, err := Recheck(p, "2026-01-22", false, "", 2)
		if err != nil || !o.Late || o.NewlyLate || o.LateOn != "2026-01-21" || o.DueOn != "2026-01-24" {
			t.Fatalf("got %+v, %v", o, err)
		}
		o, err = Recheck(p, "2026-01-22", true, "2026-01-22", 2)
		if err != nil || !o.Rectified || !o.Late || o.NewlyLate {
			t.Fatalf("a late problem rectified stays late: %+v, %v", o, err)
		}
	})
	t.Run("FailBeforeDue", func(t *testing.T) {
		if _, err := Recheck(fresh(), "2026-01-20", false, "", 1); errs.As(err).Key != "campaigns.recheck.not_due" {
			t.Fatalf("a failure before the check day: %v", err)
		}
	})
	t.Run("BeforeFound", func(t *testing.T) {
		if _, err := Recheck(fresh(), "2026-01-19", true, "", 1); errs.As(err).Key != "campaigns.recheck.before_found" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("AlreadyRectified", func(t *testing.T) {
		p := fresh()
		p.Rectified = true
		if _, err := Recheck(p, "2026-01-21", true, "", 1); errs.Code(err) != errs.EUNPROCESSABLE {
			t.Fatalf("got %v", err)
		}
	})
	if ValidNote("", false) == nil || ValidNote("", true) != nil || ValidNote("未清理", false) != nil {
		t.Error("ValidNote: a failed re-check needs its reason, a pass does not")
	}
}

func TestDrafting(t *testing.T) {
	areas := []Area{{ID: 1, UnitID: 10, UnitName: "寺庄村", OfficerName: "甲"}, {ID: 2, UnitID: 11, UnitName: "古念村", OfficerName: "乙"},
		{ID: 3, UnitID: 12, UnitName: "王庄村", OfficerName: "丙"}}
	problems := []Problem{
		{ID: 1, AreaID: 1, UnitName: "寺庄村", FoundOn: "2026-01-20", Rectified: true},
		{ID: 2, AreaID: 1, UnitName: "寺庄村", FoundOn: "2026-01-20", Rectified: true, Late: true, LateOn: "2026-01-21", CaseNumber: "b"},
		{ID: 3, AreaID: 2, UnitName: "古念村", FoundOn: "2026-01-20", Rectified: true},
		{ID: 4, AreaID: 2, UnitName: "古念村", FoundOn: "2026-01-22", Rectified: false, Late: true, LateOn: "2026-01-23"},
		{ID: 5, AreaID: 1, UnitName: "寺庄村", FoundOn: "2026-01-20", Late: true, LateOn: "2026-01-21", CaseNumber: "a"},
		{ID: 6, AreaID: 3, UnitName: "王庄村", FoundOn: "2026-01-20"},
	}
	got := CircularItems(problems, "2026-01-21", "2026-01-21", nil)
	if len(got) != 2 || got[0].ProblemID != 5 || got[1].ProblemID != 2 || got[1].Position != 2 {
		t.Fatalf("circular items for the 21st: %+v", got)
	}
	if got := CircularItems(problems, "2026-01-21", "2026-01-23", map[int64]bool{2: true}); len(got) != 2 || got[0].ProblemID != 5 || got[1].ProblemID != 4 {
		t.Fatalf("a problem named already is left out: %+v", got)
	}
	if got := CircularItems(problems, "2026-01-24", "2026-01-30", nil); len(got) != 0 {
		t.Fatalf("nothing late in the period: %+v", got)
	}
	// 古念村 rectified its one problem of the 20th on time; 寺庄村 had late ones; 王庄村's is open.
	com := CommendationItems(areas, problems, "2026-01-20", "2026-01-20")
	if len(com) != 1 || com[0].AreaID != 2 || com[0].Found != 1 || com[0].Rectified != 1 {
		t.Fatalf("commendation for the 20th: %+v", com)
	}
	// Over the whole period 古念村 has a late problem too: nobody earns a commendation.
	if com := CommendationItems(areas, problems, "2026-01-19", "2026-02-01"); len(com) != 0 {
		t.Fatalf("commendation over the period: %+v", com)
	}
	if fe := fieldsOf(CheckPeriod("2026-01-21", "2026-01-20")); !slices.Contains(fe, "to:campaigns.date.order") {
		t.Errorf("period order: %v", fe)
	}
}

func TestCircularValidate(t *testing.T) {
	c := &Circular{Kind: Criticism, Status: Draft, Title: "关于未按期整改问题的通报", PeriodFrom: "2026-01-21", PeriodTo: "2026-01-21",
		Deadline: "2026-01-22", Items: []Item{{ProblemID: 1}}}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid circular refused: %v", fields(err))
	}
	for _, tc := range []struct {
		name   string
		change func(c *Circular)
		want   string
	}{
		{"Title", func(c *Circular) { c.Title = "" }, "title:validation.required"},
		{"Body", func(c *Circular) { c.Body = string(make([]rune, MaxBody+1)) }, "body:validation.too_long"},
		{"Deadline", func(c *Circular) { c.Deadline = "" }, "deadline:campaigns.date.invalid"},
		{"DeadlineEarly", func(c *Circular) { c.Deadline = "2026-01-20" }, "deadline:campaigns.circular.deadline_early"},
		{"NoItems", func(c *Circular) { c.Items = nil }, "items:campaigns.circular.no_items"},
		{"Kind", func(c *Circular) { c.Kind = "praise" }, "kind:campaigns.circular.kind_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := *c
			tc.change(&x)
			if got := fields(x.Validate()); !slices.Contains(got, tc.want) {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
	cm := &Circular{Kind: Commendation, Title: "表扬", Deadline: "2026-01-01", PeriodTo: "2026-02-01", Items: []Item{{AreaID: 1}}}
	if err := cm.Validate(); err != nil || cm.Deadline != "" {
		t.Fatalf("a commendation has no deadline: %v %q", err, cm.Deadline)
	}
	if !c.Editable() {
		t.Error("a draft is editable")
	}
	c.Status = Published
	if c.Editable() {
		t.Error("a published circular is read-only")
	}
}
