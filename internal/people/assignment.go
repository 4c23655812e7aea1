package people

import (
	"slices"
	"time"

	"wuxing/internal/errs"
)

// AssignmentKind is a kind of 包联 link between a person and a place or other people.
type AssignmentKind string

// The four kinds of assignment from DOMAIN.md.
const (
	FirstSecretary AssignmentKind = "first_secretary" // cadre → village/community, visits weekly
	AreaLead       AssignmentKind = "area_lead"       // cadre → part of a town
	HouseholdLink  AssignmentKind = "household_link"  // party member → household
	MemberContact  AssignmentKind = "member_contact"  // village cadre → party member
)

// AssignmentKinds lists every kind.
var AssignmentKinds = []AssignmentKind{FirstSecretary, AreaLead, HouseholdLink, MemberContact}

// Assignment links a responsible person to a unit, a household or another person, for a time.
type Assignment struct {
	ID          int64
	Kind        AssignmentKind
	PersonID    int64 // who is responsible
	UnitID      int64 // where it applies: the unit itself, or the household's / member's unit
	HouseholdID int64 // household_link only
	MemberID    int64 // member_contact only
	StartsOn    string
	EndsOn      string // empty while it runs
	Note        string
	Version     int64
	// Filled by reads.
	PersonName string
	UnitName   string
	TargetName string // household address or member name
}

// Current reports whether the assignment is in force on day.
func (a *Assignment) Current(day time.Time) bool {
	d := day.Format(DateLayout)
	return a.StartsOn <= d && (a.EndsOn == "" || a.EndsOn >= d)
}

// Validate checks an assignment's shape: the target fits its kind and the dates are in order.
// The storage layer checks the records it names exist, are in scope, and fit (a member link
// must name a party member).
func (a *Assignment) Validate() error {
	var fe []errs.FieldError
	if !slices.Contains(AssignmentKinds, a.Kind) {
		fe = append(fe, errs.Field("kind", "assignment.kind.invalid"))
	}
	if a.PersonID == 0 {
		fe = append(fe, errs.Field("person_id", "validation.required"))
	}
	switch a.Kind {
	case FirstSecretary, AreaLead:
		if a.UnitID == 0 {
			fe = append(fe, errs.Field("unit_id", "validation.required"))
		}
		a.HouseholdID, a.MemberID = 0, 0
	case HouseholdLink:
		if a.HouseholdID == 0 {
			fe = append(fe, errs.Field("household_id", "validation.required"))
		}
		a.MemberID = 0
	case MemberContact:
		if a.MemberID == 0 {
			fe = append(fe, errs.Field("member_id", "validation.required"))
		} else if a.MemberID == a.PersonID {
			fe = append(fe, errs.Field("member_id", "assignment.self"))
		}
		a.HouseholdID = 0
	}
	start, err := ParseDate(a.StartsOn)
	if err != nil || start.IsZero() {
		fe = append(fe, errs.Field("starts_on", "validation.date"))
	}
	end, err := ParseDate(a.EndsOn)
	if err != nil {
		fe = append(fe, errs.Field("ends_on", "validation.date"))
	} else if !end.IsZero() && end.Before(start) {
		fe = append(fe, errs.Field("ends_on", "assignment.ends_before_start"))
	}
	return errs.FieldsOf(fe)
}

// Coverage is the full-coverage check (三联五帮) of one village or community: every household
// has a linked party member and every party member has a contact cadre.
type Coverage struct {
	Households         int
	LinkedHouseholds   int
	Members            int
	ContactedMembers   int
	UnlinkedHouseholds []Household
	UncontactedMembers []Person
}

// Complete reports whether the unit has full coverage.
func (c Coverage) Complete() bool {
	return len(c.UnlinkedHouseholds) == 0 && len(c.UncontactedMembers) == 0
}

// ComputeCoverage works out coverage from a unit's active households and party members and the
// assignments in force: linked holds the household ids with a current household link, contacted
// the member ids with a current member contact.
func ComputeCoverage(households []Household, members []Person, linked, contacted map[int64]bool) Coverage {
	c := Coverage{Households: len(households), Members: len(members)}
	for _, h := range households {
		if linked[h.ID] {
			c.LinkedHouseholds++
		} else {
			c.UnlinkedHouseholds = append(c.UnlinkedHouseholds, h)
		}
	}
	for _, m := range members {
		if contacted[m.ID] {
			c.ContactedMembers++
		} else {
			c.UncontactedMembers = append(c.UncontactedMembers, m)
		}
	}
	return c
}
