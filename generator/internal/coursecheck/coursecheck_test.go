package coursecheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// env is what the checks need from the machine.
type env struct {
	Go, Python, TempDir string
}

var errNoPython = errors.New("python3 not found on PATH")

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
			ps, err := c.run(context.Background(), e, pages, blocks)
			if errors.Is(err, errNoPython) && !inCI() {
				t.Skip("python3 is not installed, so python blocks are not checked here (CI installs it and checks them)")
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

var _ fs.FS
