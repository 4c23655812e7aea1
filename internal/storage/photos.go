package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/photo"
)

// CasePhoto is a photo of a case. Lists carry no image bytes; the single reads fill Data with
// the image or its thumbnail.
type CasePhoto struct {
	ID          int64
	CaseID      int64
	Kind        photo.Kind
	ContentType string // of the image; a thumbnail is always JPEG
	Width       int
	Height      int
	Bytes       int64 // size of the stored image
	ThumbWidth  int
	ThumbHeight int
	SHA256      string
	CreatedBy   int64
	CreatedAt   time.Time
	Data        []byte `json:"-"`
}

// ResidentActor is the actor for a resident's own upload through the public report form,
// right after SubmitPublic made the case: the platform stores it on the resident's behalf (as
// SubmitPublic does), and the timeline names a resident.
func ResidentActor(ip string) Actor {
	return Actor{P: &authz.Principal{Username: "resident", System: true}, IP: ip}
}

const photoCols = `p.id, p.case_id, p.kind, p.content_type, p.width, p.height, p.bytes, p.thumb_width, p.thumb_height,
	p.sha256, COALESCE(p.created_by, 0), p.created_at`

func scanPhoto(sc interface{ Scan(...any) error }, extra ...any) (*CasePhoto, error) {
	var p CasePhoto
	err := sc.Scan(append([]any{&p.ID, &p.CaseID, &p.Kind, &p.ContentType, &p.Width, &p.Height, &p.Bytes,
		&p.ThumbWidth, &p.ThumbHeight, &p.SHA256, &p.CreatedBy, &p.CreatedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// mayAddPhotos says whether the actor may add photos of a kind to a case they can see: report
// photos by whoever may report in the case's unit, runs or handles it; before and after photos
// by whoever runs or handles it; inspection photos by whoever runs it, inspects or reports there.
func mayAddPhotos(a Actor, c *cases.Case, k cases.Capacity, kind photo.Kind) bool {
	if a.P.System {
		return true
	}
	switch kind {
	case photo.Report:
		return k.Manager || k.Handler || a.P.CanAt(authz.ReportCases, c.UnitPath)
	case photo.Before, photo.After:
		return k.Manager || k.Handler
	case photo.Inspection:
		return k.Manager || a.P.CanAt(authz.RunCampaigns, c.UnitPath) || a.P.CanAt(authz.ReportCases, c.UnitPath)
	}
	return false
}

// AddCasePhotos stores photos (already checked and stripped by package photo) on a case the
// actor may see and add photos of that kind to, at most photo.MaxPerStep at once, with one
// timeline event "photos" and one audit entry, all in one transaction: all are stored or none.
// The account that reported the case may add report photos to it even where it cannot see the
// case otherwise (a grid worker's report belongs to the community above).
func (db *DB) AddCasePhotos(ctx context.Context, a Actor, caseID int64, kind photo.Kind, ps []*photo.Photo) ([]CasePhoto, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	if len(ps) > photo.MaxPerStep {
		return nil, photo.Fail("photos.too_many", photo.MaxPerStep)
	}
	var out []CasePhoto
	err := db.update(ctx, func(t *Tx) error {
		c, err := t.photoAccess(ctx, a, caseID, kind, len(ps))
		if err != nil {
			return err
		}
		now := t.db.clock.Now()
		var by any
		if !a.P.System {
			by = a.P.UserID
		}
		ids, total, err := storePhotos("add photos", ps, func(p *photo.Photo) (int64, error) {
			id, err := t.insert(ctx, `INSERT INTO case_photos (case_id, kind, content_type, width, height, bytes, data, thumb,
				thumb_width, thumb_height, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				caseID, string(kind), p.ContentType, p.Width, p.Height, int64(len(p.Data)), p.Data, p.Thumb,
				p.ThumbWidth, p.ThumbHeight, p.SHA256, by, now)
			if err != nil {
				return 0, err
			}
			out = append(out, CasePhoto{ID: id, CaseID: caseID, Kind: kind, ContentType: p.ContentType, Width: p.Width,
				Height: p.Height, Bytes: int64(len(p.Data)), ThumbWidth: p.ThumbWidth, ThumbHeight: p.ThumbHeight,
				SHA256: p.SHA256, CreatedAt: now})
			if !a.P.System {
				out[len(out)-1].CreatedBy = a.P.UserID
			}
			return id, nil
		})
		if err != nil {
			return err
		}
		data := map[string]any{"kind": string(kind), "photos": ids}
		if err := t.caseEvent(ctx, a, a.P.Username, caseID, "photos", c.Status, c.Status, "", data); err != nil {
			return err
		}
		return t.audit(ctx, a, "photos", "case", caseID, c.UnitPath, nil,
			map[string]any{"kind": string(kind), "photos": ids, "bytes": total})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CheckAddPhotos tells, without changing anything, whether the actor could add n photos of a
// kind to a case now, with the error AddCasePhotos would give: so a handler refuses an upload
// out of scope before it spends time decoding the images.
func (db *DB) CheckAddPhotos(ctx context.Context, a Actor, caseID int64, kind photo.Kind, n int) error {
	if n > photo.MaxPerStep {
		return photo.Fail("photos.too_many", photo.MaxPerStep)
	}
	return db.view(ctx, func(t *Tx) error {
		_, err := t.photoAccess(ctx, a, caseID, kind, n)
		return err
	})
}

// photoAccess reads a case the actor may add n photos of a kind to, or says why not: not found
// outside their scope (before anything else is looked at), an unknown kind, forbidden for a kind their part in the case does not allow, invalid when
// the case would hold too many photos.
func (t *Tx) photoAccess(ctx context.Context, a Actor, caseID int64, kind photo.Kind, n int) (*cases.Case, error) {
	c, err := t.caseByID(ctx, caseID)
	if err != nil {
		return nil, err
	}
	k := Capacity(a, c)
	reporter := false
	if !a.P.System && a.P.UserID != 0 && kind == photo.Report {
		var by sql.NullInt64
		if err := t.QueryRow(ctx, "SELECT created_by FROM cases WHERE id = ?", caseID).Scan(&by); err != nil {
			return nil, err
		}
		reporter = by.Valid && by.Int64 == a.P.UserID
	}
	if !k.Viewer && !k.Manager && !reporter {
		return nil, errs.NotFound()
	}
	if !kind.Valid() {
		return nil, &errs.Error{Code: errs.EINVALID, Key: "photos.kind.invalid", Fields: []errs.FieldError{errs.Field("kind", "photos.kind.invalid")}}
	}
	if !reporter && !mayAddPhotos(a, c, k, kind) {
		return nil, errs.New(errs.EFORBIDDEN, "photos.forbidden")
	}
	var have int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM case_photos WHERE case_id = ?", caseID).Scan(&have); err != nil {
		return nil, fmt.Errorf("storage: count photos: %w", err)
	}
	if have+n > photo.MaxPerCase {
		return nil, photo.Fail("photos.case_full", photo.MaxPerCase, max(0, photo.MaxPerCase-have))
	}
	return c, nil
}

// CasePhotos lists the photos of a case the actor may see, oldest first, without their bytes.
func (db *DB) CasePhotos(ctx context.Context, a Actor, caseID int64) ([]CasePhoto, error) {
	var out []CasePhoto
	err := db.view(ctx, func(t *Tx) error {
		if _, _, err := t.caseIn(ctx, a, caseID); err != nil {
			return err
		}
		var err error
		out, err = t.photos(ctx, "p.case_id = ?", caseID)
		return err
	})
	return out, err
}

// CasePhoto returns one photo of a case the actor may see, with the image's bytes or, with
// thumb, the thumbnail's (then ContentType is JPEG). A photo of another case is not found.
func (db *DB) CasePhoto(ctx context.Context, a Actor, caseID, id int64, thumb bool) (*CasePhoto, error) {
	var out *CasePhoto
	err := db.view(ctx, func(t *Tx) error {
		if _, _, err := t.caseIn(ctx, a, caseID); err != nil {
			return err
		}
		var err error
		out, err = t.photo(ctx, thumb, "p.id = ? AND p.case_id = ?", id, caseID)
		return err
	})
	return out, err
}

// PublicCasePhotos lists the photos of the case a tracking code opens: its reporter sees them
// all. A wrong code is not found.
func (db *DB) PublicCasePhotos(ctx context.Context, trackingCode string) ([]CasePhoto, error) {
	code, ok := trackingArg(trackingCode)
	if !ok {
		return nil, errs.NotFound()
	}
	var out []CasePhoto
	err := db.view(ctx, func(t *Tx) error {
		var caseID int64
		if err := t.QueryRow(ctx, "SELECT id FROM cases WHERE tracking_code = ?", code).Scan(&caseID); err != nil {
			return notFound(err)
		}
		var err error
		out, err = t.photos(ctx, "p.case_id = ?", caseID)
		return err
	})
	return out, err
}

// PublicCasePhoto returns one photo of the case a tracking code opens; a photo of any other
// case, or a wrong code, is not found.
func (db *DB) PublicCasePhoto(ctx context.Context, trackingCode string, id int64, thumb bool) (*CasePhoto, error) {
	code, ok := trackingArg(trackingCode)
	if !ok {
		return nil, errs.NotFound()
	}
	var out *CasePhoto
	err := db.view(ctx, func(t *Tx) (err error) {
		out, err = t.photo(ctx, thumb, "p.id = ? AND p.case_id = (SELECT c.id FROM cases c WHERE c.tracking_code = ?)", id, code)
		return err
	})
	return out, err
}

// boardCond limits photos to what the notice board publishes: "after" photos of cases past
// resolution (NoticeStatuses, the board's own rule).
func boardCond() (string, []any) {
	args := []any{string(photo.After)}
	for _, st := range NoticeStatuses {
		args = append(args, string(st))
	}
	return "p.kind = ? AND p.case_id IN (SELECT c.id FROM cases c WHERE c.status IN (" +
		strings.TrimSuffix(strings.Repeat("?,", len(NoticeStatuses)), ",") + "))", args
}

// BoardPhotos returns, for the cases the notice board shows, the photos it may publish: the
// "after" photos of those past resolution, by case id. Other cases get none.
func (db *DB) BoardPhotos(ctx context.Context, caseIDs []int64) (map[int64][]CasePhoto, error) {
	out := map[int64][]CasePhoto{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	if len(caseIDs) > 500 {
		caseIDs = caseIDs[:500]
	}
	err := db.view(ctx, func(t *Tx) error {
		cond, args := boardCond()
		cond += " AND p.case_id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(caseIDs)), ",") + ")"
		for _, id := range caseIDs {
			args = append(args, id)
		}
		ps, err := t.photos(ctx, cond, args...)
		for _, p := range ps {
			out[p.CaseID] = append(out[p.CaseID], p)
		}
		return err
	})
	return out, err
}

// BoardPhoto returns a photo the notice board publishes ("after", case past resolution); any
// other photo is not found.
func (db *DB) BoardPhoto(ctx context.Context, id int64, thumb bool) (*CasePhoto, error) {
	var out *CasePhoto
	err := db.view(ctx, func(t *Tx) (err error) {
		cond, args := boardCond()
		out, err = t.photo(ctx, thumb, "p.id = ? AND "+cond, append([]any{id}, args...)...)
		return err
	})
	return out, err
}

// trackingArg normalizes a tracking code as CaseByTracking does.
func trackingArg(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	return code, validTrackingCode(code)
}

func (t *Tx) photos(ctx context.Context, cond string, args ...any) ([]CasePhoto, error) {
	rows, err := t.Query(ctx, "SELECT "+photoCols+" FROM case_photos p WHERE "+cond+" ORDER BY p.case_id, p.id", args...)
	if err != nil {
		return nil, fmt.Errorf("storage: photos: %w", err)
	}
	defer rows.Close()
	var out []CasePhoto
	for rows.Next() {
		p, err := scanPhoto(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

func (t *Tx) photo(ctx context.Context, thumb bool, cond string, args ...any) (*CasePhoto, error) {
	col := "p.data"
	if thumb {
		col = "p.thumb"
	}
	var data []byte
	p, err := scanPhoto(t.QueryRow(ctx, "SELECT "+photoCols+", "+col+" FROM case_photos p WHERE "+cond, args...), &data)
	if err != nil {
		return nil, notFound(err)
	}
	p.Data = data
	if thumb {
		p.ContentType = photo.JPEG
	}
	return p, nil
}
