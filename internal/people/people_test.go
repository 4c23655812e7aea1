package people

import (
	"testing"
	"time"

	"wuxing/internal/errs"
)

var today = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// idFor builds a valid ID number for a birth date.
func idFor(birth string) string {
	s := "410902" + birth[0:4] + birth[5:7] + birth[8:10] + "123"
	return s + string(IDCheckDigit(s))
}

func TestIDNumber(t *testing.T) {
	// The standard's published example.
	if !ValidIDNumber("11010519491231002X") {
		t.Fatal("GB 11643 example refused")
	}
	if ValidIDNumber("110105194912310021") {
		t.Fatal("wrong check digit accepted")
	}
	if ValidIDNumber("110105194902300028") {
		t.Fatal("30 February accepted")
	}
	if ValidIDNumber("1101051949123100") {
		t.Fatal("short number accepted")
	}
}

func TestPhone(t *testing.T) {
	for in, ok := range map[string]bool{"13812341234": true, "+86 138 1234 1234": true, "0393-8881234": true, "12345": false, "23812341234": false} {
		if got := ValidPhone(NormalizePhone(in)); got != ok {
			t.Errorf("%q: %v", in, got)
		}
	}
}

func fieldsOf(err error) map[string]string {
	m := map[string]string{}
	for _, f := range errs.As(err).Fields {
		m[f.Field] = f.Key
	}
	return m
}

func TestPersonValidate(t *testing.T) {
	ok := func() *Person {
		return &Person{Name: " 王建国 ", Gender: "M", BirthDate: "1970-05-01", Phone: "138 0000 0001", IDNumber: idFor("1970-05-01"),
			PartyMember: true, JoinedPartyOn: "1995-07-01", Categories: []Category{Cadre, Volunteer, Cadre}}
	}
	t.Run("OK", func(t *testing.T) {
		p := ok()
		if err := p.Validate(today); err != nil {
			t.Fatal(err)
		}
		if p.Name != "王建国" || p.Phone != "13800000001" || len(p.Categories) != 2 {
			t.Fatalf("not normalized: %+v", p)
		}
	})
	cases := map[string]struct {
		edit  func(*Person)
		field string
		key   string
	}{
		"NameRequired":      {func(p *Person) { p.Name = "" }, "name", "validation.required"},
		"FutureBirth":       {func(p *Person) { p.BirthDate = "2027-01-01"; p.IDNumber = "" }, "birth_date", "validation.date_range"},
		"BadDate":           {func(p *Person) { p.BirthDate = "1970-13-01"; p.IDNumber = "" }, "birth_date", "validation.date"},
		"IDBirthMismatch":   {func(p *Person) { p.IDNumber = idFor("1971-05-01") }, "id_number", "people.id_number.birth_mismatch"},
		"BadPhone":          {func(p *Person) { p.Phone = "12345" }, "phone", "people.phone.invalid"},
		"JoinedNotMember":   {func(p *Person) { p.PartyMember = false }, "joined_party_on", "people.joined.not_member"},
		"JoinedBefore18":    {func(p *Person) { p.JoinedPartyOn = "1980-01-01" }, "joined_party_on", "people.joined.range"},
		"UnknownCategory":   {func(p *Person) { p.Categories = []Category{"astronaut"} }, "categories", "people.category.invalid"},
		"HouseholdRelation": {func(p *Person) { p.HouseholdID = 3; p.Relation = "boss" }, "relation", "people.relation.invalid"},
		"Gender":            {func(p *Person) { p.Gender = "X" }, "gender", "people.gender.invalid"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := ok()
			c.edit(p)
			if got := fieldsOf(p.Validate(today))[c.field]; got != c.key {
				t.Fatalf("field %s: got %q, want %q", c.field, got, c.key)
			}
		})
	}
}

func TestAssignmentValidate(t *testing.T) {
	a := &Assignment{Kind: MemberContact, PersonID: 1, MemberID: 1, StartsOn: "2026-01-01"}
	if fieldsOf(a.Validate())["member_id"] != "assignment.self" {
		t.Fatal("self contact accepted")
	}
	a = &Assignment{Kind: HouseholdLink, PersonID: 1, HouseholdID: 2, MemberID: 9, StartsOn: "2026-01-01", EndsOn: "2025-12-31"}
	if fieldsOf(a.Validate())["ends_on"] != "assignment.ends_before_start" {
		t.Fatal("end before start accepted")
	}
	a.EndsOn = ""
	if err := a.Validate(); err != nil || a.MemberID != 0 {
		t.Fatalf("household link: %v, member %d", err, a.MemberID)
	}
	if !a.Current(today) {
		t.Fatal("open assignment not current")
	}
	a.EndsOn = "2026-02-28"
	if a.Current(today) {
		t.Fatal("ended assignment current")
	}
}

func TestCoverage(t *testing.T) {
	hs := []Household{{ID: 1}, {ID: 2}, {ID: 3}}
	ms := []Person{{ID: 10}, {ID: 11}}
	c := ComputeCoverage(hs, ms, map[int64]bool{1: true, 3: true}, map[int64]bool{10: true, 11: true})
	if c.Complete() || c.LinkedHouseholds != 2 || len(c.UnlinkedHouseholds) != 1 || c.UnlinkedHouseholds[0].ID != 2 {
		t.Fatalf("%+v", c)
	}
	if len(c.UncontactedMembers) != 0 || c.ContactedMembers != 2 {
		t.Fatalf("%+v", c)
	}
}
