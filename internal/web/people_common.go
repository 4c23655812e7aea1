package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// pplChoice is one option of a select or one box of a checkbox group on the people, household
// and assignment pages.
type pplChoice struct {
	Value    string
	Key      string // catalogue key of the label, or
	Text     string // the label itself (names, addresses)
	Selected bool
}

// pplKeyChoices turns a list of codes into options labelled by catalogue keys prefix+code.
func pplKeyChoices[T ~string](codes []T, prefix string, selected ...string) []pplChoice {
	out := make([]pplChoice, len(codes))
	for i, c := range codes {
		out[i] = pplChoice{Value: string(c), Key: prefix + string(c), Selected: slices.Contains(selected, string(c))}
	}
	return out
}

// pplGenders are the values of a person's gender.
var pplGenders = []string{"M", "F"}

// pplToday is today's date in China, as the forms and the coverage check use it.
func (s *Server) pplToday() string { return s.clock.Now().In(cst).Format(people.DateLayout) }

// pplScope is the unit filter of the lists: where the user is (with the visible units above as
// links back up), and the units one level down to narrow to.
type pplScope struct {
	Current *org.Unit
	Trail   []org.Unit
	Options []pplChoice
}

// pplUnitScope builds the unit filter for unitID (0: the actor's top units). A unit out of the
// actor's scope is not found.
func (s *Server) pplUnitScope(r *http.Request, unitID int64) (*pplScope, error) {
	ctx, a := r.Context(), actor(r)
	sc := &pplScope{}
	if unitID == 0 {
		tops, err := s.db.TopUnits(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, u := range tops {
			sc.Options = append(sc.Options, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: u.Name})
		}
		return sc, nil
	}
	u, err := s.db.Unit(ctx, a, unitID)
	if err != nil {
		return nil, err
	}
	trail, err := s.db.Ancestors(ctx, a, unitID)
	if err != nil {
		return nil, err
	}
	kids, _, err := s.db.Units(ctx, a, storage.UnitFilter{ParentID: unitID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	sc.Current, sc.Trail = u, trail
	sc.Options = append(sc.Options, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: u.Name, Selected: true})
	for _, k := range kids {
		sc.Options = append(sc.Options, pplChoice{Value: strconv.FormatInt(k.ID, 10), Text: "└ " + k.Name})
	}
	return sc, nil
}

// pplUnitChoices lists the units at and under root (0: everything in scope) that records may be
// placed in, in tree order and indented, keeping only kinds (none: all kinds).
func (s *Server) pplUnitChoices(r *http.Request, root int64, selected int64, kinds ...org.Kind) ([]pplChoice, error) {
	ctx, a := r.Context(), actor(r)
	var us []org.Unit
	if root != 0 {
		u, err := s.db.Unit(ctx, a, root)
		if err != nil {
			return nil, err
		}
		us = append(us, *u)
	}
	below, _, err := s.db.Units(ctx, a, storage.UnitFilter{Under: root, Kinds: kinds, Limit: 1000})
	if err != nil {
		return nil, err
	}
	us = append(us, below...)
	if len(kinds) > 0 {
		us = slices.DeleteFunc(us, func(u org.Unit) bool { return !slices.Contains(kinds, u.Kind) })
	}
	// Codes extend their parent's, so code order is tree order.
	slices.SortFunc(us, func(x, y org.Unit) int { return strings.Compare(x.Code, y.Code) })
	top := 0
	for i, u := range us {
		if i == 0 || u.Depth < top {
			top = u.Depth
		}
	}
	out := make([]pplChoice, 0, len(us))
	seen := map[int64]bool{}
	for _, u := range us {
		if seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		out = append(out, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: strings.Repeat("　", max(u.Depth-top, 0)) + u.Name, Selected: u.ID == selected})
	}
	return out, nil
}

// pplID reads an optional id from a query or form; a malformed one is a field error.
func pplID(v url.Values, name string, fe *[]errs.FieldError) int64 {
	n, f := formInt(v, name)
	if f != nil {
		*fe = append(*fe, *f)
	}
	return n
}

// pplVersion reads the version a form or request was built from; a missing or malformed one
// can never match, so the store answers with a conflict.
func pplVersion(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// pplBool reads a yes/no filter: nil when absent.
func pplBool(s string) (*bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return nil, true
	case "1", "true", "yes", "on":
		b := true
		return &b, true
	case "0", "false", "no", "off":
		b := false
		return &b, true
	}
	return nil, false
}

// pplNeed refuses a page to a user whose roles do not carry perm anywhere.
func pplNeed(r *http.Request, perm authz.Perm) error {
	if !principal(r).Can(perm) {
		return errs.Forbidden()
	}
	return nil
}

// pplKeepMasked keeps the stored number when a form sends back the masked form it was shown.
func pplKeepMasked(sent, stored, shown string) string {
	if sent != "" && sent == shown && shown != stored {
		return stored
	}
	return sent
}
