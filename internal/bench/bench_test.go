package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"wuxing/internal/cli"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// fields are the stable names of `wuxing bench --json`, documented in BENCHMARKS.md.
var fields = []string{"raw_insert_rps", "intake_rps", "intake_p50_ms", "intake_p99_ms", "intake_ratio", "list_p95_ms",
	"case_p95_ms", "town_dashboard_ms", "county_dashboard_ms", "province_dashboard_ms", "rss_mb", "cases",
	"export_rows", "export_s", "export_heap_mb", "export_10k_heap_mb"}

func run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Run(args, &out, &errOut); code != 0 {
		t.Fatalf("wuxing %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// TestBenchEndToEnd generates a tiny town and benchmarks it through the command line, as make
// bench does, in a few seconds.
func TestBenchEndToEnd(t *testing.T) {
	url := storagetest.URL(t)
	run(t, "gen", "--scale", "town", "--cases", "300", "--seed", "5", "--db", url)
	start := time.Now()
	out := run(t, "bench", "--db", url, "--json", "--duration", "1s", "--clients", "2", "--reads", "12")
	var got map[string]float64
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON object of numbers: %v\n%s", err, out)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := slices.Clone(fields)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("fields %v, want %v", keys, want)
	}
	if got["cases"] != 300 {
		t.Errorf("cases %v, want 300", got["cases"])
	}
	// The ledger holds every case the bench account sees: the 300 and those intake added.
	if got["export_rows"] < 300 {
		t.Errorf("export_rows %v, want at least the 300 generated cases", got["export_rows"])
	}
	for _, f := range fields {
		if f == "export_heap_mb" || f == "export_10k_heap_mb" {
			// A ledger of a few hundred cases may leave the heap where a collection had it.
			if got[f] < 0 {
				t.Errorf("%s = %v", f, got[f])
			}
			continue
		}
		if got[f] <= 0 {
			t.Errorf("%s = %v, want a measurement", f, got[f])
		}
	}
	if r := got["intake_rps"] / got["raw_insert_rps"]; r < got["intake_ratio"]*0.99 || r > got["intake_ratio"]*1.01 {
		t.Errorf("intake_ratio %v, but intake/raw is %v", got["intake_ratio"], r)
	}
	t.Logf("bench took %s: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(out))

	// A second run finds its account and the raw rows of the first gone.
	out = run(t, "bench", "--db", url, "--duration", "200ms", "--clients", "1", "--reads", "4")
	if !strings.Contains(out, "intake_ratio") {
		t.Errorf("text output: %s", out)
	}
	db, err := storage.Open(context.Background(), url, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var raw int
	if err := db.Raw().QueryRow("SELECT COUNT(*) FROM cases WHERE number LIKE 'BENCHRAW-%'").Scan(&raw); err != nil || raw != 0 {
		t.Errorf("%d raw rows left behind (%v)", raw, err)
	}
}
