package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// attachPhotos stores the photos uploaded in the multipart field "photos" of r on a case, as
// the given kind ("report", "before", "after", "inspection"). It checks each file's type by
// content, strips EXIF (location included) and makes a thumbnail. Handlers call it after the
// case step it belongs to succeeded. A request without photos stores nothing and is no error;
// one bad file refuses them all (an invalid "photos" field naming the file) and stores none.
// For a resident's public report, pass storage.ResidentActor(ip). To stop a step on a wrong
// file before it is taken, call checkPhotos first.
func (s *Server) attachPhotos(r *http.Request, a storage.Actor, caseID int64, kind string) error {
	_, err := s.storePhotos(r, a, caseID, kind)
	return err
}

// checkPhotos is the quick check of the request's photos, without decoding their pixels: how
// many, their size, their type by content and their declared dimensions. A handler may call it
// before the step the photos belong to, so that a mislabeled or oversize file stops the step.
func (s *Server) checkPhotos(r *http.Request) error {
	files, err := photoFiles(r)
	if err != nil {
		return err
	}
	if len(files) > photo.MaxPerStep {
		return photo.Fail("photos.too_many", photo.MaxPerStep)
	}
	for i, fh := range files {
		name, data, err := readPhoto(fh, i)
		if err != nil {
			return err
		}
		if err := photo.Check(name, data); err != nil {
			return err
		}
	}
	return nil
}

// storePhotos is attachPhotos returning what it stored. It checks the actor may add photos to
// the case before it decodes anything.
func (s *Server) storePhotos(r *http.Request, a storage.Actor, caseID int64, kind string) ([]storage.CasePhoto, error) {
	files, err := photoFiles(r)
	if err != nil {
		return nil, err
	}
	// The server removes the temporary files of the request it received, not those of the
	// copy the handlers see (WithContext), so this request's are removed here, once read.
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if len(files) == 0 {
		return nil, nil
	}
	k := photo.Kind(kind)
	if err := s.db.CheckAddPhotos(r.Context(), a, caseID, k, len(files)); err != nil {
		return nil, err
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
	return s.db.AddCasePhotos(r.Context(), a, caseID, k, ps)
}

// photoFiles returns the files of the request's "photos" field. Web forms were parsed under the
// upload limit when their CSRF token was checked; anything else (the API) is parsed here, under
// the same limit (the body reader enforces it).
func photoFiles(r *http.Request) ([]*multipart.FileHeader, error) {
	if r.MultipartForm == nil {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			return nil, nil
		}
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errTooLarge(mbe.Limit)
			}
			return nil, &errs.Error{Code: errs.EINVALID, Key: "error.bad_request", Err: err}
		}
	}
	return r.MultipartForm.File[photo.Field], nil
}

// readPhoto reads one uploaded file, refusing one over the size limit without reading it all.
func readPhoto(fh *multipart.FileHeader, i int) (string, []byte, error) {
	name := photo.DisplayName(fh.Filename, i+1)
	if fh.Size > photo.MaxBytes {
		return name, nil, photo.Fail("photos.too_large", name, photo.MaxBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return name, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
	if err != nil {
		return name, nil, err
	}
	return name, data, nil
}
