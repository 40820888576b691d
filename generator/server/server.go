// Package server is `lectern serve`: it builds the site into memory with the
// incremental build.Builder, serves it over HTTP, watches the site folder and
// rebuilds on change, and tells open pages to reload (or to swap a changed
// stylesheet in place) over Server-Sent Events. Errors are shown as an overlay
// on every page while the rest of the site keeps updating; when a build
// cannot produce a site at all the last good one stays up.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/output"
)

// Options configure a Server.
type Options struct {
	Root   string // the site folder on disk
	Theme  fs.FS  // the built-in theme
	Drafts bool   // show drafts (with a badge)
	// BaseURL is where the site is served, e.g. http://127.0.0.1:4747/; the
	// build uses it instead of site.yaml's so links and canonical URLs work.
	BaseURL string
	// Hosts are the Host header names and IP addresses to accept besides
	// loopback ones (localhost, *.localhost, 127.0.0.0/8, ::1): the
	// address the server listens on and the names it is reached by. Any
	// other Host is refused, against DNS rebinding.
	Hosts []string
	Log   io.Writer // progress and errors; nil = discard
}

// Server serves the last good site from memory and rebuilds it on demand.
type Server struct {
	opts    Options
	fsys    fs.FS
	builder build.Builder
	seed    maphash.Seed
	events  *broker

	mu      sync.RWMutex
	site    *site       // nil until a build produced one
	errs    []errorView // what the overlay shows
	version int64       // bumps when the served site changes
	assets  map[string]string

	built     chan struct{} // closed after the first build
	builtOnce sync.Once
	// afterRun, when set, is called once after the next build read the
	// site (tests: an edit saved during a build).
	afterRun func()
}

type site struct {
	files *output.Mem
	etags sync.Map // path → ETag of the bytes as built
}

// errorView is one diagnostic as the overlay shows it.
type errorView struct {
	Pos    string `json:"pos"`
	Msg    string `json:"msg"`
	Source string `json:"source,omitempty"` // the line of the file it points at
}

// New returns a server; call Rebuild before serving.
func New(opts Options) *Server {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	return &Server{opts: opts, fsys: os.DirFS(opts.Root), seed: maphash.MakeSeed(), events: newBroker(), built: make(chan struct{})}
}

// Built is closed once the first build has finished (whatever its outcome).
func (s *Server) Built() <-chan struct{} { return s.built }

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.opts.Log, format+"\n", args...)
}

// Rebuild builds the site (incrementally after the first time) and swaps the
// result in when it is usable. changed lists the site paths that changed (nil:
// anything may have). It reports whether a usable site came out.
func (s *Server) Rebuild(ctx context.Context, changed []string) bool {
	defer s.builtOnce.Do(func() { close(s.built) })
	start := time.Now()
	s.mu.Lock()
	var prev *output.Mem
	if s.site != nil {
		prev = s.site.files
	}
	s.mu.Unlock()
	mem := output.NewMemLike(prev)
	res, err := s.builder.Run(ctx, build.Options{
		Root: s.fsys, Theme: s.opts.Theme, Sink: mem, Drafts: s.opts.Drafts,
		BaseURL: s.opts.BaseURL, Partial: true, Changed: changed,
	})
	if h := s.afterRun; h != nil {
		s.afterRun = nil
		h()
	}
	if ctx.Err() != nil {
		return false
	}
	ok := err == nil
	list := diag.ListOf(err)
	if ok {
		list = append(list, res.Errors...)
	}
	views := s.errorViews(list)

	s.mu.Lock()
	oldSite := s.site
	changedSite := false
	var changedPages []string
	if ok {
		var diff []string
		if oldSite != nil {
			diff = oldSite.files.Diff(mem)
			changedPages = pagesOf(diff)
		}
		changedSite = oldSite == nil || len(diff) > 0
		if changedSite {
			s.site = &site{files: mem}
			s.version++
		}
	}
	var swap map[string]string
	if ok && changedSite && oldSite != nil && s.onlyCSS(changed) {
		swap = swappedCSS(s.assets, res.Assets)
	}
	errsChanged := !sameErrors(s.errs, views)
	s.errs = views
	if ok {
		s.assets = res.Assets
	}
	version := s.version
	s.mu.Unlock()

	elapsed := time.Since(start).Round(time.Millisecond)
	switch {
	case !ok && oldSite == nil:
		s.logf("build failed in %v; every page shows the errors until they are fixed:", elapsed)
	case !ok:
		s.logf("build failed in %v; still serving the last good site:", elapsed)
	case oldSite == nil && res != nil:
		s.logf("built %d pages in %v", res.Pages, elapsed)
	case changedSite && res != nil:
		s.logf("rebuilt in %v: %d pages, %d rendered again", elapsed, res.Pages, res.Rendered)
	}
	for _, e := range list {
		s.logf("  %s", e.Error())
	}
	if ok && len(list) == 0 && errsChanged {
		s.logf("  no errors")
	}
	if res != nil {
		for _, w := range res.Warnings {
			s.logf("  %s", w.Error())
		}
	}
	if changedSite || errsChanged {
		kind := "reload"
		if swap != nil {
			kind = "css"
		}
		m := s.message(kind, version, views, swap, changedPages)
		s.events.publish(m)
	}
	return ok
}

// pagesOf turns changed output files into the URL paths of changed pages,
// or nil when a change may touch every page (a missing page, an asset).
func pagesOf(files []string) []string {
	const most = 200
	if len(files) > most {
		return nil
	}
	out := make([]string, 0, len(files))
	for _, f := range files {
		switch {
		case f == "index.html":
			out = append(out, "/")
		case strings.HasSuffix(f, "/index.html"):
			out = append(out, "/"+strings.TrimSuffix(f, "index.html"))
		case f == "404.html" || strings.HasSuffix(f, ".html"):
			return nil
		case strings.HasSuffix(f, ".xml") || strings.HasSuffix(f, ".txt") || f == "course.json" || strings.HasPrefix(f, "search/"):
			// feeds, robots, the syllabus and the search index are not
			// shown in pages (search fetches the index when it is used)
		default:
			return nil // an asset, image or file a page may show
		}
	}
	return out
}

// onlyCSS reports whether every changed path is a stylesheet under assets/
// (or a folder there holding only stylesheets).
func (s *Server) onlyCSS(changed []string) bool {
	if len(changed) == 0 {
		return false
	}
	for _, p := range changed {
		if !strings.HasPrefix(p+"/", "assets/") {
			return false
		}
		if path.Ext(p) == ".css" {
			continue
		}
		st, err := fs.Stat(s.fsys, p)
		if err != nil || !st.IsDir() {
			return false
		}
		onlyCSS := true
		_ = fs.WalkDir(s.fsys, p, func(q string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && path.Ext(q) != ".css" {
				onlyCSS = false
			}
			return nil
		})
		if !onlyCSS {
			return false
		}
	}
	return true
}

// swappedCSS maps the old URL of each stylesheet that changed to its new one
// (URLs are fingerprinted), or returns nil when stylesheets were added or
// removed, or none changed: pages then reload.
func swappedCSS(old, cur map[string]string) map[string]string {
	swap := map[string]string{}
	for name, u := range cur {
		if path.Ext(name) != ".css" {
			continue
		}
		was, ok := old[name]
		if !ok {
			return nil
		}
		if was != u {
			swap[was] = u
		}
	}
	for name := range old {
		if _, ok := cur[name]; !ok && path.Ext(name) == ".css" {
			return nil
		}
	}
	if len(swap) == 0 {
		return nil
	}
	return swap
}

func sameErrors(a, b []errorView) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// maxSourceBytes is the largest file errorViews reads for a source line:
// the limit of a Markdown file (generator/content).
const maxSourceBytes = 8_000_000

// errorViews adds to each diagnostic the source line it points at.
func (s *Server) errorViews(list diag.List) []errorView {
	out := make([]errorView, 0, len(list))
	cache := map[string][]string{}
	for _, e := range list {
		v := errorView{Pos: e.Pos.String(), Msg: e.Err.Error()}
		if e.Pos.File != "" && e.Pos.Line > 0 && !strings.Contains(e.Pos.File, " ") {
			lines, ok := cache[e.Pos.File]
			if !ok {
				// Not for a file too big to build (the error is about its size).
				if fi, err := fs.Stat(s.fsys, e.Pos.File); err == nil && fi.Size() <= maxSourceBytes {
					if data, err := fs.ReadFile(s.fsys, e.Pos.File); err == nil {
						lines = strings.Split(string(data), "\n")
					}
				}
				cache[e.Pos.File] = lines
			}
			if e.Pos.Line <= len(lines) {
				v.Source = strings.TrimRight(lines[e.Pos.Line-1], "\r")
			}
		}
		out = append(out, v)
	}
	return out
}

// message is what the browser gets over the event stream.
type message struct {
	Kind    string      `json:"kind"` // reload, css or state
	Version int64       `json:"version"`
	Errors  []errorView `json:"errors"`
	// CSS maps the old URL of each changed stylesheet to its new one: a
	// page swaps the <link>s that load them, and reloads when it loads
	// none of them (a stylesheet it imports, say) or missed a version.
	CSS map[string]string `json:"css,omitempty"`
	// Pages lists the URL paths of the pages that changed; pages not in it
	// need no reload. Absent: every page may have changed.
	Pages []string `json:"pages,omitempty"`
}

func (s *Server) message(kind string, version int64, errs []errorView, swap map[string]string, pages []string) []byte {
	m := message{Kind: kind, Version: version, Errors: errs}
	if kind == "reload" {
		m.Pages = pages
	}
	if m.Errors == nil {
		m.Errors = []errorView{}
	}
	if kind == "css" {
		m.CSS = swap
	}
	data, _ := json.Marshal(m)
	return data
}

// state is the message sent to a newly connected page.
func (s *Server) state() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.message("state", s.version, s.errs, nil, nil)
}

// Batching of file events (see batcher): a single save is built 15 ms after
// its last event, a burst at most 150 ms after its first; a removed file
// that is still missing holds its batch up to 150 ms more.
const (
	batchQuiet = 15 * time.Millisecond
	batchMax   = 150 * time.Millisecond
	batchHold  = 150 * time.Millisecond
)

// newBatcher returns the batcher Watch uses, holding removals of files
// under the site root.
func (s *Server) newBatcher() *batcher {
	b := newBatcher(batchQuiet, batchMax)
	b.hold = batchHold
	b.exists = func(p string) bool {
		_, err := os.Lstat(filepath.Join(s.opts.Root, filepath.FromSlash(p)))
		return err == nil
	}
	return b
}

// Watch rebuilds whenever files change until ctx ends. Bursts of events are
// coalesced; changes that land during a rebuild cause exactly one more.
// When no build has run yet, Watch makes the first one as soon as it
// watches, so a file saved during that build (a minute on a big course) is
// built again after it; Built is closed once it is done.
func (s *Server) Watch(ctx context.Context) error {
	b := s.newBatcher()
	defer b.close()
	w, err := newWatcher(s.opts.Root, b, s.logf)
	if err != nil {
		return err
	}
	defer w.close()
	select {
	case <-s.built:
	default:
		s.Rebuild(ctx, nil)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case batch := <-b.out:
			s.Rebuild(ctx, batch)
		}
	}
}

// Shutdown ends the event streams (http.Server.Shutdown waits for them).
func (s *Server) Shutdown() { s.events.close() }

// eventsPath is the Server-Sent Events endpoint; /__lectern/ is the server's own.
const eventsPath = "/__lectern/events"

// ServeHTTP serves the built site: GET and HEAD only, loopback (or configured)
// Host names only, no path escapes, no dotfiles, no directory listings.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r.Host) {
		http.Error(w, "lectern serve: unknown Host header (DNS rebinding protection); open the URL lectern serve printed, or accept this name with --allow-host", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == eventsPath {
		s.serveEvents(w, r)
		return
	}
	p, ok := cleanRequestPath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.RLock()
	st, version := s.site, s.version
	s.mu.RUnlock()
	if st == nil {
		// The very first build failed: every page is the overlay.
		s.serveBytes(w, r, nil, "index.html", startupPage, http.StatusServiceUnavailable, version)
		return
	}
	file := p
	if file == "" || strings.HasSuffix(file, "/") {
		file += "index.html"
	}
	data, found, err := st.files.GetErr(file)
	if err != nil {
		// A page made on request (the print page) failed: say why.
		s.logf("  %s: %v", file, err)
		http.Error(w, fmt.Sprintf("lectern could not render %s:\n%v", file, err), http.StatusInternalServerError)
		return
	}
	if !found && !strings.HasSuffix(p, "/") && p != "" {
		if st.files.Has(p + "/index.html") {
			target := "/" + p + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	status := http.StatusOK
	if !found {
		file, status = "404.html", http.StatusNotFound
		if data, found = st.files.Get(file); !found {
			data = []byte("<!doctype html><title>Not found</title><h1>Not found</h1>")
		}
	}
	s.serveBytes(w, r, st, file, data, status, version)
}

var startupPage = []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lectern: the site does not build yet</title></head><body><h1>The site does not build yet</h1><p>The errors are listed over this page and in the terminal. Fix them and this page reloads by itself.</p></body></html>`)

// cleanRequestPath turns a decoded URL path into a site path without the
// leading slash, refusing escapes, backslashes, NUL and dotfiles.
func cleanRequestPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	rest := p[1:]
	if rest == "" {
		return "", true
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	for _, seg := range segs {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") || strings.Contains(seg, "%") && hasEncodedDots(seg) {
			return "", false
		}
	}
	return rest, true
}

// hasEncodedDots catches double-encoded escapes that reached us once decoded
// ("%2e%2e" after "%252e%252e"): no site file has such a name.
func hasEncodedDots(seg string) bool {
	l := strings.ToLower(seg)
	return strings.Contains(l, "%2e") || strings.Contains(l, "%2f") || strings.Contains(l, "%5c") || strings.Contains(l, "%00")
}

func (s *Server) hostAllowed(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	if h == "" || strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	if ip != nil && ip.IsLoopback() {
		return true
	}
	for _, a := range s.opts.Hosts {
		if strings.EqualFold(a, h) {
			return true
		}
		if ip != nil && ip.Equal(net.ParseIP(a)) {
			return true // ::ffff:192.0.2.1 is 192.0.2.1
		}
	}
	return false
}

// serveBytes writes a file with its content type and ETag; HTML gets the
// live-reload script (the build output itself never contains it).
func (s *Server) serveBytes(w http.ResponseWriter, r *http.Request, st *site, file string, data []byte, status int, version int64) {
	ctype := contentType(file, data)
	html := strings.HasPrefix(ctype, "text/html")
	etag := s.etag(st, file, data)
	if html {
		etag = strings.TrimSuffix(etag, `"`) + "-" + strconv.FormatInt(version, 10) + `"`
		data = inject(data, version)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if status == http.StatusOK {
		h.Set("ETag", etag)
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

func etagMatches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

func (s *Server) etag(st *site, file string, data []byte) string {
	if st != nil {
		if e, ok := st.etags.Load(file); ok {
			return e.(string)
		}
	}
	e := `"` + strconv.FormatUint(maphash.Bytes(s.seed, data), 36) + `"`
	if st != nil {
		st.etags.Store(file, e)
	}
	return e
}

func contentType(file string, data []byte) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".txt", ".md":
		return "text/plain; charset=utf-8"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".pdf":
		return "application/pdf"
	case ".csv":
		return "text/csv; charset=utf-8"
	}
	return http.DetectContentType(data)
}

// ListenAddr is a helper for the CLI: it listens on bind:port, trying the
// next few ports when port is the default one and busy.
func ListenAddr(bind string, port int, tryNext bool) (net.Listener, error) {
	tries := 1
	if tryNext {
		tries = 10
	}
	var lastErr error
	for i := 0; i < tries; i++ {
		l, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port+i)))
		if err == nil {
			return l, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// Root returns the absolute site folder (for messages).
func (s *Server) Root() string {
	abs, err := filepath.Abs(s.opts.Root)
	if err != nil {
		return s.opts.Root
	}
	return abs
}
