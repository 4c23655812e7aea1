// Package photo checks and prepares the photos attached to cases: JPEG and PNG only, recognised
// by their content (never the file name or the client's word), limited in bytes and in pixels,
// decoded whole, then re-encoded, which drops every metadata block (EXIF, XMP, the phone's GPS
// location among them) after the EXIF orientation has been applied to the pixels. Each photo
// gets a small JPEG thumbnail. The package does no I/O.
package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/jpeg"
	"image/png"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/draw"

	"wuxing/internal/errs"
)

// Limits. A phone photo is 2–6 MB and 12–50 megapixels; anything beyond is refused before it is
// decoded, so a small file that claims enormous dimensions (a decompression bomb) costs nothing.
const (
	MaxBytes   = 8 << 20    // per file, as uploaded
	MaxPixels  = 50_000_000 // width × height, as the header declares
	MaxSide    = 20_000     // either dimension, as the header declares
	StoredSide = 2560       // the stored image's longer side at most: plenty for evidence
	ThumbSide  = 320        // the thumbnail's longer side at most
	MaxPerStep = 6          // photos one step (one request) may carry
	MaxPerCase = 60         // photos one case may hold in all
	Quality    = 85         // JPEG quality of the stored image
	ThumbQual  = 80         // JPEG quality of the thumbnail
)

// Content types of stored photos.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// Kind says at which step a photo was taken.
type Kind string

// The kinds.
const (
	Report     Kind = "report"     // with the report: what the resident or grid worker saw
	Before     Kind = "before"     // the handler's photo before the work
	After      Kind = "after"      // the result: shown on the notice board once resolved
	Inspection Kind = "inspection" // taken by an inspector during a campaign
)

// Kinds lists every kind.
var Kinds = []Kind{Report, Before, After, Inspection}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Photo is an uploaded image made safe to store and show.
type Photo struct {
	ContentType   string // JPEG or PNG, as decoded
	Width, Height int    // of Data, after orientation and downscaling
	Data          []byte // re-encoded: no metadata
	Thumb         []byte // JPEG
	ThumbWidth    int
	ThumbHeight   int
	SHA256        string // hex digest of Data
}

// Field is the form field photos arrive in; errors are reported on it.
const Field = "photos"

// Fail returns an invalid-input error on the photos field whose message (key with args) is
// also the error's own, so a page that shows only the error's sentence still says what is wrong.
func Fail(key string, args ...any) error {
	return &errs.Error{Code: errs.EINVALID, Key: key, Args: args, Fields: []errs.FieldError{errs.Field(Field, key, args...)}}
}

// DisplayName is a client's file name cut to something safe to quote in a message.
func DisplayName(name string, n int) string {
	name = strings.ToValidUTF8(path.Base(strings.ReplaceAll(name, `\`, "/")), "")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "#" + strconv.Itoa(n)
	}
	if utf8.RuneCountInString(name) > 60 {
		r := []rune(name)
		name = string(r[:57]) + "…"
	}
	return name
}

// format is what the first bytes of a file say it is.
type format int

const (
	unknown format = iota
	fmtJPEG
	fmtPNG
	fmtHEIF // HEIC/HEIF/AVIF: an ISO media file holding a still image
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func sniff(b []byte) format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return fmtJPEG
	case bytes.HasPrefix(b, pngMagic):
		return fmtPNG
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis":
			return fmtHEIF
		}
	}
	return unknown
}

// Check is the quick part of Process: size, type by content and declared dimensions, without
// decoding the pixels. Handlers may run it before the step a photo belongs to, so that a wrong
// file stops the step too; Process checks the same again and decodes the whole image.
func Check(name string, data []byte) error {
	_, _, err := check(name, data)
	return err
}

func check(name string, data []byte) (format, image.Config, error) {
	if len(data) == 0 {
		return unknown, image.Config{}, Fail("photos.empty", name)
	}
	if len(data) > MaxBytes {
		return unknown, image.Config{}, Fail("photos.too_large", name, MaxBytes>>20)
	}
	f := sniff(data)
	var cfg image.Config
	var err error
	switch f {
	case fmtJPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case fmtPNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case fmtHEIF:
		return f, cfg, Fail("photos.heic", name)
	default:
		return f, cfg, Fail("photos.type", name)
	}
	if err != nil {
		return f, cfg, Fail("photos.corrupt", name)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return f, cfg, Fail("photos.dimensions", name, MaxPixels/1_000_000)
	}
	return f, cfg, nil
}

// Process checks one uploaded file and prepares it for storing: decoded whole, turned upright
// as its EXIF orientation says, scaled down to StoredSide at most, re-encoded without any
// metadata, with a thumbnail. name is only quoted in error messages.
func Process(name string, data []byte) (*Photo, error) {
	f, _, err := check(name, data)
	if err != nil {
		return nil, err
	}
	var img image.Image
	orient := 1
	switch f {
	case fmtJPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
		orient = jpegOrientation(data)
	case fmtPNG:
		img, err = png.Decode(bytes.NewReader(data))
		orient = pngOrientation(data)
	}
	if err != nil {
		return nil, Fail("photos.corrupt", name)
	}
	img = fit(img, StoredSide)
	img = orientImage(img, orient)

	p := &Photo{Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	var buf bytes.Buffer
	switch f {
	case fmtJPEG:
		p.ContentType = JPEG
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: Quality})
	case fmtPNG:
		p.ContentType = PNG
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img)
	}
	if err != nil {
		return nil, Fail("photos.corrupt", name)
	}
	p.Data = buf.Bytes()
	sum := sha256.Sum256(p.Data)
	p.SHA256 = hex.EncodeToString(sum[:])

	th := fit(img, ThumbSide)
	th = onWhite(th)
	var tb bytes.Buffer
	if err := jpeg.Encode(&tb, th, &jpeg.Options{Quality: ThumbQual}); err != nil {
		return nil, Fail("photos.corrupt", name)
	}
	p.Thumb, p.ThumbWidth, p.ThumbHeight = tb.Bytes(), th.Bounds().Dx(), th.Bounds().Dy()
	return p, nil
}

// fit scales img down so that its longer side is at most side (turning it later does not
// change that). An image small enough is returned as it is.
func fit(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	if long <= side {
		return img
	}
	nw, nh := w*side/long, h*side/long
	nw, nh = max(nw, 1), max(nh, 1)
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	// Shrinking by half or less, sampling the neighbours is as good and four times faster; a
	// larger step needs the kernel spread over every source pixel, or it would alias.
	var s draw.Scaler = draw.BiLinear
	if long <= 2*side {
		s = draw.ApproxBiLinear
	}
	s.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// onWhite flattens transparency onto white, since a JPEG thumbnail has no alpha.
func onWhite(img image.Image) image.Image {
	if opaque, ok := img.(interface{ Opaque() bool }); ok && opaque.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	stddraw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, stddraw.Src)
	stddraw.Draw(dst, dst.Bounds(), img, b.Min, stddraw.Over)
	return dst
}
