package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestBatcherCoalesces(t *testing.T) {
	b := newBatcher(20*time.Millisecond, 200*time.Millisecond)
	defer b.close()
	for i := 0; i < 500; i++ {
		b.add(fmt.Sprintf("content/m/%03d.md", i))
	}
	b.add("content/m/000.md") // twice: once in the batch
	batch := <-b.out
	if len(batch) != 500 || !slices.IsSorted(batch) {
		t.Fatalf("batch of %d paths, sorted=%v", len(batch), slices.IsSorted(batch))
	}
	select {
	case extra := <-b.out:
		t.Fatalf("a burst gave a second batch: %v", extra)
	case <-time.After(60 * time.Millisecond):
	}
}

func TestBatcherSendsWithinMax(t *testing.T) {
	b := newBatcher(30*time.Millisecond, 100*time.Millisecond)
	defer b.close()
	start := time.Now()
	stop := time.After(400 * time.Millisecond)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				b.add("content/busy.md") // never quiet
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	<-b.out
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("an endless burst delayed the first batch %v (max is 100ms)", d)
	}
}

func TestBatcherMergesWhileBusy(t *testing.T) {
	b := newBatcher(5*time.Millisecond, 50*time.Millisecond)
	defer b.close()
	b.add("a")
	time.Sleep(30 * time.Millisecond) // batch {a} waits: the consumer is "rebuilding"
	b.add("b")
	time.Sleep(30 * time.Millisecond)
	b.addAll()
	b.add("c")
	time.Sleep(30 * time.Millisecond)
	got := <-b.out
	if got != nil {
		t.Errorf("everything-changed must absorb the rest, got %v", got)
	}
	select {
	case x := <-b.out:
		t.Errorf("edits during one rebuild must give exactly one more batch, got another: %v", x)
	case <-time.After(40 * time.Millisecond):
	}
	b.add("d")
	time.Sleep(20 * time.Millisecond)
	b.add("e")
	if got := <-b.out; !slices.Equal(got, []string{"d"}) && !slices.Equal(got, []string{"d", "e"}) {
		t.Errorf("got %v", got)
	}
}

func TestRelevant(t *testing.T) {
	for p, want := range map[string]bool{
		"site.yaml": true, "content/m/a.md": true, "layouts/_default/lesson.html": true, "assets/css/main.css": true,
		"static/.well-known/security.txt": true,
		"public/index.html":               false, ".git/HEAD": false, "content/m/.a.md.swp": false, "content/m/a.md~": false,
		"content/m/4913": false, "content/m/a.md___jb_tmp___": false, "content/m/#a.md#": false, "README.md": false,
		"content/.hidden/a.md": false,
	} {
		if got := relevant(p); got != want {
			t.Errorf("relevant(%q) = %v", p, got)
		}
	}
}

// watchSite starts a watcher on a fresh site, batching as Server.Watch
// does, and returns a function that collects the paths of the batches
// arriving within d ("*" for everything), sorted, and how many batches came.
func watchSite(t *testing.T) (string, *watcher, func(d time.Duration) ([]string, int)) {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"site.yaml":               "title: W\n",
		"content/01-m/01-a.md":    "---\ntitle: A\n---\n",
		"layouts/partials/x.html": "x",
	})
	s := New(Options{Root: root})
	b := s.newBatcher()
	w, err := newWatcher(root, b, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.close(); b.close() })
	collect := func(d time.Duration) ([]string, int) {
		var all []string
		n := 0
		deadline := time.After(d)
		for {
			select {
			case batch := <-b.out:
				n++
				if batch == nil {
					all = append(all, "*")
				}
				all = append(all, batch...)
			case <-deadline:
				slices.Sort(all)
				return slices.Compact(all), n
			}
		}
	}
	return root, w, collect
}

func TestWatcherEditorSaves(t *testing.T) {
	root, _, collect := watchSite(t)
	a := filepath.Join(root, "content/01-m/01-a.md")
	dir := filepath.Dir(a)
	steps := []struct {
		name string
		do   func()
	}{
		{"write in place", func() { os.WriteFile(a, []byte("---\ntitle: A1\n---\n"), 0o644) }},
		{"rename over (atomic save)", func() {
			tmp := filepath.Join(dir, ".01-a.md.tmp123")
			os.WriteFile(tmp, []byte("---\ntitle: A2\n---\n"), 0o644)
			os.Rename(tmp, a)
		}},
		{"delete and create", func() {
			os.Remove(a)
			os.WriteFile(a, []byte("---\ntitle: A3\n---\n"), 0o644)
		}},
		{"delete, then create 60 ms later", func() {
			os.Remove(a)
			time.Sleep(60 * time.Millisecond) // longer than the quiet time
			os.WriteFile(a, []byte("---\ntitle: A3b\n---\n"), 0o644)
		}},
		{"vim backup copy and swap file", func() {
			os.WriteFile(filepath.Join(dir, ".01-a.md.swp"), []byte("swap"), 0o644)
			os.WriteFile(filepath.Join(dir, "4913"), nil, 0o644)
			os.Remove(filepath.Join(dir, "4913"))
			os.Rename(a, a+"~")
			os.WriteFile(a, []byte("---\ntitle: A4\n---\n"), 0o644)
			os.Remove(a + "~")
		}},
		{"JetBrains safe write", func() {
			os.WriteFile(a+"___jb_tmp___", []byte("---\ntitle: A5\n---\n"), 0o644)
			os.Rename(a, a+"___jb_old___")
			os.Rename(a+"___jb_tmp___", a)
			os.Remove(a + "___jb_old___")
		}},
	}
	for _, st := range steps {
		st.do()
		got, n := collect(400 * time.Millisecond)
		if !slices.Equal(got, []string{"content/01-m/01-a.md"}) || n != 1 {
			t.Errorf("%s: %d batches of %v, want one with just the lesson", st.name, n, got)
		}
	}
	// A file deleted for good is reported too, once the hold is over.
	os.Remove(a)
	got, n := collect(500 * time.Millisecond)
	if !slices.Equal(got, []string{"content/01-m/01-a.md"}) || n != 1 {
		t.Errorf("delete: %d batches of %v, want one with just the lesson", n, got)
	}
}

func TestBatcherHoldsRemovals(t *testing.T) {
	var mu sync.Mutex
	present := map[string]bool{"a.md": true}
	b := newBatcher(10*time.Millisecond, 100*time.Millisecond)
	b.hold = 80 * time.Millisecond
	b.exists = func(p string) bool { mu.Lock(); defer mu.Unlock(); return present[p] }
	defer b.close()
	set := func(p string, ok bool) { mu.Lock(); present[p] = ok; mu.Unlock() }

	// Removed and back 40 ms later (after the quiet time): one batch.
	set("a.md", false)
	b.addRemoved("a.md")
	time.Sleep(40 * time.Millisecond)
	select {
	case got := <-b.out:
		t.Fatalf("a removal was sent before the hold: %v", got)
	default:
	}
	set("a.md", true)
	b.add("a.md")
	if got := <-b.out; !slices.Equal(got, []string{"a.md"}) {
		t.Fatalf("got %v", got)
	}

	// Removed and back before the batch is due (rename-over): no hold.
	start := time.Now()
	b.addRemoved("a.md") // it exists again when the batch is due
	<-b.out
	if d := time.Since(start); d > 60*time.Millisecond {
		t.Errorf("a removal whose file is back was held %v", d)
	}

	// Removed for good: sent once the hold is over, at most max+hold
	// after the first event.
	set("a.md", false)
	start = time.Now()
	b.addRemoved("a.md")
	if got := <-b.out; !slices.Equal(got, []string{"a.md"}) {
		t.Fatalf("got %v", got)
	}
	if d := time.Since(start); d < 70*time.Millisecond || d > 400*time.Millisecond {
		t.Errorf("a removal for good was sent after %v, want about the hold (80ms)", d)
	}
}

func TestWatcherFolders(t *testing.T) {
	root, _, collectBatches := watchSite(t)
	collect := func(d time.Duration) []string { got, _ := collectBatches(d); return got }
	// A new folder, with a file made right away (before its watch exists).
	newDir := filepath.Join(root, "content/02-new")
	os.MkdirAll(newDir, 0o755)
	os.WriteFile(filepath.Join(newDir, "01-x.md"), []byte("x"), 0o644)
	got := collect(150 * time.Millisecond)
	if !slices.Contains(got, "content/02-new") && !slices.Contains(got, "content/02-new/01-x.md") {
		t.Fatalf("new folder: %v", got)
	}
	// Later writes in the new folder are seen.
	os.WriteFile(filepath.Join(newDir, "02-y.md"), []byte("y"), 0o644)
	if got := collect(150 * time.Millisecond); !slices.Contains(got, "content/02-new/02-y.md") {
		t.Fatalf("file in new folder: %v", got)
	}
	// Rename the folder: both names change, and the new name is watched.
	moved := filepath.Join(root, "content/03-moved")
	os.Rename(newDir, moved)
	got = collect(400 * time.Millisecond) // the old name is gone: held (batchHold)
	if !slices.Contains(got, "content/02-new") || !slices.Contains(got, "content/03-moved") {
		t.Fatalf("rename: %v", got)
	}
	os.WriteFile(filepath.Join(moved, "03-z.md"), []byte("z"), 0o644)
	if got := collect(150 * time.Millisecond); !slices.Equal(got, []string{"content/03-moved/03-z.md"}) {
		t.Fatalf("file in renamed folder: %v", got)
	}
	// Delete it.
	os.RemoveAll(moved)
	if got := collect(400 * time.Millisecond); !slices.Contains(got, "content/03-moved") {
		t.Fatalf("delete: %v", got)
	}
	// A watched folder created later (static/ did not exist).
	os.MkdirAll(filepath.Join(root, "static/img"), 0o755)
	collect(100 * time.Millisecond)
	os.WriteFile(filepath.Join(root, "static/img/logo.svg"), []byte("<svg/>"), 0o644)
	if got := collect(150 * time.Millisecond); !slices.Contains(got, "static/img/logo.svg") {
		t.Fatalf("late static/: %v", got)
	}
	// Outside the watched folders: nothing.
	os.MkdirAll(filepath.Join(root, "public"), 0o755)
	os.WriteFile(filepath.Join(root, "public/index.html"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o644)
	if got := collect(100 * time.Millisecond); len(got) != 0 {
		t.Fatalf("irrelevant changes triggered %v", got)
	}
}

func TestWatcherBurst(t *testing.T) {
	root, _, collect := watchSite(t)
	start := time.Now()
	for i := 0; i < 500; i++ {
		p := filepath.Join(root, "content/01-m", fmt.Sprintf("%03d-burst.md", i))
		os.WriteFile(p, []byte("---\ntitle: B\n---\n"), 0o644)
	}
	took := time.Since(start)
	got, batches := collect(600 * time.Millisecond)
	// A burst gives one batch, two when it outlasts batchMax (the second
	// holds what came after); more only when writing it took longer.
	if most := 2 + int(took/batchMax); batches > most {
		t.Errorf("a 500-file burst written in %v gave %d batches, want at most %d", took, batches, most)
	}
	t.Logf("500 files written in %v: %d batches", took, batches)
	n := 0
	for _, p := range got {
		if strings.HasSuffix(p, "-burst.md") || p == "*" {
			n++
		}
	}
	if n < 500 && !slices.Contains(got, "*") {
		t.Errorf("a 500-file burst reported %d files", n)
	}
}

// TestPollingFallback: when the OS refuses more watches, changes are found
// by scanning.
func TestPollingFallback(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"site.yaml": "title: P\n", "content/01-m/01-a.md": "a"})
	b := newBatcher(10*time.Millisecond, 100*time.Millisecond)
	w := &watcher{root: root, b: b, logf: t.Logf, dirs: map[string]bool{}, done: make(chan struct{})}
	w.startPolling(nil)
	t.Cleanup(func() { w.close(); b.close() })
	time.Sleep(50 * time.Millisecond)
	writeFiles(t, root, map[string]string{"content/01-m/02-b.md": "b", "content/01-m/.02-b.md.swp": "swap"})
	select {
	case got := <-b.out:
		if !slices.Equal(got, []string{"content/01-m/02-b.md"}) {
			t.Errorf("polling found %v", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("polling saw nothing")
	}
	if !isLimit(fmt.Errorf("add: %w", syscall.ENOSPC)) {
		t.Error("ENOSPC is the watch limit")
	}
}

// TestWatchLimitOnNewFolder: when the OS refuses to watch a new folder, the
// files already in it are reported and later ones are found by polling.
func TestWatchLimitOnNewFolder(t *testing.T) {
	root, w, collect := watchSite(t)
	w.mu.Lock()
	w.add = func(dir string) error {
		if strings.Contains(dir, "02-new") {
			return fmt.Errorf("add %s: %w", dir, syscall.ENOSPC)
		}
		return w.fsw.Add(dir)
	}
	w.mu.Unlock()
	newDir := filepath.Join(root, "content/02-new")
	os.MkdirAll(newDir, 0o755)
	os.WriteFile(filepath.Join(newDir, "01-x.md"), []byte("x"), 0o644)
	got, _ := collect(400 * time.Millisecond)
	if !slices.Contains(got, "content/02-new") && !slices.Contains(got, "content/02-new/01-x.md") {
		t.Fatalf("the new folder's files were lost: %v", got)
	}
	w.mu.Lock()
	polls := w.polls
	w.mu.Unlock()
	if !polls {
		t.Fatal("no fallback to polling")
	}
	os.WriteFile(filepath.Join(newDir, "02-y.md"), []byte("y"), 0o644)
	if got, _ := collect(2 * pollEvery); !slices.Contains(got, "content/02-new/02-y.md") {
		t.Fatalf("polling missed a later file: %v", got)
	}
}

// TestEditDuringFirstBuild: a file saved while the first build runs is
// built again after it (Watch watches before it builds).
func TestEditDuringFirstBuild(t *testing.T) {
	root, s := newSite(t)
	s.afterRun = func() {
		writeFiles(t, root, map[string]string{"content/01-m/01-a.md": "---\ntitle: A\n---\nSaved during the first build.\n"})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	defer func() { cancel(); <-done }()
	<-s.Built()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b := body(t, get(t, s, "GET", "/m/a/", nil)); strings.Contains(b, "Saved during the first build.") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the edit saved during the first build never showed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
