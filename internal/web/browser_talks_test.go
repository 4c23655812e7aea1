package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"wuxing/internal/storage/storagetest"
	"wuxing/internal/talks"
)

// TestBrowserTalkRecord records an admonitory talk through a real headless Chromium at 360 px:
// the town official opens the talk list, follows 站前's member who was under 80% in three rounds
// in a row to the record form, fills it in and submits; the talk's page, the member's entry and
// the list then show the talk.
func TestBrowserTalkRecord(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set (make test installs Chromium and sets it)", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	talkHistory(t, f) // 站前's 王建国 and 开西's 赵开西 are due
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
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("talks-%s-%s.png", backend, name)), png, 0o644)
	}
	visit := func(path, what string) shownPage {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(f.ts.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		pg := checked(t, b, what)
		if pg.status >= 400 {
			t.Fatalf("%s answered %d: %s", path, pg.status, excerptOf(pg.text))
		}
		return pg
	}
	visit("/login", "login")
	if err := chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("username"), "town"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("login-form")),
		chromedp.WaitNotPresent(chromedp.ID("login-form")),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}

	member := f.zqHead
	entry := "/evaluation/talks/member/" + strconv.FormatInt(member.ID, 10)
	pg := visit("/evaluation/talks", "list")
	if !strings.Contains(pg.text, member.Name) || !strings.Contains(pg.text, "70.0%") {
		t.Fatalf("the talk list does not show %s: %s", member.Name, excerptOf(pg.text))
	}
	shot("01-list")
	// The list's button leads to the member's entry and its record form.
	if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`),
		chromedp.Click(fmt.Sprintf(`a.button[href="%s#record"]`, entry))); err != nil {
		t.Fatalf("follow the record button: %v", err)
	}
	waitNewPage(t, b, "record button")
	pg = checked(t, b, "entry")
	if pg.path != entry {
		t.Fatalf("the record button led to %s", pg.path)
	}
	today := talks.Today(f.clock.Now())
	const content, plan = "指出群众评议满意率连续三次低于80%的问题", "每周入户走访，三个月内回访"
	// The form suggests the official's own name as the one who talked: replace it.
	if err := chromedp.Do(b,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-talked_by").value = ""; document.getElementById("f-talked_post").value = ""`),
		chromedp.SendKeys(chromedp.ID("f-talked_by"), "张明"),
		chromedp.SendKeys(chromedp.ID("f-talked_post"), "镇党委副书记"),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("f-talked_on").value = %q`, today)),
		chromedp.SendKeys(chromedp.ID("f-content"), content),
		chromedp.SendKeys(chromedp.ID("f-plan"), plan),
	); err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	shot("02-form")
	if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`), chromedp.Submit(`#record form button[type=submit]`)); err != nil {
		t.Fatalf("submit: %v", err)
	}
	waitNewPage(t, b, "submit")
	pg = checked(t, b, "talk")
	if pg.status >= 400 || !strings.Contains(pg.text, content) || !strings.Contains(pg.text, plan) || !strings.Contains(pg.text, "张明") || strings.Contains(pg.text, "张明town") {
		t.Fatalf("after recording (%d): %s", pg.status, excerptOf(pg.text))
	}
	shot("03-talk")
	if n := talkCount(t, f); n != 1 {
		t.Fatalf("%d talks recorded, want 1", n)
	}

	// The member's entry lists the talk, and the form is gone: the talk is no longer due.
	pg = visit(entry, "entry after")
	if !strings.Contains(pg.text, today+" · 张明") {
		t.Fatalf("the member's entry does not show the talk: %s", excerptOf(pg.text))
	}
	forms, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#record form").length`))
	if err != nil || forms != 0 {
		t.Fatalf("the record form is still there (%d, %v)", forms, err)
	}
	shot("04-entry")
	pg = visit("/evaluation/talks", "list after")
	if !strings.Contains(pg.text, "张明 · 镇党委副书记") {
		t.Fatalf("the list's recorded talks do not show it: %s", excerptOf(pg.text))
	}
	shot("05-list")
}
