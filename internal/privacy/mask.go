// Package privacy masks personal data (phone and ID numbers) for screens and exports whose
// viewer's role does not need it in full.
package privacy

import "strings"

// MaskPhone keeps a mobile number's first three and last four digits (138****1234); other
// numbers keep their last four.
func MaskPhone(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 11 && r[0] == '1':
		return string(r[:3]) + "****" + string(r[7:])
	case len(r) > 4:
		return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
	}
	return strings.Repeat("*", len(r))
}

// MaskIDNumber keeps an ID number's first and last four characters.
func MaskIDNumber(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// MaskName keeps a Chinese name's family name (张**); used on public notices.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", max(len(r)-1, 1))
}
