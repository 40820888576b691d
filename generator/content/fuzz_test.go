package content

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/meta"
)

// FuzzParse feeds any bytes to Parse as a lesson. Beyond "no panic" it checks
// what later stages rely on: every diagnostic points inside the file; a file
// that parses has no errors and a body that is the tail of the normalised
// source starting on line BodyLine; YAML 1.2 booleans (`draft: no` is an
// error, never a draft); the caller's bytes are left alone; and the same
// bytes give the same result. Seeds: f.Add below plus testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: A\n---\nBody\n",
		"\ufeff---\r\ntitle: A\r\ndraft: true\r\n---\r\nBody\r\n",
		"---\ntitle: A\ndraft: no\n---\n",
		"---\ntitle: A\ndraft: yes\n---\n",
		"---\ntitle: A\ndraft: True\n---\n",
		"---\ntitle: A\n", // never closed
		"---\ntitle: A\n---",
		"---  \ntitle: A\n---\t\n# Also a title\n",
		"+++\ntitle = \"A\"\ndraft = true\n+++\nBody\n",
		"+++\ntitle = \"A\"\n[params]\nx = 1\n+++\n",
		"# Title from the body #\n\ntext\n",
		"---\ntitle:\n\t- tab\n---\n",
		"---\nbase: &a {x: 1}\ntitle: *a\n---\n",
		"---\ntitle: A\n---\n---\nb: 2\n---\n",
		"---\ntitle: A\nslug: ../x\nweight: 99999999999\nduration: -1m\n---\n",
		"---\n- a\n- b\n---\n",
		"---\ntitle: A\ndate: 2026-13-45\nlastmod: 2026-05-01T09:30:00+02:00\n---\n",
		"\n---\ntitle: A\n---\n",
		"ab\x00cd",
		"---\ntitle: A\n---\nok \xff bad",
		"---\r\ntitle: A\r---\r\n",
	} {
		f.Add([]byte(s))
	}
	cfg := config.Default()
	const path = "content/m/a.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		orig := bytes.Clone(src)
		var (
			file *File
			errs diag.List
		)
		within(t, 10*time.Second, orig, func() { file, errs = Parse(path, src, cfg) })
		if !bytes.Equal(src, orig) {
			t.Fatalf("Parse changed its input:\n%q\n%q", orig, src)
		}
		norm := meta.Normalise(orig)
		lines := bytes.Count(norm, []byte("\n")) + 1
		for _, e := range errs {
			checkPos(t, norm, lines, e)
		}
		if file == nil {
			if !errs.HasErrors() {
				t.Fatalf("no file and no error; diagnostics: %v", errs)
			}
		} else {
			checkFile(t, norm, file, errs)
		}
		// Deterministic: the same bytes, the same answer.
		file2, errs2 := Parse(path, bytes.Clone(orig), cfg)
		if errs.Error() != errs2.Error() || (file == nil) != (file2 == nil) ||
			(file != nil && (!bytes.Equal(file.Body, file2.Body) || file.BodyLine != file2.BodyLine || file.Title != file2.Title)) {
			t.Fatalf("two parses differ:\n%v\n%v", errs, errs2)
		}
	})
}

// within fails when fn takes longer than limit: the fuzzer notices a crash
// but not an input that makes the code hang or crawl.
func within(t *testing.T, limit time.Duration, in []byte, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still running after %v on %q", limit, in)
	}
}

// checkPos: a diagnostic names the file and a place inside it: a line of the
// file (or the one after the last, for "missing … at the end"), and a column
// on that line or just past its end.
func checkPos(t *testing.T, norm []byte, lines int, e *diag.Error) {
	t.Helper()
	p := e.Pos
	if p.File != "content/m/a.md" {
		t.Fatalf("diagnostic without the file: %v", e)
	}
	if p.Line < 1 || p.Line > lines+1 {
		t.Fatalf("line %d outside the file's %d lines: %v", p.Line, lines, e)
	}
	if p.Col < 1 {
		t.Fatalf("column %d: %v", p.Col, e)
	}
	if p.Line <= lines {
		// One past the last rune is where "missing X at end of line" points.
		line := bytes.SplitN(norm, []byte("\n"), p.Line+1)[p.Line-1]
		if n := utf8.RuneCount(line); p.Col > n+1 {
			t.Fatalf("column %d past the end of line %d (%d runes, %q): %v", p.Col, p.Line, n, line, e)
		}
	}
}

// yamlTrue and tomlTrue match how the value of a `draft` that parsed as true
// must be spelled: YAML 1.2 core schema and TOML booleans only. yaml11Bool
// matches the YAML 1.1 spellings (yes, no, on, off, y, n), which must fail.
var (
	yamlTrue   = regexp.MustCompile(`^(!!bool\s+)?(true|True|TRUE)\b`)
	yaml11Bool = regexp.MustCompile(`^(?i)(yes|no|on|off|y|n)\s*(#.*)?$`)
	tomlTrue   = regexp.MustCompile(`^(draft|"draft"|'draft')\s*=\s*true\b`)
)

func checkFile(t *testing.T, norm []byte, f *File, errs diag.List) {
	t.Helper()
	if errs.HasErrors() {
		t.Fatalf("a file and errors: %v", errs)
	}
	if strings.TrimSpace(f.Meta.Title) == "" {
		t.Fatalf("parsed without a title")
	}
	// The body is the source's tail, cut at the start of a line...
	bodyOff := len(norm) - len(f.Body)
	if bodyOff < 0 {
		t.Fatalf("body longer than the source")
	}
	// When the source ends with the closing fence and no newline, the
	// (empty) body is on the line after it.
	midLine := bodyOff > 0 && norm[bodyOff-1] != '\n'
	if midLine && len(f.Body) > 0 {
		t.Fatalf("body starts mid-line at byte %d: %q", bodyOff, norm)
	}
	// ...that line is BodyLine...
	want := 1 + bytes.Count(norm[:bodyOff], []byte("\n"))
	if midLine {
		want++
	}
	if f.BodyLine != want {
		t.Fatalf("BodyLine %d, want %d", f.BodyLine, want)
	}
	// ...and it follows a closing fence when there is front matter.
	if bodyOff > 0 {
		prev := norm[:bodyOff]
		if !midLine {
			prev = prev[:len(prev)-1]
		}
		fence := string(bytes.TrimRight(prev[bytes.LastIndexByte(prev, '\n')+1:], " \t"))
		if fence != "---" && fence != "+++" || !bytes.HasPrefix(norm, []byte(fence)) {
			t.Fatalf("body does not follow a closing fence (line before it: %q)", fence)
		}
	}
	// ...and equal to it, but for a title heading blanked with spaces.
	src := norm[len(norm)-len(f.Body):]
	first, last := -1, -1
	for i := range f.Body {
		if f.Body[i] != src[i] {
			if f.Body[i] != ' ' || !f.TitleFromBody {
				t.Fatalf("body differs from the source at byte %d: %q vs %q", i, f.Body, src)
			}
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 && bytes.IndexByte(src[first:last], '\n') >= 0 {
		t.Fatalf("blanked title spans lines %q", src[first:last])
	}
	p, given := f.Meta.Pos["draft"]
	if f.Meta.Draft && !given {
		t.Fatalf("draft without a position")
	}
	if given {
		line := string(bytes.SplitN(norm, []byte("\n"), p.Line+1)[p.Line-1])
		at := string([]rune(line)[min(p.Col-1, utf8.RuneCountInString(line)):])
		if f.Meta.Draft && !yamlTrue.MatchString(at) && !tomlTrue.MatchString(at) {
			t.Fatalf("draft is true, but the value at %d:%d reads %q", p.Line, p.Col, at)
		}
		// A YAML 1.1 spelling is a string in YAML 1.2: an error, not false.
		if yaml11Bool.MatchString(at) {
			t.Fatalf("draft %q accepted", at)
		}
	}
}
