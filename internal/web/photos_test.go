package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// phImage is a w×h picture with some texture.
func phImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	return img
}

// phGPSLatitude is the latitude the test EXIF block carries, as three rationals.
var phGPSLatitude = []uint32{39, 1, 54, 1, 268, 10}

// phJPEG is a w×h JPEG carrying an EXIF block with a GPS position (and an XMP block naming it),
// as a phone writes them.
func phJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, phImage(w, h), &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	var tiff []byte
	u16 := func(v uint16) { tiff = le.AppendUint16(tiff, v) }
	u32 := func(v uint32) { tiff = le.AppendUint32(tiff, v) }
	tiff = append(tiff, 'I', 'I')
	u16(42)
	u32(8)
	u16(1) // IFD0: one entry, the GPS IFD pointer; ends at 8+2+12+4 = 26
	u16(0x8825)
	u16(4)
	u32(1)
	u32(26)
	u32(0)
	u16(2) // GPS IFD at 26: ref and latitude; ends at 26+2+24+4 = 56
	u16(0x0001)
	u16(2)
	u32(2)
	tiff = append(tiff, 'N', 0, 0, 0)
	u16(0x0002)
	u16(5)
	u32(3)
	u32(56)
	u32(0)
	for _, v := range phGPSLatitude {
		u32(v)
	}
	seg := func(payload []byte) []byte {
		s := []byte{0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
		return append(s, payload...)
	}
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, seg(append([]byte("Exif\x00\x00"), tiff...))...)
	out = append(out, seg([]byte("http://ns.adobe.com/xap/1.0/\x00<exif:GPSLatitude>39,54.4467N</exif:GPSLatitude>"))...)
	return append(out, raw[2:]...)
}

func phPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, phImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// phFile is one file of a multipart upload.
type phFile struct {
	name, ctype string
	data        []byte
}

// phUpload posts a multipart form: on the API with the client's token, elsewhere with the
// session's CSRF token as a form field, as the browser sends the upload form.
func phUpload(t *testing.T, c *client, api bool, path string, fields map[string]string, files ...phFile) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if !api {
		mw.WriteField("csrf", c.csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="photos"; filename="%s"`, f.name))
		h.Set("Content-Type", f.ctype)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if api {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.do(req)
}

// phGet fetches a path and returns the answer whole, headers included.
func phGet(t *testing.T, c *client, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// phCount is how many photos a case holds, whatever the scope.
func phCount(t *testing.T, f *fixture, caseID int64) int {
	t.Helper()
	ps, err := f.db.CasePhotos(context.Background(), storage.System, caseID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}

func phAudit(t *testing.T, f *fixture) int {
	t.Helper()
	n, err := f.db.AuditCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// scopePhoto stores one photo of a kind on a case through the store, for tests that need one
// (the scope walk among them), and returns its id.
func scopePhoto(t *testing.T, f *fixture, caseID int64, kind photo.Kind) int64 {
	t.Helper()
	var b bytes.Buffer
	png.Encode(&b, phImage(40, 30))
	p, err := photo.Process("scope.png", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := f.db.AddCasePhotos(context.Background(), storage.System, caseID, kind, []*photo.Photo{p})
	if err != nil || len(ps) != 1 {
		t.Fatalf("add photo: %v", err)
	}
	return ps[0].ID
}

type phAPIResult struct {
	Photos []photoJSON
	Error  struct {
		Code    string
		Message string
		Fields  []struct{ Field, Message string }
	}
}

func phDecode(t *testing.T, body string) phAPIResult {
	t.Helper()
	var r phAPIResult
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	return r
}

func TestPhotosAPIUploadStripsAndThumbnails(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kx := f.apiLogin(t, "kaixi")
	path := "/api/v1/cases/" + strconv.FormatInt(f.kxCase.ID, 10) + "/photos"
	gps := phJPEG(t, 1200, 900)
	before := phAudit(t, f)
	// The client's names and content types say nothing: a PNG named .jpg and sent as JPEG is a PNG.
	st, body := phUpload(t, kx, true, path, map[string]string{"kind": "report"},
		phFile{"IMG_0001.jpg", "image/jpeg", gps}, phFile{"scan.jpg", "image/jpeg", phPNG(t, 500, 400)})
	if st != http.StatusCreated {
		t.Fatalf("upload: %d %s", st, body)
	}
	res := phDecode(t, body)
	if len(res.Photos) != 2 || res.Photos[0].ContentType != photo.JPEG || res.Photos[1].ContentType != photo.PNG {
		t.Fatalf("stored %+v", res.Photos)
	}
	if got := phAudit(t, f) - before; got != 1 {
		t.Errorf("one upload wrote %d audit entries, want 1", got)
	}
	evs, err := f.db.CaseEvents(ctx, storage.System, f.kxCase.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Action != "photos" || last.Data["kind"] != "report" || fmt.Sprint(last.Data["photos"]) != fmt.Sprintf("[%d %d]", res.Photos[0].ID, res.Photos[1].ID) {
		t.Errorf("timeline event %+v", last)
	}

	p := res.Photos[0]
	resp, img := phGet(t, kx, p.URL)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("Cache-Control %q", cc)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	var lat []byte
	for _, v := range phGPSLatitude {
		lat = binary.LittleEndian.AppendUint32(lat, v)
	}
	if !bytes.Contains(gps, lat) || !bytes.Contains(gps, []byte("Exif")) {
		t.Fatal("the test photo carries no GPS block")
	}
	for _, s := range [][]byte{[]byte("Exif"), []byte("GPS"), lat} {
		if bytes.Contains(img, s) {
			t.Errorf("the served photo still contains %q", s)
		}
	}
	full, err := jpeg.DecodeConfig(bytes.NewReader(img))
	if err != nil || full.Width != 1200 || full.Height != 900 {
		t.Fatalf("served photo: %v %v", full, err)
	}
	resp, th := phGet(t, kx, p.ThumbURL)
	tc, err := jpeg.DecodeConfig(bytes.NewReader(th))
	if resp.StatusCode != http.StatusOK || err != nil || tc.Width != photo.ThumbSide || tc.Height != 240 || len(th) >= len(img) {
		t.Errorf("thumb: %d %v %v, %d bytes against %d", resp.StatusCode, tc, err, len(th), len(img))
	}
	// The same through the pages, with the session cookie.
	web := f.login(t, "kaixi")
	resp, img2 := phGet(t, web, fmt.Sprintf("/cases/%d/photos/%d", f.kxCase.ID, p.ID))
	if resp.StatusCode != http.StatusOK || !bytes.Equal(img, img2) {
		t.Errorf("page route: %d", resp.StatusCode)
	}
	resp, _ = phGet(t, web, fmt.Sprintf("/cases/%d/photos/%d/thumb", f.kxCase.ID, res.Photos[1].ID))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("PNG's thumb: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The list.
	st, body = kx.api("GET", path, nil)
	if st != http.StatusOK || len(phDecode(t, body).Photos) != 2 {
		t.Errorf("list: %d %s", st, body)
	}
}

func TestPhotosPageForm(t *testing.T) {
	f := newFixture(t)
	web := f.login(t, "kaixi")
	path := fmt.Sprintf("/cases/%d/photos", f.kxCase.ID)
	st, body := phUpload(t, web, false, path, map[string]string{"kind": "before"}, phFile{"a.jpg", "image/jpeg", phJPEG(t, 800, 600)})
	if st != http.StatusSeeOther {
		t.Fatalf("upload form: %d %s", st, body)
	}
	ps, _ := f.db.CasePhotos(context.Background(), storage.System, f.kxCase.ID)
	if len(ps) != 1 || ps[0].Kind != photo.Before || ps[0].CreatedBy != f.users["kaixi"] {
		t.Fatalf("stored %+v", ps)
	}
	// Without the CSRF token nothing is stored.
	web2 := *web
	web2.csrf = "forged"
	if st, _ := phUpload(t, &web2, false, path, nil, phFile{"a.jpg", "image/jpeg", phJPEG(t, 80, 60)}); st != http.StatusForbidden {
		t.Errorf("forged CSRF: %d", st)
	}
	// A mislabeled file: a clear message naming it, and nothing stored, the good one neither.
	st, body = phUpload(t, web, false, path, nil,
		phFile{"ok.jpg", "image/jpeg", phJPEG(t, 80, 60)}, phFile{"note.png", "image/png", []byte("meeting notes, not a photo")})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "“note.png”不是 JPG 或 PNG 图片") {
		t.Errorf("mislabeled: %d %s", st, excerpt(body, "note.png"))
	}
	// No file chosen.
	st, body = phUpload(t, web, false, path, nil)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择要上传的照片") {
		t.Errorf("no file: %d", st)
	}
	if n := phCount(t, f, f.kxCase.ID); n != 1 {
		t.Errorf("%d photos after refused uploads, want 1", n)
	}
}

func TestPhotosRefusedStoreNothing(t *testing.T) {
	f := newFixture(t)
	kx := f.apiLogin(t, "kaixi")
	path := "/api/v1/cases/" + strconv.FormatInt(f.kxCase.ID, 10) + "/photos"
	good := phFile{"good.jpg", "image/jpeg", phJPEG(t, 300, 200)}
	jpg := phJPEG(t, 400, 300)
	huge := append([]byte{}, jpg...)
	for i := 2; i+9 < len(huge); i += 2 + int(binary.BigEndian.Uint16(huge[i+2:])) {
		if huge[i+1] == 0xC0 {
			binary.BigEndian.PutUint16(huge[i+5:], 60000)
			binary.BigEndian.PutUint16(huge[i+7:], 60000)
			break
		}
	}
	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...)
	nine := append(append([]byte{}, jpg...), make([]byte, 9<<20-len(jpg))...)
	seven := make([]phFile, 7)
	for i := range seven {
		seven[i] = phFile{fmt.Sprintf("p%d.jpg", i), "image/jpeg", jpg}
	}
	for _, tc := range []struct {
		name   string
		files  []phFile
		kind   string
		status int
		want   string
	}{
		{"text named .png", []phFile{good, {"photo.png", "image/png", []byte("hello, I am text")}}, "", 422, "“photo.png”不是 JPG 或 PNG 图片"},
		{"script named .jpg", []phFile{{"x.jpg", "image/jpeg", []byte("<script>alert(1)</script>")}}, "", 422, "不是 JPG 或 PNG"},
		{"truncated JPEG", []phFile{good, {"cut.jpg", "image/jpeg", jpg[:len(jpg)/2]}}, "", 422, "“cut.jpg”已损坏或不完整"},
		{"huge dimensions", []phFile{{"bomb.jpg", "image/jpeg", huge}}, "", 422, "像素尺寸过大"},
		{"HEIC", []phFile{{"IMG_1234.HEIC", "image/heic", heic}}, "", 422, "兼容性最佳"},
		{"over 8 MB", []phFile{good, {"big.jpg", "image/jpeg", nine}}, "", 422, "超过 8 MB"},
		{"over the request limit", []phFile{{"a.jpg", "image/jpeg", nine}, {"b.jpg", "image/jpeg", nine}}, "", 413, "上传的文件过大"},
		{"seven at once", seven, "", 422, "每次最多上传 6 张照片"},
		{"unknown kind", []phFile{good}, "selfie", 422, "照片类别不正确"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := phAudit(t, f)
			st, body := phUpload(t, kx, true, path, map[string]string{"kind": tc.kind}, tc.files...)
			if st != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s, want %d with %q", st, body, tc.status, tc.want)
			}
			if st == 422 {
				r := phDecode(t, body)
				if len(r.Error.Fields) == 0 || (r.Error.Fields[0].Field != "photos" && r.Error.Fields[0].Field != "kind") {
					t.Errorf("no field error: %s", body)
				}
			}
			if n := phCount(t, f, f.kxCase.ID); n != 0 {
				t.Errorf("%d photos stored", n)
			}
			if phAudit(t, f) != before {
				t.Error("the audit log grew")
			}
		})
	}
}

func TestPhotosScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kxPhoto := scopePhoto(t, f, f.kxCase.ID, photo.Report)
	zqPhoto := scopePhoto(t, f, f.zqCase.ID, photo.Report)
	zq, zqAPI := f.login(t, "zhanqian"), f.apiLogin(t, "zhanqian")
	kx := fmt.Sprintf("/cases/%d/photos/%d", f.kxCase.ID, kxPhoto)
	for _, p := range []string{kx, kx + "/thumb",
		fmt.Sprintf("/cases/%d/photos/%d", f.zqCase.ID, kxPhoto), // 开西's photo through 站前's own case
		fmt.Sprintf("/cases/%d/photos/%d/thumb", f.zqCase.ID, kxPhoto)} {
		if res, _ := phGet(t, zq, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("zhanqian GET %s: %d", p, res.StatusCode)
		}
		if res, _ := phGet(t, zqAPI, "/api/v1"+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("zhanqian API GET %s: %d", p, res.StatusCode)
		}
	}
	if st, _ := zqAPI.api("GET", fmt.Sprintf("/api/v1/cases/%d/photos", f.kxCase.ID), nil); st != http.StatusNotFound {
		t.Errorf("zhanqian lists 开西's photos: %d", st)
	}
	if res, _ := phGet(t, zq, fmt.Sprintf("/cases/%d/photos/%d", f.zqCase.ID, zqPhoto)); res.StatusCode != http.StatusOK {
		t.Errorf("zhanqian's own photo: %d", res.StatusCode)
	}
	// Uploads to 开西's case: refused as not found, nothing stored, by API and form.
	before := phAudit(t, f)
	file := phFile{"a.jpg", "image/jpeg", phJPEG(t, 60, 40)}
	if st, _ := phUpload(t, zqAPI, true, fmt.Sprintf("/api/v1/cases/%d/photos", f.kxCase.ID), nil, file); st != http.StatusNotFound {
		t.Errorf("zhanqian uploads by API: %d", st)
	}
	if st, _ := phUpload(t, zq, false, fmt.Sprintf("/cases/%d/photos", f.kxCase.ID), nil, file); st != http.StatusNotFound {
		t.Errorf("zhanqian uploads by form: %d", st)
	}
	if phCount(t, f, f.kxCase.ID) != 1 || phAudit(t, f) != before {
		t.Error("a refused upload stored something")
	}
	// A member sees 站前's cases but neither runs nor handles them: no report or after photos.
	member := f.apiLogin(t, "zqmember")
	for _, kind := range []string{"report", "after"} {
		st, body := phUpload(t, member, true, fmt.Sprintf("/api/v1/cases/%d/photos", f.zqCase.ID), map[string]string{"kind": kind}, file)
		if st != http.StatusForbidden {
			t.Errorf("member adds %s photo: %d %s", kind, st, body)
		}
	}
	// The grid worker who reported a case may add its report photos.
	c := &cases.Case{UnitID: f.zqGrid.ID, List: cases.Appeal, CategoryID: f.zqCase.CategoryID, Urgency: cases.Normal,
		Channel: cases.GridReport, Title: "楼道灯坏了"}
	gridUser, err := f.db.User(ctx, storage.System, f.users["zqgrid"])
	if err != nil {
		t.Fatal(err)
	}
	gp := &authz.Principal{UserID: gridUser.ID, Username: gridUser.Username, Bindings: gridUser.Bindings}
	if _, err := f.db.CreateCase(ctx, storage.Actor{P: gp}, c, storage.NewCase{}); err != nil {
		t.Fatalf("grid worker's case: %v", err)
	}
	grid := f.apiLogin(t, "zqgrid")
	if st, body := phUpload(t, grid, true, fmt.Sprintf("/api/v1/cases/%d/photos", c.ID), nil, file); st != http.StatusCreated {
		t.Errorf("the reporting grid worker adds a report photo: %d %s", st, body)
	}
}

func TestPhotosTrackingAndBoard(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	report := scopePhoto(t, f, f.kxCase.ID, photo.Report)
	after := scopePhoto(t, f, f.kxCase.ID, photo.After)
	other := scopePhoto(t, f, f.zqCase.ID, photo.Report)
	anon := f.anon(t)
	code := f.kxCase.TrackingCode
	for _, tc := range []struct {
		path   string
		status int
	}{
		{fmt.Sprintf("/t/%s/photos/%d", code, report), 200},
		{fmt.Sprintf("/t/%s/photos/%d/thumb", strings.ToLower(code), after), 200},
		{fmt.Sprintf("/t/%s/photos/%d", code, other), 404},                   // another case's photo
		{fmt.Sprintf("/t/%s/photos/%d", f.zqCase.TrackingCode, report), 404}, // another case's code
		{fmt.Sprintf("/t/%s/photos/%d", "ABCDEFGHJKMN", report), 404},
		{fmt.Sprintf("/t/%s/photos/%d", "x", report), 404},
		{fmt.Sprintf("/board/photos/%d", after), 404}, // not resolved yet
		{fmt.Sprintf("/board/photos/%d", report), 404},
	} {
		res, _ := phGet(t, anon, tc.path)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		if tc.status == 200 && !strings.HasPrefix(res.Header.Get("Cache-Control"), "private") {
			t.Errorf("GET %s: Cache-Control %q", tc.path, res.Header.Get("Cache-Control"))
		}
	}
	// Resolved: the board publishes its "after" photos, and only those.
	c := f.kxCase
	var err error
	for _, step := range []struct {
		a  cases.Action
		in cases.Input
	}{
		{cases.Accept, cases.Input{}},
		{cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: f.kxCadre.ID}},
		{cases.Start, cases.Input{}},
		{cases.Resolve, cases.Input{Result: "已更换井盖", Method: cases.VolunteerLabour}},
	} {
		if c, err = f.db.Act(ctx, storage.System, c.ID, step.a, step.in, c.Version); err != nil {
			t.Fatalf("%s: %v", step.a, err)
		}
	}
	for path, want := range map[string]int{
		fmt.Sprintf("/board/photos/%d", after):        200,
		fmt.Sprintf("/board/photos/%d/thumb", after):  200,
		fmt.Sprintf("/board/photos/%d", report):       404,
		fmt.Sprintf("/board/photos/%d", other):        404,
		fmt.Sprintf("/board/photos/%d", after+report): 404,
	} {
		if res, _ := phGet(t, anon, path); res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	bp, err := f.db.BoardPhotos(ctx, []int64{f.kxCase.ID, f.zqCase.ID})
	if err != nil || len(bp[f.kxCase.ID]) != 1 || bp[f.kxCase.ID][0].ID != after || len(bp[f.zqCase.ID]) != 0 {
		t.Errorf("board photos %v %v", bp, err)
	}
	tp, err := f.db.PublicCasePhotos(ctx, code)
	if err != nil || len(tp) != 2 {
		t.Errorf("tracking photos %v %v", tp, err)
	}
}

func TestPhotosPartial(t *testing.T) {
	f := newFixture(t)
	id := scopePhoto(t, f, f.kxCase.ID, photo.After)
	ps, err := f.db.CasePhotos(context.Background(), storage.System, f.kxCase.ID)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := f.srv.views.pages["home"].Clone()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	data := map[string]any{"Photos": ps, "Base": "/board/photos", "Labels": true}
	if err := tpl.ExecuteTemplate(&b, "photos", data); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{fmt.Sprintf(`href="/board/photos/%d"`, id), fmt.Sprintf(`src="/board/photos/%d/thumb"`, id),
		`width="40" height="30"`, "photos.kind.after"} {
		if !strings.Contains(out, want) {
			t.Errorf("partial lacks %s:\n%s", want, out)
		}
	}
	b.Reset()
	if err := tpl.ExecuteTemplate(&b, "photos", map[string]any{"Photos": nil, "Base": "/x"}); err != nil || strings.TrimSpace(b.String()) != "" {
		t.Errorf("no photos: %q %v", b.String(), err)
	}
	b.Reset()
	if err := tpl.ExecuteTemplate(&b, "photos_upload", map[string]any{"CaseID": f.kxCase.ID, "CSRF": "tok", "Kind": "after"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`enctype="multipart/form-data"`, `name="csrf" value="tok"`, `name="photos" accept="image/jpeg,image/png" multiple`,
		`<option value="after" selected>`, fmt.Sprintf(`action="/cases/%d/photos"`, f.kxCase.ID)} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("upload form lacks %s", want)
		}
	}
}
