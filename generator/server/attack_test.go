package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lectern/lectern"
)

// hostileTargets are request targets that must never reach a file outside
// the built site, a source file, a dotfile or a listing. TestHostilePaths
// sends them in-process; TestHostilePathsRaw writes them on a TCP connection
// so no client cleans them first.
var hostileTargets = []string{
	"/../outside.txt", "/%2e%2e/outside.txt", "/%252e%252e/outside.txt", "/m/..%2f..%2foutside.txt",
	"/..%5c..%5coutside.txt", "/m%00/a/", "/.hidden", "/%2ehidden", "/m/./a/", "//etc/passwd",
	"/assets/", "/content/01-m/01-a.md", "/site.yaml", "/.lectern-manifest",
	"/../etc/passwd", "/../../../../../../../../etc/passwd", "/%2e%2e/", "/%2e%2e%2fetc%2fpasswd",
	"/..%2fetc/passwd", "/%252e%252e/", `/..\etc\passwd`, `/m\..\..\site.yaml`, "/%5c..%5cetc",
	"/a%00b", "/.git/config", "/.git/", "/assets/../../site.yaml", "/m/../../site.yaml",
	"/%2e%2e/%2e%2e/site.yaml", "/.well-known/../site.yaml", "/content/", "/static/",
	"/static/data.json", "/layouts/", "/m/a/../../../site.yaml", "/%2E%2E/site.yaml",
}

// serveTCP serves s on a loopback port the way `lectern serve` does and
// shuts it down (event streams included) when the test ends.
func serveTCP(t testing.TB, s *Server) (addr string, hs *http.Server) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(s.Shutdown)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return l.Addr().String(), hs
}

// rawRequest writes req as is on a new connection and reads one response.
func rawRequest(t *testing.T, addr, req string) (int, http.Header, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// Write apart from reading: the server may answer a huge request
	// before reading all of it.
	go func() { _, _ = io.WriteString(conn, req) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%.100q: no response: %v", req, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// attackSite is newSite with secrets planted where an escape would find them.
func attackSite(t *testing.T) (root string, s *Server, addr string) {
	t.Helper()
	root, s = newSite(t)
	writeFiles(t, filepath.Dir(root), map[string]string{"outside.txt": "secret outside the site"})
	writeFiles(t, root, map[string]string{
		"site.yaml":          "title: Serve\n# secret: site.yaml source\nbaseURL: https://example.org/sub/\n",
		".git/config":        "[core]\n# secret git config\n",
		".lectern-manifest":  "secret manifest\n",
		"static/.well-known": "secret",
	})
	if !s.Rebuild(context.Background(), nil) {
		t.Fatal("first build failed")
	}
	addr, _ = serveTCP(t, s)
	return root, s, addr
}

// leaked reports which planted secret or source text a response body shows.
func leaked(body string) string {
	for _, s := range []string{"secret", "root:x:0:0", "baseURL:", "title: A", "[core]"} {
		if strings.Contains(strings.ToLower(body), strings.ToLower(s)) {
			return s
		}
	}
	return ""
}

func TestHostilePathsRaw(t *testing.T) {
	_, _, addr := attackSite(t)
	req := func(target string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n\r\n"
	}
	type tc struct{ name, req string }
	var cases []tc
	for _, target := range hostileTargets {
		cases = append(cases, tc{target, req(target)})
	}
	cases = append(cases,
		tc{"raw NUL", req("/a\x00b")},
		tc{"raw NUL before ..", req("/\x00/../site.yaml")},
		tc{"64 KB path", req("/" + strings.Repeat("a/", 32<<10))},
		tc{"64 KB of ..", req(strings.Repeat("/..", 21<<10) + "/etc/passwd")},
		tc{"2 MB path", req("/" + strings.Repeat("a", 2<<20))},
		tc{"absolute form, foreign host", req("http://evil/..")},
		tc{"absolute form, foreign host, escape", req("http://evil/../../etc/passwd")},
		tc{"absolute form, own host, escape", req("http://" + addr + "/../site.yaml")},
		tc{"relative target", req("../site.yaml")},
		tc{"asterisk", req("*")},
		tc{"bad escape", req("/%zz")},
		tc{"space in target", req("/a b")},
		tc{"HTTP/0.9", "GET /../site.yaml\r\n\r\n"},
		tc{"no version", "GET /../site.yaml \r\n\r\n"},
	)
	for _, c := range cases {
		status, _, b := rawRequest(t, addr, c.req)
		switch status {
		case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestHeaderFieldsTooLarge:
		case http.StatusForbidden:
			if !strings.HasPrefix(c.name, "absolute form, foreign") {
				t.Errorf("%.80q: 403", c.name)
			}
		default:
			t.Errorf("%.80q: status %d, want 400 or 404", c.name, status)
		}
		if s := leaked(b); s != "" {
			t.Errorf("%.80q: body shows %q: %.200q", c.name, s, b)
		}
		if status, _, _ := rawRequest(t, addr, req("/")); status != http.StatusOK {
			t.Fatalf("after %.80q: GET / gave %d", c.name, status)
		}
	}
}

func TestHostHeaderRaw(t *testing.T) {
	_, _, addr := attackSite(t)
	_, port, _ := net.SplitHostPort(addr)
	for _, c := range []struct {
		head string // request line and headers, without the final blank line
		want int
	}{
		{"GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port, 200},
		{"GET / HTTP/1.1\r\nHost: localhost:" + port, 200},
		{"GET / HTTP/1.1\r\nHost: LocalHost:" + port, 200},
		{"GET / HTTP/1.1\r\nHost: [::1]:" + port, 200},
		{"GET / HTTP/1.1\r\nHost: 127.0.0.1", 200},
		{"GET / HTTP/1.1\r\nHost: evil.example", 403},
		{"GET / HTTP/1.1\r\nHost: evil.example:" + port, 403},
		{"GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.com", 403},
		{"GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.com:" + port, 403},
		{"GET / HTTP/1.1\r\nHost: localhost.evil.com", 403},
		{"GET / HTTP/1.1\r\nHost: evillocalhost", 403},
		{"GET / HTTP/1.1\r\nHost: 0x7f000001", 403},
		{"GET " + eventsPath + " HTTP/1.1\r\nHost: evil.example", 403},
		{"GET /m/a/ HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: localhost", 403},
		{"GET / HTTP/1.1", 400}, // HTTP/1.1 requires Host
		{"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example", 400},
		{"GET / HTTP/1.1\r\nHost: evil example", 400},
	} {
		status, _, b := rawRequest(t, addr, c.head+"\r\nConnection: close\r\n\r\n")
		if status != c.want {
			t.Errorf("%q: status %d, want %d", c.head, status, c.want)
		}
		if status == 403 && strings.Contains(b, "Hello one.") {
			t.Errorf("%q: 403 with the page", c.head)
		}
	}
}

func TestNoListingsDotfilesOrOtherMethods(t *testing.T) {
	_, _, addr := attackSite(t)
	for _, target := range []string{
		"/content/", "/content", "/assets/", "/assets", "/assets/css/", "/static/", "/layouts/",
		"/.hidden", "/.well-known", "/.git/config", "/.lectern-manifest", "/m/.a", "/.",
	} {
		status, _, b := rawRequest(t, addr, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
		if status != http.StatusNotFound && status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 404", target, status)
		}
		if s := leaked(b); s != "" || strings.Contains(b, "Index of") {
			t.Errorf("%s: body %.200q", target, b)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "get", "BREW"} {
		req := m + " /m/a/ HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
		status, h, b := rawRequest(t, addr, req)
		if status != http.StatusMethodNotAllowed || h.Get("Allow") != "GET, HEAD" || strings.Contains(b, "Hello one.") {
			t.Errorf("%s: status %d, Allow %q", m, status, h.Get("Allow"))
		}
	}
	if status, h, _ := rawRequest(t, addr, "CONNECT "+addr+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n"); status != http.StatusMethodNotAllowed || h.Get("Allow") != "GET, HEAD" {
		t.Errorf("CONNECT: status %d", status)
	}
}

// TestSymlinksOutOfTheSiteNotServed: links under content/, assets/ and
// static/ pointing outside the site are skipped by the build, on the first
// build and when the watcher reports them, so their text is never served.
func TestSymlinksOutOfTheSiteNotServed(t *testing.T) {
	root, s := newSite(t)
	outside := filepath.Join(filepath.Dir(root), "elsewhere")
	writeFiles(t, outside, map[string]string{
		"leak.md":       "---\ntitle: Leak\n---\nSYMLINKED-SECRET lesson\n",
		"dir/_index.md": "---\ntitle: Out\n---\n",
		"dir/01-x.md":   "---\ntitle: X\n---\nSYMLINKED-SECRET in a folder\n",
		"leak.txt":      "SYMLINKED-SECRET text\n",
		"leak.css":      "body{content:'SYMLINKED-SECRET'}\n",
	})
	links := map[string]string{
		"content/01-m/03-leak.md": "leak.md",
		"content/02-out":          "dir",
		"content/01-m/notes.txt":  "leak.txt",
		"static/leak.txt":         "leak.txt",
		"static/dir":              "dir",
		"assets/css/leak.css":     "leak.css",
		"content/01-m/04-etc.md":  "/etc/passwd",
	}
	ctx := context.Background()
	for i, phase := range []string{"first build", "after an edit that names the links"} {
		if i == 1 {
			// The site was built without the links; they appear and the
			// watcher names them.
			_, s = newSite(t)
			root = s.opts.Root
			if !s.Rebuild(ctx, nil) {
				t.Fatal("build failed")
			}
		}
		var changed []string
		for link, target := range links {
			full := filepath.Join(root, filepath.FromSlash(link))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(outside, target)
			}
			if err := os.Symlink(target, full); err != nil {
				t.Fatal(err)
			}
			changed = append(changed, link)
		}
		if i == 1 {
			changed = append(changed, "content/01-m/01-a.md")
		} else {
			changed = nil
		}
		if !s.Rebuild(ctx, changed) {
			t.Fatalf("%s: build failed", phase)
		}
		addr, _ := serveTCP(t, s)
		for _, target := range []string{"/m/leak/", "/m/etc/", "/out/", "/out/x/", "/m/notes.txt", "/leak.txt", "/dir/leak.txt", "/dir/01-x.md"} {
			status, _, b := rawRequest(t, addr, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
			if status != http.StatusNotFound || strings.Contains(b, "SYMLINKED-SECRET") || strings.Contains(b, "root:x:0:0") {
				t.Errorf("%s: %s: status %d, body %.200q", phase, target, status, b)
			}
		}
		s.mu.RLock()
		files := s.site.files
		s.mu.RUnlock()
		for _, p := range files.Paths() {
			data, _, err := files.GetErr(p)
			if err != nil {
				t.Errorf("%s: %s: %v", phase, p, err)
			}
			if strings.Contains(string(data), "SYMLINKED-SECRET") || strings.Contains(string(data), "root:x:0:0") {
				t.Errorf("%s: %s holds the linked file's text", phase, p)
			}
		}
	}
}

// TestShutdownEndsEventStreams: http.Server.Shutdown waits for handlers;
// open event streams must end at once instead of holding it up.
func TestShutdownEndsEventStreams(t *testing.T) {
	_, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(s.Shutdown)
	go hs.Serve(l)
	url := "http://" + l.Addr().String() + eventsPath
	ended := make(chan error, 10)
	for i := 0; i < cap(ended); i++ {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer resp.Body.Close()
			_, err := io.Copy(io.Discard, resp.Body)
			ended <- err
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	if err := hs.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with open event streams: %v after %v", err, time.Since(start))
	}
	for i := 0; i < cap(ended); i++ {
		select {
		case <-ended:
		case <-time.After(3 * time.Second):
			t.Fatal("an event stream outlived the server")
		}
	}
	// A stream asked for after shutdown is refused, not held open.
	rec := get(t, s, "GET", eventsPath, nil)
	if rec.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("events after shutdown: %d", rec.StatusCode)
	}
}

// TestHeadOnEventsEndsResponse: HEAD on the event stream answers with
// headers only, so the client's next request on the same connection is
// answered (it used to stay in the streaming loop and wedge the connection).
func TestHeadOnEventsEndsResponse(t *testing.T) {
	_, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	addr, _ := serveTCP(t, s)
	tr := &http.Transport{MaxConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := client.Head("http://" + addr + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("HEAD events: %d %v", resp.StatusCode, resp.Header)
	}
	resp, err = client.Get("http://" + addr + "/m/a/")
	if err != nil {
		t.Fatalf("the request after HEAD on the events: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after HEAD: %d", resp.StatusCode)
	}
}

// TestStalledEventStreamDropped: a client that opens the event stream and
// never reads is dropped once a write stalls, so it holds neither a
// goroutine nor http.Server.Shutdown.
func TestStalledEventStreamDropped(t *testing.T) {
	_, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	s.events.writeWait = 200 * time.Millisecond
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(s.Shutdown)
	go hs.Serve(l)
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+eventsPath+" HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	subscribers := func() int {
		s.events.mu.Lock()
		defer s.events.mu.Unlock()
		return len(s.events.subs)
	}
	for deadline := time.Now().Add(5 * time.Second); subscribers() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream never subscribed")
		}
	}
	// Large messages fill the socket buffers the client never drains.
	big := []byte(`{"kind":"state","pad":"` + strings.Repeat("x", 256<<10) + `"}`)
	for deadline := time.Now().Add(10 * time.Second); subscribers() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a stream that is not read was never dropped")
		}
		s.events.publish(big)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		t.Errorf("shutdown after a stalled stream: %v", err)
	}
}

// lessonText is a lesson body for the load and soak tests; n makes each edit differ.
func lessonText(title string, n int) string {
	return "---\ntitle: " + title + "\n---\n## Part\n\nEdit number " + strconv.Itoa(n) + ".\n\n" +
		strings.Repeat("Some words about loops and such. ", 40) + "\n"
}

// loadSite writes a small course: modules × lessons, a stylesheet and a static file.
func loadSite(t testing.TB, modules, lessons int) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"site.yaml":           "title: Load\n",
		"static/data.json":    `{"a": 1}`,
		"assets/css/main.css": "body{color:teal}",
	}
	for m := 1; m <= modules; m++ {
		files[fmt.Sprintf("content/%02d-m%d/_index.md", m, m)] = fmt.Sprintf("---\ntitle: Module %d\n---\n", m)
		for l := 1; l <= lessons; l++ {
			files[fmt.Sprintf("content/%02d-m%d/%02d-l%d.md", m, m, l, l)] = lessonText(fmt.Sprintf("L%d.%d", m, l), 0)
		}
	}
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// saveAtomically writes data the way editors do: a temporary file outside
// the watched folders, renamed over the target.
func saveAtomically(t testing.TB, root, rel, data string) {
	tmp := filepath.Join(root, "edit.tmp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, filepath.Join(root, filepath.FromSlash(rel))); err != nil {
		t.Error(err)
	}
}

// sseClient is one open event stream; it records the reloads it sees.
type sseClient struct {
	body    io.ReadCloser
	mu      sync.Mutex
	reloads int   // reload messages received
	last    int64 // version of the newest message
	ready   chan struct{}
	done    chan struct{}
}

func openEvents(t *testing.T, tr *http.Transport, url string) *sseClient {
	t.Helper()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("events: %d", resp.StatusCode)
	}
	c := &sseClient{body: resp.Body, ready: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		first := true
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var m message
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				t.Errorf("bad event %q: %v", data, err)
				continue
			}
			c.mu.Lock()
			c.last = m.Version
			if m.Kind == "reload" {
				c.reloads++
			}
			c.mu.Unlock()
			if first {
				close(c.ready)
				first = false
			}
		}
	}()
	return c
}

func (c *sseClient) seen() (reloads int, last int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reloads, c.last
}

// settledGoroutines waits (bounded) for the goroutine count to fall to at
// most want and returns the last count.
func settledGoroutines(want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func goroutineDump() string {
	var b strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

// TestLoadWhileEditing runs the server as `lectern serve` does (watcher
// included) and, for about 8 s, has 200 client connections request a mix of
// pages, assets, redirects and misses while 100 event streams stay open and
// a lesson is saved every 200 ms. Every answer must be the expected status,
// every stream must see reloads and the last version, and once the clients
// are gone the goroutines and heap must be back near where they started.
// Latencies are logged, not asserted: CI has 2 busy cores.
func TestLoadWhileEditing(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped with -short")
	}
	const (
		workers  = 200
		streams  = 100
		hammer   = 8 * time.Second
		editEach = 200 * time.Millisecond
	)
	root := loadSite(t, 3, 6)
	s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true})
	if !s.Rebuild(context.Background(), nil) {
		t.Fatal("first build failed")
	}
	addr, _ := serveTCP(t, s)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan error, 1)
	go func() { watching <- s.Watch(ctx) }()
	defer func() {
		cancel()
		if err := <-watching; err != nil {
			t.Errorf("watch: %v", err)
		}
	}()

	type target struct {
		method, path string
		want         []int
	}
	ok, notFound := []int{200}, []int{404}
	targets := []target{
		{"GET", "/", ok}, {"HEAD", "/", ok}, {"GET", "/m1/", ok}, {"GET", "/data.json", ok},
		{"GET", "/nope/", notFound}, {"GET", "/m1/nope/", notFound}, {"GET", "/assets/nope.css", notFound},
		{"GET", "/%2e%2e/site.yaml", notFound}, {"GET", "/m2/l3", []int{301}},
	}
	for m := 1; m <= 3; m++ {
		for l := 1; l <= 6; l++ {
			targets = append(targets, target{"GET", fmt.Sprintf("/m%d/l%d/", m, l), ok})
		}
	}
	s.mu.RLock()
	for _, u := range s.assets {
		targets = append(targets, target{"GET", u, ok})
	}
	s.mu.RUnlock()

	// Warm up, then take the baseline: lazily started pools and caches
	// belong to it.
	warm := &http.Transport{}
	for _, tg := range targets {
		req, _ := http.NewRequest(tg.method, base+tg.path, nil)
		resp, err := warm.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if !slices.Contains(tg.want, resp.StatusCode) {
			t.Fatalf("%s %s: %d, want %v", tg.method, tg.path, resp.StatusCode, tg.want)
		}
	}
	warm.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond)
	goroutines0 := settledGoroutines(0, 0)
	heap0 := heapInuse()
	s.mu.RLock()
	version0 := s.version
	s.mu.RUnlock()

	sseTransport := &http.Transport{MaxIdleConnsPerHost: streams}
	clients := make([]*sseClient, streams)
	for i := range clients {
		clients[i] = openEvents(t, sseTransport, base+eventsPath)
	}
	for _, c := range clients {
		select {
		case <-c.ready:
		case <-time.After(10 * time.Second):
			t.Fatal("an event stream got no state message")
		}
	}

	start := time.Now()
	stop := start.Add(hammer)
	var (
		wg        sync.WaitGroup
		failMu    sync.Mutex
		failures  []string
		failCount int
	)
	fail := func(format string, args ...any) {
		failMu.Lock()
		defer failMu.Unlock()
		failCount++
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	latencies := make([][]time.Duration, workers)
	transports := make([]*http.Transport, workers)
	for w := 0; w < workers; w++ {
		tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
		transports[w] = tr
		client := &http.Client{
			Transport:     tr,
			Timeout:       30 * time.Second, // a hang is a failure, not a slow answer
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			etags := map[string]string{}
			for n := w; time.Now().Before(stop); n++ {
				tg := targets[n%len(targets)]
				req, _ := http.NewRequest(tg.method, base+tg.path, nil)
				want := tg.want
				if e := etags[tg.path]; e != "" && n%3 == 0 {
					req.Header.Set("If-None-Match", e)
					want = []int{200, 304}
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					fail("%s %s: %v", tg.method, tg.path, err)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				latencies[w] = append(latencies[w], time.Since(t0))
				if err != nil {
					fail("%s %s: reading: %v", tg.method, tg.path, err)
				}
				if !slices.Contains(want, resp.StatusCode) {
					fail("%s %s: %d, want %v", tg.method, tg.path, resp.StatusCode, want)
				}
				if e := resp.Header.Get("ETag"); e != "" {
					etags[tg.path] = e
				}
			}
		}(w)
	}

	edits := 0
	for time.Now().Before(stop) {
		edits++
		saveAtomically(t, root, "content/02-m2/03-l3.md", lessonText("L2.3", edits))
		time.Sleep(editEach)
	}
	wg.Wait()
	elapsed := time.Since(start)

	// Every stream must reach the final version (the newest message is never
	// dropped), having seen several reloads on the way.
	var final int64
	catchUp := time.Now()
	deadline := catchUp.Add(10 * time.Second)
	for {
		s.mu.RLock()
		v := s.version
		s.mu.RUnlock()
		behind := 0
		for _, c := range clients {
			if _, last := c.seen(); last != v {
				behind++
			}
		}
		if behind == 0 && v == final {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d event streams did not reach version %d", behind, streams, v)
		}
		final = v
		time.Sleep(300 * time.Millisecond) // the version must also hold still
	}
	catchUpTook := time.Since(catchUp)
	minReloads := 1 << 30
	for _, c := range clients {
		r, _ := c.seen()
		minReloads = min(minReloads, r)
	}
	if minReloads < 3 {
		t.Errorf("an event stream saw only %d reloads for %d edits", minReloads, edits)
	}
	if final-version0 < 3 {
		t.Errorf("%d edits gave %d new versions", edits, final-version0)
	}

	for _, c := range clients {
		c.body.Close()
		<-c.done
	}
	sseTransport.CloseIdleConnections()
	for _, tr := range transports {
		tr.CloseIdleConnections()
	}

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	if failCount > 0 {
		t.Errorf("%d of %d requests failed; first ones:\n%s", failCount, len(all), strings.Join(failures, "\n"))
	}
	if len(all) == 0 {
		t.Fatal("no requests completed")
	}
	pct := func(p float64) time.Duration { return all[int(float64(len(all)-1)*p)].Round(10 * time.Microsecond) }
	t.Logf("%d requests by %d connections in %v (%.0f/s) with %d event streams; %d saves gave %d versions, every stream saw ≥ %d reloads and the last version within %v",
		len(all), workers, elapsed.Round(time.Millisecond), float64(len(all))/elapsed.Seconds(), streams, edits, final-version0, minReloads, catchUpTook.Round(time.Millisecond))
	t.Logf("latency p50 %v, p90 %v, p99 %v, max %v", pct(0.50), pct(0.90), pct(0.99), all[len(all)-1].Round(time.Millisecond))

	// Slack: the watcher's batcher timer and the runtime may hold a few.
	const slack = 10
	settle := time.Now()
	goroutines1 := settledGoroutines(goroutines0+slack, 10*time.Second)
	heap1 := heapInuse()
	t.Logf("goroutines %d → %d (settled in %v); heap in use %.1f → %.1f MiB", goroutines0, goroutines1, time.Since(settle).Round(time.Millisecond), float64(heap0)/(1<<20), float64(heap1)/(1<<20))
	if goroutines1 > goroutines0+slack {
		t.Errorf("goroutines grew from %d to %d after the clients left:\n%s", goroutines0, goroutines1, goroutineDump())
	}
	if limit := heap0*2 + 16<<20; heap1 > limit {
		t.Errorf("heap in use grew from %d to %d bytes (limit %d)", heap0, heap1, limit)
	}
}
