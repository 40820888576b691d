package learnertest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/internal/browsertest"
	"github.com/lectern/lectern/generator/output"
)

// repoRoot is the repository root, seen from this package's folder.
const repoRoot = "../../.."

// Pages of the bundled course the tests use.
const (
	quizLesson = "servers-and-http/http-fundamentals/" // lesson 1 of its module, with a quiz and an exercise
	nextLesson = "servers-and-http/servers-and-proxies/"
	codeLesson = "data-storage/indexes-and-query-plans/" // code, caution and tip callouts, a quiz
	quizModule = "servers-and-http/"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if s := theSite.site; s != nil {
		s.srv.Close()
	}
	stopBrowser()
	os.Exit(code)
}

// site is the bundled course built once into memory and served under
// /backend/ by an httptest server, as production serves it under a sub-path.
type site struct {
	mem  *output.Mem
	res  *build.Result
	srv  *httptest.Server
	base string // the base path, "/backend/"
}

var theSite struct {
	once sync.Once
	site *site
	err  error
}

// getSite builds the course on first use.
func getSite(t *testing.T) *site {
	t.Helper()
	theSite.once.Do(func() {
		s := &site{mem: output.NewMem(), base: "/backend/"}
		s.srv = httptest.NewServer(s)
		res, err := build.Run(context.Background(), build.Options{
			Root:    os.DirFS(repoRoot),
			Theme:   lectern.Theme(),
			Sink:    s.mem,
			BaseURL: s.srv.URL + s.base,
		})
		if err != nil {
			s.srv.Close()
			theSite.err = fmt.Errorf("the bundled course does not build: %w", err)
			return
		}
		s.res = res
		if bp := res.Config.BasePath(); bp != s.base {
			s.srv.Close()
			theSite.err = fmt.Errorf("base path %q, want %q", bp, s.base)
			return
		}
		theSite.site = s
	})
	if theSite.err != nil {
		t.Fatal(theSite.err)
	}
	return theSite.site
}

// url returns the address of a page given relative to the base path.
func (s *site) url(rel string) string { return s.srv.URL + s.base + rel }

// lessons counts the course's lessons whose URL starts with the base path
// and prefix: all of them for "", a module's for its path.
func (s *site) lessons(prefix string) int {
	n := 0
	for _, l := range s.res.Course.Lessons {
		if strings.HasPrefix(l.URL, s.base+prefix) {
			n++
		}
	}
	return n
}

// path returns the URL path of a page given relative to the base path.
func (s *site) path(rel string) string { return s.base + rel }

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".xml":  "application/xml",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
	".webp": "image/webp",
	".jpg":  "image/jpeg",
}

// ServeHTTP serves the built files: index.html for folders, a redirect for
// a folder without its slash, and 404.html with status 404 for the rest.
func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	rel, ok := strings.CutPrefix(p, s.base)
	if !ok {
		s.notFound(w)
		return
	}
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	data, ok := s.mem.Get(rel)
	if !ok {
		if _, dir := s.mem.Get(rel + "/index.html"); dir {
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
		s.notFound(w)
		return
	}
	ct, known := contentTypes[path.Ext(rel)]
	if !known {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(data)
}

func (s *site) notFound(w http.ResponseWriter) {
	data, _ := s.mem.Get("404.html")
	w.Header().Set("Content-Type", contentTypes[".html"])
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(data)
}

// One Chromium serves the whole test binary; each test gets its own tab in
// its own browser context, so localStorage never leaks between tests.
var theBrowser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	dir    string
	err    error
}

func startBrowser(exe string) {
	b := &theBrowser
	b.dir, b.err = os.MkdirTemp("", "lectern-learnertest-")
	if b.err != nil {
		return
	}
	opts := browsertest.Options(exe, b.dir, chromedp.Flag("hide-scrollbars", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	b.ctx, b.cancel = ctx, func() { cancelB(); cancelA() }
	// No deadline here: it would stop the browser. Calls get their own.
	b.err = chromedp.Do(ctx)
}

func stopBrowser() {
	b := &theBrowser
	if b.cancel != nil {
		b.cancel()
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// newTab opens a tab in a fresh browser context (empty localStorage) with
// the focus emulated, so keyboard focus behaves as in a focused window. An
// uncaught JavaScript error in the page fails the test.
func newTab(t *testing.T) context.Context {
	t.Helper()
	exe := browsertest.Chromium(t)
	theBrowser.once.Do(func() { startBrowser(exe) })
	if theBrowser.err != nil {
		t.Fatalf("starting Chromium: %v", theBrowser.err)
	}
	ctx, cancel := chromedp.NewContext(theBrowser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	var mu sync.Mutex
	var errs []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			mu.Lock()
			errs = append(errs, fmt.Sprintf("%s (%s:%d:%d)", msg, d.URL, d.LineNumber+1, d.ColumnNumber+1))
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range errs {
			t.Errorf("uncaught JavaScript error in the page: %s", e)
		}
	})
	do(t, ctx, "emulate focus", call(emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}))
	return ctx
}

// call makes an action of one protocol command.
func call[P, R any](cmd cdp.Command[P, R], p P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, p)
		return err
	})
}

const stepTimeout = 15 * time.Second

// step runs one action with a timeout and fails the test on error.
func step[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs actions that return nothing, with a timeout.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step(t, ctx, what, chromedp.Steps(steps...))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return step(t, ctx, "evaluate "+js, chromedp.Evaluate[T](js))
}

// waitFor polls until the expression is truthy. On timeout the test fails
// with what was expected and the value of the expression state, which
// describes what the page shows instead.
func waitFor(t *testing.T, ctx context.Context, what, cond, state string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(c, chromedp.Poll[bool]("!!("+cond+")", chromedp.WithPollingTimeout(5*time.Second), chromedp.WithPollingInterval(25*time.Millisecond)))
	if err == nil {
		return
	}
	got := "?"
	if state != "" {
		c2, cancel2 := context.WithTimeout(ctx, 5*time.Second)
		defer cancel2()
		if v, err2 := chromedp.Run(c2, chromedp.Evaluate[any](state)); err2 == nil {
			got = fmt.Sprintf("%v", v)
		} else {
			got = err2.Error()
		}
	}
	t.Fatalf("%s: timed out waiting for %s (%v); the page has: %s", what, cond, err, got)
}

// open navigates to a page of the site and waits for it to load.
func open(t *testing.T, ctx context.Context, s *site, rel string) {
	t.Helper()
	do(t, ctx, "open "+s.path(rel), chromedp.Navigate(s.url(rel)))
}

// follow runs an action that navigates (a click, a key) and waits for the
// new page's load event.
func follow[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) {
	t.Helper()
	step(t, ctx, what, chromedp.WaitEvent(page.LoadEventFired, nil, a))
}

// Viewports.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{"desktop", 1280, 800, false}
	phone   = viewport{"phone", 375, 740, true}
)

func setViewport(t *testing.T, ctx context.Context, v viewport) {
	t.Helper()
	do(t, ctx, "viewport "+v.name, call(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: v.width, Height: v.height, DeviceScaleFactor: 1, Mobile: v.mobile,
	}))
}

// setScheme emulates the operating system's colour preference ("light" or "dark").
func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	do(t, ctx, "prefers-color-scheme: "+scheme, call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// visibleJS is a JavaScript expression: the element matching sel exists and
// is rendered (not display:none, not visibility:hidden, non-empty box).
func visibleJS(sel string) string {
	return fmt.Sprintf(`(function(){var e=document.querySelector(%s);if(!e)return false;var r=e.getBoundingClientRect();return e.checkVisibility({visibilityProperty:true})&&r.width>0&&r.height>0})()`, jsString(sel))
}

// attrJS is a JavaScript expression: the attribute of the first element
// matching sel, "" when either is missing.
func attrJS(sel, name string) string {
	return `(function(){var e=document.querySelector(` + jsString(sel) + `);return e?e.getAttribute(` + jsString(name) + `)||"":""})()`
}

// luminance parses "rgb(r, g, b)" or "rgba(...)" and returns its relative
// luminance (WCAG), or -1 when it cannot.
func luminance(css string) float64 {
	var r, g, b float64
	s := strings.TrimSpace(css)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "rgba("), "rgb(")
	s = strings.TrimSuffix(s, ")")
	s = strings.NewReplacer(",", " ", "/", " ").Replace(s)
	if _, err := fmt.Sscan(s, &r, &g, &b); err != nil {
		return -1
	}
	lin := func(c float64) float64 {
		c /= 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// axeJS finds axe-core's axe.min.js (see browsertest.AxeJS); the test is
// skipped without it outside CI.
func axeJS(t *testing.T) string {
	t.Helper()
	file := browsertest.AxeJS(t)
	if file == "" {
		t.Skip("axe-core not found (run .ci/run once, or npm install axe-core and set LECTERN_AXE_JS to node_modules/axe-core/axe.min.js)")
	}
	return file
}
