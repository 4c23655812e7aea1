package service

import (
	"testing"
	"time"

	"wuxing/internal/errs"
)

func TestParseHours(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		key  string
	}{
		{"2", 200, ""}, {"2.5", 250, ""}, {"0.25", 25, ""}, {" 24 ", 2400, ""}, {"0", 0, ""},
		{"", 0, "service.hours.required"}, {"abc", 0, "service.hours.malformed"}, {"NaN", 0, "service.hours.malformed"},
		{"-1", 0, "service.hours.negative"}, {"24.01", 0, "service.hours.over_day"}, {"1e3", 0, "service.hours.over_day"},
		{"1.234", 0, "service.hours.precision"},
	} {
		got, err := ParseHours(tc.in)
		if tc.key == "" {
			if err != nil || got != tc.want {
				t.Errorf("ParseHours(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil || errs.As(err).Key != tc.key {
			t.Errorf("ParseHours(%q) error = %v; want %s", tc.in, err, tc.key)
		}
	}
}

func TestFormatHours(t *testing.T) {
	for c, want := range map[int]string{0: "0", 250: "2.5", 1234: "12.34", 200: "2", -50: "-0.5", 5: "0.05"} {
		if got := FormatHours(c); got != want {
			t.Errorf("FormatHours(%d) = %q, want %q", c, got, want)
		}
	}
}

func TestHoursBetween(t *testing.T) {
	in := time.Date(2026, 3, 5, 8, 0, 0, 0, cst)
	if c, err := HoursBetween(in, in.Add(150*time.Minute)); err != nil || c != 250 {
		t.Errorf("2h30 = %d, %v", c, err)
	}
	if _, err := HoursBetween(in, in.Add(-time.Minute)); errs.As(err).Key != "service.checkout.before_checkin" {
		t.Errorf("check-out before check-in: %v", err)
	}
	if _, err := HoursBetween(in, in.Add(25*time.Hour)); errs.As(err).Key != "service.hours.over_day" {
		t.Errorf("over a day: %v", err)
	}
	if _, err := HoursBetween(time.Time{}, in); err == nil {
		t.Error("no check-in accepted")
	}
}

func TestCheckDay(t *testing.T) {
	if err := CheckDay(2000, 400); err != nil {
		t.Errorf("exactly 24 h refused: %v", err)
	}
	if err := CheckDay(2000, 401); errs.As(err).Key != "service.hours.day_total" {
		t.Errorf("over 24 h in a day: %v", err)
	}
	if err := CheckDay(0, -1); err == nil {
		t.Error("negative accepted")
	}
}

func TestStateMachine(t *testing.T) {
	ok := []struct {
		from Status
		a    Action
		to   Status
	}{
		{Planned, OpenCheckIn, Open}, {Planned, CloseAction, Closed}, {Open, CloseAction, Closed}, {Closed, Reopen, Open},
		{Closed, Approve, Approved}, {Planned, Cancel, Cancelled}, {Open, Cancel, Cancelled},
	}
	for _, tc := range ok {
		if got, err := Next(tc.from, tc.a); err != nil || got != tc.to {
			t.Errorf("%s --%s--> %s, %v; want %s", tc.from, tc.a, got, err, tc.to)
		}
	}
	bad := []struct {
		from Status
		a    Action
	}{
		{Planned, Approve}, {Open, Approve}, {Approved, Reopen}, {Approved, Cancel}, {Approved, Approve}, {Cancelled, OpenCheckIn},
		{Closed, Cancel}, {Approved, CloseAction},
	}
	for _, tc := range bad {
		if _, err := Next(tc.from, tc.a); errs.Code(err) != errs.EUNPROCESSABLE {
			t.Errorf("%s --%s--> allowed: %v", tc.from, tc.a, err)
		}
	}
	if _, err := Next(Planned, "explode"); errs.Code(err) != errs.EINVALID {
		t.Errorf("unknown action: %v", err)
	}
	if got := Allowed(Approved); len(got) != 0 {
		t.Errorf("approved allows %v", got)
	}
	if Editable(Approved) || Editable(Cancelled) || !Editable(Closed) {
		t.Error("Editable wrong")
	}
}

func TestCheckInOpen(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, cst)
	if err := CheckInOpen(Open, "2026-03-05", now); err != nil {
		t.Errorf("open on its day: %v", err)
	}
	if err := CheckInOpen(Planned, "2026-03-05", now); err != nil {
		t.Errorf("planned on its day: %v", err)
	}
	for _, s := range []Status{Closed, Approved, Cancelled} {
		if err := CheckInOpen(s, "2026-03-05", now); errs.As(err).Key != "service.checkin.closed" {
			t.Errorf("code used after the activity is %s: %v", s, err)
		}
	}
	if err := CheckInOpen(Open, "2026-03-04", now); errs.As(err).Key != "service.checkin.wrong_day" {
		t.Errorf("code used the day after: %v", err)
	}
	// 23:30 UTC on the 4th is the 5th in China.
	if err := CheckInOpen(Open, "2026-03-05", time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC)); err != nil {
		t.Errorf("China day: %v", err)
	}
}

func TestCheckApproval(t *testing.T) {
	in := time.Date(2026, 3, 5, 9, 0, 0, 0, cst)
	if err := CheckApproval(nil); errs.As(err).Key != "service.approve.no_hours" {
		t.Errorf("empty: %v", err)
	}
	if err := CheckApproval([]Participant{{Centihours: 200}, {PersonName: "x", CheckInAt: in}}); errs.As(err).Key != "service.approve.checked_in" {
		t.Errorf("still checked in: %v", err)
	}
	if err := CheckApproval([]Participant{{Centihours: 200}, {CheckInAt: in, CheckOutAt: in.Add(time.Hour), Centihours: 100}}); err != nil {
		t.Errorf("complete: %v", err)
	}
}

func TestActivityValidate(t *testing.T) {
	a := Activity{TeamID: 1, Title: " 清扫 ", ServiceDate: "2026-03-05", StartsAt: "08:00", EndsAt: "11:30"}
	if err := a.Validate(); err != nil || a.Title != "清扫" {
		t.Fatalf("valid activity: %v", err)
	}
	bad := Activity{ServiceDate: "2026-02-30", StartsAt: "25:00", EndsAt: "07:00", Ratings: Ratings{Satisfied: -1}}
	err := bad.Validate()
	fields := map[string]bool{}
	for _, f := range errs.As(err).Fields {
		fields[f.Field] = true
	}
	for _, f := range []string{"title", "team_id", "service_date", "starts_at", "rating_satisfied"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, errs.As(err).Fields)
		}
	}
	rev := Activity{TeamID: 1, Title: "x", ServiceDate: "2026-03-05", StartsAt: "10:00", EndsAt: "09:00"}
	if err := rev.Validate(); err == nil || errs.As(err).Fields[0].Key != "service.activity.ends_before_start" {
		t.Errorf("ends before start: %v", err)
	}
}

func TestCertificateNumberAndMask(t *testing.T) {
	if got := CertificateNumber("410902003000", 2026, 17); got != "ZYFW-410902003-2026-00017" {
		t.Errorf("number = %s", got)
	}
	if got := NormalizeNumber(" zyfw-410902003-2026-00017 "); got != "ZYFW-410902003-2026-00017" {
		t.Errorf("normalize = %s", got)
	}
	for in, want := range map[string]string{"王建国": "王**", "李": "李*", "": ""} {
		if got := (Certificate{PersonName: in}).MaskedName(); got != want {
			t.Errorf("MaskedName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCorrectionAndCertificateValidate(t *testing.T) {
	c := Correction{Current: 200, Wanted: 200, Reason: ""}
	if err := c.ValidateRequest(); len(errs.As(err).Fields) != 2 {
		t.Errorf("same hours and no reason: %v", errs.As(err).Fields)
	}
	c = Correction{Current: 200, Wanted: 300, Reason: "签退忘了"}
	if err := c.ValidateRequest(); err != nil || c.Delta() != 100 {
		t.Errorf("valid correction: %v %d", err, c.Delta())
	}
	cert := Certificate{PersonID: 1, Content: "x", Issuer: "y", PeriodFrom: "2026-05-01", PeriodTo: "2026-01-01"}
	if err := cert.Validate(); err == nil {
		t.Error("period backwards accepted")
	}
	v := Volunteer{PersonID: 1, Categories: []Category{Youth, Youth, "alien"}}
	if err := v.Validate(); err == nil {
		t.Error("unknown category accepted")
	}
	v = Volunteer{PersonID: 1, Categories: []Category{Youth, Women, Youth}}
	if err := v.Validate(); err != nil || len(v.Categories) != 2 {
		t.Errorf("dedupe: %v %v", err, v.Categories)
	}
}

func TestRatings(t *testing.T) {
	r := Ratings{Satisfied: 8, Basic: 1, Dissatisfied: 1}
	if err := r.Validate(); err != nil || r.Total() != 10 || r.SatisfiedTotal() != 9 {
		t.Errorf("valid ratings: %v total %d satisfied %d", err, r.Total(), r.SatisfiedTotal())
	}
	bad := Ratings{Satisfied: -1, Basic: MaxRatings + 1}
	if err := bad.Validate(); len(errs.As(err).Fields) != 2 {
		t.Errorf("negative and absurd counts: %v", errs.As(err).Fields)
	}
	a := Activity{TeamID: 1, Title: "x", ServiceDate: "2026-03-05", Ratings: Ratings{Dissatisfied: -2}}
	if err := a.Validate(); err == nil || errs.As(err).Fields[0].Field != "rating_dissatisfied" {
		t.Errorf("activity with a negative rating: %v", err)
	}
	for s, ok := range map[Status]bool{Planned: false, Open: true, Closed: true, Approved: true, Cancelled: false} {
		if err := CanRate(s); (err == nil) != ok {
			t.Errorf("CanRate(%s) = %v, want allowed %v", s, err, ok)
		}
	}
}
