package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"wuxing/internal/errs"
)

// testImage is a w×h picture: the left half red, the right half blue, so a turn shows.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			// a little texture so the encoders have something to compress
			c.G = uint8((x*7 + y*13) % 40)
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gpsLatitude is the GPS latitude the test EXIF carries (39°54'26.8" N, as three rationals);
// its bytes must not survive processing.
var gpsLatitude = []uint32{39, 1, 54, 1, 268, 10}

// exifTIFF builds a little-endian EXIF TIFF block: IFD0 with Orientation and a GPS IFD pointer,
// the GPS IFD with GPSLatitudeRef "N" and GPSLatitude.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	var b []byte
	u16 := func(v uint16) { b = le.AppendUint16(b, v) }
	u32 := func(v uint32) { b = le.AppendUint32(b, v) }
	b = append(b, 'I', 'I')
	u16(42)
	u32(8) // IFD0 at 8
	// IFD0: 2 entries → 2 + 24 + 4 = 30 bytes, ends at 38
	u16(2)
	u16(0x0112) // Orientation
	u16(3)
	u32(1)
	u16(orientation)
	u16(0)
	u16(0x8825) // GPSInfo IFD pointer
	u16(4)
	u32(1)
	u32(38)
	u32(0) // no next IFD
	// GPS IFD at 38: 2 entries → 30 bytes, rationals at 68
	u16(2)
	u16(0x0001) // GPSLatitudeRef
	u16(2)      // ASCII
	u32(2)
	b = append(b, 'N', 0, 0, 0)
	u16(0x0002) // GPSLatitude
	u16(5)      // RATIONAL
	u32(3)
	u32(68)
	u32(0)
	for _, v := range gpsLatitude {
		u32(v)
	}
	return b
}

// withEXIF inserts an APP1 EXIF segment (and an XMP one) right after a JPEG's SOI.
func withEXIF(jpg []byte, orientation uint16) []byte {
	seg := func(payload []byte) []byte {
		s := []byte{0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
		return append(s, payload...)
	}
	exif := seg(append([]byte("Exif\x00\x00"), exifTIFF(orientation)...))
	xmp := seg([]byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>39,54.4467N</exif:GPSLatitude></x:xmpmeta>"))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, exif...)
	out = append(out, xmp...)
	return append(out, jpg[2:]...)
}

// pngChunk is one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// withPNGChunks inserts chunks right after a PNG's IHDR.
func withPNGChunks(p []byte, chunks ...[]byte) []byte {
	ihdrEnd := 8 + 12 + 13
	out := append([]byte{}, p[:ihdrEnd]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[ihdrEnd:]...)
}

// jpegSegments lists the markers of a JPEG's segments before the image data.
func jpegSegments(b []byte) []byte {
	var out []byte
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		m := b[i+1]
		out = append(out, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return out
}

func fieldKey(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	e := errs.As(err)
	if e.Code != errs.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != Field || e.Fields[0].Key != e.Key {
		t.Fatalf("error %#v: want one invalid field %q with the error's own key", e, Field)
	}
	return e.Key
}

func TestProcessStripsEXIFAndGPS(t *testing.T) {
	in := withEXIF(encodeJPEG(t, testImage(400, 200)), 1)
	if !bytes.Contains(in, []byte("Exif\x00\x00")) || !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatal("the test input carries no EXIF/XMP")
	}
	p, err := Process("gps.jpg", in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentType != JPEG || p.Width != 400 || p.Height != 200 {
		t.Fatalf("got %s %d×%d", p.ContentType, p.Width, p.Height)
	}
	var lat []byte
	for _, v := range gpsLatitude {
		lat = binary.LittleEndian.AppendUint32(lat, v)
	}
	for _, out := range [][]byte{p.Data, p.Thumb} {
		for _, m := range jpegSegments(out) {
			if m == 0xE1 || m == 0xE2 || m == 0xED { // APP1 (EXIF, XMP), APP2, APP13 (IPTC)
				t.Errorf("output keeps a metadata segment FF%02X", m)
			}
		}
		for _, s := range [][]byte{[]byte("Exif"), []byte("GPS"), []byte("xmpmeta"), lat} {
			if bytes.Contains(out, s) {
				t.Errorf("output still contains %q", s)
			}
		}
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Errorf("output does not decode: %v", err)
		}
	}
	if len(p.SHA256) != 64 {
		t.Errorf("sha256 %q", p.SHA256)
	}
}

func TestProcessHonoursOrientation(t *testing.T) {
	// The sensor saw the scene turned: orientation 6 means "turn a quarter clockwise to show".
	in := withEXIF(encodeJPEG(t, testImage(80, 40)), 6)
	p, err := Process("turned.jpg", in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 40 || p.Height != 80 {
		t.Fatalf("turned photo is %d×%d, want 40×80", p.Width, p.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatal(err)
	}
	// Turned clockwise, the left (red) half is on top, the right (blue) half below.
	top, bottom := img.At(20, 10), img.At(20, 70)
	if r, _, b, _ := top.RGBA(); r < b {
		t.Errorf("top is not red: %v", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < r {
		t.Errorf("bottom is not blue: %v", bottom)
	}
	for o := 1; o <= 8; o++ {
		p, err := Process("o.jpg", withEXIF(encodeJPEG(t, testImage(30, 10)), uint16(o)))
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		w, h := 30, 10
		if o >= 5 {
			w, h = 10, 30
		}
		if p.Width != w || p.Height != h {
			t.Errorf("orientation %d: %d×%d, want %d×%d", o, p.Width, p.Height, w, h)
		}
	}
}

func TestProcessThumbnailAndDownscale(t *testing.T) {
	p, err := Process("big.jpg", encodeJPEG(t, testImage(3000, 1000)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != StoredSide || p.Height != 853 {
		t.Errorf("stored %d×%d, want %d×853", p.Width, p.Height, StoredSide)
	}
	if p.ThumbWidth != ThumbSide || p.ThumbHeight != 106 {
		t.Errorf("thumb %d×%d, want %d×106", p.ThumbWidth, p.ThumbHeight, ThumbSide)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.Thumb))
	if err != nil || cfg.Width != p.ThumbWidth || cfg.Height != p.ThumbHeight {
		t.Errorf("thumb decodes as %v %v", cfg, err)
	}
	if len(p.Thumb) >= len(p.Data) {
		t.Errorf("thumb %d bytes, image %d", len(p.Thumb), len(p.Data))
	}
	small, err := Process("small.png", encodePNG(t, testImage(100, 50)))
	if err != nil {
		t.Fatal(err)
	}
	if small.Width != 100 || small.ThumbWidth != 100 {
		t.Errorf("a small photo is not enlarged: %d, thumb %d", small.Width, small.ThumbWidth)
	}
}

func TestProcessPNG(t *testing.T) {
	// A PNG named .jpg is a PNG: the name says nothing.
	exif := append([]byte{}, exifTIFF(8)...)
	in := withPNGChunks(encodePNG(t, testImage(60, 20)),
		pngChunk("tEXt", []byte("Comment\x00secret note")), pngChunk("eXIf", exif))
	p, err := Process("photo.jpg", in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentType != PNG {
		t.Errorf("content type %s", p.ContentType)
	}
	if p.Width != 20 || p.Height != 60 {
		t.Errorf("eXIf orientation 8 not applied: %d×%d", p.Width, p.Height)
	}
	if !bytes.HasPrefix(p.Data, pngMagic) {
		t.Error("output is not a PNG")
	}
	for _, s := range []string{"tEXt", "eXIf", "secret note"} {
		if bytes.Contains(p.Data, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	// Transparent pixels become white in the JPEG thumbnail, not black.
	clear := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	p, err = Process("clear.png", encodePNG(t, clear))
	if err != nil {
		t.Fatal(err)
	}
	th, _ := jpeg.Decode(bytes.NewReader(p.Thumb))
	if r, g, b, _ := th.At(5, 5).RGBA(); r < 0xF000 || g < 0xF000 || b < 0xF000 {
		t.Errorf("transparent thumb pixel is %v", th.At(5, 5))
	}
}

func TestProcessRefuses(t *testing.T) {
	jpg := encodeJPEG(t, testImage(300, 300))
	// A JPEG header claiming 60000×60000, and one claiming 15000×15000 (225 MP).
	huge := func(w, h uint16) []byte {
		b := append([]byte{}, jpg...)
		for i := 2; i+9 < len(b); {
			if b[i+1] == 0xC0 { // SOF0: length, precision, height, width
				binary.BigEndian.PutUint16(b[i+5:], h)
				binary.BigEndian.PutUint16(b[i+7:], w)
				return b
			}
			i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
		}
		t.Fatal("no SOF0")
		return nil
	}
	ihdr := binary.BigEndian.AppendUint32(nil, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	bombPNG := append(append([]byte{}, pngMagic...), pngChunk("IHDR", ihdr)...)
	bombPNG = append(bombPNG, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)

	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 100)...)
	for _, tc := range []struct {
		name string
		data []byte
		key  string
	}{
		{"notes.png", []byte("just some text, not a picture at all\n"), "photos.type"},
		{"page.jpg", []byte("<html><script>alert(1)</script></html>"), "photos.type"},
		{"anim.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "photos.type"},
		{"empty.jpg", nil, "photos.empty"},
		{"cut.jpg", jpg[:len(jpg)*6/10], "photos.corrupt"},
		{"cut.png", encodePNG(t, testImage(200, 200))[:300], "photos.corrupt"},
		{"bomb.jpg", huge(60000, 60000), "photos.dimensions"},
		{"bomb2.jpg", huge(15000, 15000), "photos.dimensions"},
		{"bomb.png", bombPNG, "photos.dimensions"},
		{"IMG_0001.HEIC", heic, "photos.heic"},
		{"big.jpg", append(append([]byte{}, jpg...), make([]byte, MaxBytes)...), "photos.too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Process(tc.name, tc.data)
			if got := fieldKey(t, err); got != tc.key {
				t.Errorf("%s: error %q, want %q", tc.name, got, tc.key)
			}
			if e := errs.As(err); len(e.Args) == 0 || e.Args[0] != tc.name {
				t.Errorf("%s: the message does not name the file: %v", tc.name, e.Args)
			}
		})
	}
	// Check catches the same without decoding the pixels, except a cut image.
	if err := Check("bomb.jpg", huge(60000, 60000)); err == nil {
		t.Error("Check let a bomb through")
	}
	if err := Check("cut.jpg", jpg[:len(jpg)*6/10]); err != nil {
		t.Errorf("Check decodes the pixels: %v", err)
	}
}

func TestDisplayName(t *testing.T) {
	for in, want := range map[string]string{
		"C:\\Users\\me\\IMG_1.jpg": "IMG_1.jpg",
		"../../etc/passwd":         "passwd",
		"":                         "#3",
		"a\x00b\nc.jpg":            "abc.jpg",
		strings.Repeat("长", 80):    strings.Repeat("长", 57) + "…",
	} {
		if got := DisplayName(in, 3); got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", in, got, want)
		}
	}
	if !Report.Valid() || Kind("selfie").Valid() {
		t.Error("Kind.Valid")
	}
}
