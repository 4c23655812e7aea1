package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/storage"
)

func init() {
	register("user", "create a user, reset a password, bind a role", userCmd)
}

func newFlags(name string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	return fs
}

// readPassword takes the password from a flag, WUXING_PASSWORD(_FILE), or one line of stdin.
func readPassword(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if f := os.Getenv("WUXING_PASSWORD_FILE"); f != "" {
		b, err := os.ReadFile(f)
		return strings.TrimSpace(string(b)), err
	}
	if v := os.Getenv("WUXING_PASSWORD"); v != "" {
		return v, nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password: give -password, WUXING_PASSWORD(_FILE), or one line on stdin")
	}
	return strings.TrimSpace(line), nil
}

const userUsage = `usage:
  wuxing user create -username NAME [-password PW] [-role ROLE -unit CODE]
  wuxing user passwd -username NAME [-password PW]
  wuxing user bind   -username NAME -role ROLE -unit CODE
  wuxing user list
roles: admin county_admin town_admin department branch_secretary grid_worker member assessor`

func userCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	sub := args[0]
	fs := newFlags("user "+sub, errOut)
	dbf := dbFlag(fs)
	username := fs.String("username", "", "the account's username")
	password := fs.String("password", "", "the password (else WUXING_PASSWORD(_FILE) or stdin)")
	role := fs.String("role", "", "role to bind")
	unit := fs.String("unit", "", "code of the unit the role is bound to")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbf, newLogger(errOut, "warn"))
	if err != nil {
		return err
	}
	defer db.Close()
	a := storage.System
	bind := func(uid int64) error {
		u, err := db.UnitByCode(ctx, a, *unit)
		if err != nil {
			return fmt.Errorf("unit %q: %w", *unit, err)
		}
		return db.BindRole(ctx, a, uid, authz.Role(*role), u.ID)
	}
	switch sub {
	case "create":
		pw, err := readPassword(*password)
		if err != nil {
			return err
		}
		u, err := db.CreateUser(ctx, a, storage.NewUser{Username: *username, Password: pw})
		if err != nil {
			return describe(err)
		}
		if *role != "" {
			if err := bind(u.ID); err != nil {
				return describe(err)
			}
		}
		fmt.Fprintf(out, "created user %s (id %d)\n", u.Username, u.ID)
	case "passwd":
		id, err := db.UserIDByName(ctx, *username)
		if err != nil {
			return fmt.Errorf("user %q: %w", *username, err)
		}
		pw, err := readPassword(*password)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, a, id, pw); err != nil {
			return describe(err)
		}
		fmt.Fprintf(out, "password of %s reset; their sessions are closed\n", *username)
	case "bind":
		id, err := db.UserIDByName(ctx, *username)
		if err != nil {
			return fmt.Errorf("user %q: %w", *username, err)
		}
		if err := bind(id); err != nil {
			return describe(err)
		}
		fmt.Fprintf(out, "bound %s to %s at %s\n", *role, *username, *unit)
	case "list":
		us, _, err := db.Users(ctx, a, storage.UserFilter{Limit: 1000})
		if err != nil {
			return err
		}
		for _, u := range us {
			var bs []string
			for _, b := range u.Bindings {
				bs = append(bs, string(b.Role)+"@"+b.UnitName)
			}
			fmt.Fprintf(out, "%-6s %-16s %s\n", strconv.FormatInt(u.ID, 10), u.Username, strings.Join(bs, ", "))
		}
	default:
		return errors.New(userUsage)
	}
	return nil
}
