// Package sitetest loads whole-site fixtures written as txtar archives and
// compares a build's output with the expected files they hold.
//
// A fixture's comment says what it shows. Its files are the site's inputs,
// except these, which are expectations:
//
//	options             build options, one per line: drafts, minify, base-url=URL
//	want/errors         every diagnostic of the build, one per line, exactly
//	want/files          the sorted list of output paths (the manifest of the build)
//	want/PATH           the output file PATH, byte for byte
//	want/PATH#main      only the <main>…</main> element of the output file PATH
//
// Run the tests with -update to rewrite the want/ sections from the output.
package sitetest

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// Site is a loaded fixture.
type Site struct {
	Path    string
	Comment string
	FS      fstest.MapFS
	Options map[string]string
	archive *txtar.Archive
}

// Load reads a fixture.
func Load(t testing.TB, path string) *Site {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := &Site{Path: path, Comment: string(a.Comment), FS: fstest.MapFS{}, Options: map[string]string{}, archive: a}
	for _, f := range a.Files {
		switch {
		case f.Name == "options":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if line = strings.TrimSpace(line); line == "" {
					continue
				}
				k, v, _ := strings.Cut(line, "=")
				s.Options[k] = v
			}
		case strings.HasPrefix(f.Name, "want/"):
		default:
			s.FS[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
		}
	}
	return s
}

// Output is what a build produced: its files and its diagnostics, one per line.
type Output struct {
	Files map[string][]byte
	Diags []string
}

// Check compares out with the fixture's want/ sections, or rewrites them when
// update is set.
func (s *Site) Check(t *testing.T, out Output, update bool) {
	t.Helper()
	paths := make([]string, 0, len(out.Files))
	for p := range out.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	actual := func(name string) ([]byte, bool) {
		switch name {
		case "errors":
			if len(out.Diags) == 0 {
				return nil, true
			}
			return []byte(strings.Join(out.Diags, "\n") + "\n"), true
		case "files":
			return []byte(strings.Join(paths, "\n") + "\n"), true
		}
		file, region := name, ""
		if i := strings.LastIndexByte(name, '#'); i >= 0 {
			file, region = name[:i], name[i+1:]
		}
		data, ok := out.Files[file]
		if !ok {
			return nil, false
		}
		if region != "" {
			return Region(data, region), true
		}
		return data, true
	}
	sawErrors := false
	changed := false
	for i, f := range s.archive.Files {
		name, ok := strings.CutPrefix(f.Name, "want/")
		if !ok {
			continue
		}
		sawErrors = sawErrors || name == "errors"
		got, ok := actual(name)
		if !ok {
			t.Errorf("%s: the build wrote no %s", s.Path, name)
			continue
		}
		// txtar ends every file with a newline; minified output has none.
		if len(got) > 0 && got[len(got)-1] != '\n' {
			got = append(got[:len(got):len(got)], '\n')
		}
		if !bytes.Equal(got, f.Data) {
			if update {
				s.archive.Files[i].Data = got
				changed = true
				continue
			}
			t.Errorf("%s: want/%s differs:\n%s", s.Path, name, Diff(string(f.Data), string(got)))
		}
	}
	if !sawErrors && len(out.Diags) > 0 {
		if update {
			got, _ := actual("errors")
			s.archive.Files = append(s.archive.Files, txtar.File{Name: "want/errors", Data: got})
			changed = true
		} else {
			t.Errorf("%s: unexpected diagnostics (add a want/errors section):\n%s", s.Path, strings.Join(out.Diags, "\n"))
		}
	}
	if changed {
		if err := os.WriteFile(s.Path, txtar.Format(s.archive), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Region cuts the element named by tag (its first occurrence) out of an HTML page.
func Region(page []byte, tag string) []byte {
	start := bytes.Index(page, []byte("<"+tag))
	end := bytes.LastIndex(page, []byte("</"+tag+">"))
	if start < 0 || end < start {
		return []byte(fmt.Sprintf("(no <%s> element)\n", tag))
	}
	return append(page[start:end+len(tag)+3:end+len(tag)+3], '\n')
}

// Diff shows the first differing lines of want and got, with context.
func Diff(want, got string) string {
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	i := 0
	for i < len(wl) && i < len(gl) && wl[i] == gl[i] {
		i++
	}
	var b strings.Builder
	from := max(0, i-2)
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "    %s\n", wl[j])
	}
	for j := i; j < len(wl) && j < i+6; j++ {
		fmt.Fprintf(&b, "  - %s\n", wl[j])
	}
	for j := i; j < len(gl) && j < i+6; j++ {
		fmt.Fprintf(&b, "  + %s\n", gl[j])
	}
	fmt.Fprintf(&b, "  (first difference at line %d; run `go test -run TestSites ./generator/build -update` if the new output is right)", i+1)
	return b.String()
}
