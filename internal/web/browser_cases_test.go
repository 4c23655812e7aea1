package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestBrowserResidentCaseToTheEnd follows one appeal through a real headless Chromium at 360 px,
// as the people involved would: a resident reports a broken stair light through 站前社区's public
// page, the secretary accepts and dispatches it to a party member, the member resolves it with a
// photo, the secretary checks it, the resident rates it on the tracking page, and the notice board
// shows it with the resident's name and phone masked.
func TestBrowserResidentCaseToTheEnd(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set (make test installs Chromium and sets it)", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	ctx := context.Background()
	// The member who will handle it: an account linked to 王建国, a party member of 站前社区.
	u, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: "wangjg", Password: testPassword, PersonID: f.zqHead.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.BindRole(ctx, storage.System, u.ID, authz.Member, f.zq.ID); err != nil {
		t.Fatal(err)
	}
	dir := artifactsDir(t)
	backend := "sqlite"
	if os.Getenv(storagetest.EnvPostgres) != "" {
		backend = "postgres"
	}
	b := newBrowser(t, exe)
	step := 0
	visit := func(path string) shownPage {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(f.ts.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		return checked(t, b, path)
	}
	shot := func(name string) {
		t.Helper()
		step++
		png, err := chromedp.Run(b, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("case-flow-%s-%02d-%s.png", backend, step, name)), png, 0o644)
	}
	// act opens every step form on the case page and presses the named step's button.
	act := func(caseID int64, action string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		visit(fmt.Sprintf("/cases/%d", caseID))
		form := fmt.Sprintf(`form[action="/cases/%d/%s"]`, caseID, action)
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`),
		}
		steps = append(steps, fill...)
		if err := chromedp.Do(b, steps...); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		t.Logf("%s: filled", action)
		// Submit and wait for the page that answers the form to load.
		if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`), chromedp.Submit(form+` button[type=submit]`)); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		waitNewPage(t, b, action)
		t.Logf("%s: submitted", action)
		pg := checked(t, b, action)
		if pg.status >= 400 {
			t.Fatalf("%s answered %d: %s", action, pg.status, excerptOf(pg.text))
		}
		shot(action)
	}
	login := func(user string) {
		t.Helper()
		visit("/login")
		if err := chromedp.Do(b,
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

	// 1. The resident reports, from the public page, with no account.
	visit("/r/" + f.zq.Code)
	shot("report-page")
	if err := chromedp.Do(b,
		chromedp.SetValue(chromedp.ID("f-category_id"), fmt.Sprint(f.zqCase.CategoryID)),
		chromedp.SendKeys(chromedp.ID("f-title"), "3号楼楼道灯坏了 请回电13812345678"),
		chromedp.SendKeys(chromedp.ID("f-description"), "晚上看不见台阶，老人怕摔。"),
		chromedp.SendKeys(chromedp.ID("f-reporter_name"), "吴秀兰"),
		chromedp.SendKeys(chromedp.ID("f-reporter_phone"), "13812345678"),
		chromedp.Submit(chromedp.ID("public-report-form")),
		chromedp.WaitVisible(chromedp.ID("tracking-code")),
	); err != nil {
		t.Fatalf("report: %v", err)
	}
	checked(t, b, "thanks")
	shot("thanks")
	code, err := chromedp.Run(b, chromedp.Text(chromedp.ID("tracking-code")))
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.db.CaseByTracking(ctx, strings.TrimSpace(code))
	if err != nil {
		t.Fatalf("the tracking code shown (%q) opens no case: %v", code, err)
	}
	if c.Channel != cases.PublicForm || c.UnitID != f.zq.ID {
		t.Fatalf("filed as %s under unit %d", c.Channel, c.UnitID)
	}

	// 2. The secretary accepts it and dispatches it to the party member.
	login("zhanqian")
	act(c.ID, "accept")
	act(c.ID, "dispatch", chromedp.SetValue(chromedp.ID("f-dispatch-assignee_id"), fmt.Sprint(f.zqHead.ID)))
	logout()

	// 3. The member signs for it and resolves it with an "after" photo.
	photo := filepath.Join(t.TempDir(), "after.jpg")
	os.WriteFile(photo, testJPEG(t), 0o644)
	login("wangjg")
	act(c.ID, "start")
	act(c.ID, "resolve",
		chromedp.SendKeys(chromedp.ID("f-resolve-result"), "已更换楼道灯泡并检查线路"),
		chromedp.SetValue(chromedp.ID("f-resolve-method"), string(cases.VolunteerLabour)),
		chromedp.SetUploadFiles(chromedp.ID("f-resolve-after"), []string{photo}),
	)
	logout()

	// 4. The secretary's look-back passes.
	login("zhanqian")
	act(c.ID, "check_pass")
	logout()

	// 5. The resident rates it on the tracking page.
	visit("/t/" + c.TrackingCode)
	shot("tracking")
	if err := chromedp.Do(b,
		chromedp.Click(`#public-rating-form input[value="satisfied"]`),
		chromedp.SendKeys(chromedp.ID("f-comment"), "修得很快，谢谢！"),
		chromedp.Evaluate[chromedp.Void](`window.__wx_old = 1`),
		chromedp.Submit(chromedp.ID("public-rating-form")),
	); err != nil {
		t.Fatalf("rate: %v", err)
	}
	// Wait for the answer itself: the old page's body is "ready" too, and a screenshot taken while
	// the browser navigates can hang until the deadline.
	waitNewPage(t, b, "rate")
	pg := checked(t, b, "rated")
	shot("rated")
	if strings.Contains(pg.text, "王建国") || strings.Contains(pg.text, "13812345678") {
		t.Error("the tracking page shows an official's name or a phone number")
	}
	done, err := f.db.CaseByTracking(ctx, c.TrackingCode)
	if err != nil || done.Status != cases.Rated || done.Rating != cases.Satisfied {
		t.Fatalf("after rating: %+v %v", done, err)
	}
	photos, err := f.db.CasePhotos(ctx, storage.System, c.ID)
	if err != nil || len(photos) != 1 {
		t.Fatalf("the resolve step kept %d photos (%v)", len(photos), err)
	}

	// 6. The notice board shows it, masked.
	pg = visit("/board/" + f.zq.Code)
	shot("board")
	if !strings.Contains(pg.text, "3号楼楼道灯坏了") {
		t.Fatal("the notice board does not show the resolved case")
	}
	for _, secret := range []string{"13812345678", "吴秀兰"} {
		if strings.Contains(pg.text, secret) {
			t.Errorf("the notice board shows %q", secret)
		}
	}
	if !strings.Contains(pg.text, "138****5678") {
		t.Error("the phone in the resident's title is not shown masked")
	}
}

// waitNewPage waits until the page that answers a submitted form has loaded: the marker the
// old page carried is gone and the new document is complete.
func waitNewPage(t *testing.T, b context.Context, what string) {
	t.Helper()
	for range 200 {
		fresh, err := chromedp.Run(b, chromedp.Evaluate[bool](`typeof window.__wx_old === "undefined" && document.readyState === "complete"`))
		if err == nil && fresh {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: the answer to the form never loaded", what)
}

// checked reads the page and applies what every page must hold: zh-CN, 360 px, no other community.
func checked(t *testing.T, b context.Context, what string) shownPage {
	t.Helper()
	pg := readPage(t, b)
	pg.mustBeMobileChinese(t, what)
	return pg
}

func excerptOf(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200])
	}
	return s
}

func testJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
