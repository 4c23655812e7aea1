// Package auth holds the rules of logging in: password hashing with argon2id, the password
// policy, the lockout after failed logins, and session tokens. No I/O beyond randomness.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"wuxing/internal/errs"
)

// Argon2id parameters (OWASP's second recommended set: 19 MiB, 2 passes, 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns an encoded argon2id hash of pw in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username does not exist, so that a missing user takes
// as long to refuse as a wrong password.
var dummyHash, _ = HashPassword("wuxing-no-such-user")

// BurnTime spends the time of one password check.
func BurnTime(pw string) { CheckPassword(dummyHash, pw) }

// MinPasswordLen is the shortest password the policy accepts.
const MinPasswordLen = 10

// CheckPolicy enforces the password policy: at least MinPasswordLen characters, at most 128,
// from at least three of four classes (lower, upper, digit, symbol), and not the username.
func CheckPolicy(pw, username string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen || n > 128 {
		return errs.Invalid(errs.Field("password", "auth.password.length", MinPasswordLen))
	}
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return errs.Invalid(errs.Field("password", "auth.password.classes"))
	}
	if username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)) {
		return errs.Invalid(errs.Field("password", "auth.password.contains_username"))
	}
	return nil
}

// Lockout policy: MaxFailures failed logins in a row lock the account for LockDuration.
const (
	MaxFailures  = 5
	LockDuration = 15 * time.Minute
)

// Locked reports whether an account locked until lockedUntil is still locked at now.
func Locked(lockedUntil, now time.Time) bool { return !lockedUntil.IsZero() && now.Before(lockedUntil) }

// AfterFailure returns the failure count and lock time after one more failed login at now.
// A lock that has run out starts the count again.
func AfterFailure(failures int, lockedUntil, now time.Time) (int, time.Time) {
	if !lockedUntil.IsZero() && !now.Before(lockedUntil) {
		failures = 0
	}
	failures++
	if failures >= MaxFailures {
		return failures, now.Add(LockDuration)
	}
	return failures, time.Time{}
}

// NewToken returns a random token for a session, a CSRF check or a tracking link.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what storage keeps of a session token, so a leaked table opens no session.
func HashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// EqualTokens compares two tokens in constant time.
func EqualTokens(a, b string) bool {
	return len(a) > 0 && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Session lifetimes: idle sessions end after IdleTimeout, any session after MaxAge.
const (
	IdleTimeout = 2 * time.Hour
	MaxAge      = 12 * time.Hour
)
