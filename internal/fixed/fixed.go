// Package fixed writes fixed-point decimals kept as integer hundredths — volunteer hours,
// livelihood quantities, points — so that sums are exact and every area prints them alike.
// No I/O.
package fixed

import (
	"strconv"
	"strings"
)

// Format writes c hundredths as a decimal without trailing zeros: 250 → "2.5", 300 → "3",
// -125 → "-1.25".
func Format(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := strconv.FormatInt(c/100, 10)
	if f := c % 100; f != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}
