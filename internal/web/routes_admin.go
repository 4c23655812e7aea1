package web

// adminRoutes lists this area's routes: user and role administration, the user's own account
// page, and the audit log. The handlers live in admin_*.go, account_*.go and audit_*.go.
func (s *Server) adminRoutes() []route {
	return []route{
		{pattern: "GET /admin/users", access: user, h: s.adminUsers},
		{pattern: "GET /admin/users/new", access: user, h: s.adminUserNew},
		{pattern: "POST /admin/users", access: user, h: s.adminUserCreate},
		{pattern: "GET /admin/users/{id}", access: user, h: s.adminUserShow},
		{pattern: "POST /admin/users/{id}/roles", access: user, h: s.adminUserBind},
		{pattern: "POST /admin/users/{id}/roles/{binding}/delete", access: user, h: s.adminUserUnbind},
		{pattern: "POST /admin/users/{id}/password", access: user, h: s.adminUserPassword},
		{pattern: "POST /admin/users/{id}/active", access: user, h: s.adminUserActive},
		{pattern: "POST /admin/users/{id}/unlock", access: user, h: s.adminUserUnlock},

		{pattern: "GET /account", access: user, h: s.accountShow},
		{pattern: "POST /account/locale", access: user, h: s.accountLocale},
		{pattern: "POST /account/password", access: user, h: s.accountPassword},

		{pattern: "GET /audit", access: user, h: s.auditLog},

		{pattern: "GET /api/v1/users", access: user, api: true, h: s.apiUsers},
		{pattern: "GET /api/v1/users/{id}", access: user, api: true, h: s.apiUser},
		{pattern: "POST /api/v1/users", access: user, api: true, h: s.apiUserCreate},
		{pattern: "POST /api/v1/users/{id}/roles", access: user, api: true, h: s.apiUserBind},
		{pattern: "DELETE /api/v1/users/{id}/roles/{binding}", access: user, api: true, h: s.apiUserUnbind},
		{pattern: "GET /api/v1/audit", access: user, api: true, h: s.apiAudit},
	}
}
