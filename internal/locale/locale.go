// Package locale holds the user-interface catalogues (zh-CN, the default, and English) and
// translates keys into sentences. Catalogues are flat JSON files, several per language (one per
// area of the platform), merged at start; a key defined twice is an error.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed translations
var files embed.FS

// Languages lists the supported languages; the first is the default.
var Languages = []string{"zh-CN", "en"}

// Default is the language used when none is asked for.
const Default = "zh-CN"

var (
	once     sync.Once
	catalogs map[string]map[string]string
	loadErr  error
)

// Load reads every catalogue; it is called once, at first use.
func Load() (map[string]map[string]string, error) {
	once.Do(func() { catalogs, loadErr = load(files) })
	return catalogs, loadErr
}

func load(fsys fs.FS) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		cat := map[string]string{}
		entries, err := fs.ReadDir(fsys, "translations/"+lang)
		if err != nil {
			return nil, fmt.Errorf("locale: %s: %w", lang, err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			b, err := fs.ReadFile(fsys, path.Join("translations", lang, e.Name()))
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("locale: %s/%s: %w", lang, e.Name(), err)
			}
			for k, v := range m {
				if _, dup := cat[k]; dup {
					return nil, fmt.Errorf("locale: %s: key %q defined twice (again in %s)", lang, k, e.Name())
				}
				cat[k] = v
			}
		}
		out[lang] = cat
	}
	return out, nil
}

// Keys returns the sorted keys of a language's catalogue.
func Keys(lang string) []string {
	cats, _ := Load()
	var ks []string
	for k := range cats[lang] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Match picks the supported language closest to an Accept-Language header or a stored
// preference; anything unknown gets the default.
func Match(pref string) string {
	for _, part := range strings.Split(pref, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "":
			continue
		case strings.HasPrefix(tag, "zh"):
			return "zh-CN"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return Default
}

// Printer translates for one language.
type Printer struct {
	Lang string
	cat  map[string]string
}

// NewPrinter returns a printer for lang (the default for an unknown one).
func NewPrinter(lang string) *Printer {
	cats, err := Load()
	if err != nil {
		panic(err) // the catalogues are embedded; a test catches a broken one before release
	}
	if _, ok := cats[lang]; !ok {
		lang = Default
	}
	return &Printer{Lang: lang, cat: cats[lang]}
}

// T returns the sentence for key with args formatted in (fmt verbs); a missing key shows as
// the key itself, which the catalogue test prevents from shipping.
func (p *Printer) T(key string, args ...any) string {
	s, ok := p.cat[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether key is in the catalogue.
func (p *Printer) Has(key string) bool { _, ok := p.cat[key]; return ok }
