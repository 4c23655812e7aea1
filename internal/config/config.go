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
	c := &Config{Addr: DefaultAddr, DatabaseURL: DefaultDB, LogLevel: "info", MaxUploadMB: 10}
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
