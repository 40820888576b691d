package server

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/internal/browsertest"
)

// live starts a server with its watcher on a fresh site (plus extra files).
func live(t *testing.T, extra map[string]string) (root, url string) {
	t.Helper()
	root = t.TempDir()
	writeFiles(t, root, map[string]string{
		"site.yaml":            "title: Live\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\n## Part\n\nHello one.\n\n" + strings.Repeat("Filler paragraph to scroll.\n\n", 120),
		"content/01-m/02-b.md": "---\ntitle: B\n---\nB body.\n",
	})
	writeFiles(t, root, extra)
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	url = ts.URL + "/"
	s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true, BaseURL: url})
	ts.Config.Handler = s
	ctx, cancel := context.WithCancel(context.Background())
	if !s.Rebuild(ctx, nil) {
		t.Fatal("first build failed")
	}
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	t.Cleanup(func() {
		cancel()
		s.Shutdown()
		ts.Close()
		<-done
	})
	time.Sleep(50 * time.Millisecond) // the watcher is up
	return root, url
}

func step[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// edit is a browser action that changes a file on disk, for WaitEvent.
func edit(t *testing.T, path, data string) chromedp.Action[chromedp.Void] {
	return func(context.Context, *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, os.WriteFile(path, []byte(data), 0o644)
	}
}

func TestBrowserLiveReload(t *testing.T) {
	ctx := browsertest.Start(t)
	root, url := live(t, nil)
	lesson := filepath.Join(root, "content/01-m/01-a.md")

	step(t, ctx, "open the lesson", chromedp.Navigate(url+"m/a/"))
	if txt := step(t, ctx, "read", chromedp.Evaluate[string](`document.querySelector(".content").innerText`)); !strings.Contains(txt, "Hello one.") {
		t.Fatalf("page text %q", txt)
	}

	// Scroll down, edit the Markdown: the page reloads by itself, shows the
	// new text, and keeps its scroll position.
	step(t, ctx, "scroll", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 600)`))
	body := "---\ntitle: A\n---\n## Part\n\nHello two.\n\n" + strings.Repeat("Filler paragraph to scroll.\n\n", 120)
	step(t, ctx, "edit and wait for the reload", chromedp.WaitEvent(page.LoadEventFired, nil, edit(t, lesson, body)))
	if txt := step(t, ctx, "read after edit", chromedp.Poll[string](`document.querySelector(".content") && document.querySelector(".content").innerText.includes("Hello two.") && "ok"`)); txt != "ok" {
		t.Fatal("new text not shown")
	}
	y := step(t, ctx, "scroll position", chromedp.Poll[float64](`window.scrollY > 0 && window.scrollY`, chromedp.WithPollingTimeout(5*time.Second)))
	if y < 500 {
		t.Errorf("scroll position not kept: %v", y)
	}

	// Edit the CSS: the new style applies without a navigation.
	step(t, ctx, "mark the document", chromedp.Evaluate[chromedp.Void](`window.__lecternMark = 42`))
	if err := os.MkdirAll(filepath.Join(root, "assets/css"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "assets/css/main.css"), []byte("body{color:rgb(1, 2, 3)}"), 0o644); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "new style", chromedp.Poll[bool](`getComputedStyle(document.body).color === "rgb(1, 2, 3)"`))
	if mark := step(t, ctx, "same document", chromedp.Evaluate[int](`window.__lecternMark || 0`)); mark != 42 {
		t.Error("a CSS change reloaded the page instead of swapping the stylesheet")
	}

	// Break the front matter: the overlay names file:line; fix it: it goes.
	broken := "---\ntitle: A\nweight: x\n---\n## Part\n\nHello three.\n"
	step(t, ctx, "break and wait", chromedp.WaitEvent(page.LoadEventFired, nil, edit(t, lesson, broken)))
	overlay := step(t, ctx, "overlay", chromedp.Poll[string](`document.getElementById("lectern-errors") && document.getElementById("lectern-errors").innerText`))
	if !strings.Contains(overlay, "content/01-m/01-a.md:3:9") || !strings.Contains(overlay, "weight: x") {
		t.Errorf("overlay %q", overlay)
	}
	fixed := "---\ntitle: A\n---\n## Part\n\nHello four.\n"
	step(t, ctx, "fix and wait", chromedp.WaitEvent(page.LoadEventFired, nil, edit(t, lesson, fixed)))
	step(t, ctx, "fixed page", chromedp.Poll[bool](`!!document.querySelector(".content") && document.querySelector(".content").innerText.includes("Hello four.") && !document.getElementById("lectern-errors")`))

	// A broken link in another page: this page is not reloaded but shows the
	// overlay, and still updates when edited.
	if err := os.WriteFile(filepath.Join(root, "content/01-m/02-b.md"), []byte("---\ntitle: B\n---\n[gone](gone.md)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay = step(t, ctx, "overlay for B", chromedp.Poll[string](`document.getElementById("lectern-errors") && document.getElementById("lectern-errors").innerText`))
	if !strings.Contains(overlay, "content/01-m/02-b.md:4:1") {
		t.Errorf("overlay %q", overlay)
	}
	step(t, ctx, "edit A while B is broken", chromedp.WaitEvent(page.LoadEventFired, nil, edit(t, lesson, "---\ntitle: A\n---\nHello five.\n")))
	step(t, ctx, "A updated", chromedp.Poll[bool](`!!document.querySelector(".content") && document.querySelector(".content").innerText.includes("Hello five.")`))
}

// TestBrowserSwapsAnyStylesheet: a stylesheet linked as the docs show (no
// data-lectern-css) is swapped in place too; a change to one the page does
// not link reloads it; a page whose URL is not ASCII reloads when edited,
// also when opened as …/index.html.
func TestBrowserSwapsAnyStylesheet(t *testing.T) {
	ctx := browsertest.Start(t)
	root, url := live(t, map[string]string{
		"layouts/partials/head-end.html": `<link rel="stylesheet" href="{{asset "css/extra.css"}}">`,
		"assets/css/extra.css":           "main{color:rgb(0, 0, 1)}",
		"assets/css/unused.css":          "p{margin:0}",
		"content/01-m/03-café.md":        "---\ntitle: Café\n---\nCafé one.\n",
	})
	step(t, ctx, "open the lesson", chromedp.Navigate(url+"m/a/"))
	step(t, ctx, "extra style", chromedp.Poll[bool](`getComputedStyle(document.querySelector("main")).color === "rgb(0, 0, 1)"`))
	step(t, ctx, "mark the document", chromedp.Evaluate[chromedp.Void](`window.__lecternMark = 7`))
	if err := os.WriteFile(filepath.Join(root, "assets/css/extra.css"), []byte("main{color:rgb(0, 0, 2)}"), 0o644); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "new extra style", chromedp.Poll[bool](`getComputedStyle(document.querySelector("main")).color === "rgb(0, 0, 2)"`))
	if mark := step(t, ctx, "same document", chromedp.Evaluate[int](`window.__lecternMark || 0`)); mark != 7 {
		t.Error("a change to a stylesheet without data-lectern-css reloaded the page instead of swapping it")
	}
	step(t, ctx, "unused stylesheet changed: reload", chromedp.WaitEvent(page.LoadEventFired, nil, edit(t, filepath.Join(root, "assets/css/unused.css"), "p{margin:1px}")))
	if mark := step(t, ctx, "new document", chromedp.Evaluate[int](`window.__lecternMark || 0`)); mark != 0 {
		t.Error("a change to a stylesheet the page does not link neither swapped nor reloaded")
	}

	cafe := filepath.Join(root, "content/01-m/03-café.md")
	for i, u := range []string{url + "m/caf%C3%A9/", url + "m/caf%C3%A9/index.html"} {
		step(t, ctx, "open "+u, chromedp.Navigate(u))
		step(t, ctx, "café page", chromedp.Poll[bool](`!!document.querySelector(".content") && document.querySelector(".content").innerText.includes("Café")`))
		text := []string{"Café two.", "Café three."}[i]
		step(t, ctx, "edit café and wait for the reload", chromedp.WaitEvent(page.LoadEventFired, nil, edit(t, cafe, "---\ntitle: Café\n---\n"+text+"\n")))
		step(t, ctx, "café updated", chromedp.Poll[bool](`document.querySelector(".content").innerText.includes(`+strconv.Quote(text)+`)`))
	}
}
