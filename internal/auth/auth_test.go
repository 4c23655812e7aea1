package auth

import (
	"strings"
	"testing"
	"time"

	"wuxing/internal/errs"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("Wuxing@2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("not argon2id: %s", h)
	}
	if !CheckPassword(h, "Wuxing@2026") || CheckPassword(h, "wuxing@2026") {
		t.Fatal("check disagrees with hash")
	}
	h2, _ := HashPassword("Wuxing@2026")
	if h == h2 {
		t.Fatal("no salt")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=0,t=1,p=1$x$y", "$bcrypt$..."} {
		if CheckPassword(bad, "x") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}

func TestPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Wuxing@2026":   true,
		"short1A!":      false,
		"alllowercase":  false,
		"lower123456":   false, // two classes
		"Lower1234567":  true,
		"Zhanqian@2026": false, // contains the username
	} {
		err := CheckPolicy(pw, "zhanqian")
		if (err == nil) != ok {
			t.Errorf("%q: %v", pw, err)
		}
		if err != nil && errs.Code(err) != errs.EINVALID {
			t.Errorf("%q: code %s", pw, errs.Code(err))
		}
	}
}

func TestLockout(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	n, until := 0, time.Time{}
	for i := 1; i < MaxFailures; i++ {
		n, until = AfterFailure(n, until, now)
		if !until.IsZero() {
			t.Fatalf("locked after %d failures", i)
		}
	}
	n, until = AfterFailure(n, until, now)
	if !Locked(until, now) || !Locked(until, now.Add(14*time.Minute)) || Locked(until, now.Add(LockDuration)) {
		t.Fatalf("lock after %d failures: until %v", n, until)
	}
	// After the lock runs out, one more failure starts a new count rather than relocking.
	n, until = AfterFailure(n, until, now.Add(LockDuration+time.Second))
	if n != 1 || !until.IsZero() {
		t.Fatalf("after expiry: %d %v", n, until)
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 40 {
		t.Fatal("weak tokens")
	}
	if HashToken(a) == a || HashToken(a) != HashToken(a) {
		t.Fatal("hash")
	}
	if EqualTokens("", "") || !EqualTokens(a, a) || EqualTokens(a, b) {
		t.Fatal("compare")
	}
}
