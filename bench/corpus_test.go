package bench

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/bench/internal/corpus"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// generate returns a corpus in memory, by slash path.
func generate(t *testing.T, opts corpus.Options) (map[string][]byte, corpus.Stats) {
	t.Helper()
	files := map[string][]byte{}
	st, err := corpus.Generate(opts, func(p string, data []byte) error {
		files[p] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, st
}

// TestCorpusDeterministic: same options, same bytes; another seed, other bytes.
func TestCorpusDeterministic(t *testing.T) {
	opts := corpus.Options{Lessons: 30, Seed: 7}
	a, st := generate(t, opts)
	b, _ := generate(t, opts)
	if !maps.EqualFunc(a, b, bytes.Equal) {
		t.Fatal("two runs with the same options generated different corpora")
	}
	if len(a) != 30+1+1+1 { // lessons, one module, home, site.yaml
		t.Errorf("%d files, want 33", len(a))
	}
	if st.Callouts == 0 || st.Quizzes == 0 {
		t.Errorf("no callouts or no quizzes in 30 lessons: %+v", st)
	}
	c, _ := generate(t, corpus.Options{Lessons: 30, Seed: 8})
	if maps.EqualFunc(a, c, bytes.Equal) {
		t.Error("seeds 7 and 8 generated the same corpus")
	}
	if corpus.Fingerprint() != corpus.Fingerprint() {
		t.Error("Fingerprint changes between calls")
	}
}

// TestCorpusPlain: Plain leaves out the extras and nothing else, so the
// extras do not disturb the base content stream.
func TestCorpusPlain(t *testing.T) {
	opts := corpus.Options{Lessons: 30, Seed: 3}
	with, _ := generate(t, opts)
	opts.Plain = true
	plain, st := generate(t, opts)
	if st.Callouts != 0 || st.Quizzes != 0 {
		t.Errorf("plain corpus has extras: %+v", st)
	}
	for p, data := range plain {
		if bytes.Contains(data, []byte("> [!")) || bytes.Contains(data, []byte("```quiz")) {
			t.Errorf("%s: callout or quiz in a plain corpus", p)
		}
		// Every line of the plain lesson is in the lesson with extras, in order.
		rest := string(with[p])
		for _, line := range strings.SplitAfter(string(data), "\n") {
			i := strings.Index(rest, line)
			if i < 0 {
				t.Errorf("%s: line %q of the plain corpus is missing with extras", p, line)
				break
			}
			rest = rest[i+len(line):]
		}
	}
}

// TestCorpusBuilds: a generated corpus builds with lectern with zero errors
// and zero warnings (link, quiz and callout checks included), and its
// callouts and quizzes come out as such.
func TestCorpusBuilds(t *testing.T) {
	dir := t.TempDir()
	st, err := corpus.Write(dir, corpus.Options{Lessons: 30, Modules: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mem := output.NewMem()
	res, err := build.Run(context.Background(), build.Options{Root: os.DirFS(dir), Theme: lectern.Theme(), Sink: mem})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning: %v", w)
	}
	if len(res.Course.Lessons) != 30 || len(res.Course.Modules) != 3 {
		t.Errorf("%d lessons in %d modules, want 30 in 3", len(res.Course.Lessons), len(res.Course.Modules))
	}
	var quizzes, callouts int
	for _, p := range mem.Paths() {
		if !strings.HasSuffix(p, "/index.html") || strings.HasPrefix(p, "print/") {
			continue
		}
		data, _ := mem.Get(p)
		quizzes += bytes.Count(data, []byte("data-quiz"))
		callouts += bytes.Count(data, []byte("callout callout-"))
	}
	if quizzes != st.Quizzes {
		t.Errorf("%d quizzes in the pages, %d generated", quizzes, st.Quizzes)
	}
	// An exercise is three callouts (itself, its hint and its solution).
	if callouts < st.Callouts {
		t.Errorf("%d callouts in the pages, %d generated", callouts, st.Callouts)
	}
}

// findHugo returns the Hugo binary compare.sh would use, or "".
func findHugo() string {
	for _, h := range []string{os.Getenv("HUGO"), "/tmp/peers/bin/hugo"} {
		if h != "" {
			if _, err := os.Stat(h); err == nil {
				return h
			}
		}
	}
	h, _ := exec.LookPath("hugo")
	return h
}

// TestHugoTwin: the Hugo twin site builds a generated corpus (skipped when
// no Hugo is installed). The site is copied first: Hugo writes into it.
func TestHugoTwin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Hugo")
	}
	hugo := findHugo()
	if hugo == "" {
		t.Skip("no hugo: set HUGO, or put hugo on PATH")
	}
	tmp := t.TempDir()
	if _, err := corpus.Write(filepath.Join(tmp, "corpus"), corpus.Options{Lessons: 30, Modules: 3, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(tmp, "hugo-site")
	if err := os.CopyFS(site, os.DirFS("hugo-site")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "public")
	cmd := exec.Command(hugo, "-s", site, "--contentDir", filepath.Join(tmp, "corpus", "content"), "-d", out, "--minify", "--quiet", "--noBuildLock")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", hugo, err, b)
	}
	for _, p := range []string{"index.html", "module-01/index.html", "module-03/lesson-010/index.html"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
}

// TestPipelineMatchesBuild: the stage benchmarks' pipeline (a build taken
// apart) makes the pages a build makes, byte for byte, so its stages measure
// the build's work.
func TestPipelineMatchesBuild(t *testing.T) {
	dir := t.TempDir()
	if _, err := corpus.Write(dir, corpus.Options{Lessons: 30, Modules: 3, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	mem := output.NewMem()
	res, err := build.Run(context.Background(), build.Options{Root: os.DirFS(dir), Theme: lectern.Theme(), Sink: mem})
	if err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, dir)
	p.assets = res.Assets
	p.minify(t)
	if len(p.minified) != 30+3+1 {
		t.Errorf("%d pages, want 34", len(p.minified))
	}
	for _, f := range p.minified {
		want, ok := mem.Get(f.path)
		if !ok {
			t.Errorf("%s: not in the build", f.path)
			continue
		}
		if !bytes.Equal(f.data, want) {
			i := 0
			for i < len(want) && i < len(f.data) && want[i] == f.data[i] {
				i++
			}
			t.Errorf("%s differs from the build's at byte %d:\npipeline: %.200s\nbuild:    %.200s", f.path, i, f.data[max(0, i-40):], want[max(0, i-40):])
		}
	}
}
