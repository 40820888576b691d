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

// TestFloor: every page of a corpus is written, converted and minified by
// each pipeline, and lectern's converter writes the same pages with either
// highlighter.
func TestFloor(t *testing.T) {
	src := t.TempDir()
	if _, err := corpus.Write(src, corpus.Options{Lessons: 20, Modules: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	dests := map[pipeline]string{}
	for _, pipe := range []pipeline{pipeChroma, pipeLectern, pipeStock} {
		dest := filepath.Join(t.TempDir(), "out")
		dests[pipe] = dest
		st, err := run(src, dest, pipe)
		if err != nil {
			t.Fatal(err)
		}
		if st.pages != 20+2+1 {
			t.Errorf("pipeline %d: %d pages, want 23", pipe, st.pages)
		}
		for _, p := range []string{"index.html", "module-02/index.html", "module-02/lesson-010/index.html"} {
			data, err := os.ReadFile(filepath.Join(dest, p))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "\n\n") {
				t.Errorf("pipeline %d: %s: not minified", pipe, p)
			}
		}
		data, _ := os.ReadFile(filepath.Join(dest, "module-02/lesson-010/index.html"))
		if !strings.Contains(string(data), "<h2 id=") || !strings.Contains(string(data), `class=chroma`) {
			t.Errorf("pipeline %d: lesson-010: no headings or no highlighted code:\n%.500s", pipe, data)
		}
	}
	err := filepath.WalkDir(dests[pipeChroma], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dests[pipeChroma], p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(dests[pipeLectern], rel))
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
