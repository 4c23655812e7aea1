package fixed

import "testing"

func TestFormat(t *testing.T) {
	for c, want := range map[int64]string{0: "0", 5: "0.05", 50: "0.5", 250: "2.5", 300: "3", 12345: "123.45", -125: "-1.25", -5: "-0.05"} {
		if got := Format(c); got != want {
			t.Errorf("Format(%d) = %q, want %q", c, got, want)
		}
	}
}
