package coursecheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// env is what the checks need from the machine.
type env struct {
	Go, Python, TempDir string
}

var errNoPython = errors.New("python3 not found on PATH: python blocks cannot be checked (CI must install python3)")

// check is one named check over the whole course.
type check struct {
	name string
	run  func(ctx context.Context, e env, pages []*Page, blocks []Block) ([]Problem, error)
}

func pure(f func([]Block) []Problem) func(context.Context, env, []*Page, []Block) ([]Problem, error) {
	return func(_ context.Context, _ env, _ []*Page, b []Block) ([]Problem, error) { return f(b), nil }
}

var checks = []check{
	{"code-options", pure(CheckOptions)},
	{"go-compile", func(ctx context.Context, e env, _ []*Page, b []Block) ([]Problem, error) {
		return CheckGoCompile(ctx, e.Go, e.TempDir, b)
	}},
	{"go-parse", pure(CheckGoParse)},
	{"sql", pure(CheckSQL)},
	{"python", func(ctx context.Context, e env, _ []*Page, b []Block) ([]Problem, error) {
		if e.Python == "" {
			for _, bl := range b {
				if bl.Kind() == "python" && !skipped(bl) {
					return nil, errNoPython
				}
			}
			return nil, nil
		}
		return CheckPython(ctx, e.Python, e.TempDir, b)
	}},
	{"json", pure(CheckJSON)},
	{"yaml", pure(CheckYAML)},
	{"http", pure(CheckHTTP)},
	{"lessons", func(_ context.Context, _ env, p []*Page, _ []Block) ([]Problem, error) { return Lint(p), nil }},
}

// tools finds go and python3. go is always there under `go test` (it puts
// GOROOT/bin on PATH); python3 may be missing on a developer's machine.
func tools(t *testing.T) env {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found on PATH: %v", err)
	}
	py, _ := exec.LookPath("python3")
	return env{Go: goCmd, Python: py}
}

// inCI reports whether CI is set: then nothing may be skipped.
func inCI() bool { return os.Getenv("CI") != "" }

func report(ps []Problem) string {
	Sort(ps)
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n\t%s", p)
	}
	return b.String()
}

// TestContent runs every check over the repository's content/.
func TestContent(t *testing.T) {
	pages, err := Load(os.DirFS("../../.."))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("no Markdown files under content/")
	}
	blocks := Blocks(pages)
	counts := map[string]int{}
	for _, b := range blocks {
		counts[b.Kind()]++
	}
	t.Logf("%d pages, %d code blocks by language: %v", len(pages), len(blocks), counts)
	e := tools(t)
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := e
			e.TempDir = t.TempDir()
			ps, err := c.run(t.Context(), e, pages, blocks)
			if errors.Is(err, errNoPython) && !inCI() {
				t.Skip("python3 is not installed, so python blocks are not checked here (with CI set this fails instead)")
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) > 0 {
				t.Errorf("%d problems:%s", len(ps), report(ps))
			}
		})
	}
}

// TestChecksCatchProblems runs every check over the sites in
// testdata/*.txtar and compares the problems with the archive's want section,
// so a check that stops finding anything fails here (see testdata/README.md).
func TestChecksCatchProblems(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	e := tools(t)
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			fsys := fstest.MapFS{}
			var want []wantLine
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = parseWant(t, f.Data)
					continue
				}
				fsys[f.Name] = &fstest.MapFile{Data: f.Data}
			}
			pages, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			blocks := Blocks(pages)
			e := e
			e.TempDir = t.TempDir()
			var got []Problem
			for _, c := range checks {
				ps, err := c.run(t.Context(), e, pages, blocks)
				if errors.Is(err, errNoPython) && !inCI() {
					t.Logf("python3 is not installed: python blocks not checked, their expected problems ignored")
					want = slices.DeleteFunc(want, func(w wantLine) bool { return strings.Contains(w.msg, "py_compile:") })
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				got = append(got, ps...)
			}
			Sort(got)
			matched := make([]bool, len(want))
			var extra []Problem
			for _, g := range got {
				ok := false
				for i, w := range want {
					if w.matches(g) {
						matched[i], ok = true, true
					}
				}
				if !ok {
					extra = append(extra, g)
				}
			}
			for i, w := range want {
				if !matched[i] {
					t.Errorf("not found: %s", w.raw)
				}
			}
			if len(extra) > 0 {
				t.Errorf("%d unexpected problems:%s", len(extra), report(extra))
			}
			if t.Failed() {
				t.Logf("all problems found:%s", report(got))
			}
		})
	}
}

// wantLine is "content/a.md:12: go block: part of the message"; the line
// number may be left out for problems about a whole file.
type wantLine struct {
	raw, file, what, msg string
	line                 int
}

var wantRE = regexp.MustCompile(`^(\S+?\.md)(?::(\d+))?: ([a-z]+(?: block)?): (.*)$`)

func parseWant(t *testing.T, data []byte) []wantLine {
	var ws []wantLine
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m := wantRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("want: cannot read %q: want path.md:LINE: what: message", l)
		}
		line, _ := strconv.Atoi(m[2])
		ws = append(ws, wantLine{raw: l, file: m[1], line: line, what: m[3], msg: m[4]})
	}
	return ws
}

func (w wantLine) matches(p Problem) bool {
	return p.File == w.file && p.Line == w.line && p.What == w.what && strings.Contains(p.Msg, w.msg)
}
