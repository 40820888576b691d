package build_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// corpusCopy copies a corpus made by bench/gencorpus.go (LECTERN_BENCH_CORPUS
// names its folder) into a temporary folder the benchmark may edit.
func corpusCopy(b *testing.B) string {
	src := os.Getenv("LECTERN_BENCH_CORPUS")
	if src == "" {
		b.Skip("set LECTERN_BENCH_CORPUS to a corpus folder (LECTERN_BENCH_CORPUS=$(go run ./bench/gencorpus -n 10000 -cached))")
	}
	dst := filepath.Join(b.TempDir(), "site")
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		b.Fatalf("copy corpus: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dst, "site.yaml")); err != nil {
		if err := os.WriteFile(filepath.Join(dst, "site.yaml"), []byte("title: Bench\nbaseURL: https://example.org/\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dst
}

// BenchmarkIncrementalBodyEdit measures the dev server's rebuild after one
// lesson's body changes on disk (the target: under 50 ms at 10,000 lessons).
func BenchmarkIncrementalBodyEdit(b *testing.B) {
	benchmarkEdit(b, func(orig []byte, i int) []byte {
		return append(append([]byte(nil), orig...), []byte("\nEdited paragraph "+time.Now().String()+".\n")...)
	})
}

// BenchmarkIncrementalTitleEdit measures the rebuild after one lesson's
// title changes: its page, its neighbours' links, its module's navigation
// (about 50 pages), the module page, taxonomy pages, /print/, the search
// index and the feeds change with it.
func BenchmarkIncrementalTitleEdit(b *testing.B) {
	benchmarkEdit(b, func(orig []byte, i int) []byte {
		return bytes.Replace(orig, []byte("title: \""), []byte(fmt.Sprintf("title: \"Edit %d ", i)), 1)
	})
}

// benchmarkEdit builds a copy of the corpus as the dev server does, then
// times one rebuild per edit of content/module-01/lesson-002.md; edit
// returns the file's new bytes from its original ones and the edit's number.
// LECTERN_INC_PROFILE names a file for a CPU profile of the rebuilds.
func benchmarkEdit(b *testing.B, edit func(orig []byte, i int) []byte) {
	dir := corpusCopy(b)
	bl := new(build.Builder)
	opts := build.Options{Root: os.DirFS(dir), Theme: lectern.Theme(), Drafts: true, Partial: true, BaseURL: "http://127.0.0.1:4747/"}
	opts.Sink = output.NewMem()
	start := time.Now()
	if _, err := bl.Run(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	b.Logf("first build: %v", time.Since(start))
	rel := "content/module-01/lesson-002.md"
	file := filepath.Join(dir, filepath.FromSlash(rel))
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	if f := os.Getenv("LECTERN_INC_PROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		_ = pprof.StartCPUProfile(out)
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data := edit(orig, i)
		if bytes.Equal(data, orig) {
			b.Fatal("the edit changed nothing")
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
		// As the dev server does: the next site's Mem trusts the paths of
		// the last one.
		prev := opts.Sink.(*output.Mem)
		opts.Sink = output.NewMemLike(prev)
		opts.Changed = []string{rel}
		res, err := bl.Run(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(res.Rendered), "pages-rendered")
		}
	}
}
