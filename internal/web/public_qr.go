package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"

	"rsc.io/qr"
)

// publicQRScale is the pixels per QR module: a code of version 3–5 comes out near 400 px
// square, sharp enough to print on A4.
const publicQRScale = 10

// publicQRPNG draws text as a QR code (error correction M, the usual quiet zone of four
// modules) and encodes it as a PNG. rsc.io/qr does the encoding; the standard library draws.
func publicQRPNG(text string, scale int) ([]byte, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("web: qr: %w", err)
	}
	const quiet = 4
	side := (code.Size + 2*quiet) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if !code.Black(x, y) {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				row := (y+quiet)*scale + dy
				for dx := 0; dx < scale; dx++ {
					img.SetColorIndex((x+quiet)*scale+dx, row, 1)
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("web: qr png: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *Server) publicQR(w http.ResponseWriter, r *http.Request) {
	u, err := s.publicUnit(r, true)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	b, err := publicQRPNG(s.absURL(r, "/r/"+u.Code), publicQRScale)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}

// publicPosterData is the printable A4 poster of a unit's report page.
type publicPosterData struct {
	UnitName string
	UnitCode string
	KindKey  string
	URL      string // the report page's address, printed under the code for those who type it
}

func (s *Server) publicPoster(w http.ResponseWriter, r *http.Request) {
	u, err := s.publicUnit(r, true)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	d := publicPosterData{UnitName: u.Name, UnitCode: u.Code, KindKey: "kind." + string(u.Kind), URL: s.absURL(r, "/r/"+u.Code)}
	s.render(w, r, http.StatusOK, "public_poster", &Page{Title: "public.poster.title", Data: d})
}
