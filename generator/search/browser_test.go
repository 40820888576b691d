package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lectern/lectern/generator/internal/browsertest"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

func step[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// checkAxe runs axe-core's WCAG 2.0/2.1 A and AA rules on the page and
// fails the test on any violation.
func checkAxe(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	file := browsertest.AxeJS(t)
	if file == "" {
		t.Logf("axe-core not found: accessibility not checked %s (set LECTERN_AXE_JS)", when)
		return
	}
	if !step(t, ctx, "axe loaded?", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		step(t, ctx, "inject axe-core", chromedp.Evaluate[chromedp.Void](string(src)))
	}
	type violation struct {
		ID    string   `json:"id"`
		Help  string   `json:"help"`
		Nodes []string `json:"nodes"`
	}
	vs := step(t, ctx, "axe.run", chromedp.Evaluate[[]violation](`axe.run(document, {
		runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], resultTypes: ["violations"]
	}).then(r => r.violations.map(v => ({id: v.id, help: v.help,
		nodes: v.nodes.map(n => n.html.slice(0, 160) + " — " + n.failureSummary)})))`, chromedp.EvalAwaitPromise))
	for _, v := range vs {
		t.Errorf("axe %s: %s: %s\n  %s", when, v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

// site serves a page holding the search partial, the theme's CSS, the
// minified search.js (as the build ships it) and an index, under /course/.
type site struct {
	*httptest.Server
	mu      sync.Mutex
	files   map[string][]byte
	served  []string // paths requested, in order
	offline bool     // every request fails as if the network were down
}

const basePath = "/course/"

func newSite(t *testing.T, index []File) *site {
	t.Helper()
	s := &site{files: map[string][]byte{}}
	script, err := os.ReadFile("../../assets/js/search.js")
	if err != nil {
		t.Fatal(err)
	}
	m := minify.New()
	m.AddFunc("application/javascript", js.Minify)
	if script, err = m.Bytes("application/javascript", script); err != nil {
		t.Fatalf("minifying search.js: %v", err)
	}
	s.files[basePath+"assets/js/search.abc.js"] = script
	for _, name := range []string{"search.css", "main.css"} {
		css, err := os.ReadFile("../../assets/css/" + name)
		if err != nil {
			t.Fatal(err)
		}
		s.files[basePath+"assets/css/"+name] = css
	}
	for _, f := range index {
		s.files[basePath+f.Path] = f.Data
	}
	html := renderPartial(t)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.served = append(s.served, r.URL.Path)
		data, ok := s.files[r.URL.Path]
		offline := s.offline
		s.mu.Unlock()
		if offline {
			panic(http.ErrAbortHandler) // the connection drops: fetch fails
		}
		switch {
		case ok:
			switch {
			case strings.HasSuffix(r.URL.Path, ".js"):
				w.Header().Set("Content-Type", "text/javascript")
			case strings.HasSuffix(r.URL.Path, ".css"):
				w.Header().Set("Content-Type", "text/css")
			case strings.HasSuffix(r.URL.Path, ".json"):
				w.Header().Set("Content-Type", "application/json")
			}
			w.Write(data)
		case strings.HasSuffix(r.URL.Path, "/"):
			// Every page of the site is this page (results link to them).
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(html)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// take returns the paths served since the last call.
func (s *site) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.served
	s.served = nil
	return p
}

// renderPartial executes layouts/partials/search.html as render does, inside
// a page shaped like the theme's.
func renderPartial(t *testing.T) []byte {
	t.Helper()
	funcs := template.FuncMap{
		"relURL": func(p string) string { return basePath + strings.TrimPrefix(p, "/") },
		"asset": func(name string) (string, error) {
			switch name {
			case "js/search.js":
				return basePath + "assets/js/search.abc.js", nil
			case "css/search.css":
				return basePath + "assets/css/search.css", nil
			}
			return "", fmt.Errorf("asset %q not found", name)
		},
	}
	src, err := os.ReadFile("../../layouts/partials/search.html")
	if err != nil {
		t.Fatal(err)
	}
	doc := `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Search test</title>
<link rel="stylesheet" href="` + basePath + `assets/css/main.css"></head>
<body><header class="site-header"><a class="site-title" href="` + basePath + `">Course</a>
<div class="header-tools">{{template "partials/search.html" .}}</div></header>
<main id="main"><h1>A page</h1><p><label>A field <input id="other" type="text"></label></p>
<div contenteditable="true" id="editable">Editable</div></main></body></html>`
	tpl := template.Must(template.New("page").Funcs(funcs).Parse(doc))
	template.Must(tpl.New("partials/search.html").Parse(string(src)))
	var b bytes.Buffer
	data := struct{ Site struct{ BasePath string } }{}
	data.Site.BasePath = basePath
	if err := tpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// smallCourse is a course whose best results are known.
func smallCourse() []Page {
	sec := func(id, title, text string) Section { return Section{ID: id, Title: title, Text: text} }
	return []Page{
		{URL: basePath, Title: "Back-end development", Description: "A course on servers, data and the people who build them.",
			Sections: []Section{sec("", "", "Welcome. This course covers HTTP, databases and security.")}},
		{URL: basePath + "http/methods/", Title: "HTTP methods", Module: "HTTP", Sections: []Section{
			sec("", "", "The method says what the client wants done."),
			sec("safe-methods", "Safe methods", "GET and HEAD ask for no change on the server."),
			sec("idempotency-and-retries", "Idempotency and retries", "An idempotent request can be sent again: clients retry it safely after a timeout."),
		}},
		{URL: basePath + "performance/caching/", Title: "Caching", Module: "Performance", Sections: []Section{
			sec("", "", "A cache keeps answers close to the client."),
			sec("validation", "Validation", "When a cached response is stale, the cache asks again with the ETag it has."),
		}},
		{URL: basePath + "http/conditional-requests/", Title: "Conditional requests", Module: "HTTP", Sections: []Section{
			sec("", "", "Ask only for what changed."),
			sec("etags", "ETags", "An ETag names one version of a resource; clients send it back in If-None-Match and get 304 Not Modified."),
		}},
		{URL: basePath + "ops/kubernetes/", Title: "Running on Kubernetes", Module: "Operations", Sections: []Section{
			sec("", "", "Containers scheduled on a cluster."),
			sec("node-pools", "Node pools", "A node pool is a group of machines with the same shape."),
		}},
		{URL: basePath + "runtimes/node-js/", Title: "Node.js in production", Module: "Runtimes", Sections: []Section{
			sec("", "", "One thread, an event loop, and npm."),
		}},
		{URL: basePath + "data/postgresql/", Title: "Relational databases", Module: "Data", Sections: []Section{
			sec("", "", "We use PostgreSQL 16 throughout; MySQL and SQL Server differ in details."),
			sec("cafe-example", "The café example", "The shop sells coffee at the Café Crème."),
			sec("indexes", "Indexes", "Slow queries need an index."),
		}},
		{URL: basePath + "security/oauth/", Title: "Delegated access", Module: "Security", Sections: []Section{
			sec("", "", "OAuth 2.0 lets a user grant an app limited access without sharing a password."),
			sec("languages", "Client libraries", "Libraries exist for C++, C# and .NET, and Go."),
		}},
	}
}

type result struct {
	Href    string   `json:"href"`
	Title   string   `json:"title"`
	Section string   `json:"section"`
	Marks   []string `json:"marks"`
}

const readResults = `[...document.querySelectorAll(".search-results a")].map(a => ({
	href: a.getAttribute("href"),
	title: a.querySelector(".search-result-title").textContent,
	section: (a.querySelector(".search-result-section") || {textContent: ""}).textContent,
	marks: [...a.querySelectorAll("mark")].map(m => m.textContent),
}))`

// press types one printable character as a real keyboard does: one keyDown
// carrying the text, so a handler that prevents the keydown's default also
// stops the character (chromedp.KeyEvent sends the character separately).
func press(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: text, Text: text, UnmodifiedText: text}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
			return err
		}
		p.Type, p.Text, p.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p)
		return err
	})
}

// query replaces the field's text by q, typed key by key, and waits for the
// status to report it.
func query(t *testing.T, ctx context.Context, q string) (string, []result) {
	t.Helper()
	step(t, ctx, "clear", chromedp.Evaluate[chromedp.Void](`(() => { const i = document.getElementById("lectern-search-input"); i.value = ""; i.dispatchEvent(new Event("input")); })()`))
	step(t, ctx, "type "+q, chromedp.KeyEvent(q))
	want, _ := json.Marshal("for \u201c" + strings.TrimSpace(q) + "\u201d")
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	status, err := chromedp.Run(c, chromedp.Poll[string](`(() => { const s = document.querySelector(".search-status").textContent; return s.endsWith(`+string(want)+`) && s; })()`))
	if err != nil {
		now := step(t, ctx, "status", chromedp.Evaluate[string](`document.querySelector(".search-status").textContent + " | field: " + document.getElementById("lectern-search-input").value + " | open: " + document.querySelector(".search-dialog").open`))
		t.Fatalf("query %q: no status for it (%v): %s", q, err, now)
	}
	return status, step(t, ctx, "results", chromedp.Evaluate[[]result](readResults))
}

func TestBrowserSearch(t *testing.T) {
	ctx := browsertest.Start(t)
	s := newSite(t, Build(smallCourse()))
	step(t, ctx, "open the page", chromedp.Navigate(s.URL+basePath+"a/"))
	step(t, ctx, "button shown", chromedp.WaitVisible(".search-open"))
	checkAxe(t, ctx, "with the dialog closed")
	s.take()

	// The index is fetched on first use, not with the page.
	step(t, ctx, "focus a field", chromedp.Focus("#other"))
	step(t, ctx, "type / in a field", press("/"))
	if open := step(t, ctx, "dialog state", chromedp.Evaluate[bool](`document.querySelector(".search-dialog").open`)); open {
		t.Fatal("/ typed in a text field opened the search")
	}
	step(t, ctx, "focus editable", chromedp.Focus("#editable"))
	step(t, ctx, "type / in contenteditable", press("/"))
	if open := step(t, ctx, "dialog state", chromedp.Evaluate[bool](`document.querySelector(".search-dialog").open`)); open {
		t.Fatal("/ typed in a contenteditable opened the search")
	}
	step(t, ctx, "blur", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	for _, p := range s.take() {
		if strings.Contains(p, "/search/") {
			t.Fatalf("%s fetched before search was opened", p)
		}
	}

	step(t, ctx, "press /", press("/"))
	step(t, ctx, "dialog open", chromedp.Poll[bool](`document.querySelector(".search-dialog").open && document.activeElement.id === "lectern-search-input"`))
	if v := step(t, ctx, "field", chromedp.Evaluate[string](`document.getElementById("lectern-search-input").value`)); v != "" {
		t.Fatalf("the / went into the field: %q", v)
	}

	cases := []struct {
		q, href, section string
		marks            []string
	}{
		// A heading hit beats a mention in the text; the result links to the section.
		{"etag", basePath + "http/conditional-requests/#etags", "ETags", []string{"ETags", "ETag"}},
		// Title hits come first.
		{"node", basePath + "runtimes/node-js/", "", []string{"Node.js"}},
		{"idempotent retry", basePath + "http/methods/#idempotency-and-retries", "Idempotency and retries", []string{"retries", "idempotent", "retry"}},
		// Type-ahead: the last word is a prefix.
		{"idempot", basePath + "http/methods/#idempotency-and-retries", "Idempotency and retries", []string{"Idempotency", "idempotent"}},
		{"PostgreSQL", basePath + "data/postgresql/", "", []string{"PostgreSQL"}},
		{"OAuth 2.0", basePath + "security/oauth/", "", []string{"OAuth", "2.0"}},
		{"c++ ", basePath + "security/oauth/#languages", "Client libraries", []string{"C++"}},
		{".net", basePath + "security/oauth/#languages", "Client libraries", []string{".NET"}},
		{"cafe creme", basePath + "data/postgresql/#cafe-example", "The café example", []string{"café", "Café", "Crème"}},
		// A plural being typed: "queri" is on its way to "queries", indexed as "query".
		{"slow queri", basePath + "data/postgresql/#indexes", "Indexes", []string{"Slow", "queries"}},
	}
	for _, c := range cases {
		status, res := query(t, ctx, c.q)
		if len(res) == 0 {
			t.Errorf("%q: no results (%s)", c.q, status)
			continue
		}
		if r := res[0]; r.Href != c.href || r.Section != c.section || !slices.Equal(r.Marks, c.marks) {
			t.Errorf("%q: first result %+v, want href %s section %q marks %q (%s)", c.q, r, c.href, c.section, c.marks, status)
		}
	}
	if status, res := query(t, ctx, "etag"); status != "2 results for \u201cetag\u201d" || len(res) != 2 {
		t.Errorf("status %q, %d results", status, len(res))
	}
	// Screen readers hear the status once typing pauses.
	step(t, ctx, "live region", chromedp.Poll[bool](`document.querySelector(".search-live[role=status]").textContent === "2 results for \u201cetag\u201d"`))
	if status, res := query(t, ctx, "zzyzx"); status != "No results for \u201czzyzx\u201d" || len(res) != 0 {
		t.Errorf("status %q, %d results", status, len(res))
	}

	// Arrow keys move through the results and back to the field.
	query(t, ctx, "http")
	checkAxe(t, ctx, "with results (light)")
	step(t, ctx, "dark mode", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	}))
	if bg := step(t, ctx, "dialog colour", chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".search-dialog")).backgroundColor`)); bg == "rgb(255, 255, 255)" {
		t.Errorf("dark mode: the dialog is still white")
	}
	checkAxe(t, ctx, "with results (dark)")
	focused := func() string {
		return step(t, ctx, "focused", chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.getAttribute("href") || document.activeElement.tagName`))
	}
	hrefs := step(t, ctx, "hrefs", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".search-results a")].map(a => a.getAttribute("href"))`))
	if len(hrefs) < 2 {
		t.Fatalf("want 2+ results for http, got %v", hrefs)
	}
	step(t, ctx, "down", chromedp.KeyEvent(kb.ArrowDown))
	if f := focused(); f != hrefs[0] {
		t.Errorf("after ↓ focus is on %q, want %q", f, hrefs[0])
	}
	step(t, ctx, "down", chromedp.KeyEvent(kb.ArrowDown))
	if f := focused(); f != hrefs[1] {
		t.Errorf("after ↓↓ focus is on %q, want %q", f, hrefs[1])
	}
	step(t, ctx, "type on a result", press("s"))
	if f, v := focused(), step(t, ctx, "field", chromedp.Evaluate[string](`document.getElementById("lectern-search-input").value`)); f != "lectern-search-input" || v != "https" {
		t.Errorf("typing on a result: focus %q, field %q; want the field, \"https\"", f, v)
	}
	step(t, ctx, "down", chromedp.KeyEvent(kb.ArrowDown))
	step(t, ctx, "up", chromedp.KeyEvent(kb.ArrowUp))
	if f := focused(); f != "lectern-search-input" {
		t.Errorf("after ↓↑ focus is on %q, want the field", f)
	}

	// Escape closes and gives focus back to the button.
	step(t, ctx, "escape", chromedp.KeyEvent(kb.Escape))
	step(t, ctx, "closed", chromedp.Poll[bool](`!document.querySelector(".search-dialog").open && document.activeElement === document.querySelector(".search-open")`))

	// The button opens it again, with the last query; Enter opens the top result.
	step(t, ctx, "click the button", chromedp.Click(".search-open"))
	step(t, ctx, "open again", chromedp.Poll[bool](`document.querySelector(".search-dialog").open`))
	query(t, ctx, "etag")
	step(t, ctx, "enter and wait for the page", chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent(kb.Enter)))
	if loc := step(t, ctx, "location", chromedp.Location()); loc != s.URL+basePath+"http/conditional-requests/#etags" {
		t.Errorf("Enter went to %s", loc)
	}

	// Offline, what was fetched once is still there: a new index (nothing
	// in memory) answers from the browser's cache; what never was fails.
	s.mu.Lock()
	s.offline = true
	s.mu.Unlock()
	urls := step(t, ctx, "search offline", chromedp.Evaluate[[]string](`new lecternSearch.Index("`+basePath+`search/").search("etag").then(r => r.results.map(x => x.url))`, chromedp.EvalAwaitPromise))
	if len(urls) != 2 || urls[0] != basePath+"http/conditional-requests/#etags" {
		t.Errorf("offline search for etag: %q", urls)
	}
	failed := step(t, ctx, "search offline, never fetched", chromedp.Evaluate[string](`new lecternSearch.Index("`+basePath+`search/").search("kubernetes").then(() => "no error", e => "error")`, chromedp.EvalAwaitPromise))
	if failed != "error" {
		t.Errorf("an uncached shard offline: %s", failed)
	}
	step(t, ctx, "open offline", press("/"))
	query(t, ctx, "etag")
	step(t, ctx, "type offline", chromedp.KeyEvent(" kubernetes"))
	if msg := step(t, ctx, "offline status", chromedp.Poll[string](`(() => { const s = document.querySelector(".search-status").textContent; return s.includes("could not") && s; })()`)); msg != "The search index could not be loaded." {
		t.Errorf("offline status %q", msg)
	}
	step(t, ctx, "close", chromedp.KeyEvent(kb.Escape))
	s.mu.Lock()
	s.offline = false
	s.mu.Unlock()

	// The page at 320 px: the dialog fits.
	step(t, ctx, "narrow", chromedp.EmulateViewport(320, 640))
	step(t, ctx, "open narrow", press("/"))
	query(t, ctx, "http")
	width := step(t, ctx, "dialog width", chromedp.Evaluate[float64](`document.querySelector(".search-dialog").getBoundingClientRect().right`))
	if scroll := step(t, ctx, "overflow", chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); width > 320 || scroll > 320 {
		t.Errorf("at 320 px the dialog ends at %v, the page is %v wide", width, scroll)
	}
}

// TestBrowserNoJavaScript: with scripts off the button stays hidden and
// nothing of the dialog shows.
func TestBrowserNoJavaScript(t *testing.T) {
	html := renderPartial(t)
	if !bytes.Contains(html, []byte(`class="search-open" hidden`)) {
		t.Errorf("the button is not hidden in the markup:\n%s", html)
	}
	if bytes.Contains(html, []byte("<dialog open")) {
		t.Error("the dialog is open in the markup")
	}
}

// TestBrowserTokensMatchGo runs search.js's tokeniser on the table, the
// bundled course and a synthetic corpus, and compares with Go's.
func TestBrowserTokensMatchGo(t *testing.T) {
	ctx := browsertest.Start(t)
	s := newSite(t, Build(smallCourse()))
	step(t, ctx, "open the page", chromedp.Navigate(s.URL+basePath))
	step(t, ctx, "script ran", chromedp.WaitVisible(".search-open"))

	var texts []string
	for _, c := range tokenCases(t) {
		texts = append(texts, c.In)
	}
	texts = append(texts, strings.Join(slices.Sorted(func(yield func(string) bool) {
		for w := range stopWords {
			if !yield(w) {
				return
			}
		}
	}), " ")+" not no should")
	texts = append(texts, "Ǆemal ﬃ ℌ ½ ㍱ ｶﾀｶﾅ Ⅻ ǅ İİ ΣΑΣ σς ß ẞ Æsir ŒUVRE Ørsted ĦĦ Ŧ", "a.b..c ...d .e. f.", "x#y c## c+++ ++ # .5 5. 1.2.3 a.b.c.d")
	for _, p := range bundledPagesOrNone(t) {
		texts = append(texts, p.Title, p.Description)
		for _, sec := range p.Sections {
			texts = append(texts, sec.Title, sec.Text)
		}
	}
	for _, p := range synthPages(20, 300, 3) {
		for _, sec := range p.Sections {
			texts = append(texts, sec.Text)
		}
	}
	arg, _ := json.Marshal(texts)
	got := step(t, ctx, "tokens in JS", chromedp.Evaluate[[][]string](string(arg)+`.map(s => lecternSearch.tokens(s))`))
	if len(got) != len(texts) {
		t.Fatalf("%d results for %d texts", len(got), len(texts))
	}
	bad := 0
	for i, text := range texts {
		if want := Tokens(text); !slices.Equal(got[i], want) && !(len(got[i]) == 0 && len(want) == 0) {
			if bad++; bad <= 5 {
				t.Errorf("tokens of %.100q:\n JS %q\n Go %q", text, got[i], want)
			}
		}
	}
	t.Logf("%d texts, %d differ", len(texts), bad)

	keys := slices.Sorted(maps.Keys(shardFileCases))
	arg, _ = json.Marshal(keys)
	names := step(t, ctx, "shard file names in JS", chromedp.Evaluate[[]string](string(arg)+`.map(k => lecternSearch.fileName(k))`))
	for i, k := range keys {
		if i >= len(names) || names[i] != shardFile(k) {
			t.Errorf("shard %q: JS names its file %q, Go %q", k, names[min(i, len(names)-1)], shardFile(k))
		}
	}
}

func bundledPagesOrNone(t *testing.T) []Page {
	if _, err := os.Stat("../../content"); err != nil {
		return nil
	}
	return bundledPages(t)
}

// TestBrowserQueryTime10k measures queries on the 10,000-page synthetic
// index: the first run of a query (its shards fetched from a local server)
// and later runs (shards cached). Timed from the input event to the status
// line being updated, results in the DOM.
func TestBrowserQueryTime10k(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 pages: not in -short")
	}
	ctx := browsertest.Start(t)
	pages := pages10k()
	files := Build(pages)
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[basePath+f.Path] = f.Data
	}
	s := newSite(t, files)
	step(t, ctx, "open the page", chromedp.Navigate(s.URL+basePath))
	step(t, ctx, "script ran", chromedp.WaitVisible(".search-open"))
	step(t, ctx, "open search", press("/"))
	step(t, ctx, "timer", chromedp.Evaluate[chromedp.Void](`window.timeQuery = async (q) => {
		const input = document.getElementById("lectern-search-input");
		const status = document.querySelector(".search-status");
		input.value = ""; input.dispatchEvent(new Event("input"));
		const want = "for \u201c" + q.trim() + "\u201d";
		const t0 = performance.now();
		const done = new Promise((resolve) => {
			const mo = new MutationObserver(() => { if (status.textContent.endsWith(want)) { mo.disconnect(); resolve(); } });
			mo.observe(status, {childList: true, characterData: true, subtree: true});
		});
		input.value = q; input.dispatchEvent(new Event("input"));
		await done;
		return [performance.now() - t0, status.textContent];
	}`))
	time1 := func(q string) (float64, string) {
		v := step(t, ctx, "query "+q, chromedp.Evaluate[[]any](`timeQuery(`+jsString(q)+`)`, chromedp.EvalAwaitPromise))
		return v[0].(float64), v[1].(string)
	}
	vocab := synthVocab(60000)
	queries := []string{
		"request",                             // the most frequent word: its shard is the largest
		"cache data",                          // two frequent words
		vocab[300], vocab[3000], vocab[30000], // rarer and rarer
		vocab[40] + " " + vocab[700],           // AND of a common and a rarer word
		"transaction lock " + vocab[2000][:4],  // three words, the last one a prefix
		"repl", "migr", vocab[5000][:3] + "zz", // type-ahead
	}
	coldMs, warmMs := []float64{}, []float64{}
	s.take()
	for _, q := range queries {
		cold, status := time1(q)
		fetched, raw, gz := 0, 0, 0
		for _, p := range s.take() {
			fetched++
			raw += len(byPath[p])
			gz += gzipSize(byPath[p])
		}
		var warm []float64
		for range 5 {
			ms, _ := time1(q)
			warm = append(warm, ms)
		}
		slices.Sort(warm)
		coldMs = append(coldMs, cold)
		warmMs = append(warmMs, warm[len(warm)/2])
		t.Logf("%-32q %-32s first %6.1f ms (%d files, %s, %s gz), then median %5.1f ms", q, status, cold, fetched, kbytes(raw), kbytes(gz), warm[len(warm)/2])
	}
	slices.Sort(coldMs)
	slices.Sort(warmMs)
	t.Logf("10,000 pages: median first query %.1f ms (max %.1f), median cached query %.1f ms (max %.1f)",
		coldMs[len(coldMs)/2], coldMs[len(coldMs)-1], warmMs[len(warmMs)/2], warmMs[len(warmMs)-1])
	if warmMs[len(warmMs)/2] > 1000 {
		t.Errorf("cached queries take %.0f ms (median)", warmMs[len(warmMs)/2])
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
