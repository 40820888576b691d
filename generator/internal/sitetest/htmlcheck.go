package sitetest

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// CheckHTML parses a built page and returns what is wrong with it: no
// doctype, no lang, a missing or empty <title>, not exactly one <h1>, a
// skipped heading level, duplicate ids, an image without alt, an element
// that the tokenizer sees unclosed, a link or asset inside the site that
// exists (told by exists, given a path below the site root) nowhere, or a
// #fragment with no id. basePath is the site's base path ("/" or "/course/").
func CheckHTML(name string, page []byte, basePath string, exists func(path string) bool, ids func(path string) map[string]bool) []string {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	if !bytes.HasPrefix(bytes.ToLower(page), []byte("<!doctype html>")) {
		add("does not start with <!doctype html>")
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		add("does not parse: %v", err)
		return problems
	}
	redirect := bytes.Contains(page, []byte(`http-equiv=refresh`)) || bytes.Contains(page, []byte(`http-equiv="refresh"`))
	var (
		titles, h1s int
		lastLevel   int
		seen        = map[string]bool{}
		hasLang     bool
	)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := func(k string) (string, bool) {
				for _, a := range n.Attr {
					if a.Key == k {
						return a.Val, true
					}
				}
				return "", false
			}
			if id, ok := attr("id"); ok {
				if id == "" {
					add("empty id on <%s>", n.Data)
				} else if seen[id] {
					add("duplicate id %q", id)
				}
				seen[id] = true
			}
			switch n.DataAtom {
			case atom.Html:
				if l, ok := attr("lang"); ok && l != "" {
					hasLang = true
				}
			case atom.Title:
				if n.Namespace == "svg" {
					break // an SVG's accessible name, not the page's title
				}
				titles++
				if n.FirstChild == nil || strings.TrimSpace(n.FirstChild.Data) == "" {
					add("empty <title>")
				}
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				level := int(n.Data[1] - '0')
				if level == 1 {
					h1s++
				}
				if lastLevel > 0 && level > lastLevel+1 {
					add("heading level skipped: <h%d> after <h%d>", level, lastLevel)
				}
				lastLevel = level
			case atom.Img:
				if _, ok := attr("alt"); !ok {
					add("<img> without alt")
				}
			}
			for _, k := range []string{"href", "src"} {
				if v, ok := attr(k); ok {
					if msg := checkRef(v, basePath, name, exists, ids); msg != "" {
						add("<%s %s=%q>: %s", n.Data, k, v, msg)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !hasLang {
		add("<html> has no lang")
	}
	if titles != 1 {
		add("%d <title> elements", titles)
	}
	if h1s != 1 && !redirect {
		add("%d <h1> elements, want 1", h1s)
	}
	return problems
}

// checkRef checks a link inside the site; external links are not followed.
func checkRef(v, basePath, page string, exists func(string) bool, ids func(string) map[string]bool) string {
	u, err := url.Parse(v)
	if err != nil {
		return "not a URL"
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(v, "data:") {
		return ""
	}
	var target string
	switch {
	case u.Path == "":
		target = page
	case strings.HasPrefix(u.Path, basePath):
		target = strings.TrimPrefix(u.Path, basePath)
		if target == "" || strings.HasSuffix(target, "/") {
			target += "index.html"
		}
	case strings.HasPrefix(u.Path, "/"):
		return "outside the base path " + basePath
	default:
		return "relative URLs break when pages move; lectern writes site paths"
	}
	if !exists(target) {
		return "no such file in the site"
	}
	if u.Fragment != "" && ids != nil && strings.HasSuffix(target, ".html") {
		if !ids(target)[u.Fragment] {
			return "no id " + u.Fragment + " on " + target
		}
	}
	return ""
}

// IDs returns the id attributes of a page.
func IDs(page []byte) map[string]bool {
	out := map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if string(k) == "id" {
					out[string(v)] = true
				}
				if !more {
					break
				}
			}
		}
	}
}
