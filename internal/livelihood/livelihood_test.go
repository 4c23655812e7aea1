package livelihood

import (
	"testing"

	"wuxing/internal/errs"
	"wuxing/internal/org"
)

func TestParseQuantity(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Quantity
		ok   bool
	}{
		{"3884", 388400, true}, {"40.5", 4050, true}, {"0.25", 25, true}, {" 11 ", 1100, true}, {"0", 0, true},
		{"-1", 0, false}, {"1.234", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1e3", 0, false}, {"", 0, false},
		{"１２", 0, false}, {"1,000", 0, false}, {"+3", 0, false}, {"99999999999", 0, false}, {"1000000001", 0, false},
	} {
		got, ok := ParseQuantity(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok {
			if back, _ := ParseQuantity(got.String()); back != got {
				t.Errorf("%q: String %q does not read back", c.in, got.String())
			}
		}
	}
	if s := Quantity(4050).String(); s != "40.5" {
		t.Errorf("String = %q", s)
	}
	if s := Quantity(-25).String(); s != "-0.25" {
		t.Errorf("String = %q", s)
	}
}

func TestPercentAndStatus(t *testing.T) {
	for _, c := range []struct {
		done, target Quantity
		closed       bool
		pct, bar     int
		st           Status
	}{
		{Units(3884), Units(2409), false, 161, 100, Completed},
		{Units(2409), Units(2409), false, 100, 100, Completed},
		{Units(2408), Units(2409), false, 99, 99, InProgress}, // 99.96%: not shown as 100
		{0, Units(11), false, 0, 0, Planned},
		{0, Units(11), true, 0, 0, Completed}, // closed by a manager
		{Units(5), Units(11), true, 45, 45, Completed},
		{4050, 4000, false, 101, 100, Completed},
		{Units(5), 0, false, 0, 0, InProgress},
	} {
		if got := Percent(c.done, c.target); got != c.pct {
			t.Errorf("Percent(%v, %v) = %d, want %d", c.done, c.target, got, c.pct)
		}
		if got := Bar(c.done, c.target); got != c.bar {
			t.Errorf("Bar(%v, %v) = %d, want %d", c.done, c.target, got, c.bar)
		}
		if got := StatusOf(c.done, c.target, c.closed); got != c.st {
			t.Errorf("StatusOf(%v, %v, %v) = %s, want %s", c.done, c.target, c.closed, got, c.st)
		}
	}
}

func fieldKeys(err error) map[string]string {
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = f.Key
	}
	return out
}

func TestValidateProject(t *testing.T) {
	good := func() *Project {
		return &Project{UnitID: 1, UnitPath: "/1/2/", UnitKind: org.Town, Title: "户厕改造", Category: Sanitation, Measure: "户",
			Target: Units(2409), Year: 2026, Deadline: "2026-12-31"}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good project: %v", err)
	}
	for name, c := range map[string]struct {
		change func(p *Project)
		field  string
	}{
		"ZeroTarget":      {func(p *Project) { p.Target = 0 }, "target"},
		"NegativeTarget":  {func(p *Project) { p.Target = -100 }, "target"},
		"NoTitle":         {func(p *Project) { p.Title = "  " }, "title"},
		"NoMeasure":       {func(p *Project) { p.Measure = "" }, "measure"},
		"BadCategory":     {func(p *Project) { p.Category = "x" }, "category"},
		"BadYear":         {func(p *Project) { p.Year = 1999 }, "year"},
		"BadDeadline":     {func(p *Project) { p.Deadline = "2026-13-01" }, "deadline"},
		"DeadlineTooSoon": {func(p *Project) { p.Deadline = "2025-12-31" }, "deadline"},
		"GridOwner":       {func(p *Project) { p.UnitKind = org.Grid }, "unit_id"},
		"UnknownUnit":     {func(p *Project) { p.UnitPath = "" }, "unit_id"},
	} {
		t.Run(name, func(t *testing.T) {
			p := good()
			c.change(p)
			err := p.Validate()
			if errs.Code(err) != errs.EINVALID {
				t.Fatalf("err = %v, want invalid", err)
			}
			if _, ok := fieldKeys(err)[c.field]; !ok {
				t.Errorf("no error on %s: %v", c.field, fieldKeys(err))
			}
		})
	}
}

func TestValidateReport(t *testing.T) {
	p := &Project{Target: Units(11), Year: 2026}
	today := "2026-06-30"
	ok := func() *Report { return &Report{Day: "2026-06-01", Quantity: Units(2), Note: "完成2个小区"} }
	if err := ValidateReport(p, ok(), today); err != nil {
		t.Fatalf("good report: %v", err)
	}
	for name, c := range map[string]struct {
		change     func(r *Report)
		correction bool
		field      string
	}{
		"Negative":         {func(r *Report) { r.Quantity = -100 }, false, "quantity"},
		"Zero":             {func(r *Report) { r.Quantity = 0 }, false, "quantity"},
		"NegativeCorrect":  {func(r *Report) { r.Quantity = -1 }, true, "quantity"},
		"Future":           {func(r *Report) { r.Day = "2026-07-01" }, false, "day"},
		"BeforeYear":       {func(r *Report) { r.Day = "2025-12-31" }, false, "day"},
		"BadDay":           {func(r *Report) { r.Day = "june" }, false, "day"},
		"CorrectionReason": {func(r *Report) { r.Note = "" }, true, "note"},
	} {
		t.Run(name, func(t *testing.T) {
			r := ok()
			c.change(r)
			var err error
			if c.correction {
				err = ValidateCorrection(p, r, today)
			} else {
				err = ValidateReport(p, r, today)
			}
			if _, ok := fieldKeys(err)[c.field]; !ok {
				t.Errorf("err = %v, want an error on %s", err, c.field)
			}
		})
	}
	zero := ok()
	zero.Quantity = 0
	if err := ValidateCorrection(p, zero, today); err != nil {
		t.Errorf("a correction to zero withdraws a report: %v", err)
	}
	closed := *p
	closed.Closed = true
	if err := ValidateReport(&closed, ok(), today); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Errorf("report on a closed project: %v", err)
	}
}

func TestDoneCountsReportsInForce(t *testing.T) {
	rs := []Report{{Quantity: Units(1000)}, {Quantity: Units(500), Superseded: true}, {Quantity: Units(400), Corrects: 2}, {Quantity: 50}}
	if got := Done(rs); got != Units(1400)+50 {
		t.Errorf("Done = %v", got)
	}
}

func TestMayLead(t *testing.T) {
	town, village, other := "/1/2/3/", "/1/2/3/9/", "/1/2/3/10/"
	if !MayLead(town, village) || !MayLead(village, village) || !MayLead(village+"44/", village) {
		t.Error("officials of the unit, above it and under it may lead")
	}
	if MayLead(other, village) || MayLead("", village) || MayLead(village, town+"x/") {
		t.Error("an official of another village may not")
	}
}
