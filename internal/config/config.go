// Package config reads wuxing's settings from flags and environment variables (flags win), with
// *_FILE variants for secrets, and validates them once at start.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/storage"
)

// Config is the server's configuration.
type Config struct {
	Addr          string // WUXING_ADDR
	DatabaseURL   string // WUXING_DATABASE_URL (or WUXING_DATABASE_URL_FILE)
	Demo          bool   // WUXING_DEMO
	SecureCookies bool   // WUXING_SECURE_COOKIES: set when served over TLS behind a proxy
	LogLevel      string // WUXING_LOG_LEVEL: debug, info, warn, error
	MaxUploadMB   int    // WUXING_MAX_UPLOAD_MB
	BaseURL       string // WUXING_BASE_URL: public address, for printed links and QR codes
	// Background jobs. Every instance may run them: each job runs only while it holds its lease.
	Jobs         bool          // WUXING_JOBS (default on; "off" for an instance that only serves)
	OverdueEvery time.Duration // WUXING_OVERDUE_EVERY: how often late cases are looked for
	WebhookEvery time.Duration // WUXING_WEBHOOK_EVERY: how often queued group messages are sent
}

// Defaults.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "./data/wuxing.db"
)

// env returns the value of name, or the contents of the file named by name_FILE.
func env(name string) (string, error) {
	if f := os.Getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return os.Getenv(name), nil
}

func envBool(name string) (bool, error) {
	v, err := env(name)
	if err != nil || v == "" {
		return false, err
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not true or false", name, v)
	}
	return b, nil
}

// ParseServe reads the serve command's flags over the environment.
func ParseServe(args []string) (*Config, error) {
	c := &Config{Addr: DefaultAddr, DatabaseURL: DefaultDB, LogLevel: "info", MaxUploadMB: 32,
		Jobs: true, OverdueEvery: time.Minute, WebhookEvery: 30 * time.Second}
	var err error
	var errsList []error
	get := func(name string, dst *string) {
		v, e := env(name)
		if e != nil {
			errsList = append(errsList, e)
		} else if v != "" {
			*dst = v
		}
	}
	get("WUXING_ADDR", &c.Addr)
	get("WUXING_DATABASE_URL", &c.DatabaseURL)
	get("WUXING_LOG_LEVEL", &c.LogLevel)
	get("WUXING_BASE_URL", &c.BaseURL)
	if c.Demo, err = envBool("WUXING_DEMO"); err != nil {
		errsList = append(errsList, err)
	}
	if c.SecureCookies, err = envBool("WUXING_SECURE_COOKIES"); err != nil {
		errsList = append(errsList, err)
	}
	if v, e := env("WUXING_JOBS"); e != nil {
		errsList = append(errsList, e)
	} else if v != "" {
		switch strings.ToLower(v) {
		case "on", "true", "1":
			c.Jobs = true
		case "off", "false", "0":
			c.Jobs = false
		default:
			errsList = append(errsList, fmt.Errorf("WUXING_JOBS: %q is not on or off", v))
		}
	}
	for name, dst := range map[string]*time.Duration{"WUXING_OVERDUE_EVERY": &c.OverdueEvery, "WUXING_WEBHOOK_EVERY": &c.WebhookEvery} {
		if v, e := env(name); e != nil {
			errsList = append(errsList, e)
		} else if v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errsList = append(errsList, fmt.Errorf("%s: %q is not a duration such as 1m or 30s", name, v))
			}
			*dst = d
		}
	}
	if v, e := env("WUXING_MAX_UPLOAD_MB"); e != nil {
		errsList = append(errsList, e)
	} else if v != "" {
		if c.MaxUploadMB, err = strconv.Atoi(v); err != nil {
			errsList = append(errsList, fmt.Errorf("WUXING_MAX_UPLOAD_MB: %q is not a number", v))
		}
	}
	if len(errsList) > 0 {
		return nil, errors.Join(errsList...)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (WUXING_ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", c.DatabaseURL, "database: a file path or sqlite:PATH, or postgres://… (WUXING_DATABASE_URL)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo data set when the database is empty (WUXING_DEMO)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure, for TLS behind a proxy (WUXING_SECURE_COOKIES)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (WUXING_LOG_LEVEL)")
	fs.IntVar(&c.MaxUploadMB, "max-upload-mb", c.MaxUploadMB, "largest upload accepted, in MB (WUXING_MAX_UPLOAD_MB)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address of the platform (WUXING_BASE_URL)")
	fs.BoolVar(&c.Jobs, "jobs", c.Jobs, "run the background jobs in this instance (WUXING_JOBS)")
	fs.DurationVar(&c.OverdueEvery, "overdue-every", c.OverdueEvery, "how often to look for late cases (WUXING_OVERDUE_EVERY)")
	fs.DurationVar(&c.WebhookEvery, "webhook-every", c.WebhookEvery, "how often to send queued group messages (WUXING_WEBHOOK_EVERY)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	return c, c.Validate()
}

// Validate checks the configuration and says clearly what is wrong.
func (c *Config) Validate() error {
	var list []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		list = append(list, fmt.Errorf("addr %q: want host:port, e.g. 127.0.0.1:8080", c.Addr))
	}
	if _, _, err := storage.ParseURL(c.DatabaseURL); err != nil {
		list = append(list, fmt.Errorf("database: %w", err))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		list = append(list, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.MaxUploadMB < 1 || c.MaxUploadMB > 100 {
		list = append(list, fmt.Errorf("max upload %d MB: want 1 to 100", c.MaxUploadMB))
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		list = append(list, fmt.Errorf("base URL %q: want http://… or https://…", c.BaseURL))
	}
	if c.OverdueEvery < 10*time.Second {
		list = append(list, fmt.Errorf("overdue interval %s: at least 10s", c.OverdueEvery))
	}
	if c.WebhookEvery < 5*time.Second {
		list = append(list, fmt.Errorf("webhook interval %s: at least 5s", c.WebhookEvery))
	}
	return errors.Join(list...)
}

// DatabaseFromEnv returns the database URL for commands other than serve: the -db flag value if
// set, else WUXING_DATABASE_URL(_FILE), else the default.
func DatabaseFromEnv(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	v, err := env("WUXING_DATABASE_URL")
	if err != nil {
		return "", err
	}
	if v == "" {
		v = DefaultDB
	}
	return v, nil
}
