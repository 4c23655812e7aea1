package web

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/privacy"
	"wuxing/internal/ratelimit"
)

// publicMessageData is a short page for residents: a heading and a sentence, with no link into
// the officials' side.
type publicMessageData struct {
	Heading string // catalogue key
	Message string // translated
}

// publicReportable reports whether residents report to units of kind k: villages, communities
// and their grids.
func publicReportable(k org.Kind) bool {
	return k == org.Village || k == org.Community || k == org.Grid
}

// publicRateKey is the rate-limit key of a client address: the address itself, or for IPv6 its
// /64 network, which one household or phone usually holds whole.
func publicRateKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}

// publicAllow checks l for the request's client address, taking a token when take is set (a
// lookup), or only looking (a report, charged once filed: see publicCharge). When there is
// none it answers 429 with a clear message (a page, or JSON on the API) and returns false.
func (s *Server) publicAllow(w http.ResponseWriter, r *http.Request, l *ratelimit.Limiter, take bool) bool {
	ok, wait := l.Peek(publicRateKey(ctxOf(r).ip))
	if take {
		ok, wait = l.Allow(publicRateKey(ctxOf(r).ip))
	}
	if ok {
		return true
	}
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	msg := s.printer(r).T("public.limited", max(1, (secs+59)/60))
	if ctxOf(r).api {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": apiError{Code: "too_many_requests", Message: msg}})
		return false
	}
	s.render(w, r, http.StatusTooManyRequests, "public_message", &Page{Title: "public.limited.title",
		Data: publicMessageData{Heading: "public.limited.title", Message: msg}})
	return false
}

// publicCharge takes a token from l for the request's client address, after what it limits
// succeeded.
func publicCharge(r *http.Request, l *ratelimit.Limiter) { l.Allow(publicRateKey(ctxOf(r).ip)) }

// publicFail answers a resident's request that failed: a friendly page for "not found" (an
// unknown unit or tracking code, with the key saying which), JSON on the API, the error page
// for the rest.
func (s *Server) publicFail(w http.ResponseWriter, r *http.Request, err error, notFoundKey string) {
	if errs.Code(err) != errs.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	if ctxOf(r).api {
		s.fail(w, r, errs.New(errs.ENOTFOUND, notFoundKey))
		return
	}
	s.render(w, r, http.StatusNotFound, "public_message", &Page{Title: "public.notfound.title",
		Data: publicMessageData{Heading: "public.notfound.title", Message: s.printer(r).T(notFoundKey)}})
}

// publicUnit reads the unit of a public page by its code; with reportable, only a unit that
// takes residents' reports.
func (s *Server) publicUnit(r *http.Request, reportable bool) (*org.Unit, error) {
	u, err := s.db.PublicUnit(r.Context(), r.PathValue("unitcode"))
	if err != nil {
		return nil, err
	}
	if reportable && !publicReportable(u.Kind) {
		return nil, errs.NotFound()
	}
	return u, nil
}

// absURL is the absolute address of path on this site: under the configured base URL, else
// the address the request came to.
func (s *Server) absURL(r *http.Request, path string) string {
	if s.baseURL != "" {
		return strings.TrimRight(s.baseURL, "/") + path
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// publicCategoryName is a category's label: the catalogue names the default categories, an
// administrator's own keep the name they were given.
func publicCategoryName(pr *locale.Printer, code, name string) string {
	if k := "cases.category." + code; pr.Has(k) {
		return pr.T(k)
	}
	return name
}

// publicIdemKey is the stored idempotency key of a resident's submission: the client's key
// bound to the unit and hashed, so that keys chosen by API clients cannot collide with the
// officials' or open another unit's case.
func publicIdemKey(unitCode, key string) string {
	if key == "" {
		return ""
	}
	h := sha256.Sum256([]byte("public\x00" + unitCode + "\x00" + key))
	return "pub:" + hex.EncodeToString(h[:20])
}

// publicText is free text as the public may see it: every run of seven or more digits (a
// phone, an ID number; spaces and hyphens inside allowed) masked as privacy.MaskPhone does, and
// every known name (the reporter, the handlers) masked as privacy.MaskName does. A resident's
// own words and an official's result may both name people.
func publicText(s string, names ...string) string {
	s = maskDigitRuns(s)
	for _, n := range names {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) < 2 {
			continue
		}
		s = strings.ReplaceAll(s, n, privacy.MaskName(n))
	}
	return s
}

// maskDigitRuns masks runs of at least seven digits (full-width ones count). A mobile number
// written in groups (138 1234 5678, 138-1234-5678) is one run; other groups separated by a
// space or hyphen are judged each on its own, so dates (2026-03-02) and an area code stay.
func maskDigitRuns(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !unicode.IsDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		// Groups of digits joined by single separators: [start, end) of each.
		var groups [][2]int
		j := i
		for {
			k := j
			for k < len(rs) && unicode.IsDigit(rs[k]) {
				k++
			}
			groups = append(groups, [2]int{j, k})
			if k+1 < len(rs) && (rs[k] == ' ' || rs[k] == '-') && unicode.IsDigit(rs[k+1]) {
				j = k + 1
				continue
			}
			j = k
			break
		}
		mobile := len(groups) == 3 && groups[0][1]-groups[0][0] == 3 && groups[1][1]-groups[1][0] == 4 &&
			groups[2][1]-groups[2][0] == 4 && digitValue(rs[groups[0][0]]) == 1
		for n, g := range groups {
			if n > 0 {
				b.WriteRune(rs[g[0]-1]) // the separator
			}
			run := rs[g[0]:g[1]]
			switch {
			case mobile && n == 1:
				b.WriteString(strings.Repeat("*", len(run)))
			case mobile:
				b.WriteString(string(run))
			default:
				b.WriteString(maskRun(run))
			}
		}
		i = j
	}
	return b.String()
}

// maskRun masks one run of digits as privacy.MaskPhone does when it is seven digits or more: a
// mobile number keeps its first three and last four, anything else its last four.
func maskRun(run []rune) string {
	if len(run) < 7 {
		return string(run)
	}
	head := 0
	if len(run) == 11 && digitValue(run[0]) == 1 {
		head = 3
	}
	out := make([]rune, len(run))
	for i, r := range run {
		if i < head || i >= len(run)-4 {
			out[i] = r
		} else {
			out[i] = '*'
		}
	}
	return string(out)
}

// digitValue is the value of an ASCII or full-width digit, -1 for anything else.
func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}
