package web

import (
	"net/http"
	"strconv"
	"time"

	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// Photos of a service activity: its organizer and its participants attach them; whoever sees the
// activity sees them. Files are checked and re-encoded by package photo exactly as a case's are
// (photos_attach.go): type by content, size, EXIF stripped, a thumbnail made.

// svcStorePhotos stores the photos of the request's "photos" field on an activity: the actor's
// right to add them is checked before any image is decoded (so an activity out of reach stays
// not found), a request without photos is refused, one bad file refuses them all.
func (s *Server) svcStorePhotos(r *http.Request, activityID int64) ([]storage.ActivityPhoto, error) {
	a := actor(r)
	files, err := photoFiles(r)
	if err != nil {
		return nil, err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err := s.db.CheckAddActivityPhotos(r.Context(), a, activityID, len(files)); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, photo.Fail("photos.none")
	}
	ps := make([]*photo.Photo, 0, len(files))
	for i, fh := range files {
		name, data, err := readPhoto(fh, i)
		if err != nil {
			return nil, err
		}
		p, err := photo.Process(name, data)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return s.db.AddActivityPhotos(r.Context(), a, activityID, ps)
}

// svcPhotoAdd is POST /service/activities/{service_activity}/photos (multipart, field "photos").
func (s *Server) svcPhotoAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.svcStorePhotos(r, id); err != nil {
		s.svcActivityFail(w, r, id, "photos", err)
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.photos_added")
}

// svcActivityPhotoJSON is a photo in the API, with where to fetch it with the same token.
type svcActivityPhotoJSON struct {
	ID          int64     `json:"id"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Bytes       int64     `json:"bytes"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url"`
}

func svcPhotosOut(ps []storage.ActivityPhoto) []svcActivityPhotoJSON {
	out := make([]svcActivityPhotoJSON, 0, len(ps))
	for _, p := range ps {
		u := "/api/v1/service/activities/" + strconv.FormatInt(p.ActivityID, 10) + "/photos/" + strconv.FormatInt(p.ID, 10)
		out = append(out, svcActivityPhotoJSON{ID: p.ID, ContentType: p.ContentType, Width: p.Width, Height: p.Height, Bytes: p.Bytes,
			SHA256: p.SHA256, CreatedAt: p.CreatedAt, URL: u, ThumbURL: u + "/thumb"})
	}
	return out
}

// apiSvcPhotoAdd is POST /api/v1/service/activities/{service_activity}/photos: multipart, field
// "photos" (up to photo.MaxPerStep files).
func (s *Server) apiSvcPhotoAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored, err := s.svcStorePhotos(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"photos": svcPhotosOut(stored)})
}

// svcPhoto serves a photo (or, thumb, its thumbnail) of an activity the user sees.
func (s *Server) svcPhoto(thumb bool) http.HandlerFunc {
	return s.scopedPhoto("service_activity", "service_photo", func(r *http.Request, id, pid int64) (*storage.CasePhoto, error) {
		p, err := s.db.ActivityPhotoData(r.Context(), actor(r), id, pid, thumb)
		if err != nil {
			return nil, err
		}
		return &storage.CasePhoto{ID: p.ID, ContentType: p.ContentType, SHA256: p.SHA256, CreatedAt: p.CreatedAt, Data: p.Data}, nil
	}, thumb)
}
