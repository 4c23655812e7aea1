package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
	"wuxing/internal/errs"

	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// photoJSON is a photo in the API: its facts and where to fetch it with the same token.
type photoJSON struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Bytes       int64     `json:"bytes"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url"`
}

func photosJSON(ps []storage.CasePhoto) []photoJSON {
	out := make([]photoJSON, 0, len(ps))
	for _, p := range ps {
		u := "/api/v1/cases/" + strconv.FormatInt(p.CaseID, 10) + "/photos/" + strconv.FormatInt(p.ID, 10)
		out = append(out, photoJSON{ID: p.ID, CaseID: p.CaseID, Kind: string(p.Kind), ContentType: p.ContentType,
			Width: p.Width, Height: p.Height, Bytes: p.Bytes, SHA256: p.SHA256, CreatedAt: p.CreatedAt,
			URL: u, ThumbURL: u + "/thumb"})
	}
	return out
}

// photoKindOf reads the kind of photos a form or API request adds ("report" when not given).
func photoKindOf(r *http.Request) string {
	if r.MultipartForm != nil {
		if v := r.MultipartForm.Value["kind"]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
	} else if k := r.PostFormValue("kind"); k != "" {
		return k
	}
	return string(photo.Report)
}

// addPhotos takes the photos of the upload form on a case page (photos_upload partial).
func (s *Server) addPhotos(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.uploadPhotos(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/cases/"+strconv.FormatInt(id, 10), "flash.photos.added")
}

// apiAddPhotos is POST /api/v1/cases/{id}/photos: multipart, field "photos" (up to
// photo.MaxPerStep files) and "kind".
func (s *Server) apiAddPhotos(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored, err := s.uploadPhotos(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"photos": photosJSON(stored)})
}

// uploadPhotos is the shared body of the two upload routes: a request with no photo is refused
// (after the scope check, so that a case out of reach stays not found).
func (s *Server) uploadPhotos(r *http.Request, caseID int64) ([]storage.CasePhoto, error) {
	a := actor(r)
	files, err := photoFiles(r)
	if err != nil {
		return nil, err
	}
	kind := photoKindOf(r)
	if len(files) == 0 {
		if err := s.db.CheckAddPhotos(r.Context(), a, caseID, photo.Kind(kind), 0); err != nil {
			return nil, err
		}
		return nil, photo.Fail("photos.none")
	}
	return s.storePhotos(r, a, caseID, kind)
}

// apiCasePhotos lists a case's photos.
func (s *Server) apiCasePhotos(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.db.CasePhotos(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"photos": photosJSON(ps)})
}

// casePhoto serves a photo (or, thumb, its thumbnail) of a case the user may see.
func (s *Server) casePhoto(thumb bool) http.HandlerFunc {
	return s.scopedPhoto("id", "photo", func(r *http.Request, id, pid int64) (*storage.CasePhoto, error) {
		return s.db.CasePhoto(r.Context(), actor(r), id, pid, thumb)
	}, thumb)
}

// scopedPhoto serves a photo of a record the user sees: the record's and the photo's ids are the
// path values parent and child, load fetches the image (the store scopes it), and the answer is
// private to the user. Case and service-activity photos share it.
func (s *Server) scopedPhoto(parent, child string, load func(r *http.Request, id, pid int64) (*storage.CasePhoto, error), thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, parent)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pid, err := pathID(r, child)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := load(r, id, pid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		servePhoto(w, r, p, thumb, "private, max-age=3600")
	}
}

// trackedPhoto serves a photo of the case a tracking code opens: the code is the key, so the
// answer is private to whoever holds it.
func (s *Server) trackedPhoto(thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, err := pathID(r, "photo")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// Tracking codes are bearer secrets: a photo URL must not become a way to guess them, so
		// wrong guesses draw on the same per-address allowance as tracking lookups.
		if !s.publicAllow(w, r, s.public.lookups, false) {
			return
		}
		p, err := s.db.PublicCasePhoto(r.Context(), r.PathValue("tracking"), pid, thumb)
		if err != nil {
			if errs.Code(err) == errs.ENOTFOUND {
				publicCharge(r, s.public.lookups)
			}
			s.fail(w, r, err)
			return
		}
		servePhoto(w, r, p, thumb, "private, max-age=3600")
	}
}

// boardPhoto serves an "after" photo of a case the notice board publishes. Caches keep it only
// briefly: a case reopened by a failed check leaves the board.
func (s *Server) boardPhoto(thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, err := pathID(r, "photo")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := s.db.BoardPhoto(r.Context(), pid, thumb)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		servePhoto(w, r, p, thumb, "public, max-age=300")
	}
}

// servePhoto writes a stored image with its own content type (never sniffed), a validator for
// revalidation, and the cache policy given.
func servePhoto(w http.ResponseWriter, r *http.Request, p *storage.CasePhoto, thumb bool, cache string) {
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", cache)
	ext := ".jpg"
	if p.ContentType == photo.PNG {
		ext = ".png"
	}
	name := "photo-" + strconv.FormatInt(p.ID, 10)
	etag := `"` + p.SHA256
	if thumb {
		name += "-thumb"
		etag += "-t"
	}
	h.Set("Content-Disposition", `inline; filename="`+name+ext+`"`)
	h.Set("ETag", etag+`"`)
	http.ServeContent(w, r, "", p.CreatedAt, bytes.NewReader(p.Data))
}
