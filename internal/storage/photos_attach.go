package storage

import (
	"fmt"

	"wuxing/internal/photo"
)

// storePhotos stores photos package photo has checked and re-encoded, each by one call of insert
// (which writes the row of its own table and returns its id), and gives their ids in order and
// their bytes in all. A photo package photo did not process is an error; what names the photos in
// the errors. Callers run it inside their transaction: all are stored or none.
func storePhotos(what string, ps []*photo.Photo, insert func(p *photo.Photo) (int64, error)) (ids []int64, total int64, err error) {
	ids = make([]int64, 0, len(ps))
	for _, p := range ps {
		if p == nil || len(p.Data) == 0 || len(p.Thumb) == 0 || (p.ContentType != photo.JPEG && p.ContentType != photo.PNG) {
			return nil, 0, fmt.Errorf("storage: %s: a photo was not processed", what)
		}
		id, err := insert(p)
		if err != nil {
			return nil, 0, fmt.Errorf("storage: %s: %w", what, err)
		}
		ids = append(ids, id)
		total += int64(len(p.Data))
	}
	return ids, total, nil
}
