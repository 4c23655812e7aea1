package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlagsOverEnvironment(t *testing.T) {
	t.Setenv("WUXING_ADDR", "0.0.0.0:9000")
	t.Setenv("WUXING_DATABASE_URL", "sqlite:/tmp/x.db")
	c, err := ParseServe([]string{"--addr", "127.0.0.1:7000", "--demo"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.DatabaseURL != "sqlite:/tmp/x.db" || !c.Demo {
		t.Fatalf("got %+v", c)
	}
}

func TestSecretFromFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "db")
	os.WriteFile(f, []byte("postgres://u:secret@localhost/wuxing\n"), 0o600)
	t.Setenv("WUXING_DATABASE_URL_FILE", f)
	c, err := ParseServe(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u:secret@localhost/wuxing" {
		t.Fatalf("got %q", c.DatabaseURL)
	}
}

func TestValidateSaysWhatIsWrong(t *testing.T) {
	t.Setenv("WUXING_DEMO", "maybe")
	if _, err := ParseServe(nil); err == nil || !strings.Contains(err.Error(), "WUXING_DEMO") {
		t.Fatalf("got %v", err)
	}
	t.Setenv("WUXING_DEMO", "")
	_, err := ParseServe([]string{"--addr", "nonsense", "--db", "mysql://x", "--log-level", "loud"})
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"addr", "database", "log level"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestJobSettings(t *testing.T) {
	t.Setenv("WUXING_JOBS", "off")
	t.Setenv("WUXING_OVERDUE_EVERY", "2m")
	c, err := ParseServe(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Jobs || c.OverdueEvery != 2*60*1e9 {
		t.Fatalf("got jobs=%v every=%s", c.Jobs, c.OverdueEvery)
	}
	t.Setenv("WUXING_OVERDUE_EVERY", "1s")
	if _, err := ParseServe(nil); err == nil || !strings.Contains(err.Error(), "overdue") {
		t.Fatalf("a 1s interval: %v", err)
	}
	t.Setenv("WUXING_OVERDUE_EVERY", "soon")
	if _, err := ParseServe(nil); err == nil || !strings.Contains(err.Error(), "WUXING_OVERDUE_EVERY") {
		t.Fatalf("a bad duration: %v", err)
	}
}
