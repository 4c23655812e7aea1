package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

	"wuxing/internal/bench"
)

func init() {
	register("bench", "measure intake, lists, case pages, dashboards and memory on a database", benchCmd)
}

func benchCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("bench", errOut)
	dbf := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print one JSON object (the stable field names of BENCHMARKS.md) on stdout")
	dur := fs.Duration("duration", bench.DefaultDuration, "length of each timed phase (raw inserts, intake)")
	clients := fs.Int("clients", 8, "concurrent clients in the timed phases")
	reads := fs.Int("reads", 200, "requests for each read measurement (case list, case page)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	intakeProfile := fs.String("intake-cpuprofile", "", "write a CPU profile of the intake phase alone to this file")
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: wuxing bench [--db URL] [--json] [--duration D] [--clients N]")
		fmt.Fprintln(errOut, "Measures the platform on a database filled by 'wuxing gen', with the server started in-process on 127.0.0.1.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("unexpected arguments; see wuxing bench -h")
	}
	if *clients < 1 || *clients > 256 || *reads < 1 || *reads > 100_000 || *dur <= 0 {
		return errors.New("--clients must be 1…256, --reads 1…100000, --duration positive")
	}
	db, err := openDB(ctx, *dbf, newLogger(errOut, "warn"))
	if err != nil {
		return err
	}
	defer db.Close()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *cpuProfile != "" && *intakeProfile != "" {
		return errors.New("--cpuprofile and --intake-cpuprofile: one at a time")
	}
	opts := bench.Options{Duration: *dur, Clients: *clients, Reads: *reads, Log: errOut}
	if *intakeProfile != "" {
		f, err := os.Create(*intakeProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		opts.IntakeProfile = f
	}
	res, err := bench.Run(ctx, db, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		return enc.Encode(res)
	}
	fmt.Fprintf(out, "wuxing bench: %s database, %d cases, %d clients, %s a phase, %d CPUs, %s\n",
		db.Dialect(), res.Cases, *clients, *dur, runtime.NumCPU(), runtime.Version())
	rows := []struct {
		name string
		v    float64
		unit string
	}{
		{"raw_insert_rps", res.RawInsertRPS, "rows/s (bare driver, one row a transaction)"},
		{"intake_rps", res.IntakeRPS, "cases/s (POST /api/v1/cases)"},
		{"intake_p50_ms", res.IntakeP50Ms, "ms"},
		{"intake_p99_ms", res.IntakeP99Ms, "ms"},
		{"intake_ratio", res.IntakeRatio, "intake / raw"},
		{"list_p95_ms", res.ListP95Ms, "ms (GET /api/v1/cases, first and deep pages)"},
		{"case_p95_ms", res.CaseP95Ms, "ms (GET /api/v1/cases/{id})"},
		{"town_dashboard_ms", res.TownDashboardMs, "ms (figures of a town)"},
		{"county_dashboard_ms", res.CountyDashboardMs, "ms (figures of a county)"},
		{"province_dashboard_ms", res.ProvinceDashboardMs, "ms (figures of the whole tree)"},
		{"rss_mb", res.RSSMB, "MB peak resident memory"},
		{"export_rows", float64(res.ExportRows), "cases in the .xlsx case ledger"},
		{"export_s", res.ExportS, "s to write it"},
		{"export_heap_mb", res.ExportHeapMB, "MB peak heap growth while writing it"},
		{"export_10k_heap_mb", res.Export10kHeapMB, "MB the same for 10,000 cases (flat memory: about equal)"},
	}
	for _, r := range rows {
		fmt.Fprintf(out, "  %-22s %12.2f  %s\n", r.name, r.v, r.unit)
	}
	return nil
}
