package build_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// shuffledFS returns directory entries in a random order, as some file
// systems do; the build must not depend on the order of a directory walk.
type shuffledFS struct {
	fstest.MapFS
	r *rand.Rand
}

func (s shuffledFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := s.MapFS.ReadDir(name)
	s.r.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
	return entries, err
}

// course makes a course of modules × lessons with links, code, taxonomies and
// prerequisites, enough to keep every worker busy.
func course(modules, lessons int) fstest.MapFS {
	fsys := fstest.MapFS{
		"site.yaml":         {Data: []byte("title: Determinism\nbaseURL: https://example.org/sub/\n")},
		"content/_index.md": {Data: []byte("---\ntitle: Home\n---\nWelcome.\n")},
		"static/CNAME":      {Data: []byte("example.org\n")},
	}
	for m := 1; m <= modules; m++ {
		fsys[fmt.Sprintf("content/%02d-module-%d/_index.md", m, m)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Module %d\n---\n", m))}
		for l := 1; l <= lessons; l++ {
			var prereq string
			if l > 1 {
				prereq = fmt.Sprintf("prerequisites: [module-%d/lesson-%d]\n", m, l-1)
			}
			body := fmt.Sprintf(`---
title: Lesson %d.%d
date: 2026-0%d-1%d
roles: [Role %d]
skills: [Skill %d, "C#"]
tags: [t%d]
%s---
## Intro

See [the first lesson](/module-1/lesson-1/#intro) and [next](%02d-lesson-%d.md).

`+"```go {title=\"main.go\" hl_lines=\"2\"}\npackage main\n\nfunc main() { println(%d) }\n```"+`

> [!TIP]
> Tip %d.

| a | b |
|---|---|
| %d | %d |
`, m, l, 1+m%9, l%10, m%3, l%4, l%5, prereq, l%lessons+1, l%lessons+1, l, l, m, l)
			fsys[fmt.Sprintf("content/%02d-module-%d/%02d-lesson-%d.md", m, m, l, l)] = &fstest.MapFile{Data: []byte(body)}
		}
	}
	return fsys
}

func buildAll(t *testing.T, fsys fs.FS, minify bool) *output.Mem {
	t.Helper()
	mem := output.NewMem()
	_, err := build.Run(context.Background(), build.Options{Root: fsys, Theme: lectern.Theme(), Sink: mem, NoMinify: !minify})
	if err != nil {
		t.Fatal(err)
	}
	return mem
}

// TestBuildIsDeterministic builds one course with shuffled directory walks and
// different GOMAXPROCS and requires byte-identical output.
func TestBuildIsDeterministic(t *testing.T) {
	base := course(6, 12)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var ref *output.Mem
	for i, procs := range []int{1, 4, 2, 8} {
		runtime.GOMAXPROCS(procs)
		got := buildAll(t, shuffledFS{base, rand.New(rand.NewSource(int64(i)))}, true)
		if ref == nil {
			ref = got
			if len(ref.Paths()) < 6*12 {
				t.Fatalf("only %d files", len(ref.Paths()))
			}
			continue
		}
		if a, b := fmt.Sprint(ref.Paths()), fmt.Sprint(got.Paths()); a != b {
			t.Fatalf("GOMAXPROCS=%d: different file lists", procs)
		}
		for _, p := range ref.Paths() {
			a, _ := ref.Get(p)
			b, _ := got.Get(p)
			if !bytes.Equal(a, b) {
				t.Errorf("GOMAXPROCS=%d, shuffle %d: %s differs", procs, i, p)
			}
		}
	}
}
