package storage

import (
	"context"
	"fmt"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/photo"
	"wuxing/internal/service"
)

// MaxActivityPhotos bounds the photos one service activity may hold in all.
const MaxActivityPhotos = 30

// ActivityPhoto is a photo of a service activity. Lists carry no image bytes; the single read
// fills Data with the image or its thumbnail.
type ActivityPhoto struct {
	ID          int64
	ActivityID  int64
	ContentType string // of the image; a thumbnail is always JPEG
	Width       int
	Height      int
	Bytes       int64
	ThumbWidth  int
	ThumbHeight int
	SHA256      string
	CreatedBy   int64
	CreatedAt   time.Time
	Data        []byte `json:"-"`
}

const activityPhotoCols = `p.id, p.activity_id, p.content_type, p.width, p.height, p.bytes, p.thumb_width, p.thumb_height, p.sha256,
	COALESCE(p.created_by, 0), p.created_at`

func scanActivityPhoto(sc interface{ Scan(...any) error }, extra ...any) (*ActivityPhoto, error) {
	var p ActivityPhoto
	err := sc.Scan(append([]any{&p.ID, &p.ActivityID, &p.ContentType, &p.Width, &p.Height, &p.Bytes, &p.ThumbWidth, &p.ThumbHeight,
		&p.SHA256, &p.CreatedBy, &p.CreatedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// activityPhotoAccess reads an activity the actor may add n photos to: not found out of sight
// (before anything else is looked at), forbidden to one who sees it but neither organizes it nor
// took part, refused on a cancelled activity or when it would hold too many photos.
func (t *Tx) activityPhotoAccess(ctx context.Context, a Actor, activityID int64, n int) (*service.Activity, error) {
	x, err := t.activityIn(ctx, a, authz.ViewService, activityID)
	if err != nil {
		return nil, err
	}
	if !a.P.System && !a.P.CanAt(authz.ManageService, x.UnitPath) {
		own, err := t.isParticipant(ctx, a, activityID)
		if err != nil {
			return nil, err
		}
		if !own {
			return nil, errs.New(errs.EFORBIDDEN, "service.photos.forbidden")
		}
	}
	if x.Status == service.Cancelled {
		return nil, photo.Fail("service.photos.cancelled")
	}
	if n > photo.MaxPerStep {
		return nil, photo.Fail("photos.too_many", photo.MaxPerStep)
	}
	var have int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_activity_photos WHERE activity_id = ?", activityID).Scan(&have); err != nil {
		return nil, fmt.Errorf("storage: count activity photos: %w", err)
	}
	if have+n > MaxActivityPhotos {
		return nil, photo.Fail("service.photos.full", MaxActivityPhotos, max(0, MaxActivityPhotos-have))
	}
	return x, nil
}

// CheckAddActivityPhotos tells, without changing anything, whether the actor could add n photos
// to an activity now, with the error AddActivityPhotos would give: so a handler refuses an upload
// out of scope before it spends time decoding the images.
func (db *DB) CheckAddActivityPhotos(ctx context.Context, a Actor, activityID int64, n int) error {
	return db.view(ctx, func(t *Tx) error {
		_, err := t.activityPhotoAccess(ctx, a, activityID, n)
		return err
	})
}

// AddActivityPhotos stores photos (already checked and re-encoded by package photo) on an
// activity its organizer or one of its participants adds them to, with one audit entry, in one
// transaction: all are stored or none.
func (db *DB) AddActivityPhotos(ctx context.Context, a Actor, activityID int64, ps []*photo.Photo) ([]ActivityPhoto, error) {
	if len(ps) == 0 {
		return nil, photo.Fail("photos.none")
	}
	var out []ActivityPhoto
	err := db.update(ctx, func(t *Tx) error {
		x, err := t.activityPhotoAccess(ctx, a, activityID, len(ps))
		if err != nil {
			return err
		}
		now := t.db.clock.Now()
		by, _ := actorRef(a)
		ids, total, err := storePhotos("activity photos", ps, func(p *photo.Photo) (int64, error) {
			return t.insert(ctx, `INSERT INTO service_activity_photos (activity_id, content_type, width, height, bytes, data, thumb,
				thumb_width, thumb_height, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				activityID, p.ContentType, p.Width, p.Height, int64(len(p.Data)), p.Data, p.Thumb, p.ThumbWidth, p.ThumbHeight, p.SHA256, by, now)
		})
		if err != nil {
			return err
		}
		for i, p := range ps {
			ph := ActivityPhoto{ID: ids[i], ActivityID: activityID, ContentType: p.ContentType, Width: p.Width, Height: p.Height,
				Bytes: int64(len(p.Data)), ThumbWidth: p.ThumbWidth, ThumbHeight: p.ThumbHeight, SHA256: p.SHA256, CreatedAt: now}
			if !a.P.System {
				ph.CreatedBy = a.P.UserID
			}
			out = append(out, ph)
		}
		return t.audit(ctx, a, "photos", "service_activity", activityID, x.UnitPath, nil, map[string]any{"photos": ids, "bytes": total})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ActivityPhotos lists the photos of an activity the actor sees, oldest first, without bytes.
func (db *DB) ActivityPhotos(ctx context.Context, a Actor, activityID int64) ([]ActivityPhoto, error) {
	var out []ActivityPhoto
	err := db.view(ctx, func(t *Tx) error {
		if _, err := t.activityIn(ctx, a, authz.ViewService, activityID); err != nil {
			return err
		}
		rows, err := t.Query(ctx, "SELECT "+activityPhotoCols+" FROM service_activity_photos p WHERE p.activity_id = ? ORDER BY p.id", activityID)
		if err != nil {
			return fmt.Errorf("storage: activity photos: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanActivityPhoto(rows)
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		return rows.Err()
	})
	return out, err
}

// ActivityPhotoData returns one photo of an activity the actor sees, with the image's bytes or,
// with thumb, the thumbnail's (then ContentType is JPEG). A photo of another activity is not found.
func (db *DB) ActivityPhotoData(ctx context.Context, a Actor, activityID, id int64, thumb bool) (*ActivityPhoto, error) {
	var out *ActivityPhoto
	err := db.view(ctx, func(t *Tx) error {
		if _, err := t.activityIn(ctx, a, authz.ViewService, activityID); err != nil {
			return err
		}
		col := "p.data"
		if thumb {
			col = "p.thumb"
		}
		var data []byte
		p, err := scanActivityPhoto(t.QueryRow(ctx, "SELECT "+activityPhotoCols+", "+col+
			" FROM service_activity_photos p WHERE p.id = ? AND p.activity_id = ?", id, activityID), &data)
		if err != nil {
			return notFound(err)
		}
		p.Data = data
		if thumb {
			p.ContentType = photo.JPEG
		}
		out = p
		return nil
	})
	return out, err
}
