package locale

import (
	"regexp"
	"testing"
	"testing/fstest"
)

func TestCataloguesComplete(t *testing.T) {
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := cats["zh-CN"], cats["en"]
	if len(zh) == 0 {
		t.Fatal("empty zh-CN catalogue")
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en is missing %q", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN is missing %q", k)
		}
	}
}

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func TestCataloguesAgreeOnArguments(t *testing.T) {
	cats, _ := Load()
	for k, zh := range cats["zh-CN"] {
		en, ok := cats["en"][k]
		if !ok {
			continue
		}
		if a, b := len(verb.FindAllString(zh, -1)), len(verb.FindAllString(en, -1)); a != b {
			t.Errorf("%q: zh-CN takes %d arguments, en %d", k, a, b)
		}
	}
}

func TestDuplicateKeyRefused(t *testing.T) {
	fsys := fstest.MapFS{
		"translations/zh-CN/a.json": {Data: []byte(`{"x":"一"}`)},
		"translations/zh-CN/b.json": {Data: []byte(`{"x":"二"}`)},
		"translations/en/a.json":    {Data: []byte(`{"x":"one"}`)},
	}
	if _, err := load(fsys); err == nil {
		t.Fatal("a key in two files loaded without error")
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{"": "zh-CN", "en-US,en;q=0.9": "en", "zh-TW": "zh-CN", "fr, en;q=0.5": "en", "de": "zh-CN"} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}
