package output

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestMinifyPageEqualsMinify: whatever the markers' placement, minifying
// in pieces gives Minify's bytes (unsafe cuts fall back to the whole page).
func TestMinifyPageEqualsMinify(t *testing.T) {
	r := func(id, s string) string { return RegionStart(id) + s + RegionEnd(id) }
	nav := "<li class=\"x\"><a href=\"/a/\">A  title</a>\n</li>\n<li><a href=\"/b/\">B</a>\n</li>\n"
	cases := []struct {
		page string
		cut  bool // expected to be minified in pieces
	}{
		{"<!doctype html><html><body><nav>\n<ol>\n" + r("1", nav) + "<li class=active>cur</li>\n" + r("2", nav) + "\n</ol>\n</nav>\n<main> <p>x</p></main></body></html>", true},
		{"<ol>" + r("1", nav) + r("1", nav) + "</ol>", true},
		{"<p>a " + r("1", "b <span>x</span> ") + " c</p>", false},
		{"<div>" + r("1", "text only ") + "</div>", false},
		{"<pre>\n" + r("1", "<div>  keep   spaces  </div>\n") + "</pre>", false},
		{"<ol>\n" + r("1", "<li>x</li>\n<pre>") + "</pre></ol>", false},
		{"<ol>" + r("1", nav), false}, // no end marker
		{"<ol>" + RegionStart("1") + nav + RegionEnd("2") + "</ol>", false},
		{"<span title=\"<div x\">" + r("1", nav) + "</span>", false},
		{"<textarea>" + r("1", nav) + "</textarea>", false},
		{"<ul>\t\n " + r("1", "\n "+nav+" \n") + " \n</ul>", true},
		{"<svg><g>" + r("1", nav) + "</g></svg>", false},
		{"<script>let a = 1;\n" + r("1", "let b = 2;") + "</script><ol>" + r("2", nav) + "</ol>", false},
		// A region may start or end with a whole <pre>.
		{"<div>" + r("b", "<p>x</p>\n<pre>  a\n</pre>") + "</div><ol>" + r("2", nav) + "</ol>", true},
		{"<div>" + r("b", "<pre> a\n</pre>\n<p>x</p>") + "</div>", true},
		{"<pre>" + r("b", "<p>x</p>") + "</pre>", false},
		// Whole <pre> elements inside a region are fine.
		{"<div>\n" + r("b", "<p>x</p>\n<pre>  a  b\n</pre>\n<p>y  z</p>\n") + "</div>", true},
		{"<div>\n" + r("b", "<p>x</p>\n</pre>\n<p>y</p>\n") + "</div>", false},
		{"<p>keep <!-- a comment --> and <!--lectern-regionish--> x</p>" + "<ol>" + r("2", nav) + "</ol>", true},
	}
	for i, c := range cases {
		var memo RegionMemo
		m := NewMinifier()
		want, err := m.Minify("x.html", StripRegions([]byte(c.page)))
		if err != nil {
			t.Fatal(err)
		}
		want = bytes.Clone(want)
		got, err := m.MinifyPage("x.html", []byte(c.page), &memo)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("case %d: pieces\n %s\nwhole\n %s", i, got, want)
		}
		if cut := memo.Cuts() > 0; cut != c.cut {
			t.Errorf("case %d: cut %v, want %v", i, cut, c.cut)
		}
		if strings.Contains(string(got), "lectern-region") {
			t.Errorf("case %d: a marker survived: %s", i, got)
		}
	}
}

// FuzzMinifyPage puts two regions at random places of a random page and
// checks that minifying in pieces gives Minify's bytes.
func FuzzMinifyPage(f *testing.F) {
	f.Add("<div>\n<p>x</p>\n<pre>  a  b\n</pre>\n<p>y  z</p>\n</div><ol><li>a</li>\n<li>b</li></ol>", uint16(6), uint16(40), uint16(60), uint16(80))
	f.Add("<ul>\n<li><a href=\"/a/\">A  b</a></li>\n</ul><p>t <em>x</em> </p><pre>\n q</pre>", uint16(4), uint16(40), uint16(41), uint16(70))
	m := NewMinifier()
	f.Fuzz(func(t *testing.T, page string, a, b, c, d uint16) {
		n := uint16(len(page))
		if n == 0 || strings.Contains(page, "lectern-region") {
			return
		}
		a, b, c, d = a%n, b%n, c%n, d%n
		pos := []uint16{a, b, c, d}
		slices.Sort(pos)
		p := page[:pos[0]] + RegionStart("r1") + page[pos[0]:pos[1]] + RegionEnd("r1") +
			page[pos[1]:pos[2]] + RegionStart("r2") + page[pos[2]:pos[3]] + RegionEnd("r2") + page[pos[3]:]
		want, err := m.Minify("x.html", StripRegions([]byte(p)))
		if err != nil {
			return
		}
		want = bytes.Clone(want)
		var memo RegionMemo
		got, err := m.MinifyPage("x.html", []byte(p), &memo)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("page %q:\npieces %q\nwhole  %q", p, got, want)
		}
	})
}
