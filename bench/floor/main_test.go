package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lectern/lectern/bench/internal/corpus"
)

// TestFloor: every page of a corpus is written, converted and minified.
func TestFloor(t *testing.T) {
	src, dest := t.TempDir(), filepath.Join(t.TempDir(), "out")
	if _, err := corpus.Write(src, corpus.Options{Lessons: 20, Modules: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	st, err := run(src, dest)
	if err != nil {
		t.Fatal(err)
	}
	if st.pages != 20+2+1 {
		t.Errorf("%d pages, want 23", st.pages)
	}
	for _, p := range []string{"index.html", "module-02/index.html", "module-02/lesson-010/index.html"} {
		data, err := os.ReadFile(filepath.Join(dest, p))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "\n\n") {
			t.Errorf("%s: not minified", p)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dest, "module-02/lesson-010/index.html"))
	if !strings.Contains(string(data), "<h2 id=") || !strings.Contains(string(data), `class=chroma`) {
		t.Errorf("lesson-010: no headings or no highlighted code:\n%.500s", data)
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
