package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"
)

func init() {
	register("import", "import units, people or households from an .xlsx file (all or nothing)", importCmd)
	register("export", "export units, people, households or assignments to an .xlsx file", exportCmd)
}

// maxImportFile bounds what the command line reads into memory; the web server's limit is lower.
const maxImportFile = 100 << 20

func kindList(ks []xlsx.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// importCmd runs `wuxing import -kind K [-dry-run] [-db URL] FILE` as the platform itself. It
// prints every problem with its sheet, row and column and fails when there is any; nothing is
// written then.
func importCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("import", errOut)
	dbf := dbFlag(fs)
	kind := fs.String("kind", "", "what the file holds: "+kindList(xlsx.ImportKinds))
	dry := fs.Bool("dry-run", false, "check the file and report what it would create, writing nothing")
	lang := fs.String("lang", locale.Default, "language of the messages: zh-CN or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || !xlsx.Kind(*kind).Importable() {
		return errors.New("usage: wuxing import -kind " + strings.ReplaceAll(kindList(xlsx.ImportKinds), ", ", "|") + " [-dry-run] [-db URL] [-lang zh-CN|en] FILE")
	}
	pr := locale.NewPrinter(locale.Match(*lang))
	data, err := readLimited(fs.Arg(0), maxImportFile)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbf, newLogger(errOut, "warn"))
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := xlsx.Import(ctx, db, storage.System, xlsx.Kind(*kind), data, *dry)
	if err != nil {
		return userError(pr, err)
	}
	if !rep.OK() {
		for _, p := range rep.Problems {
			fmt.Fprintln(out, p.Text(pr))
		}
		if rep.More > 0 {
			fmt.Fprintln(out, pr.T("data.problems.more", len(rep.Problems), rep.More))
		}
		return errors.New(pr.T("data.cli.problems", rep.ProblemCount(), rep.Rows))
	}
	if *dry {
		fmt.Fprintln(out, pr.T("data.cli.dry_ok", rep.Rows, rep.Units, rep.Households, rep.People))
		return nil
	}
	fmt.Fprintln(out, pr.T("flash.data.imported", rep.Units, rep.Households, rep.People))
	return nil
}

// exportCmd runs `wuxing export -kind K [-unit CODE] -o FILE` as the platform itself: numbers
// are not masked.
func exportCmd(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("export", errOut)
	dbf := dbFlag(fs)
	kind := fs.String("kind", "", "what to export: "+kindList(xlsx.ExportKinds))
	unit := fs.String("unit", "", "only this unit's subtree, by code")
	q := fs.String("q", "", "only records whose name (address for households) contains this")
	file := fs.String("o", "", "the .xlsx file to write")
	lang := fs.String("lang", locale.Default, "language of the headers: zh-CN or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *file == "" || !xlsx.Kind(*kind).Exportable() {
		return errors.New("usage: wuxing export -kind " + strings.ReplaceAll(kindList(xlsx.ExportKinds), ", ", "|") + " [-unit CODE] [-q TEXT] [-db URL] [-lang zh-CN|en] -o FILE")
	}
	pr := locale.NewPrinter(locale.Match(*lang))
	db, err := openDB(ctx, *dbf, newLogger(errOut, "warn"))
	if err != nil {
		return err
	}
	defer db.Close()
	spec := xlsx.ExportSpec{Kind: xlsx.Kind(*kind)}
	var unitID int64
	if *unit != "" {
		u, err := db.UnitByCode(ctx, storage.System, *unit)
		if err != nil {
			return fmt.Errorf("unit %s: %w", *unit, userError(pr, err))
		}
		unitID = u.ID
	}
	spec.UnitRoot = unitID
	spec.Units.Query = *q
	spec.People = storage.PeopleFilter{UnitID: unitID, Query: *q}
	spec.Households = storage.HouseholdFilter{UnitID: unitID, Query: *q}
	spec.Assignments = storage.AssignmentFilter{UnitID: unitID}
	x, err := xlsx.NewExport(ctx, db, storage.System, spec, pr)
	if err != nil {
		return userError(pr, err)
	}
	defer x.Close()
	if err := writeFileAtomic(*file, x); err != nil {
		return err
	}
	fmt.Fprintln(out, pr.T("data.cli.exported", x.Rows, *file))
	return nil
}

// userError words an application error in the chosen language; others pass as they are.
func userError(pr *locale.Printer, err error) error {
	var e *errs.Error
	if errors.As(err, &e) && e.Code != errs.EINTERNAL {
		msg := pr.T(e.Key, e.Args...)
		for _, f := range e.Fields {
			msg += " " + f.Field + ": " + pr.T(f.Key, f.Args...)
		}
		return errors.New(msg)
	}
	return err
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MB", name, limit>>20)
	}
	return data, nil
}

// writeFileAtomic writes to a temporary file beside name and renames it, so a failed export
// leaves no half-written file.
func writeFileAtomic(name string, w io.WriterTo) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".wuxing-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := w.WriteTo(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
