package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// treeChildLimit is how many children one open node lists; the rest are on its detail page.
const treeChildLimit = 200

// unitNode is one unit of the tree page with, when open, its children.
type unitNode struct {
	Unit     org.Unit
	Open     bool
	Children []unitNode
	More     int    // children not listed here
	Toggle   string // link that opens or closes this node
}

type unitTreeData struct {
	Q        string
	Kind     string
	Inactive bool
	Kinds    []org.Kind
	Search   bool // a search or a kind filter: a flat list instead of the tree
	Tree     []unitNode
	Results  []org.Unit
	Pager    Pager
}

// unitTree is the organization tree from the user's top units. Without JavaScript a node opens
// by a link (?open=ID) that renders the path down to it open, one level of children each.
func (s *Server) unitTree(w http.ResponseWriter, r *http.Request) {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	d := unitTreeData{Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Inactive: truthy(q.Get("inactive")), Kinds: org.Kinds}
	if d.Kind != "" && !org.Kind(d.Kind).Valid() {
		d.Kind = ""
	}
	if d.Q != "" || d.Kind != "" {
		d.Search = true
		d.Pager = pagerFrom(r)
		f := storage.UnitFilter{Query: d.Q, IncludeInactive: d.Inactive, Limit: d.Pager.Per, Offset: d.Pager.Offset()}
		if d.Kind != "" {
			f.Kinds = []org.Kind{org.Kind(d.Kind)}
		}
		us, total, err := s.db.Units(ctx, a, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Results, d.Pager.Total = us, total
		s.render(w, r, http.StatusOK, "units_tree", &Page{Title: "units.title", Data: d})
		return
	}
	tops, err := s.db.TopUnits(ctx, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The open node and its ancestors are open; an unknown or unseen id opens nothing.
	open := map[int64]bool{}
	if id, err := strconv.ParseInt(q.Get("open"), 10, 64); err == nil && id > 0 {
		if anc, err := s.db.Ancestors(ctx, a, id); err == nil {
			open[id] = true
			for _, u := range anc {
				open[u.ID] = true
			}
		}
	}
	link := func(openID, anchor int64) string {
		v := url.Values{}
		if d.Inactive {
			v.Set("inactive", "1")
		}
		if openID != 0 {
			v.Set("open", strconv.FormatInt(openID, 10))
		}
		s := "/units"
		if e := v.Encode(); e != "" {
			s += "?" + e
		}
		return s + "#u-" + strconv.FormatInt(anchor, 10)
	}
	var build func(u org.Unit, top bool) (unitNode, error)
	build = func(u org.Unit, top bool) (unitNode, error) {
		n := unitNode{Unit: u, Open: top || open[u.ID]}
		if u.Children == 0 {
			return n, nil
		}
		if !n.Open {
			n.Toggle = link(u.ID, u.ID)
			return n, nil
		}
		if !top {
			// Closing a node opens its parent instead.
			n.Toggle = link(u.ParentID, u.ID)
		}
		kids, total, err := s.db.Units(ctx, a, storage.UnitFilter{ParentID: u.ID, IncludeInactive: d.Inactive, Limit: treeChildLimit})
		if err != nil {
			return n, err
		}
		n.More = total - len(kids)
		for _, k := range kids {
			c, err := build(k, false)
			if err != nil {
				return n, err
			}
			n.Children = append(n.Children, c)
		}
		return n, nil
	}
	for _, u := range tops {
		if !u.Active && !d.Inactive {
			continue
		}
		n, err := build(u, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Tree = append(d.Tree, n)
	}
	s.render(w, r, http.StatusOK, "units_tree", &Page{Title: "units.title", Data: d})
}

// truthy reads a checkbox or flag value: "1", "true", "on", "yes".
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

// kindsParam reads kinds from a query (repeated or comma-separated); an unknown one is invalid.
func kindsParam(vs []string) ([]org.Kind, error) {
	var out []org.Kind
	for _, v := range vs {
		for _, k := range strings.Split(v, ",") {
			k = strings.TrimSpace(k)
			if k == "" {
				continue
			}
			if !org.Kind(k).Valid() {
				return nil, errs.Invalid(errs.Field("kind", "org.kind.invalid"))
			}
			out = append(out, org.Kind(k))
		}
	}
	return out, nil
}
