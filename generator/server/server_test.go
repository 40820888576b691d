package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lectern/lectern"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func newSite(t *testing.T) (string, *Server) {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"site.yaml":            "title: Serve\nbaseURL: https://example.org/sub/\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\n## Part\n\nHello one.\n",
		"content/01-m/02-b.md": "---\ntitle: B\ndraft: true\n---\nB body.\n",
		"static/data.json":     `{"a": 1}`,
		"static/.hidden":       "secret",
	})
	s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true, BaseURL: "http://127.0.0.1:4747/"})
	return root, s
}

func get(t *testing.T, s *Server, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Host = "127.0.0.1:4747"
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestServesSiteAtRootWithReloadScript(t *testing.T) {
	_, s := newSite(t)
	if !s.Rebuild(context.Background(), nil) {
		t.Fatal("first build failed")
	}
	r := get(t, s, "GET", "/m/a/", nil)
	b := body(t, r)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/html; charset=utf-8" || r.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("status %d headers %v", r.StatusCode, r.Header)
	}
	if !strings.Contains(b, "Hello one.") || !strings.Contains(b, `href=/m/b/`) {
		t.Errorf("page not served at / with local links:\n%s", b)
	}
	if strings.Count(b, "/__lectern/events") != 1 || strings.Index(b, "<script>(function") > strings.LastIndex(b, "</body>") {
		t.Errorf("reload script not injected once before </body>")
	}
	// Drafts are shown, with their badge.
	if b := body(t, get(t, s, "GET", "/m/b/", nil)); !strings.Contains(b, "Draft") {
		t.Errorf("draft not served with a badge")
	}
	// Non-HTML gets no script and its own type.
	r = get(t, s, "GET", "/data.json", nil)
	if b := body(t, r); r.Header.Get("Content-Type") != "application/json" || strings.Contains(b, "script") {
		t.Errorf("json: %v %q", r.Header, b)
	}
}

func TestETagAndHead(t *testing.T) {
	_, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	r := get(t, s, "GET", "/m/a/", nil)
	etag := r.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r := get(t, s, "GET", "/m/a/", map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", r.StatusCode)
	}
	r = get(t, s, "HEAD", "/m/a/", nil)
	if r.StatusCode != 200 || body(t, r) != "" || r.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: %d %v", r.StatusCode, r.Header)
	}
}

func TestHostilePaths(t *testing.T) {
	root, s := newSite(t)
	writeFiles(t, filepath.Dir(root), map[string]string{"outside.txt": "secret"})
	s.Rebuild(context.Background(), nil)
	for _, target := range hostileTargets { // attack_test.go sends them raw over TCP too
		r := get(t, s, "GET", target, nil)
		b := body(t, r)
		if r.StatusCode == 200 || strings.Contains(b, "secret") || strings.Contains(b, "title: A") {
			t.Errorf("%s: status %d, body %.80q", target, r.StatusCode, b)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		if r := get(t, s, m, "/m/a/", nil); r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: status %d", m, r.StatusCode)
		}
	}
}

func TestHostHeader(t *testing.T) {
	_, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	for host, want := range map[string]int{
		"127.0.0.1:4747": 200, "localhost:4747": 200, "[::1]:4747": 200, "app.localhost:4747": 200, "127.8.9.10": 200,
		"evil.example:4747": 403, "attacker.com": 403, "127.0.0.1.nip.io:4747": 403,
		// Only loopback addresses, unless configured.
		"192.168.1.9:4747": 403, "[2001:db8::1]:4747": 403, "lan-box": 403,
	} {
		if r := get(t, s, "GET", "/m/a/", map[string]string{"Host": host}); r.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, r.StatusCode, want)
		}
	}
	// Listening on a LAN address, reached by it or by a configured name.
	s.opts.Hosts = []string{"192.168.1.9", "Lan-Box"}
	for host, want := range map[string]int{
		"192.168.1.9:4747": 200, "[::ffff:192.168.1.9]:4747": 200, "lan-box:4747": 200, "LAN-BOX": 200, "localhost": 200,
		"192.168.1.10:4747": 403, "lan-box.evil.example": 403, "evil.example": 403,
	} {
		if r := get(t, s, "GET", "/m/a/", map[string]string{"Host": host}); r.StatusCode != want {
			t.Errorf("with Hosts %v: Host %s: %d, want %d", s.opts.Hosts, host, r.StatusCode, want)
		}
	}
}

func TestRedirectsAndNotFound(t *testing.T) {
	_, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	r := get(t, s, "GET", "/m/a?x=1", nil)
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/m/a/?x=1" {
		t.Errorf("no redirect to the slash form: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r = get(t, s, "GET", "/nope/", nil)
	if b := body(t, r); r.StatusCode != 404 || !strings.Contains(b, "Page not found") || !strings.Contains(b, "/__lectern/events") {
		t.Errorf("404: %d %.200s", r.StatusCode, b)
	}
}

// TestGoodBrokenFixed: a content error keeps the rest of the site updating
// and shows in the event stream's state; a layout error keeps the last good
// site; fixing clears the errors.
func TestGoodBrokenFixed(t *testing.T) {
	root, s := newSite(t)
	ctx := context.Background()
	s.Rebuild(ctx, nil)
	v0 := s.version

	// A broken link in B while A changes: A still updates, the error is listed.
	writeFiles(t, root, map[string]string{
		"content/01-m/02-b.md": "---\ntitle: B\n---\nSee [gone](gone.md).\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\n## Part\n\nHello two.\n",
	})
	if !s.Rebuild(ctx, []string{"content/01-m/02-b.md", "content/01-m/01-a.md"}) {
		t.Fatal("a content error must not stop the preview")
	}
	if b := body(t, get(t, s, "GET", "/m/a/", nil)); !strings.Contains(b, "Hello two.") {
		t.Error("A not updated while B is broken")
	}
	if st := string(s.state()); !strings.Contains(st, `"pos":"content/01-m/02-b.md:4:5"`) || !strings.Contains(st, `"source":"See [gone](gone.md)."`) {
		t.Errorf("state lacks the error with its source line: %s", st)
	}
	if s.version == v0 {
		t.Error("version did not move")
	}

	// A layout error: the last good site stays.
	writeFiles(t, root, map[string]string{
		"layouts/_default/lesson.html": `{{define "main"}}{{.Nope}}{{end}}`,
		"content/01-m/01-a.md":         "---\ntitle: A\n---\n## Part\n\nHello three.\n",
	})
	if s.Rebuild(ctx, []string{"layouts/_default/lesson.html", "content/01-m/01-a.md"}) {
		t.Fatal("a layout error must not give a site")
	}
	if b := body(t, get(t, s, "GET", "/m/a/", nil)); !strings.Contains(b, "Hello two.") {
		t.Error("the last good site was not kept")
	}
	if st := string(s.state()); !strings.Contains(st, "layouts/_default/lesson.html:1:") {
		t.Errorf("layout error not shown: %s", st)
	}

	// Fixed: errors clear, the page updates.
	if err := os.Remove(filepath.Join(root, "layouts/_default/lesson.html")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"content/01-m/02-b.md": "---\ntitle: B\n---\nFixed.\n"})
	if !s.Rebuild(ctx, []string{"layouts/_default/lesson.html", "content/01-m/02-b.md"}) {
		t.Fatal("fixed site did not build")
	}
	if b := body(t, get(t, s, "GET", "/m/a/", nil)); !strings.Contains(b, "Hello three.") {
		t.Error("fix not served")
	}
	if st := string(s.state()); !strings.Contains(st, `"errors":[]`) {
		t.Errorf("errors not cleared: %s", st)
	}
}

func TestFirstBuildFailureStillServes(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"site.yaml": "title: [oops\n"})
	s := New(Options{Root: root, Theme: lectern.Theme(), BaseURL: "http://127.0.0.1:4747/"})
	if s.Rebuild(context.Background(), nil) {
		t.Fatal("broken site.yaml built")
	}
	r := get(t, s, "GET", "/any/page/", nil)
	if b := body(t, r); r.StatusCode != 503 || !strings.Contains(b, "/__lectern/events") {
		t.Errorf("status %d body %.100s", r.StatusCode, b)
	}
	if st := string(s.state()); !strings.Contains(st, "site.yaml:1:") {
		t.Errorf("state: %s", st)
	}
}

func TestEventStream(t *testing.T) {
	root, s := newSite(t)
	s.Rebuild(context.Background(), nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	defer s.Shutdown()
	resp, err := http.Get(ts.URL + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 10)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := resp.Body.Read(buf)
			if n > 0 {
				for _, l := range strings.Split(string(buf[:n]), "\n") {
					if strings.HasPrefix(l, "data: ") {
						lines <- l
					}
				}
			}
			if err != nil {
				close(lines)
				return
			}
		}
	}()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
		}
		return ""
	}
	if l := next(); !strings.Contains(l, `"kind":"state"`) {
		t.Errorf("first event %s", l)
	}
	writeFiles(t, root, map[string]string{"assets/css/main.css": "body{color:teal}"})
	s.Rebuild(context.Background(), []string{"assets/css/main.css"})
	l := next()
	var m message
	if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "data: ")), &m); err != nil || m.Kind != "css" || len(m.CSS) != 1 {
		t.Errorf("a CSS-only change must swap the stylesheet: %s", l)
	}
	for from, to := range m.CSS {
		if !strings.HasPrefix(from, "/assets/css/main.") || !strings.HasPrefix(to, "/assets/css/main.") || from == to {
			t.Errorf("the swap should map main.css's old URL to its new one: %s", l)
		}
	}
	writeFiles(t, root, map[string]string{"content/01-m/01-a.md": "---\ntitle: A\n---\nNew.\n"})
	s.Rebuild(context.Background(), []string{"content/01-m/01-a.md"})
	if l := next(); !strings.Contains(l, `"kind":"reload"`) {
		t.Errorf("content change: %s", l)
	}
	// A rebuild that changes nothing sends nothing.
	s.Rebuild(context.Background(), []string{"content/01-m/01-a.md"})
	select {
	case l := <-lines:
		t.Errorf("unexpected event after a no-op rebuild: %s", l)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestInject(t *testing.T) {
	got := string(inject([]byte("<html><body><p>x</p></body></html>"), 7))
	if !strings.HasSuffix(got, "</script></body></html>") || !strings.Contains(got, "var V=7,") {
		t.Errorf("%s", got)
	}
	if got := string(inject([]byte("<p>no body"), 1)); !strings.HasPrefix(got, "<p>no body<script>") {
		t.Errorf("%s", got)
	}
	// The last </body> wins (a code sample may contain the text).
	got = string(inject([]byte("<body><code>&lt;/body></code><pre></body></pre></body>"), 1))
	if i := strings.Index(got, "<script>"); i != strings.LastIndex(got, "</body>")-len(reloadScript)+len("__VERSION__")-1 && !strings.HasSuffix(got, "</script></body>") {
		t.Errorf("%s", got)
	}
}

// TestListenTriesNextPorts: a busy default port moves on to the next one; an
// explicit port does not.
func TestListenTriesNextPorts(t *testing.T) {
	busy, err := ListenAddr("127.0.0.1", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	l, err := ListenAddr("127.0.0.1", port, true)
	if err != nil {
		t.Fatalf("no free port after %d: %v", port, err)
	}
	defer l.Close()
	if got := l.Addr().(*net.TCPAddr).Port; got <= port || got > port+9 {
		t.Errorf("got port %d after busy %d", got, port)
	}
	if _, err := ListenAddr("127.0.0.1", port, false); err == nil {
		t.Error("an explicit busy port must be an error")
	}
}
