package web

// opsRoutes lists this area's routes: the working-day calendar (public API and its admin page),
// case categories and their time limits, the notification inbox, and the units' group-robot
// webhooks. The handlers live in ops_*.go.
func (s *Server) opsRoutes() []route {
	return []route{
		// The official calendar is public data: anyone may ask for a working-day deadline.
		{pattern: "GET /api/v1/calendar/add-workdays", access: public, api: true, h: s.apiAddWorkdays},
		{pattern: "GET /api/v1/calendar/{year}", access: public, api: true, h: s.apiCalendarYear},
		{pattern: "GET /admin/calendar", access: user, h: s.opsCalendar},
		{pattern: "POST /admin/calendar", access: user, h: s.opsCalendarSave},

		{pattern: "GET /admin/categories", access: user, h: s.opsCategories},
		{pattern: "POST /admin/categories", access: user, h: s.opsCategoryCreate},
		{pattern: "GET /admin/categories/{category}", access: user, h: s.opsCategory},
		{pattern: "POST /admin/categories/{category}", access: user, h: s.opsCategoryUpdate},

		{pattern: "GET /inbox", access: user, h: s.opsInbox},
		{pattern: "POST /inbox/read-all", access: user, h: s.opsInboxReadAll},
		{pattern: "POST /inbox/{id}/read", access: user, h: s.opsInboxRead},
		{pattern: "GET /api/v1/notifications", access: user, api: true, h: s.apiNotifications},
		{pattern: "POST /api/v1/notifications/read-all", access: user, api: true, h: s.apiNotificationsReadAll},
		{pattern: "POST /api/v1/notifications/{id}/read", access: user, api: true, h: s.apiNotificationRead},

		{pattern: "GET /admin/webhooks", access: user, h: s.opsWebhooks},
		{pattern: "POST /admin/webhooks", access: user, h: s.opsWebhookCreate},
		{pattern: "POST /admin/webhooks/{id}/delete", access: user, h: s.opsWebhookDelete},
		{pattern: "POST /admin/webhooks/{id}/test", access: user, h: s.opsWebhookTest},
	}
}
