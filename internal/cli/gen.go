package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"wuxing/internal/gen"
)

func init() {
	register("gen", "generate synthetic data at a scale (town, county, province) for benchmarks", genCmd)
}

func genCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("gen", errOut)
	dbf := dbFlag(fs)
	scale := fs.String("scale", "town", "town (~20 villages, 5k cases), county (20 towns × 20 villages, 100k cases) or province (Henan: 46,000 villages, 10M cases)")
	n := fs.Int("cases", 0, "number of cases (default: the scale's)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
	appendFlag := fs.Bool("append", false, "allow a database that already holds data: add a second tree beside it")
	end := fs.String("end", gen.DefaultEnd.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"),
		"the five-year window of cases ends at the start of this day (China time)")
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: wuxing gen --scale town|county|province [--cases N] [--seed S] [--db URL] [--append]")
		fmt.Fprintln(errOut, "Fills an empty database with synthetic data, bypassing the store's checks and audit log (it is a loader).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("unexpected arguments; see wuxing gen -h")
	}
	e, err := time.ParseInLocation("2006-01-02", *end, time.FixedZone("CST", 8*3600))
	if err != nil {
		return fmt.Errorf("--end: %w", err)
	}
	db, err := openDB(ctx, *dbf, newLogger(errOut, "warn"))
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := gen.Run(ctx, db, gen.Options{Scale: gen.Scale(*scale), Cases: *n, Seed: *seed, Append: *appendFlag,
		End: e.UTC(), Progress: errOut})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated %d units, %d households, %d people, %d cases with %d timeline events in %s\n",
		st.Units, st.Households, st.People, st.Cases, st.Events, st.Elapsed.Round(time.Millisecond))
	return nil
}
