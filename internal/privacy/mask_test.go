package privacy

import "testing"

func TestMask(t *testing.T) {
	cases := []struct{ got, want string }{
		{MaskPhone("13812341234"), "138****1234"},
		{MaskPhone("0393-8881234"), "********1234"},
		{MaskPhone(""), ""},
		{MaskIDNumber("11010519491231002X"), "1101**********002X"},
		{MaskIDNumber("123"), "***"},
		{MaskName("王建国"), "王**"},
		{MaskName("李"), "李*"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("%d: got %q, want %q", i, c.got, c.want)
		}
	}
}
