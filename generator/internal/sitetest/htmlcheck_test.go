package sitetest

import (
	"strings"
	"testing"
)

func TestCheckHTMLFindsProblems(t *testing.T) {
	page := `<html><head><title> </title></head><body>
<h1 id=a>One</h1><h3 id=a>Skip</h3><h1>Two</h1>
<img src="/x.png"><a href="/missing/">m</a><a href="/ok/#nope">f</a><a href="rel/">r</a><a href="https://example.com/">ext</a>
</body></html>`
	files := map[string]bool{"ok/index.html": true, "x.png": true}
	got := strings.Join(CheckHTML("p.html", []byte(page), "/", func(p string) bool { return files[p] },
		func(string) map[string]bool { return map[string]bool{"top": true} }), "\n")
	for _, want := range []string{
		"does not start with <!doctype html>",
		"empty <title>",
		"duplicate id \"a\"",
		"heading level skipped: <h3> after <h1>",
		"<img> without alt",
		`href="/missing/">: no such file`,
		`no id nope on ok/index.html`,
		`href="rel/">: relative URLs`,
		"<html> has no lang",
		"2 <h1> elements",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "example.com") {
		t.Errorf("external link checked:\n%s", got)
	}
}

func TestCheckHTMLAcceptsGoodPage(t *testing.T) {
	page := `<!doctype html><html lang=en><head><title>T</title></head><body><h1 id=top>T</h1><h2>S</h2><a href="/sub/#top">x</a><img src="/sub/a.png" alt=""></body></html>`
	files := map[string]bool{"index.html": true, "a.png": true}
	if got := CheckHTML("index.html", []byte(page), "/sub/", func(p string) bool { return files[p] },
		func(string) map[string]bool { return map[string]bool{"top": true} }); len(got) > 0 {
		t.Errorf("problems in a good page: %v", got)
	}
}
