package build_test

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// loadCorpus reads a corpus made by ../shared/bench/gencorpus.go (set
// LECTERN_BENCH_CORPUS to its folder) into memory, so edits are cheap.
func loadCorpus(b *testing.B) fstest.MapFS {
	dir := os.Getenv("LECTERN_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set LECTERN_BENCH_CORPUS to a corpus folder (go run gencorpus.go -n 10000 -out DIR)")
	}
	fsys := fstest.MapFS{}
	root := os.DirFS(dir)
	err := fsWalk(root, func(p string, data []byte) { fsys[p] = &fstest.MapFile{Data: data} })
	if err != nil {
		b.Fatal(err)
	}
	if _, ok := fsys["site.yaml"]; !ok {
		fsys["site.yaml"] = &fstest.MapFile{Data: []byte("title: Bench\nbaseURL: https://example.org/\n")}
	}
	return fsys
}

// BenchmarkIncrementalBodyEdit measures the dev server's rebuild after one
// lesson's body changes, on a whole corpus (10,000 lessons in the target).
func BenchmarkIncrementalBodyEdit(b *testing.B) {
	fsys := loadCorpus(b)
	bl := new(build.Builder)
	opts := build.Options{Root: fsys, Theme: lectern.Theme(), Drafts: true, Partial: true}
	opts.Sink = output.NewMem()
	start := time.Now()
	if _, err := bl.Run(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	b.Logf("first build: %v", time.Since(start))
	p := "content/module-01/lesson-002.md"
	orig := fsys[p].Data
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
		data := append([]byte(nil), orig...)
		data = append(data, []byte("\nEdited paragraph "+time.Now().String()+".\n")...)
		fsys[p] = &fstest.MapFile{Data: data}
		opts.Sink = output.NewMem()
		opts.Changed = []string{p}
		res, err := bl.Run(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(res.Rendered), "pages-rendered")
		}
	}
}
