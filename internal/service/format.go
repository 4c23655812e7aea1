package service

import "wuxing/internal/privacy"

// Hours as decimal text, for pages and exports.

// Hours is the activity's recorded hours.
func (a Activity) Hours() string { return FormatHours(a.Centihours) }

// Hours is the participant's recorded hours.
func (p Participant) Hours() string { return FormatHours(p.Centihours) }

// ApprovedHours is the participant's hours in the ledger.
func (p Participant) ApprovedHours() string { return FormatHours(p.Approved) }

// Hours is the entry's hours (negative for a correction that takes hours off).
func (e Entry) Hours() string { return FormatHours(e.Centihours) }

// CurrentHours is what the ledger held when the correction was asked.
func (c Correction) CurrentHours() string { return FormatHours(c.Current) }

// WantedHours is what the volunteer asked for.
func (c Correction) WantedHours() string { return FormatHours(c.Wanted) }

// Hours is the certificate's hours.
func (c Certificate) Hours() string { return FormatHours(c.Centihours) }

// MaskedName is the holder's name as the public check shows it (privacy.MaskName).
func (c Certificate) MaskedName() string { return privacy.MaskName(c.PersonName) }
