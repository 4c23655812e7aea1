// Package cli parses wuxing's command line and runs its subcommands.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"wuxing/internal/config"
	"wuxing/internal/storage"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

// commands lists the subcommands; other files of this package add to it in init.
var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string, out, errOut io.Writer) error) {
	commands[name] = command{summary, run}
}

// Run runs the command line args and returns the process exit code.
func Run(args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "wuxing: unknown command %q\n\n", args[0])
		usage(errOut)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := c.run(ctx, args[1:], out, errOut); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		fmt.Fprintf(errOut, "wuxing %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "wuxing: five-star branch and grassroots governance platform\n\nUsage: wuxing COMMAND [flags]\n\nCommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'wuxing COMMAND -h' for a command's flags.")
}

// newLogger returns a text logger at level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(strings.ToUpper(level)))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openDB opens and migrates the database a -db flag (or the environment) names.
func openDB(ctx context.Context, dbFlag string, log *slog.Logger) (*storage.DB, error) {
	url, err := config.DatabaseFromEnv(dbFlag)
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, url, storage.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, a := range applied {
		log.Info("migrated", "file", a)
	}
	return db, nil
}

// dbFlag adds the common -db flag to a flag set.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "database: a file path or sqlite:PATH, or postgres://… (default $WUXING_DATABASE_URL or "+config.DefaultDB+")")
}
