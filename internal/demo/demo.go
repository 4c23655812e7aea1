// Package demo loads the demo data set: the Puyang example from the seed newspaper page.
package demo

import (
	"context"

	"wuxing/internal/storage"
)

// Password is the password every demo account shares.
const Password = "Wuxing@2026"

// Account is a demo login, listed in the README and printed by `wuxing serve --demo`.
type Account struct {
	Username string
	Role     string
	Unit     string
}

// Accounts lists the demo logins.
var Accounts []Account

// Load fills an empty database with the demo data set.
func Load(ctx context.Context, db *storage.DB) error {
	return nil
}
