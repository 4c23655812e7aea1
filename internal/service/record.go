package service

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// Entry kinds of the approved-hours ledger.
const (
	EntryApproval   = "approval"   // written when the organizer approves an activity
	EntryCorrection = "correction" // an accepted correction: the difference
)

// Entry is one row of the approved-hours ledger; rows are never changed.
type Entry struct {
	ID           int64
	PersonID     int64
	TeamID       int64
	ActivityID   int64
	ServiceDate  string
	Centihours   int
	Kind         string
	CorrectionID int64
	ApproverName string
	ApprovedAt   time.Time
	// Filled by reads.
	PersonName    string
	ActivityTitle string
	TeamName      string
}

// CorrectionStatus is where a correction request stands.
type CorrectionStatus string

// Correction states.
const (
	Pending  CorrectionStatus = "pending"
	Accepted CorrectionStatus = "accepted"
	Declined CorrectionStatus = "declined"
)

// Correction is a volunteer's request to correct their approved hours on an activity.
type Correction struct {
	ID            int64
	ActivityID    int64
	ParticipantID int64
	PersonID      int64
	Current       int // centihours in the ledger when asked
	Wanted        int // centihours the volunteer says are right
	Reason        string
	Status        CorrectionStatus
	DeciderName   string
	DecidedAt     time.Time
	DecisionNote  string
	HoursID       int64
	Version       int64
	CreatedAt     time.Time
	// Filled by reads.
	PersonName    string
	ActivityTitle string
	ServiceDate   string
	UnitPath      string
}

// ValidateRequest checks a correction request.
func (c *Correction) ValidateRequest() error {
	var fe []errs.FieldError
	c.Reason = textField(&fe, "reason", c.Reason, true, 1000)
	if c.Wanted == c.Current {
		fe = append(fe, errs.Field("hours", "service.correction.same"))
	}
	if c.Wanted < 0 || c.Wanted > MaxDay {
		fe = append(fe, errs.Field("hours", "service.hours.over_day"))
	}
	return errs.FieldsOf(fe)
}

// Delta is the ledger entry an accepted correction writes.
func (c *Correction) Delta() int { return c.Wanted - c.Current }

// Certificate is a numbered service certificate: the figures as issued.
type Certificate struct {
	ID         int64
	Number     string
	TownID     int64
	Year       int
	Seq        int
	PersonID   int64
	PersonName string
	UnitID     int64
	UnitPath   string
	Centihours int
	PeriodFrom string
	PeriodTo   string
	Content    string
	Issuer     string
	IssuedOn   string
	CreatedAt  time.Time
}

// Validate checks what the issuer entered.
func (c *Certificate) Validate() error {
	var fe []errs.FieldError
	c.Content = textField(&fe, "content", c.Content, true, 500)
	c.Issuer = textField(&fe, "issuer", c.Issuer, true, 100)
	if c.PersonID == 0 {
		fe = append(fe, errs.Field("person_id", "validation.required"))
	}
	if !ValidDate(c.PeriodFrom) {
		fe = append(fe, errs.Field("period_from", "validation.date"))
	}
	if !ValidDate(c.PeriodTo) {
		fe = append(fe, errs.Field("period_to", "validation.date"))
	}
	if ValidDate(c.PeriodFrom) && ValidDate(c.PeriodTo) && c.PeriodTo < c.PeriodFrom {
		fe = append(fe, errs.Field("period_to", "service.certificate.period_err"))
	}
	return errs.FieldsOf(fe)
}

// CertificateNumber is the number of a town's seq-th certificate of a year:
// "ZYFW" + the town's 12-digit code's first 9 digits + year + 5-digit sequence,
// e.g. ZYFW-410902003-2026-00017.
func CertificateNumber(townCode string, year, seq int) string {
	code := townCode
	if len(code) > 9 {
		code = code[:9]
	}
	return fmt.Sprintf("ZYFW-%s-%d-%05d", code, year, seq)
}

// NormalizeNumber tidies a certificate number typed by someone checking it.
func NormalizeNumber(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > 40 {
		return ""
	}
	return s
}
