package cli

import (
	"errors"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/locale"
)

// describe turns an application error into a sentence for the terminal, in the default
// language, with each field problem named.
func describe(err error) error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	p := locale.NewPrinter(locale.Default)
	msg := []string{p.T(e.Key, e.Args...)}
	for _, f := range e.Fields {
		msg = append(msg, f.Field+": "+p.T(f.Key, f.Args...))
	}
	return errors.New(strings.Join(msg, "; "))
}
