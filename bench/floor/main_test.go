package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lectern/lectern/bench/internal/corpus"
)

// TestFloor: every page of a corpus is written, converted and minified,
// and both highlighters write the same pages.
func TestFloor(t *testing.T) {
	src := t.TempDir()
	if _, err := corpus.Write(src, corpus.Options{Lessons: 20, Modules: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	dests := map[bool]string{}
	for _, stock := range []bool{true, false} {
		dest := filepath.Join(t.TempDir(), "out")
		dests[stock] = dest
		st, err := run(src, dest, stock)
		if err != nil {
			t.Fatal(err)
		}
		if st.pages != 20+2+1 {
			t.Errorf("stock=%v: %d pages, want 23", stock, st.pages)
		}
		for _, p := range []string{"index.html", "module-02/index.html", "module-02/lesson-010/index.html"} {
			data, err := os.ReadFile(filepath.Join(dest, p))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "\n\n") {
				t.Errorf("stock=%v: %s: not minified", stock, p)
			}
		}
		data, _ := os.ReadFile(filepath.Join(dest, "module-02/lesson-010/index.html"))
		if !strings.Contains(string(data), "<h2 id=") || !strings.Contains(string(data), `class=chroma`) {
			t.Errorf("stock=%v: lesson-010: no headings or no highlighted code:\n%.500s", stock, data)
		}
	}
	err := filepath.WalkDir(dests[true], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dests[true], p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(dests[false], rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: lectern's highlighter wrote other bytes than chroma's (%v)", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutPath(t *testing.T) {
	for in, want := range map[string]string{
		"content/_index.md":              "index.html",
		"content/a/_index.md":            "a/index.html",
		"content/a/b.md":                 "a/b/index.html",
		"content/glossary.md":            "glossary/index.html",
		"content/01-x/02-y/03-lesson.md": "01-x/02-y/03-lesson/index.html",
	} {
		if got := outPath(in); got != want {
			t.Errorf("outPath(%q) = %q, want %q", in, got, want)
		}
	}
}
