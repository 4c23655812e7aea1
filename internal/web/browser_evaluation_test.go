package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"wuxing/internal/storage/storagetest"
)

// TestBrowserEvaluationBallot casts a one-time ballot through a real headless Chromium at 360
// px, as a resident with the printed QR code would: the link opens the ballot of 站前社区, the
// resident rates its two party members on every dimension and submits; the same link then says
// the ballot has been used.
func TestBrowserEvaluationBallot(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set (make test installs Chromium and sets it)", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	w := evalBuild(t, f)
	dir := artifactsDir(t)
	backend := "sqlite"
	if os.Getenv(storagetest.EnvPostgres) != "" {
		backend = "postgres"
	}
	b := newBrowser(t, exe)
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(b, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("evaluation-ballot-%s-%s.png", backend, name)), png, 0o644)
	}
	link := "/b/" + w.zq.tokens[0]
	open := func() shownPage {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(f.ts.URL+link), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open the ballot: %v", err)
		}
		return checked(t, b, "ballot")
	}
	pg := open()
	if !strings.Contains(pg.text, w.zq.member.Name) || !strings.Contains(pg.text, w.zq.member2.Name) {
		t.Fatalf("the ballot does not show its members: %s", excerptOf(pg.text))
	}
	pg.mustNotShow(t, "ballot", append(f.kxMarkers(), w.kx.member.Name))
	shot("01-ballot")

	var clicks []chromedp.Action[chromedp.Void]
	for i, target := range []int64{w.zq.target, w.zq.target2} {
		rating := []string{"satisfied", "basic"}[i]
		for _, d := range w.open.Dimensions {
			clicks = append(clicks, chromedp.Click(fmt.Sprintf(`input[name="r_%d_%s"][value="%s"]`, target, d, rating)))
		}
	}
	clicks = append(clicks, chromedp.SendKeys(chromedp.ID(fmt.Sprintf("f-comment_%d", w.zq.target)), "办事热心，回复及时"))
	if err := chromedp.Do(b, clicks...); err != nil {
		t.Fatalf("rate: %v", err)
	}
	shot("02-rated")
	if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`), chromedp.Submit(`#evaluation-submit`)); err != nil {
		t.Fatalf("submit: %v", err)
	}
	waitNewPage(t, b, "submit")
	pg = checked(t, b, "thanks")
	if !strings.Contains(pg.text, "投票成功") {
		t.Fatalf("after submitting: %s", excerptOf(pg.text))
	}
	shot("03-thanks")
	r := evalResultOf(t, f, w.open.ID, w.zq.target2)
	if r.Overall.Basic < len(w.open.Dimensions) {
		t.Fatalf("the second member's ratings were not counted: %+v", r.Overall)
	}

	pg = open()
	if !strings.Contains(pg.text, "已经投过") || strings.Contains(pg.text, w.zq.member.Name) {
		t.Fatalf("the used link: %s", excerptOf(pg.text))
	}
	shot("04-used")
}
