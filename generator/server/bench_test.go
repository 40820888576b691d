package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
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
	if f := os.Getenv("LECTERN_INC_PROFILE"); f != "" {
		// A CPU profile of the edits only, not the first build.
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		_ = pprof.StartCPUProfile(out)
		defer pprof.StopCPUProfile()
	}
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

// BenchmarkSoak saves a lesson b.N times on a small site with the watcher,
// the HTTP server and an event stream running, waits each time for the
// reload event and fetches the page, and samples heap in use (after GC) and
// goroutines along the way. After a warm-up tenth both must stay flat: a
// leak per rebuild, per event or per request shows as growth. It needs
// LECTERN_SOAK=1 and is meant for long runs, not CI:
//
//	LECTERN_SOAK=1 go test -run '^$' -bench Soak -benchtime 10000x ./generator/server/
func BenchmarkSoak(b *testing.B) {
	if os.Getenv("LECTERN_SOAK") == "" {
		b.Skip("set LECTERN_SOAK=1 (and e.g. -benchtime 10000x)")
	}
	root := loadSite(b, 3, 6)
	s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true})
	if !s.Rebuild(context.Background(), nil) {
		b.Fatal("first build failed")
	}
	addr, _ := serveTCP(b, s)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan error, 1)
	go func() { watching <- s.Watch(ctx) }()
	defer func() { cancel(); <-watching }()

	resp, err := http.Get(base + eventsPath)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	versions := make(chan int64, 64)
	go func() {
		defer close(versions)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m message
				if json.Unmarshal([]byte(data), &m) == nil && m.Kind == "reload" {
					versions <- m.Version
				}
			}
		}
	}()
	client := &http.Client{Timeout: 30 * time.Second}

	type sample struct {
		cycle      int
		heap       uint64
		goroutines int
	}
	var samples []sample
	every := max(b.N/40, 1)
	warmup := max(b.N/10, 20)
	page := base + "/m2/l3/"
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		saveAtomically(b, root, "content/02-m2/03-l3.md", lessonText("L2.3", i))
		select {
		case <-versions:
		case <-time.After(30 * time.Second):
			b.Fatalf("cycle %d: no reload event", i)
		}
		r, err := client.Get(page)
		if err != nil {
			b.Fatalf("cycle %d: %v", i, err)
		}
		got, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(got), "Edit number "+strconv.Itoa(i)+".") {
			b.Fatalf("cycle %d: status %d, the page is not the last save", i, r.StatusCode)
		}
		if i >= warmup && (i-warmup)%every == 0 || i == b.N {
			b.StopTimer()
			// Let the batcher's timer and the connection settle first.
			time.Sleep(20 * time.Millisecond)
			samples = append(samples, sample{i, heapInuse(), runtime.NumGoroutine()})
			b.StartTimer()
		}
	}
	b.StopTimer()
	if len(samples) == 0 {
		return
	}
	first, last := samples[0], samples[len(samples)-1]
	peakHeap, peakG := first.heap, first.goroutines
	for _, s := range samples {
		peakHeap, peakG = max(peakHeap, s.heap), max(peakG, s.goroutines)
	}
	// Least-squares slope of heap over cycles, in bytes per cycle.
	var slope float64
	if n := float64(len(samples)); n > 2 {
		var sx, sy, sxx, sxy float64
		for _, s := range samples {
			x, y := float64(s.cycle), float64(s.heap)
			sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
		}
		if d := n*sxx - sx*sx; d != 0 {
			slope = (n*sxy - sx*sy) / d
		}
	}
	b.ReportMetric(float64(first.heap)/(1<<20), "MiB-heap-warm")
	b.ReportMetric(float64(last.heap)/(1<<20), "MiB-heap-end")
	b.ReportMetric(float64(peakHeap)/(1<<20), "MiB-heap-peak")
	b.ReportMetric(slope, "B-heap/cycle")
	b.ReportMetric(float64(last.goroutines), "goroutines-end")
	b.Logf("%d cycles, %d samples after %d warm-up cycles: heap %.1f → %.1f MiB (peak %.1f, %+.0f B/cycle), goroutines %d → %d (peak %d)",
		b.N, len(samples), warmup, float64(first.heap)/(1<<20), float64(last.heap)/(1<<20), float64(peakHeap)/(1<<20), slope,
		first.goroutines, last.goroutines, peakG)
	if b.N < 200 {
		return // too few cycles to tell growth from noise
	}
	// Flat: a quarter more heap plus 4 MiB, and a few goroutines (timers,
	// a connection being closed) above where the warm-up left them.
	if limit := first.heap + first.heap/4 + 4<<20; last.heap > limit {
		b.Errorf("heap in use grew from %d to %d bytes over %d cycles (limit %d)", first.heap, last.heap, last.cycle-first.cycle, limit)
	}
	if last.goroutines > first.goroutines+3 {
		b.Errorf("goroutines grew from %d to %d over %d cycles:\n%s", first.goroutines, last.goroutines, last.cycle-first.cycle, goroutineDump())
	}
}
