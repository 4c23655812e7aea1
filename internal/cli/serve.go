package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"wuxing/internal/config"
	"wuxing/internal/demo"
	"wuxing/internal/storage"
	"wuxing/internal/web"
)

func init() {
	register("serve", "run the web server (and API)", serve)
	register("migrate", "apply database migrations", migrate)
	register("backup", "copy a live SQLite database to a file", backup)
}

func serve(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg, err := config.ParseServe(args)
	if err != nil {
		return err
	}
	log := newLogger(errOut, cfg.LogLevel)
	db, err := openDB(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.Demo {
		empty, err := db.Empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			start := time.Now()
			fmt.Fprintln(out, "Loading the demo data set…")
			if err := demo.Load(ctx, db); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			fmt.Fprintf(out, "Demo data loaded in %s.\n", time.Since(start).Round(time.Millisecond))
		}
	}
	if err := db.Optimize(ctx); err != nil {
		log.Warn("planner statistics", "err", err)
	}
	srv, err := web.New(web.Options{DB: db, Logger: log, SecureCookies: cfg.SecureCookies,
		MaxUpload: int64(cfg.MaxUploadMB) << 20, BaseURL: cfg.BaseURL})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(out, "wuxing is running at http://%s/\n", ln.Addr())
	if cfg.Demo {
		fmt.Fprintf(out, "Demo accounts (password %s):\n", demo.Password)
		for _, a := range demo.Accounts {
			fmt.Fprintf(out, "  %-12s %-18s %s\n", a.Username, a.Role, a.Unit)
		}
	}
	go purgeSessions(ctx, db, log)
	defer startJobs(ctx, db, log, cfg)()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// purgeSessions deletes dead sessions every ten minutes; the delete is idempotent, so two
// instances running it is harmless.
func purgeSessions(ctx context.Context, db *storage.DB, log interface{ Error(string, ...any) }) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.PurgeSessions(ctx); err != nil {
				log.Error("purge sessions", "err", err)
			}
		}
	}
}

func migrate(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("migrate", errOut)
	dbf := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbf, newLogger(errOut, "info"))
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(out, "database is up to date")
	return nil
}

func backup(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("backup", errOut)
	dbf := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: wuxing backup [-db URL] FILE")
	}
	db, err := openDB(ctx, *dbf, newLogger(errOut, "warn"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(out, "backup written to %s\n", fs.Arg(0))
	return nil
}
