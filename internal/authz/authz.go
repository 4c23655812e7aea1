// Package authz decides who may do what where: roles, the permissions each role carries, and the
// data scope a user's role bindings give for a permission. Every binding reaches its unit's whole
// subtree and nothing else; no binding means no access (deny by default). No I/O.
package authz

import (
	"slices"

	"wuxing/internal/org"
)

// Role is a role from DOMAIN.md, plus admin for the platform's administrators.
type Role string

// The roles.
const (
	Admin           Role = "admin"
	CountyAdmin     Role = "county_admin"
	TownAdmin       Role = "town_admin"
	Department      Role = "department"
	BranchSecretary Role = "branch_secretary"
	GridWorker      Role = "grid_worker"
	Member          Role = "member"
	Assessor        Role = "assessor"
)

// Roles lists every role, highest first.
var Roles = []Role{Admin, CountyAdmin, TownAdmin, Department, BranchSecretary, GridWorker, Member, Assessor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Perm is a permission.
type Perm string

// The permissions.
const (
	ViewUnits   Perm = "units.view"
	EditUnits   Perm = "units.edit"
	ViewPeople  Perm = "people.view"
	EditPeople  Perm = "people.edit"
	SeePhone    Perm = "people.phone"     // phone numbers unmasked
	SeeIDNumber Perm = "people.id_number" // ID numbers unmasked
	EditAssign  Perm = "assignments.edit"
	ManageUsers Perm = "users.manage"
	ViewAudit   Perm = "audit.view"
	ImportData  Perm = "data.import"
	ExportData  Perm = "data.export"

	ViewCases      Perm = "cases.view"
	ReportCases    Perm = "cases.report"    // enter a case for a resident or from an inspection
	ManageCases    Perm = "cases.manage"    // accept, dispatch, escalate, check, close, urge
	HandleCases    Perm = "cases.handle"    // work cases handed to one's department
	ClaimCases     Perm = "cases.claim"     // claim cases from the unit's board
	ConfigureCases Perm = "cases.configure" // categories and time limits, calendar, figure weights
	RunCampaigns   Perm = "campaigns.run"   // inspection campaigns, circulars, commendations

	ViewService      Perm = "service.view"      // volunteer teams, activities, hours, compliance
	ManageService    Perm = "service.manage"    // teams, projects, activities; approve hours; certificates
	JoinService      Perm = "service.join"      // check in and out of activities, ask for corrections
	ConfigureService Perm = "service.configure" // the town's rules: themed Thursdays, quotas

	ViewLivelihood   Perm = "livelihood.view"   // livelihood projects (民生实事) and their progress
	ManageLivelihood Perm = "livelihood.manage" // create projects, claim them as a leader, report progress

	ViewPoints      Perm = "points.view"      // points ledgers and the horse race
	EnterPoints     Perm = "points.enter"     // enter points with evidence
	ApprovePoints   Perm = "points.approve"   // approve another's entries; grade the X
	ConfigurePoints Perm = "points.configure" // rule catalogues, automatic entries, grading ratios

	ViewEvaluations Perm = "evaluation.view"   // rounds, results, the satisfaction list
	RunEvaluations  Perm = "evaluation.run"    // open and close rounds, issue ballots
	EnterTallies    Perm = "evaluation.tally"  // enter and confirm a meeting's tallies
	RecordTalks     Perm = "evaluation.talks"  // the admonitory-talk list and its records
	ReviewMembers   Perm = "evaluation.review" // the party's annual review of members
)

var grants = map[Role][]Perm{
	Admin: {ViewUnits, EditUnits, ViewPeople, EditPeople, SeePhone, SeeIDNumber, EditAssign, ManageUsers, ViewAudit, ImportData, ExportData,
		ViewCases, ReportCases, ManageCases, ConfigureCases, RunCampaigns,
		ViewService, ManageService, ConfigureService, ViewLivelihood, ManageLivelihood,
		ViewPoints, EnterPoints, ApprovePoints, ConfigurePoints,
		ViewEvaluations, RunEvaluations, EnterTallies, RecordTalks, ReviewMembers},
	CountyAdmin: {ViewUnits, EditUnits, ViewPeople, EditPeople, EditAssign, ManageUsers, ViewAudit, ImportData, ExportData,
		ViewCases, ConfigureCases, RunCampaigns,
		ViewService, ConfigureService, ViewLivelihood, ManageLivelihood,
		ViewPoints, ApprovePoints, ConfigurePoints,
		ViewEvaluations, RunEvaluations, RecordTalks},
	TownAdmin: {ViewUnits, EditUnits, ViewPeople, EditPeople, SeePhone, EditAssign, ManageUsers, ViewAudit, ImportData, ExportData,
		ViewCases, ReportCases, ManageCases, ConfigureCases, RunCampaigns,
		ViewService, ManageService, JoinService, ConfigureService, ViewLivelihood, ManageLivelihood,
		ViewPoints, EnterPoints, ApprovePoints, ConfigurePoints,
		ViewEvaluations, RunEvaluations, EnterTallies, RecordTalks, ReviewMembers},
	Department: {ViewUnits, ViewCases, HandleCases, ViewLivelihood},
	BranchSecretary: {ViewUnits, ViewPeople, EditPeople, SeePhone, SeeIDNumber, EditAssign, ImportData, ExportData, ViewCases, ReportCases, ManageCases, ClaimCases,
		ViewService, ManageService, JoinService, ViewLivelihood, ManageLivelihood,
		ViewPoints, EnterPoints, ApprovePoints,
		ViewEvaluations, EnterTallies, ReviewMembers},
	GridWorker: {ViewUnits, ViewPeople, EditPeople, SeePhone, ViewCases, ReportCases, ClaimCases,
		ViewService, JoinService, ViewLivelihood, ViewPoints},
	Member:   {ViewUnits, ViewCases, ClaimCases, ViewService, JoinService, ViewLivelihood, ViewPoints},
	Assessor: {ViewUnits},
}

// Has reports whether role r carries permission p.
func (r Role) Has(p Perm) bool { return slices.Contains(grants[r], p) }

// CanGrant reports whether a holder of role r may bind role other to a user (within r's own
// scope): administrators grant anything, county administrators anything but admin, town
// administrators the roles below the town.
func (r Role) CanGrant(other Role) bool {
	switch r {
	case Admin:
		return other.Valid()
	case CountyAdmin:
		return other.Valid() && other != Admin
	case TownAdmin:
		return other.Valid() && other != Admin && other != CountyAdmin && other != TownAdmin
	}
	return false
}

// Binding is one role bound to one unit.
type Binding struct {
	ID       int64
	Role     Role
	UnitID   int64
	UnitPath string
	UnitName string
}

// Principal is an authenticated user and their bindings.
type Principal struct {
	UserID   int64
	Username string
	PersonID int64
	Bindings []Binding
	// System marks the platform itself (command line, demo loader, jobs): unscoped.
	System bool
}

// SystemPrincipal is the principal for work the platform does on its own behalf.
var SystemPrincipal = &Principal{Username: "system", System: true}

// Scope is the set of subtrees a principal may reach for one permission.
type Scope struct {
	All   bool     // system work only
	Paths []string // subtree roots; none means nothing
}

// Scope returns the subtrees where p holds perm, with nested ones folded into their ancestor.
func (p *Principal) Scope(perm Perm) Scope {
	if p == nil {
		return Scope{}
	}
	if p.System {
		return Scope{All: true}
	}
	var paths []string
	for _, b := range p.Bindings {
		if b.Role.Has(perm) && b.UnitPath != "" {
			paths = append(paths, b.UnitPath)
		}
	}
	slices.Sort(paths)
	var out []string
	for _, x := range paths {
		if len(out) > 0 && org.Within(x, out[len(out)-1]) {
			continue
		}
		out = append(out, x)
	}
	return Scope{Paths: out}
}

// Can reports whether p holds perm anywhere.
func (p *Principal) Can(perm Perm) bool {
	s := p.Scope(perm)
	return s.All || len(s.Paths) > 0
}

// CanAt reports whether p holds perm over the unit with the given path.
func (p *Principal) CanAt(perm Perm, unitPath string) bool { return p.Scope(perm).Contains(unitPath) }

// Empty reports whether the scope reaches nothing.
func (s Scope) Empty() bool { return !s.All && len(s.Paths) == 0 }

// Contains reports whether the unit with path lies in the scope.
func (s Scope) Contains(path string) bool {
	if s.All {
		return true
	}
	for _, p := range s.Paths {
		if org.Within(path, p) {
			return true
		}
	}
	return false
}

// CanGrantAt reports whether p may bind role r at the unit with path: some binding of p that
// manages users covers the unit and may grant r.
func (p *Principal) CanGrantAt(r Role, path string) bool {
	if p.System {
		return r.Valid()
	}
	for _, b := range p.Bindings {
		if b.Role.Has(ManageUsers) && org.Within(path, b.UnitPath) && b.Role.CanGrant(r) {
			return true
		}
	}
	return false
}

// Roles returns the distinct roles p holds.
func (p *Principal) Roles() []Role {
	var rs []Role
	for _, b := range p.Bindings {
		if !slices.Contains(rs, b.Role) {
			rs = append(rs, b.Role)
		}
	}
	return rs
}
