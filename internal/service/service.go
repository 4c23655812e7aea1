// Package service holds the rules of volunteer service (志愿服务): teams and party vanguard
// service teams, volunteers and their categories, projects, activities with check-in by code,
// hours and their approval, corrections and numbered certificates. Plain Go, no I/O.
//
// Hours are kept as centihours (hours × 100) so sums are exact; the approved-hours ledger is the
// only place a total comes from. As the national rules on service records have it: who
// organizes records, who records certifies; a volunteer may ask for a correction.
package service

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/fixed"
)

// DateLayout is how days are written.
const DateLayout = "2006-01-02"

var cst = time.FixedZone("CST", 8*3600)

// Today is today's day in China, the day activities are dated in.
func Today(now time.Time) string { return now.In(cst).Format(DateLayout) }

// DayOf is the China-time day of t.
func DayOf(t time.Time) string { return t.In(cst).Format(DateLayout) }

// TeamKind tells a volunteer team from a party vanguard service team.
type TeamKind string

// Team kinds.
const (
	VolunteerTeam TeamKind = "volunteer" // 志愿服务队
	VanguardTeam  TeamKind = "vanguard"  // 党员先锋服务队
)

// TeamKinds lists the kinds.
var TeamKinds = []TeamKind{VolunteerTeam, VanguardTeam}

// Valid reports whether k is a known kind.
func (k TeamKind) Valid() bool { return slices.Contains(TeamKinds, k) }

// Category is a volunteer's category; a volunteer may have several.
type Category string

// Volunteer categories.
const (
	PartyMember Category = "party_member" // 党员志愿者
	Cadre       Category = "cadre"        // 机关干部
	Youth       Category = "youth"        // 青年志愿者
	Women       Category = "women"        // 巾帼志愿者
	Veteran     Category = "veteran"      // 退役军人
	Resident    Category = "resident"     // 社区居民
	Student     Category = "student"      // 学生
	Elder       Category = "elder"        // 银龄志愿者
)

// Categories lists the categories.
var Categories = []Category{PartyMember, Cadre, Youth, Women, Veteran, Resident, Student, Elder}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Team is a service team of a unit.
type Team struct {
	ID             int64
	UnitID         int64
	Kind           TeamKind
	Name           string
	LeaderPersonID int64
	Description    string
	Active         bool
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Filled by reads.
	UnitPath   string
	UnitName   string
	LeaderName string
	Members    int
}

func textField(fe *[]errs.FieldError, name, v string, required bool, maxLen int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		*fe = append(*fe, errs.Field(name, "validation.required"))
	case utf8.RuneCountInString(v) > maxLen:
		*fe = append(*fe, errs.Field(name, "validation.too_long", maxLen))
	}
	return v
}

// Validate checks a team before it is saved.
func (t *Team) Validate() error {
	var fe []errs.FieldError
	t.Name = textField(&fe, "name", t.Name, true, 100)
	t.Description = textField(&fe, "description", t.Description, false, 2000)
	if !t.Kind.Valid() {
		fe = append(fe, errs.Field("kind", "service.team.kind.invalid"))
	}
	if t.UnitID == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	}
	return errs.FieldsOf(fe)
}

// Member is a person in a team.
type Member struct {
	TeamID     int64
	PersonID   int64
	Role       string // "member" or "leader"
	JoinedOn   string
	PersonName string
	UnitName   string
	UnitPath   string
}

// Volunteer is a person on the volunteers' register.
type Volunteer struct {
	ID           int64
	PersonID     int64
	UnitID       int64
	Categories   []Category
	RegisteredOn string
	Active       bool
	Version      int64
	// Filled by reads.
	PersonName string
	Phone      string // the person's; shown masked unless the reader may see phones
	UnitPath   string
	UnitName   string
}

// Validate checks a volunteer's register entry.
func (v *Volunteer) Validate() error {
	var fe []errs.FieldError
	if v.PersonID == 0 {
		fe = append(fe, errs.Field("person_id", "validation.required"))
	}
	seen := map[Category]bool{}
	var cats []Category
	for _, c := range v.Categories {
		if !c.Valid() {
			fe = append(fe, errs.Field("categories", "service.volunteer.category.invalid"))
			break
		}
		if !seen[c] {
			seen[c] = true
			cats = append(cats, c)
		}
	}
	v.Categories = cats
	if v.RegisteredOn != "" && !ValidDate(v.RegisteredOn) {
		fe = append(fe, errs.Field("registered_on", "validation.date"))
	}
	return errs.FieldsOf(fe)
}

// Project is what a team offers, and for whom.
type Project struct {
	ID          int64
	TeamID      int64
	Name        string
	Beneficiary string // for whom: 独居老人, 留守儿童…
	Description string
	Active      bool
	Version     int64
	// Filled by reads.
	TeamName string
	UnitPath string
}

// Validate checks a project.
func (p *Project) Validate() error {
	var fe []errs.FieldError
	p.Name = textField(&fe, "name", p.Name, true, 100)
	p.Beneficiary = textField(&fe, "beneficiary", p.Beneficiary, false, 100)
	p.Description = textField(&fe, "description", p.Description, false, 2000)
	if p.TeamID == 0 {
		fe = append(fe, errs.Field("team_id", "validation.required"))
	}
	return errs.FieldsOf(fe)
}

// ValidDate reports whether s is a YYYY-MM-DD day.
func ValidDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

var clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// ValidClock reports whether s is an HH:MM time of day.
func ValidClock(s string) bool { return clockRE.MatchString(s) }

// Year and quarter of a day.
func YearQuarter(day string) (int, int) {
	d, err := time.Parse(DateLayout, day)
	if err != nil {
		return 0, 0
	}
	return d.Year(), (int(d.Month())-1)/3 + 1
}

// MaxDay is the most hours one person can serve in one day.
const MaxDay = 2400

// ParseHours reads decimal hours ("2", "2.5", "1.25") into centihours. Negative, over 24 or
// finer than a hundredth of an hour is an error.
func ParseHours(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errs.New(errs.EINVALID, "service.hours.required")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errs.New(errs.EINVALID, "service.hours.malformed")
	}
	if f < 0 {
		return 0, errs.New(errs.EINVALID, "service.hours.negative")
	}
	if f > 24 {
		return 0, errs.New(errs.EINVALID, "service.hours.over_day")
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 {
		return 0, errs.New(errs.EINVALID, "service.hours.precision")
	}
	return int(math.Round(f * 100)), nil
}

// FormatHours writes centihours as decimal hours: 250 → "2.5", 1234 → "12.34", -50 → "-0.5".
func FormatHours(c int) string { return fixed.Format(int64(c)) }

// HoursBetween is the service time from check-in to check-out in centihours, to the nearest
// hundredth of an hour. Check-out before check-in, or more than a day, is an error.
func HoursBetween(in, out time.Time) (int, error) {
	if in.IsZero() || out.IsZero() {
		return 0, errs.New(errs.EINVALID, "service.checkout.no_checkin")
	}
	if out.Before(in) {
		return 0, errs.New(errs.EINVALID, "service.checkout.before_checkin")
	}
	d := out.Sub(in)
	if d > 24*time.Hour {
		return 0, errs.New(errs.EINVALID, "service.hours.over_day")
	}
	return int(math.Round(d.Hours() * 100)), nil
}

// CheckDay refuses hours that would make one person's day longer than 24 hours: others is what
// they already have that day elsewhere.
func CheckDay(others, add int) error {
	if add < 0 {
		return errs.New(errs.EINVALID, "service.hours.negative")
	}
	if others+add > MaxDay {
		return errs.New(errs.EINVALID, "service.hours.day_total", FormatHours(others))
	}
	return nil
}
