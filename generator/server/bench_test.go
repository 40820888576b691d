package server

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lectern/lectern"
)

// BenchmarkSaveToReload measures, on a corpus made by bench/gencorpus.go
// (LECTERN_BENCH_CORPUS names its folder; 10,000 lessons in the target), the
// time from writing one lesson to disk to the reload event reaching an
// event-stream client: watcher, batching, incremental build and swap.
func BenchmarkSaveToReload(b *testing.B) {
	src := os.Getenv("LECTERN_BENCH_CORPUS")
	if src == "" {
		b.Skip("set LECTERN_BENCH_CORPUS to a corpus folder")
	}
	root := filepath.Join(b.TempDir(), "site")
	if out, err := exec.Command("cp", "-r", src, root).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "site.yaml")); err != nil {
		os.WriteFile(filepath.Join(root, "site.yaml"), []byte("title: Bench\n"), 0o644)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	defer ts.Close()
	s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true, BaseURL: ts.URL + "/"})
	ts.Config.Handler = s
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	if !s.Rebuild(ctx, nil) {
		b.Fatal("first build failed")
	}
	b.Logf("first build: %v", time.Since(start))
	go s.Watch(ctx)
	defer s.Shutdown()
	time.Sleep(200 * time.Millisecond)

	resp, err := http.Get(ts.URL + eventsPath)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "data: ") {
				events <- l
			}
		}
		close(events)
	}()
	<-events // the state on connect

	file := filepath.Join(root, "content/module-01/lesson-002.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data := append(append([]byte(nil), orig...), []byte("\nEdited "+time.Now().String()+"\n")...)
		t0 := time.Now()
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			select {
			case l := <-events:
				if strings.Contains(l, `"kind":"reload"`) {
					goto next
				}
			case <-time.After(30 * time.Second):
				b.Fatal("no reload event")
			}
		}
	next:
		took = append(took, time.Since(t0))
		b.StopTimer()
		time.Sleep(50 * time.Millisecond) // let the batcher go quiet between saves
		b.StartTimer()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
}
