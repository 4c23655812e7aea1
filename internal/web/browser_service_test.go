package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wuxing/internal/service"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestBrowserVolunteerCheckInOut follows a Thursday activity through a real headless Chromium at
// 360 px: a party member scans the activity's code (which sends them to log in first), checks in,
// checks out 1¾ hours later, the secretary closes the activity and approves the hours, and the
// member sees 1.75 approved hours on "my service".
func TestBrowserVolunteerCheckInOut(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set (make test installs Chromium and sets it)", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 8) // a Thursday, 08:00
	svcVolunteer(t, f, "wangjg", f.zqHead, f.zq)
	tm := svcTeam(t, f, f.zq, "站前党员先锋服务队", f.zqCadre, f.zqHead)
	x := svcActivity(t, f, tm, "主题党日清扫楼道", "2026-03-05")
	dir := artifactsDir(t)
	backend := "sqlite"
	if os.Getenv(storagetest.EnvPostgres) != "" {
		backend = "postgres"
	}
	b := newBrowser(t, exe)
	step := 0
	shot := func(name string) {
		t.Helper()
		step++
		png, err := chromedp.Run(b, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("service-checkin-%s-%02d-%s.png", backend, step, name)), png, 0o644)
	}
	visit := func(path string) shownPage {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(f.ts.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		pg := checked(t, b, path)
		pg.mustNotShow(t, path, f.kxMarkers())
		return pg
	}
	login := func(user string) {
		t.Helper()
		if err := chromedp.Do(b,
			chromedp.WaitVisible(chromedp.ID("login-form")),
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
			chromedp.Submit(chromedp.ID("login-form")),
			chromedp.WaitNotPresent(chromedp.ID("login-form")),
		); err != nil {
			t.Fatalf("log in %s: %v", user, err)
		}
	}
	logout := func() {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(chromedp.ID("login-form"))); err != nil {
			t.Fatalf("log out: %v", err)
		}
	}
	// press submits the form holding the button sel and waits for the answer to load.
	press := func(sel, what string) shownPage {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`), chromedp.Click(sel)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		waitNewPage(t, b, what)
		pg := checked(t, b, what)
		if pg.status >= 400 {
			t.Fatalf("%s answered %d: %s", what, pg.status, excerptOf(pg.text))
		}
		shot(what)
		return pg
	}

	// 1. The member scans the code: the phone is sent to log in, then back to the check-in page.
	visit("/service/checkin/" + x.Token)
	shot("scan-login")
	login("wangjg")
	pg := checked(t, b, "check-in page")
	if pg.path != "/service/checkin/"+x.Token || !strings.Contains(pg.text, x.Title) {
		t.Fatalf("after logging in the phone is at %s: %s", pg.path, excerptOf(pg.text))
	}
	shot("checkin-page")
	pg = press("#checkin", "checked-in")
	if !strings.Contains(pg.text, "签到成功") {
		t.Errorf("no check-in notice: %s", excerptOf(pg.text))
	}

	// 2. An hour and three quarters later, they check out.
	f.clock.Advance(105 * time.Minute)
	pg = visit("/service/checkin/" + x.Token)
	if pg.path != "/service/checkin/"+x.Token {
		t.Fatalf("the check-out page is at %s", pg.path)
	}
	pg = press("#checkout", "checked-out")
	if !strings.Contains(pg.text, "1.75") {
		t.Errorf("the check-out page does not show 1.75 hours: %s", excerptOf(pg.text))
	}
	logout()

	// 3. The secretary closes the activity and approves the hours.
	visit("/login")
	login("zhanqian")
	visit(fmt.Sprintf("/service/activities/%d", x.ID))
	shot("organizer")
	press(`#step-close`, "closed")
	pg = press(`#step-approve`, "approved")
	if !strings.Contains(pg.text, "时长已确认") {
		t.Errorf("the activity is not shown approved: %s", excerptOf(pg.text))
	}
	got, _, err := f.db.ServiceActivity(ctx, storage.System, x.ID)
	if err != nil || got.Status != service.Approved {
		t.Fatalf("activity after approval: %+v %v", got, err)
	}
	logout()

	// 4. The member sees their approved hours.
	visit("/login")
	login("wangjg")
	pg = visit("/service/my")
	shot("my-service")
	hours, err := chromedp.Run(b, chromedp.Text(chromedp.ID("my-hours")))
	if err != nil || strings.TrimSpace(hours) != "1.75" {
		t.Errorf("my service shows %q approved hours, want 1.75 (%v)", hours, err)
	}
	if !strings.Contains(pg.text, x.Title) {
		t.Errorf("my service does not list the activity")
	}
}

// TestBrowserServicePhotosAndRating: at 360 px the secretary attaches a photo to a closed
// activity from the phone's file picker, sees its thumbnail load, and records the residents'
// rating, which the page then shows with the satisfaction rate.
func TestBrowserServicePhotosAndRating(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set (make test installs Chromium and sets it)", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	tm := svcTeam(t, f, f.zq, "站前党员先锋服务队", f.zqCadre, f.zqHead)
	x := svcActivity(t, f, tm, "主题党日清扫楼道", "2026-03-05")
	if _, err := f.db.StepActivity(ctx, storage.System, x.ID, service.CloseAction, x.Version); err != nil {
		t.Fatal(err)
	}
	dir := artifactsDir(t)
	backend := "sqlite"
	if os.Getenv(storagetest.EnvPostgres) != "" {
		backend = "postgres"
	}
	b := newBrowser(t, exe)
	path := fmt.Sprintf("/service/activities/%d", x.ID)
	if err := chromedp.Do(b, chromedp.Navigate(f.ts.URL+path),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("username"), "zhanqian"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("login-form")),
		chromedp.WaitVisible(chromedp.ID("photos")),
	); err != nil {
		t.Fatalf("open the activity: %v", err)
	}
	submit := func(form, what string, before ...chromedp.Action[chromedp.Void]) shownPage {
		t.Helper()
		acts := append(before, chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`), chromedp.Submit(form+` button[type=submit]`))
		if err := chromedp.Do(b, acts...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		waitNewPage(t, b, what)
		pg := checked(t, b, what)
		if pg.status >= 400 || pg.path != path {
			t.Fatalf("%s answered %d at %s: %s", what, pg.status, pg.path, excerptOf(pg.text))
		}
		if png, err := chromedp.Run(b, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("service-photos-%s-%s.png", backend, what)), png, 0o644)
		}
		return pg
	}
	file := filepath.Join(t.TempDir(), "清扫.jpg")
	os.WriteFile(file, testJPEG(t), 0o644)
	submit(`#photos form`, "photo", chromedp.SetUploadFiles(chromedp.ID("f-photos"), []string{file}))
	loaded, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('#photos ul.photos img'); return !!i && i.complete && i.naturalWidth > 0; })()`))
	if err != nil || !loaded {
		t.Errorf("the thumbnail did not load (%v)", err)
	}
	pg := submit(`#rating form`, "rating",
		chromedp.SetValue(chromedp.ID("f-rating_satisfied"), "18"),
		chromedp.SetValue(chromedp.ID("f-rating_basic"), "1"),
		chromedp.SetValue(chromedp.ID("f-rating_dissatisfied"), "1"))
	if !strings.Contains(pg.text, "满意 18 人，基本满意 1 人，不满意 1 人，满意率 95.0%") {
		t.Errorf("the page does not show the rating: %s", excerptOf(pg.text))
	}
	if ps, _ := f.db.ActivityPhotos(ctx, storage.System, x.ID); len(ps) != 1 {
		t.Errorf("%d photos stored, want 1", len(ps))
	}
}
