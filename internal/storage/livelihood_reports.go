package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/org"
	"wuxing/internal/photo"
)

// maxLivPhotos bounds the photos one project may hold in all.
const maxLivPhotos = 300

// LivelihoodPhoto is a stored photo of a progress report; single reads fill Data.
type LivelihoodPhoto struct {
	ID          int64
	ReportID    int64
	ProjectID   int64
	ContentType string
	Width       int
	Height      int
	Bytes       int64
	ThumbWidth  int
	ThumbHeight int
	SHA256      string
	CreatedAt   time.Time
	Data        []byte `json:"-"`
}

// livReporter reads a project the actor may report on: not seen is not found, seen but neither
// managed nor led is forbidden, a stale version is a conflict; and checks n more photos fit.
func (t *Tx) livReporter(ctx context.Context, a Actor, id, version int64, n int) (*livelihood.Project, LivelihoodAccess, error) {
	p, acc, err := t.livProjectIn(ctx, a, id)
	if err != nil {
		return nil, acc, err
	}
	if !acc.Report {
		return nil, acc, errs.Forbidden()
	}
	if p.Version != version {
		return nil, acc, errs.Conflict()
	}
	if n > photo.MaxPerStep {
		return nil, acc, photo.Fail("photos.too_many", photo.MaxPerStep)
	}
	if n > 0 {
		var have int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM livelihood_photos WHERE project_id = ?", id).Scan(&have); err != nil {
			return nil, acc, fmt.Errorf("storage: count livelihood photos: %w", err)
		}
		if have+n > maxLivPhotos {
			return nil, acc, photo.Fail("photos.case_full", maxLivPhotos, max(0, maxLivPhotos-have))
		}
	}
	return p, acc, nil
}

// CheckLivelihoodReport tells, without changing anything, whether the actor could report with n
// photos on a project of this version now: so a handler refuses before decoding images.
func (db *DB) CheckLivelihoodReport(ctx context.Context, a Actor, id, version int64, n int) error {
	return db.view(ctx, func(t *Tx) error {
		_, _, err := t.livReporter(ctx, a, id, version, n)
		return err
	})
}

// checkLivCompound reports a compound that is not an active one of the project's unit or under it.
func (t *Tx) checkLivCompound(ctx context.Context, p *livelihood.Project, id int64) error {
	if id == 0 {
		return nil
	}
	var path string
	var active bool
	err := t.QueryRow(ctx, "SELECT u.path, c.active FROM compounds c JOIN units u ON u.id = c.unit_id WHERE c.id = ?", id).Scan(&path, &active)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if !active || !org.Within(path, p.UnitPath) {
		return errs.Invalid(errs.Field("compound_id", "livelihood.compound.invalid"))
	}
	return nil
}

// ReportLivelihoodProgress records a progress report with its photos (already checked and
// stripped by package photo) on a project of version version, in one transaction with its audit
// entry: the report and all its photos are stored, or nothing.
func (db *DB) ReportLivelihoodProgress(ctx context.Context, a Actor, id, version int64, r *livelihood.Report, ps []*photo.Photo) error {
	return db.update(ctx, func(t *Tx) error {
		p, _, err := t.livReporter(ctx, a, id, version, len(ps))
		if err != nil {
			return err
		}
		if err := livelihood.ValidateReport(p, r, livelihood.Today(t.db.clock.Now())); err != nil {
			return err
		}
		if err := t.checkLivCompound(ctx, p, r.CompoundID); err != nil {
			return err
		}
		if err := t.bumpLiv(ctx, id, version); err != nil {
			return err
		}
		if err := t.insertLivReport(ctx, a, p, r); err != nil {
			return err
		}
		ids, _, err := t.insertLivPhotos(ctx, a, p.ID, r, ps)
		if err != nil {
			return err
		}
		return t.audit(ctx, a, "report", "livelihood_project", id, p.UnitPath, nil, map[string]any{"report": r.ID, "day": r.Day,
			"quantity": r.Quantity.String(), "compound_id": r.CompoundID, "photos": ids, "done": (p.Done + r.Quantity).String()})
	})
}

func (t *Tx) insertLivReport(ctx context.Context, a Actor, p *livelihood.Project, r *livelihood.Report) error {
	pid, name, err := t.actorName(ctx, a)
	if err != nil {
		return err
	}
	now := t.db.clock.Now()
	r.ID, err = t.insert(ctx, `INSERT INTO livelihood_reports (project_id, day, quantity, note, compound_id, corrects_id, superseded,
		reporter_id, reporter_name, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, r.Day, r.Quantity, r.Note, nullID(r.CompoundID), nullID(r.Corrects), false, nullID(pid), name, a.user(), now)
	if err != nil {
		return fmt.Errorf("storage: livelihood report: %w", err)
	}
	r.ProjectID, r.ReporterID, r.ReporterName, r.CreatedAt = p.ID, pid, name, now
	if !a.P.System {
		r.CreatedBy = a.P.UserID
	}
	return nil
}

func (t *Tx) insertLivPhotos(ctx context.Context, a Actor, projectID int64, r *livelihood.Report, ps []*photo.Photo) ([]int64, int64, error) {
	now := t.db.clock.Now()
	return storePhotos("livelihood photos", ps, func(ph *photo.Photo) (int64, error) {
		id, err := t.insert(ctx, `INSERT INTO livelihood_photos (report_id, project_id, content_type, width, height, bytes, data, thumb,
			thumb_width, thumb_height, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, projectID, ph.ContentType, ph.Width, ph.Height, int64(len(ph.Data)), ph.Data, ph.Thumb, ph.ThumbWidth, ph.ThumbHeight,
			ph.SHA256, a.user(), now)
		if err == nil {
			r.Photos = append(r.Photos, livelihood.PhotoRef{ID: id, ThumbWidth: ph.ThumbWidth, ThumbHeight: ph.ThumbHeight})
		}
		return id, err
	})
}

// CorrectLivelihoodReport replaces a report in force with a corrected quantity (zero withdraws
// it) and the reason, on a project of version version. The report stays on the record,
// superseded; the correction is a new report of the same day. Managers correct any report,
// leaders their own.
func (db *DB) CorrectLivelihoodReport(ctx context.Context, a Actor, reportID int64, qty livelihood.Quantity, reason string, version int64) (*livelihood.Report, error) {
	var out *livelihood.Report
	err := db.update(ctx, func(t *Tx) error {
		old, err := scanLivReport(t.QueryRow(ctx, "SELECT "+livReportCols+
			" FROM livelihood_reports r LEFT JOIN compounds c ON c.id = r.compound_id WHERE r.id = ?", reportID))
		if err != nil {
			return notFound(err)
		}
		p, acc, err := t.livReporter(ctx, a, old.ProjectID, version, 0)
		if err != nil {
			return err
		}
		if !acc.Manage && (a.P.UserID == 0 || old.CreatedBy != a.P.UserID) {
			return errs.Forbidden()
		}
		if old.Superseded {
			return errs.New(errs.ECONFLICT, "livelihood.report.already_corrected")
		}
		r := &livelihood.Report{Day: old.Day, Quantity: qty, Note: reason, CompoundID: old.CompoundID, Corrects: old.ID}
		if err := livelihood.ValidateCorrection(p, r, livelihood.Today(t.db.clock.Now())); err != nil {
			return err
		}
		if err := t.bumpLiv(ctx, p.ID, version); err != nil {
			return err
		}
		if err := checkVersion(t.Exec(ctx, "UPDATE livelihood_reports SET superseded = ? WHERE id = ? AND superseded = ?", true, old.ID, false)); err != nil {
			return err
		}
		if err := t.insertLivReport(ctx, a, p, r); err != nil {
			return err
		}
		out = r
		return t.audit(ctx, a, "correct", "livelihood_project", p.ID, p.UnitPath,
			map[string]any{"report": old.ID, "quantity": old.Quantity.String()},
			map[string]any{"report": r.ID, "corrects": old.ID, "quantity": r.Quantity.String(), "reason": r.Note,
				"done": (p.Done - old.Quantity + r.Quantity).String()})
	})
	return out, err
}

// LivelihoodReportProject is the project a report belongs to, if the actor sees it.
func (db *DB) LivelihoodReportProject(ctx context.Context, a Actor, reportID int64) (int64, error) {
	var pid int64
	err := db.view(ctx, func(t *Tx) error {
		if err := t.QueryRow(ctx, "SELECT project_id FROM livelihood_reports WHERE id = ?", reportID).Scan(&pid); err != nil {
			return notFound(err)
		}
		_, _, err := t.livProjectIn(ctx, a, pid)
		return err
	})
	return pid, err
}

// LivelihoodPhoto returns a photo of a project the actor sees, with the image or, with thumb,
// the JPEG thumbnail. A photo of another project is not found.
func (db *DB) LivelihoodPhoto(ctx context.Context, a Actor, projectID, id int64, thumb bool) (*LivelihoodPhoto, error) {
	var out *LivelihoodPhoto
	err := db.view(ctx, func(t *Tx) error {
		if _, _, err := t.livProjectIn(ctx, a, projectID); err != nil {
			return err
		}
		col := "data"
		if thumb {
			col = "thumb"
		}
		var ph LivelihoodPhoto
		err := t.QueryRow(ctx, `SELECT id, report_id, project_id, content_type, width, height, bytes, thumb_width, thumb_height, sha256,
			created_at, `+col+` FROM livelihood_photos WHERE id = ? AND project_id = ?`, id, projectID).Scan(&ph.ID, &ph.ReportID,
			&ph.ProjectID, &ph.ContentType, &ph.Width, &ph.Height, &ph.Bytes, &ph.ThumbWidth, &ph.ThumbHeight, &ph.SHA256, &ph.CreatedAt, &ph.Data)
		if err != nil {
			return notFound(err)
		}
		if thumb {
			ph.ContentType = photo.JPEG
		}
		out = &ph
		return nil
	})
	return out, err
}
