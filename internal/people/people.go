// Package people holds the rules for people, households and assignments (包联): who they are,
// what makes a record valid, and the full-coverage check. No I/O.
package people

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// DateLayout is how dates are written in storage, forms and spreadsheets.
const DateLayout = "2006-01-02"

// Category marks what a person is in the town's work; a person may have several.
type Category string

// The categories from DOMAIN.md.
const (
	Cadre      Category = "cadre"
	GridWorker Category = "grid_worker"
	Volunteer  Category = "volunteer"
	Deputy     Category = "deputy" // deputy to a people's congress
	CPPCC      Category = "cppcc"  // member of a CPPCC committee
	Resident   Category = "resident"
)

// Categories lists every category.
var Categories = []Category{Cadre, GridWorker, Volunteer, Deputy, CPPCC, Resident}

// Relation is a household member's relation to the head.
type Relation string

// Relations to the head of household.
var Relations = []Relation{"head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "in_law", "other"}

// Person is someone the town works with: resident, party member, cadre, volunteer.
type Person struct {
	ID            int64
	UnitID        int64 // the lowest unit the person belongs to
	HouseholdID   int64 // 0 when not in a registered household
	Relation      Relation
	Name          string
	Gender        string // "M" or "F"
	BirthDate     string // YYYY-MM-DD, may be empty
	Phone         string
	IDNumber      string
	PartyMember   bool
	JoinedPartyOn string // YYYY-MM-DD
	Categories    []Category
	Active        bool
	Version       int64
	UpdatedAt     time.Time
	// Filled by reads.
	UnitName  string
	UnitPath  string
	Household string // the household's address
}

// Has reports whether p is in category c.
func (p *Person) Has(c Category) bool { return slices.Contains(p.Categories, c) }

var phoneRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
var landlineRE = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)

// ValidPhone reports whether s is a mainland mobile number or a landline with area code.
func ValidPhone(s string) bool { return phoneRE.MatchString(s) || landlineRE.MatchString(s) }

// NormalizePhone strips spaces, dashes inside mobile numbers and a +86 prefix.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "+86")
	s = strings.ReplaceAll(s, " ", "")
	if m := strings.ReplaceAll(s, "-", ""); phoneRE.MatchString(m) {
		return m
	}
	return s
}

// idWeights and idCheck implement the GB 11643-1999 check digit of a citizen ID number.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// IDCheckDigit returns the check character for the first 17 digits of an ID number.
func IDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}

// ValidIDNumber reports whether s is an 18-character citizen ID number with a correct check
// digit and a real birth date.
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	if _, err := time.Parse("20060102", s[6:14]); err != nil {
		return false
	}
	return strings.ToUpper(s[17:]) == string(IDCheckDigit(s))
}

// ParseDate parses a YYYY-MM-DD date; the empty string is the zero time and no error.
func ParseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(DateLayout, s)
}

// Validate checks and normalizes a person; today bounds dates that cannot lie in the future.
func (p *Person) Validate(today time.Time) error {
	var fe []errs.FieldError
	p.Name = strings.TrimSpace(p.Name)
	p.Phone = NormalizePhone(p.Phone)
	p.IDNumber = strings.ToUpper(strings.TrimSpace(p.IDNumber))
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		fe = append(fe, errs.Field("name", "validation.required"))
	case n > 40:
		fe = append(fe, errs.Field("name", "validation.too_long", 40))
	}
	if p.Gender != "M" && p.Gender != "F" {
		fe = append(fe, errs.Field("gender", "people.gender.invalid"))
	}
	birth, err := ParseDate(p.BirthDate)
	if err != nil {
		fe = append(fe, errs.Field("birth_date", "validation.date"))
	} else if !birth.IsZero() && (birth.After(today) || birth.Year() < 1900) {
		fe = append(fe, errs.Field("birth_date", "validation.date_range"))
	}
	if p.Phone != "" && !ValidPhone(p.Phone) {
		fe = append(fe, errs.Field("phone", "people.phone.invalid"))
	}
	if p.IDNumber != "" {
		if !ValidIDNumber(p.IDNumber) {
			fe = append(fe, errs.Field("id_number", "people.id_number.invalid"))
		} else if !birth.IsZero() && p.IDNumber[6:14] != birth.Format("20060102") {
			fe = append(fe, errs.Field("id_number", "people.id_number.birth_mismatch"))
		}
	}
	joined, err := ParseDate(p.JoinedPartyOn)
	switch {
	case err != nil:
		fe = append(fe, errs.Field("joined_party_on", "validation.date"))
	case !joined.IsZero() && !p.PartyMember:
		fe = append(fe, errs.Field("joined_party_on", "people.joined.not_member"))
	case !joined.IsZero() && (joined.After(today) || (!birth.IsZero() && joined.Before(birth.AddDate(18, 0, 0)))):
		fe = append(fe, errs.Field("joined_party_on", "people.joined.range"))
	}
	for _, c := range p.Categories {
		if !slices.Contains(Categories, c) {
			fe = append(fe, errs.Field("categories", "people.category.invalid"))
			break
		}
	}
	if p.HouseholdID != 0 && !slices.Contains(Relations, p.Relation) {
		fe = append(fe, errs.Field("relation", "people.relation.invalid"))
	}
	if p.HouseholdID == 0 {
		p.Relation = ""
	}
	slices.Sort(p.Categories)
	p.Categories = slices.Compact(p.Categories)
	return errs.FieldsOf(fe)
}

// Household is a registered household (户) in a grid or building.
type Household struct {
	ID         int64
	UnitID     int64 // grid or building
	CompoundID int64 // 0 when not in a compound
	Address    string
	Active     bool
	Version    int64
	// Filled by reads.
	UnitName string
	HeadName string
	Members  []Person
	Size     int
}

// Validate checks a household.
func (h *Household) Validate() error {
	h.Address = strings.TrimSpace(h.Address)
	switch n := utf8.RuneCountInString(h.Address); {
	case n == 0:
		return errs.Invalid(errs.Field("address", "validation.required"))
	case n > 200:
		return errs.Invalid(errs.Field("address", "validation.too_long", 200))
	}
	return nil
}
