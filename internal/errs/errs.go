// Package errs defines the application's error codes and the error type that carries them.
//
// Every error that reaches a user carries a code (which decides the HTTP status) and a
// message key in the locale catalogues; the detail for the log stays in the wrapped error.
package errs

import (
	"errors"
	"fmt"
)

// Error codes, as in WTF Dial: the HTTP layer maps each to a status.
const (
	EINVALID       = "invalid"       // malformed input: 400
	EUNAUTHORIZED  = "unauthorized"  // not logged in or bad credentials: 401
	EFORBIDDEN     = "forbidden"     // logged in but not allowed: 403
	ENOTFOUND      = "not_found"     // missing or outside the caller's scope: 404
	ECONFLICT      = "conflict"      // concurrent edit or duplicate: 409
	EUNPROCESSABLE = "unprocessable" // well-formed but breaks a rule: 422
	ETOOLARGE      = "too_large"     // upload over the limit: 413
	ELOCKED        = "locked"        // account locked after failed logins: 423 (401 in the API)
	EINTERNAL      = "internal"      // anything else: 500
)

// FieldError is one problem with one input field, with a message key and its arguments.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Error is an application error: a code, a message key for the user, optional field errors,
// and the wrapped cause for the log.
type Error struct {
	Code   string
	Key    string // locale key of the sentence shown to the user
	Args   []any  // arguments for the sentence
	Fields []FieldError
	Err    error // cause, logged, never shown
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" (%d field errors)", len(e.Fields))
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a message key.
func New(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Invalid returns an EINVALID error listing field errors.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Key: "error.invalid_input", Fields: fields}
}

// Field returns one field error.
func Field(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: key, Args: args}
}

// NotFound is the error for a record that does not exist or is out of the caller's scope.
func NotFound() *Error { return New(ENOTFOUND, "error.not_found") }

// Conflict is the error for an edit that lost a race with another edit.
func Conflict() *Error { return New(ECONFLICT, "error.conflict") }

// Forbidden is the error for an action the caller's role does not allow.
func Forbidden() *Error { return New(EFORBIDDEN, "error.forbidden") }

// Code returns the code of err, EINTERNAL for an error without one, "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// As returns err's *Error, or an internal error wrapping it.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: err}
}

// FieldsOf collects field errors into an EINVALID error, nil when there are none.
func FieldsOf(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields...)
}
