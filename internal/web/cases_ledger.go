package web

import (
	"net/http"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/xlsx"
)

// caseLedger is GET /export/cases.xlsx: the case ledger (台账) with the case list's filters
// (including view=claim|mine|inbox), within the user's export scope, phones masked as on screen
// and text escaped against formula injection.
func (s *Server) caseLedger(w http.ResponseWriter, r *http.Request) {
	pp := principal(r)
	if !pp.Can(authz.ExportData) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	f, err := caseFilterFrom(r.URL.Query(), "")
	if err == nil {
		err = s.caseCheckUnit(r, f.UnitID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	spec := xlsx.CaseLedgerSpec{Filter: f, Now: s.clock.Now(),
		Phone: func(phone, unitPath string) string { return phoneFor(pp, phone, unitPath) }}
	x, err := xlsx.NewCaseLedger(r.Context(), s.db, actor(r), spec, pr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer x.Close()
	s.log.Info("export", "kind", "cases", "rows", x.Rows)
	day := s.clock.Now().In(cst).Format("20060102")
	dataDownloadHeaders(w, "cases-"+day+".xlsx", pr.T("cases.web.ledger.sheet")+"_"+day+".xlsx")
	if _, err := x.WriteTo(w); err != nil {
		// The download has begun; all that is left is to note it.
		s.log.Error("export write", "kind", "cases", "err", err)
	}
}
