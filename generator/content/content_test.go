package content

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/diag"
)

func parse(t *testing.T, path, src string) (*File, string) {
	t.Helper()
	f, errs := Parse(path, []byte(src), config.Default())
	return f, errs.Error()
}

func TestBodyLineIsExact(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		body      string
	}{
		{"yaml", "---\ntitle: A\n---\nBody\n", 4, "Body\n"},
		{"toml", "+++\ntitle = \"A\"\n+++\n\nBody\n", 4, "\nBody\n"},
		{"none", "# Title\n\nBody\n", 1, "       \n\nBody\n"},
		{"crlf+bom", "\ufeff---\r\ntitle: A\r\n---\r\nBody\r\n", 4, "Body\n"},
		{"trailing spaces on fences", "---  \ntitle: A\n---\t\nBody", 4, "Body"},
		{"empty front matter", "---\n---\n# T\n", 3, "   \n"},
		{"no body", "---\ntitle: A\n---", 4, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := parse(t, "content/m/a.md", tc.src)
			if f == nil {
				t.Fatalf("errors: %s", errs)
			}
			if f.BodyLine != tc.line || string(f.Body) != tc.body {
				t.Errorf("body line %d %q, want %d %q", f.BodyLine, f.Body, tc.line, tc.body)
			}
		})
	}
}

func TestFrontMatterFields(t *testing.T) {
	src := `---
title: "  Spaced  "
description: D
weight: -3
draft: false
date: 2026-05-01
lastmod: 2026-05-02T10:30:00+02:00
slug: My-Slug
layout: wide
aliases: [/old/, /older/]
duration: 1h30m
objectives: [One, Two]
prerequisites: m/b
roles: [Back-end developer]
skills: [SQL]
tags: solo
custom: {nested: [1, 2]}
---
`
	f, errs := parse(t, "content/m/a.md", src)
	if f == nil {
		t.Fatal(errs)
	}
	m := f.Meta
	if m.Title != "Spaced" || m.Description != "D" || m.Weight != -3 || !m.HasWeight || m.Draft {
		t.Errorf("scalars: %+v", m)
	}
	if !m.Date.Equal(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) || !m.Lastmod.Equal(time.Date(2026, 5, 2, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("dates: %v %v", m.Date, m.Lastmod)
	}
	if m.Slug != "My-Slug" || m.Layout != "wide" || len(m.Aliases) != 2 || m.Duration != 90*time.Minute {
		t.Errorf("slug/layout/aliases/duration: %+v", m)
	}
	if len(m.Objectives) != 2 || len(m.Prerequisites) != 1 || m.Prerequisites[0].Pos.Line != 13 || m.Prerequisites[0].Pos.Col != 16 {
		t.Errorf("objectives/prerequisites: %+v", m)
	}
	if len(m.Terms["roles"]) != 1 || len(m.Terms["skills"]) != 1 || m.Terms["tags"][0].Value != "solo" {
		t.Errorf("terms: %+v", m.Terms)
	}
	if custom, ok := m.Params["custom"].(map[string]any); !ok || len(custom["nested"].([]any)) != 2 {
		t.Errorf("params: %#v", m.Params)
	}
}

func TestDateUsesSiteTimezone(t *testing.T) {
	cfg, err := config.Parse([]byte("title: T\ntimezone: Europe/Berlin\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, errs := Parse("content/m/a.md", []byte("---\ntitle: A\ndate: 2026-07-01\n---\n"), cfg)
	if f == nil {
		t.Fatal(errs)
	}
	if got := f.Meta.Date.UTC().Format(time.RFC3339); got != "2026-06-30T22:00:00Z" {
		t.Errorf("midnight in Berlin = %s", got)
	}
}

func TestRejectsBinaryAndInvalidText(t *testing.T) {
	for name, src := range map[string]string{
		"content/m/nul.md":  "---\ntitle: A\n---\nab\x00cd",
		"content/m/utf8.md": "---\ntitle: A\n---\nok \xff bad",
	} {
		f, errs := parse(t, name, src)
		if f != nil || !strings.Contains(errs, name+":4:") {
			t.Errorf("%s: %v %q", name, f, errs)
		}
	}
}

func TestCountWords(t *testing.T) {
	body := "one two three\n\n```go\na\nb\n```\n\n> four five\n~~~~\nc\n~~~~\n"
	words, code := countWords([]byte(body))
	if words != 6 || code != 3 {
		t.Errorf("words %d code %d, want 6 and 3", words, code)
	}
}

func TestKindOf(t *testing.T) {
	for p, want := range map[string]Kind{
		"content/_index.md":           KindHome,
		"content/glossary.md":         KindPage,
		"content/01-m/_index.md":      KindModule,
		"content/01-m/01-a.md":        KindLesson,
		"content/01-m/02-n/01-b.md":   KindLesson,
		"content/01-m/02-n/_index.md": KindModule,
	} {
		if got := KindOf(p); got != want {
			t.Errorf("KindOf(%s) = %v, want %v", p, got, want)
		}
	}
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		".DS_Store": true, "a.md~": true, ".a.md.swp": true, "#a.md#": true, ".#a.md": true, "4913.tmp": true,
		"a.md": false, "_index.md": false, "diagram.svg": false, "a.md___jb_tmp___": true, "4913": true,
	} {
		if Ignored(name) != want {
			t.Errorf("Ignored(%q) = %v", name, !want)
		}
	}
}

// TestLoadRefusesHugeFiles: a Markdown file over maxSize is an error at its
// first line, found by its size before it is read (or, when its size is not
// known, after maxSize+1 bytes), and the build goes on with the others.
func TestLoadRefusesHugeFiles(t *testing.T) {
	lesson := func(size int) []byte {
		b := []byte("---\ntitle: T\n---\n")
		return append(b, bytes.Repeat([]byte("word "), (size-len(b))/5+1)[:size-len(b)]...)
	}
	dir := t.TempDir()
	write := func(p string, data []byte) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Files refused by their size need no contents: sparse files do.
	sized := func(p string, size int64) {
		write(p, nil)
		if err := os.Truncate(filepath.Join(dir, filepath.FromSlash(p)), size); err != nil {
			t.Fatal(err)
		}
	}
	write("content/01-m/01-max.md", lesson(maxSize))
	sized("content/01-m/02-over.md", maxSize+1)
	sized("content/01-m/03-huge.md", 52_400_000)
	sized("content/about.md", maxSize+1)

	site, err := Load(os.DirFS(dir), config.Default(), nil, nil)
	want := strings.Join([]string{
		"content/01-m/02-over.md:1:1: lesson is 8.1 MB; lectern reads Markdown files up to 8 MB: split it into several lessons",
		"content/01-m/03-huge.md:1:1: lesson is 52.4 MB; lectern reads Markdown files up to 8 MB: split it into several lessons",
		"content/about.md:1:1: page is 8.1 MB; lectern reads Markdown files up to 8 MB: split it into several pages",
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
	if len(site.Files) != 4 || site.Files[0].Broken || !site.Files[1].Broken || !site.Files[2].Broken {
		t.Errorf("files: %v", site.Files)
	}
	// Refused files are not read.
	if err := os.Remove(filepath.Join(dir, "content/01-m/01-max.md")); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _ = Load(os.DirFS(dir), config.Default(), nil, nil)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("loading refused files allocated %d MB", grew>>20)
	}

	// A file system that does not know sizes in advance.
	fsys := sizeless{fstest.MapFS{
		"content/01-m/01-max.md":  {Data: lesson(maxSize)},
		"content/01-m/02-over.md": {Data: lesson(maxSize + 1)},
	}}
	_, err = Load(fsys, config.Default(), nil, nil)
	want = "content/01-m/02-over.md:1:1: lesson is over 8 MB; lectern reads Markdown files up to 8 MB: split it into several lessons"
	if err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
}

// sizeless is a file system whose files report size 0 until read.
type sizeless struct{ fstest.MapFS }

func (s sizeless) Open(name string) (fs.File, error) {
	f, err := s.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return sizelessFile{f}, nil
}

type sizelessFile struct{ fs.File }

func (f sizelessFile) Stat() (fs.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil || fi.IsDir() {
		return fi, err
	}
	return sizelessInfo{fi}, nil
}

type sizelessInfo struct{ fs.FileInfo }

func (sizelessInfo) Size() int64 { return 0 }

func TestReloadEqualsLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"content/_index.md":    {Data: []byte("---\ntitle: Home\n---\n")},
		"content/01-m/01-a.md": {Data: []byte("---\ntitle: A\n---\nA.\n")},
		"content/01-m/02-b.md": {Data: []byte("---\ntitle: B\nunknown_key: [\n---\nB.\n")},
		"content/01-m/03-c.md": {Data: []byte("---\ntitle: C\ncolour: red\n---\nC.\n")},
		"content/01-m/pic.png": {Data: []byte("png")},
	}
	cfg := config.Default()
	cache := NewCache()
	prev, _ := Load(fsys, cfg, cache, nil)

	fsys["content/01-m/01-a.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A2\nextra: 1\n---\nA, edited.\n")}
	fsys["content/01-m/03-c.md"] = &fstest.MapFile{Data: []byte("---\ntitle: C\n---\nC.\n")}
	site, before, after, ok := Reload(fsys, cfg, cache, prev, []string{"content/01-m/01-a.md", "content/01-m/03-c.md", "content/_index.md"})
	if !ok {
		t.Fatal("Reload refused a change of existing files")
	}
	want, _ := Load(fsys, cfg, NewCache(), nil)
	if len(site.Files) != len(want.Files) || !slices.Equal(site.Resources, want.Resources) {
		t.Fatalf("Reload gave %v %v, Load %v %v", site.Files, site.Resources, want.Files, want.Resources)
	}
	for i, f := range site.Files {
		w := want.Files[i]
		if f.Path != w.Path || f.Meta.Title != w.Meta.Title || string(f.Body) != string(w.Body) || f.Broken != w.Broken || fmt.Sprint(f.Meta.Params) != fmt.Sprint(w.Meta.Params) {
			t.Errorf("file %d: Reload %+v, Load %+v", i, f, w)
		}
	}
	sortedWarnings := func(l diag.List) string {
		l = append(diag.List(nil), l...)
		l.Sort()
		return l.Error()
	}
	if got, w := sortedWarnings(site.Warnings), sortedWarnings(want.Warnings); got != w {
		t.Errorf("warnings after Reload:\n%s\nafter Load:\n%s", got, w)
	}
	if len(before) != 3 || len(after) != 3 || before[0] == after[0] || before[2] != after[2] {
		t.Errorf("entries: an edited file must get a new entry, an unchanged one keep its own")
	}
	if prev.Files[0].Meta.Title != "A" {
		t.Error("Reload modified the previous site")
	}

	// What Reload cannot do, a full Load must.
	for name, change := range map[string]func(fstest.MapFS) []string{
		"new file": func(f fstest.MapFS) []string {
			f["content/01-m/04-d.md"] = &fstest.MapFile{Data: []byte("D")}
			return []string{"content/01-m/04-d.md"}
		},
		"deleted file": func(f fstest.MapFS) []string {
			delete(f, "content/01-m/03-c.md")
			return []string{"content/01-m/03-c.md"}
		},
		"symlink": func(f fstest.MapFS) []string {
			f["content/01-m/03-c.md"] = &fstest.MapFile{Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink}
			return []string{"content/01-m/03-c.md"}
		},
		"folder": func(f fstest.MapFS) []string { return []string{"content/01-m"} },
	} {
		f := maps.Clone(fsys)
		paths := change(f)
		if _, _, _, ok := Reload(f, cfg, cache, site, paths); ok {
			t.Errorf("%s: Reload accepted it", name)
		}
	}
}
