package markdown

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestExtensions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		in      string
		want    []string
		notWant []string
	}{
		{name: "table", in: "| a | b |\n|---|--:|\n| 1 | 2 |\n",
			want: []string{"<table tabindex=\"0\">", "<th>a</th>", `<td style="text-align:right">2</td>`}},
		{name: "strikethrough", in: "~~gone~~\n", want: []string{"<del>gone</del>"}},
		{name: "linkify", in: "see https://go.dev and www.example.org\n",
			want: []string{`<a href="https://go.dev">https://go.dev</a>`, `<a href="http://www.example.org">www.example.org</a>`}},
		{name: "task list", in: "- [x] done\n- [ ] to do\n",
			want: []string{`<input checked="" disabled="" type="checkbox" aria-label="done"> done`, `<input disabled="" type="checkbox" aria-label="to do"> to do`}},
		{name: "footnote", in: "Claim[^1].\n\n[^1]: Source.\n",
			want: []string{`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`, `<li id="fn:1">`}},
		{name: "definition list", in: "HTTP\n: a protocol\n", want: []string{"<dl>\n<dt>HTTP</dt>\n<dd>a protocol</dd>\n</dl>"}},
		{name: "typographer on", opts: Options{Typographer: true}, in: "\"Don't\" -- wait...\n",
			want: []string{"&ldquo;Don&rsquo;t&rdquo; &ndash; wait&hellip;"}},
		{name: "typographer off", in: "\"Don't\" -- wait...\n", want: []string{"&quot;Don't&quot; -- wait..."}},
		{name: "heading attributes", in: "## Title {#custom-id .wide}\n",
			want: []string{`<h2 id="custom-id" class="wide">Title <a class="anchor" href="#custom-id"`}, notWant: []string{"{#"}},
		{name: "unsafe off", in: "a <b>bold</b>\n\n<div>block</div>\n",
			want: []string{"<!-- raw HTML omitted -->"}, notWant: []string{"<b>", "<div>"}},
		{name: "unsafe on", opts: Options{Unsafe: true}, in: "a <b>bold</b>\n\n<div>block</div>\n",
			want: []string{"<b>bold</b>", "<div>block</div>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustNew(t, tt.opts).Convert([]byte(tt.in), testSite)
			checkHTML(t, string(d.HTML), tt.want, tt.notWant)
		})
	}
}

func TestRawHTMLWarnsOnlyWhenDropped(t *testing.T) {
	src := "a <b>x</b> <!-- note -->\n\n<!--\nblock note\n-->\n"
	if got := diagStrings(src, mustNew(t, Options{}).Convert([]byte(src), nil)); len(got) != 2 {
		t.Errorf("unsafe off: want a warning per tag, got %q", got)
	}
	if got := mustNew(t, Options{Unsafe: true}).Convert([]byte(src), nil).Diags; len(got) != 0 {
		t.Errorf("unsafe on: want no diagnostics, got %v", got)
	}
}

func TestHeadings(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		headings []Heading
		ids      []string
		diags    []string
		want     []string
	}{
		{
			name:     "auto ids unique",
			in:       "# Intro\n\n## Intro\n\n## Intro\n",
			headings: []Heading{{1, "intro", "Intro"}, {2, "intro-1", "Intro"}, {2, "intro-2", "Intro"}},
			ids:      []string{"intro", "intro-1", "intro-2"},
		},
		{
			name:     "text without markup or anchor",
			in:       "## The `GET` *verb* and [REST](y.md)\n",
			headings: []Heading{{2, "the-get-verb-and-rest", "The GET verb and REST"}},
			want: []string{`<h2 id="the-get-verb-and-rest">The <code>GET</code> <em>verb</em> and <a href="/y/">REST</a> ` +
				`<a class="anchor" href="#the-get-verb-and-rest" aria-label="Link to section: The GET verb and REST">#</a></h2>`},
		},
		{
			name:     "unicode letters kept",
			in:       "## Über uns\n\n## 日本語\n",
			headings: []Heading{{2, "über-uns", "Über uns"}, {2, "日本語", "日本語"}},
			want:     []string{`<h2 id="über-uns">`, `href="#%C3%BCber-uns"`},
		},
		{
			name:     "explicit id wins over an earlier auto id",
			in:       "## Intro\n\n## Other {#intro}\n",
			headings: []Heading{{2, "intro-1", "Intro"}, {2, "intro", "Other"}},
		},
		{
			name:     "auto id steps around an earlier explicit id",
			in:       "## Other {#intro}\n\n## Intro\n",
			headings: []Heading{{2, "intro", "Other"}, {2, "intro-1", "Intro"}},
		},
		{
			name:     "two equal explicit ids",
			in:       "## A {#x}\n\n## B {#x}\n",
			headings: []Heading{{2, "x", "A"}, {2, "x-1", "B"}},
			diags:    []string{`3:1 error: duplicate id "x": an earlier element of this page has it too`},
		},
		{
			name:     "setext, empty and escaped",
			in:       "Setext *one*\n============\n\n##\n\n## a \\* b &amp; c\n",
			headings: []Heading{{1, "setext-one", "Setext one"}, {2, "heading", ""}, {2, "a--b--c", "a * b & c"}},
			diags:    []string{"1:1 warning: level-1 heading in the body: the title is the page's only <h1>; use ## for sections"},
			want:     []string{`aria-label="Link to this section"`, `aria-label="Link to section: a * b &amp; c"`},
		},
		{
			name:     "typographer text",
			in:       "## Don't panic\n",
			headings: []Heading{{2, "dont-panic", "Don’t panic"}},
		},
		{
			name:     "ids include footnotes",
			in:       "## Notes\n\nA[^a] b[^a].\n\n[^a]: x\n",
			headings: []Heading{{2, "notes", "Notes"}},
			ids:      []string{"notes", "fnref:1", "fnref1:1", "fn:1"},
		},
		{
			name:     "headings in callouts and lists",
			in:       "> [!NOTE]\n> ## Inside\n\n- ## Item\n",
			headings: []Heading{{2, "inside", "Inside"}, {2, "item", "Item"}},
		},
	}
	c := mustNew(t, Options{Typographer: true})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Convert([]byte(tt.in), testSite)
			if !reflect.DeepEqual(d.Headings, tt.headings) {
				t.Errorf("headings\ngot  %+v\nwant %+v", d.Headings, tt.headings)
			}
			ids := tt.ids
			if ids == nil {
				for _, h := range tt.headings {
					ids = append(ids, h.ID)
				}
			}
			if !reflect.DeepEqual(d.IDs, ids) {
				t.Errorf("ids: got %q, want %q", d.IDs, ids)
			}
			if got := diagStrings(tt.in, d); !reflect.DeepEqual(got, tt.diags) {
				t.Errorf("diags: got %q, want %q", got, tt.diags)
			}
			checkHTML(t, string(d.HTML), tt.want, nil)
			if n := strings.Count(string(d.HTML), `class="anchor"`); n != len(tt.headings) {
				t.Errorf("%d anchors for %d headings", n, len(tt.headings))
			}
		})
	}
}

func TestCallouts(t *testing.T) {
	for _, k := range []struct{ marker, class, title string }{
		{"NOTE", "note", "Note"}, {"TIP", "tip", "Tip"}, {"IMPORTANT", "important", "Important"},
		{"WARNING", "warning", "Warning"}, {"CAUTION", "caution", "Caution"}, {"EXERCISE", "exercise", "Exercise"},
	} {
		t.Run(k.marker, func(t *testing.T) {
			src := "> [!" + k.marker + "]\n> Body *text*.\n"
			d := mustNew(t, Options{}).Convert([]byte(src), nil)
			want := `<div class="callout callout-` + k.class + `" role="note">` + "\n" +
				`<p class="callout-title">` + k.title + "</p>\n<p>Body <em>text</em>.</p>\n</div>\n"
			if string(d.HTML) != want {
				t.Errorf("got\n%s\nwant\n%s", d.HTML, want)
			}
		})
	}
	for _, k := range []struct{ marker, class, title string }{{"HINT", "hint", "Hint"}, {"SOLUTION", "solution", "Solution"}} {
		t.Run(k.marker, func(t *testing.T) {
			src := "> [!" + k.marker + "]\n> Body.\n"
			d := mustNew(t, Options{}).Convert([]byte(src), nil)
			want := `<details class="callout callout-` + k.class + `">` + "\n<summary>" + k.title + "</summary>\n<p>Body.</p>\n</details>\n"
			if string(d.HTML) != want {
				t.Errorf("got\n%s\nwant\n%s", d.HTML, want)
			}
		})
	}

	tests := []struct {
		name    string
		in      string
		want    []string
		notWant []string
		diags   []string
	}{
		{name: "custom title with markup", in: "> [!TIP] Use *EXPLAIN* first\n> Then read the plan.\n",
			want:    []string{`<p class="callout-title">Use <em>EXPLAIN</em> first</p>` + "\n<p>Then read the plan.</p>"},
			notWant: []string{"[!", "TIP"}},
		{name: "custom title in summary", in: "> [!solution] Worked answer\n> 42\n",
			want: []string{"<summary>Worked answer</summary>\n<p>42</p>"}},
		{name: "marker alone", in: "> [!Warning]\n", want: []string{`<div class="callout callout-warning" role="note">` + "\n" + `<p class="callout-title">Warning</p>` + "\n</div>"}},
		{name: "case-insensitive", in: "> [!note]\n> x\n", want: []string{"callout-note"}},
		{name: "nested", in: "> [!EXERCISE]\n> Try it.\n>\n> > [!HINT]\n> > Think.\n> >\n> > > [!SOLUTION]\n> > > Done.\n",
			want:    []string{`<div class="callout callout-exercise" role="note">`, "<p>Try it.</p>\n<details class=\"callout callout-hint\">\n<summary>Hint</summary>\n<p>Think.</p>\n<details class=\"callout callout-solution\">\n<summary>Solution</summary>\n<p>Done.</p>\n</details>\n</details>\n</div>"},
			notWant: []string{"<blockquote>", "[!"}},
		{name: "body with any markdown", in: fence("> [!NOTE]\n> - one\n> - two\n>\n> ~~~go\n> x := 1\n> ~~~\n"),
			want: []string{"<ul>\n<li>one</li>", `<code class="language-go"`}},
		{name: "unknown marker", in: "> [!FOO]\n> text\n",
			want:  []string{"<blockquote>\n<p>[!FOO]\ntext</p>\n</blockquote>"},
			diags: []string{`1:3 warning: unknown callout type "[!FOO]", rendered as a blockquote (known: NOTE, TIP, IMPORTANT, WARNING, CAUTION, EXERCISE, HINT, SOLUTION)`}},
		{name: "not on the first line", in: "> text\n> [!NOTE]\n", want: []string{"<blockquote>"}},
		{name: "marker glued to text", in: "> [!NOTE]text\n", want: []string{"<blockquote>"}},
		{name: "escaped marker", in: "> \\[!NOTE]\n", want: []string{"<blockquote>\n<p>[!NOTE]</p>"}},
		{name: "marker that is a link", in: "> [!NOTE](y.md)\n", want: []string{"<blockquote>", `<a href="/y/">!NOTE</a>`}},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Convert([]byte(tt.in), testSite)
			checkHTML(t, string(d.HTML), tt.want, tt.notWant)
			if got := diagStrings(tt.in, d); !reflect.DeepEqual(got, tt.diags) {
				t.Errorf("diags: got %q, want %q", got, tt.diags)
			}
		})
	}
}

func TestCodeBlocks(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		notWant []string
		diags   []string
	}{
		{name: "language", in: "~~~go\nfunc main() {}\n~~~\n",
			want:    []string{`<pre class="chroma" tabindex="0"><code class="language-go" data-lang="go"><span class="line"><span class="cl"><span class="kd">func</span>`},
			notWant: []string{"<figure"}},
		{name: "no language is plain text", in: "~~~\nfunc <b>\n~~~\n",
			want: []string{`<pre class="chroma" tabindex="0"><code><span class="line"><span class="cl">func &lt;b&gt;` + "\n</span></span></code></pre>"}},
		{name: "unknown language is plain text", in: "~~~nosuchlang\nfunc x\n~~~\n",
			want: []string{`<code class="language-nosuchlang" data-lang="nosuchlang"><span class="line"><span class="cl">func x` + "\n</span>"}},
		{name: "no guessing", in: "~~~\n#!/bin/sh\necho hi\n~~~\n", notWant: []string{`class="c1"`, `class="ch"`, `class="nb"`}},
		{name: "quiz is no code block", in: "~~~quiz\n? Q\n- [x] A\n~~~\n",
			want: []string{`<form class="quiz"`}, notWant: []string{"<pre", "language-quiz"}},
		{name: "indented", in: "    x := 1\n", want: []string{`<pre class="chroma" tabindex="0"><code><span class="line"><span class="cl">x := 1`}},
		{name: "title", in: "~~~go {title=\"main.go\"}\nx\n~~~\n",
			want: []string{"<figure class=\"code\"><figcaption>main.go</figcaption>\n<pre class=\"chroma\" tabindex=\"0\"><code class=\"language-go\"", "</code></pre>\n</figure>\n"}},
		{name: "title escaped", in: "~~~ {title=\"<a> & b\"}\nx\n~~~\n", want: []string{"<figcaption>&lt;a&gt; &amp; b</figcaption>"}},
		{name: "hl_lines range", in: "~~~go {hl_lines=\"2-3\"}\na\nb\nc\nd\n~~~\n",
			want: []string{`<span class="line"><span class="cl"><span class="nx">a`, `<span class="line hl"><span class="cl"><span class="nx">b`, `<span class="line hl"><span class="cl"><span class="nx">c`, `<span class="line"><span class="cl"><span class="nx">d`}},
		{name: "hl_lines list", in: "~~~ {hl_lines=\"1,3-4\"}\na\nb\nc\nd\n~~~\n",
			want: []string{`<span class="line hl"><span class="cl">a`, `<span class="line"><span class="cl">b`, `<span class="line hl"><span class="cl">c`, `<span class="line hl"><span class="cl">d`}},
		{name: "hl_lines number and array", in: "~~~ {hl_lines=2}\na\nb\n~~~\n\n~~~ {hl_lines=[1, \"3\"]}\na\nb\nc\n~~~\n",
			want: []string{`<span class="line"><span class="cl">a` + "\n</span></span><span class=\"line hl\"><span class=\"cl\">b",
				`<span class="line hl"><span class="cl">a` + "\n</span></span><span class=\"line\"><span class=\"cl\">b\n</span></span><span class=\"line hl\"><span class=\"cl\">c"}},
		{name: "linenos", in: "~~~go {linenos=true}\na\nb\n~~~\n", want: []string{`<span class="ln">1</span>`, `<span class="ln">2</span>`}},
		{name: "bad hl_lines", in: "Text.\n\n  ~~~go {hl_lines=\"x\"}\n  a\n  ~~~\n",
			want:  []string{`<span class="line"><span class="cl"><span class="nx">a`},
			diags: []string{`3:3 error: bad hl_lines "x": want line numbers and ranges such as "3-5" or "1,3-5"`}},
		{name: "bad ranges", in: "~~~ {hl_lines=\"3-1\"}\na\n~~~\n~~~ {hl_lines=0}\na\n~~~\n",
			diags: []string{`1:1 error: bad hl_lines "3-1": want line numbers and ranges such as "3-5" or "1,3-5"`,
				`4:1 error: bad hl_lines 0: want line numbers and ranges such as "3-5" or "1,3-5"`}},
		{name: "hl_lines past the end", in: "~~~ {hl_lines=\"2-9\"}\na\nb\n~~~\n",
			diags: []string{`1:1 warning: hl_lines "2-9" goes past the last line of the block (2)`}},
		{name: "unknown option and bad block", in: "~~~go {lines=3}\na\n~~~\n\n~~~go {title=}\na\n~~~\n",
			diags: []string{`1:1 warning: unknown code block option "lines" (known: title, hl_lines, linenos, check)`,
				`5:1 error: cannot read code block options {title=}: want {title="…" hl_lines="1,3-5" linenos=true check=compile}`}},
		{name: "bad linenos", in: "~~~go {linenos=\"yes\"}\na\n~~~\n", diags: []string{`1:1 error: bad linenos "yes": want true or false`}},
		{name: "free words after the language", in: "~~~go some words\na\n~~~\n", want: []string{`class="language-go"`}},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fence(tt.in)
			d := c.Convert([]byte(src), nil)
			checkHTML(t, string(d.HTML), tt.want, tt.notWant)
			if got := diagStrings(src, d); !reflect.DeepEqual(got, tt.diags) {
				t.Errorf("diags: got %q, want %q", got, tt.diags)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []string
		refs  []string // "line:col target#fragment"
		diags []string
	}{
		{name: "relative .md", in: "[REST](../02-apis/01-rest.md)\n", want: []string{`<a href="/apis/rest/">REST</a>`}},
		{name: "site-absolute", in: "[REST](/apis/rest/)\n", want: []string{`<a href="/apis/rest/">REST</a>`}},
		{name: "fragment and query", in: "[verbs](../02-apis/01-rest.md?v=1#Verbs%20%C3%BC)\n",
			want: []string{`<a href="/apis/rest/?v=1#Verbs%20%C3%BC">verbs</a>`},
			refs: []string{"1:1 apis/rest#Verbs ü"}},
		{name: "raw unicode fragment re-encoded", in: "[x](intro.md#über)\n",
			want: []string{`<a href="/basics/intro/#%C3%BCber">x</a>`}, refs: []string{"1:1 basics/intro#über"}},
		{name: "same page fragment", in: "see [above](#setup)\n", want: []string{`<a href="#setup">above</a>`}, refs: []string{"1:5 #setup"}},
		{name: "bare # is no fragment", in: "[top](#)\n", want: []string{`<a href="#">top</a>`}},
		{name: "percent-decoded path", in: "[a](my%20notes.md) [b](<my notes.md>)\n",
			want: []string{`<a href="/basics/my-notes/">a</a> <a href="/basics/my-notes/">b</a>`}},
		{name: "reference style reports the use", in: "Intro.\n\nSee [REST][r] and [again][r].\n\n[r]: ../02-apis/01-rest.md#verbs\n",
			want: []string{`<a href="/apis/rest/#verbs">REST</a>`},
			refs: []string{"3:5 apis/rest#verbs", "3:19 apis/rest#verbs"}},
		{name: "reference to a missing page", in: "[x][bad]\n\n[bad]: nope.md\n",
			diags: []string{`1:1 error: link to "nope.md": no such page`}},
		{name: "external untouched", in: "[a](https://go.dev/doc#x) [b](mailto:a@b.c) [c](//cdn.example/x.md) [d](HTTP://X)\n",
			want: []string{`href="https://go.dev/doc#x"`, `href="mailto:a@b.c"`, `href="//cdn.example/x.md"`, `href="HTTP://X"`}},
		{name: "autolinks untouched", in: "<https://go.dev/#x> <a@b.org> www.go.dev\n",
			want: []string{`<a href="https://go.dev/#x">`, `<a href="mailto:a@b.org">`, `<a href="http://www.go.dev">`}},
		{name: "javascript neutralised", in: "[x](javascript:alert(1)) ![y](javascript:alert(1))\n",
			want: []string{`<a href="">x</a>`, `<img src="" alt="y"`}},
		{name: "missing page", in: "é [x](missing.md)\n", want: []string{`<a href="missing.md">x</a>`},
			diags: []string{`1:3 error: link to "missing.md": no such page`}},
		{name: "file fragment not checked", in: "[p](slides.pdf#page=2)\n", want: []string{`href="/basics/slides.pdf#page=2"`}},
		{name: "image", in: "![A diagram](diagram.svg \"Fig\")\n",
			want: []string{`<img src="/basics/intro/diagram.svg" alt="A diagram" title="Fig" loading="lazy" decoding="async">`}},
		{name: "image without alt", in: "Text ![](diagram.svg)\n",
			diags: []string{"1:6 warning: image without alt text (add a description between the brackets)"}},
		{name: "missing image", in: "![x](nope.png)\n", diags: []string{`1:1 error: image "nope.png" not found`}},
		{name: "escapes in destination", in: "[x](y.md?a=1&amp;b=\\*)\n", want: []string{`<a href="/y/?a=1&amp;b=*">x</a>`}},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Convert([]byte(tt.in), testSite)
			checkHTML(t, string(d.HTML), tt.want, nil)
			var refs []string
			for _, r := range d.Refs {
				refs = append(refs, fmt.Sprintf("%s %s#%s", pos(tt.in, r.Offset), r.Target, r.Fragment))
			}
			if !reflect.DeepEqual(refs, tt.refs) {
				t.Errorf("refs: got %q, want %q", refs, tt.refs)
			}
			if got := diagStrings(tt.in, d); !reflect.DeepEqual(got, tt.diags) {
				t.Errorf("diags: got %q, want %q", got, tt.diags)
			}
		})
	}
}

func TestNilResolverLeavesLinks(t *testing.T) {
	d := mustNew(t, Options{}).Convert([]byte("[a](x.md#f) [b](#g)\n"), nil)
	checkHTML(t, string(d.HTML), []string{`<a href="x.md#f">a</a>`}, nil)
	if len(d.Refs) != 1 || d.Refs[0].Fragment != "g" {
		t.Errorf("refs: %+v", d.Refs)
	}
}

// TestOffsets checks that link offsets are exact, as line:col, in the
// places goldmark's positions are easy to get wrong.
func TestOffsets(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[x](nope.md)\n", "1:1"},
		{"héllo wörld [x](nope.md)\n", "1:13"},
		{"日本語 ![x](nope.png)\n", "1:5"},
		{">\t[x](nope.md)\n", "1:3"},
		{"- >\t[x](nope.md)\n", "1:5"},
		{">\t>\t[x](nope.md)\n", "1:5"},
		{"> a\n>\t[x](nope.md)\n", "2:3"},
		{"1.\t>\t[x](nope.md)\n", "1:6"},
		{"- a\n\n\tb [x](nope.md)\n", "3:4"},
		{"| a | b |\n|---|---|\n| 1 | é [x](nope.md) |\n", "3:9"},
		{"Term\n: def [x](nope.md)\n", "2:7"},
		{"x[^1]\n\n[^1]: see [x](nope.md)\n", "3:11"},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		d := c.Convert([]byte(tt.in), testSite)
		if len(d.Diags) != 1 {
			t.Errorf("%q: want one diagnostic, got %+v", tt.in, d.Diags)
			continue
		}
		if got := pos(tt.in, d.Diags[0].Offset); got != tt.want {
			t.Errorf("%q: at %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestInline(t *testing.T) {
	tests := []struct {
		opts       Options
		in         string
		html, text string
	}{
		{Options{}, "Use *EXPLAIN* `first`", "Use <em>EXPLAIN</em> <code>first</code>", "Use EXPLAIN first"},
		{Options{}, "1. Basics", "1. Basics", "1. Basics"},
		{Options{}, "# Not a heading", "# Not a heading", "# Not a heading"},
		{Options{}, "  a & b <i>x</i> ~~y~~  ", "a &amp; b <!-- raw HTML omitted -->x<!-- raw HTML omitted --> <del>y</del>", "a & b x y"},
		{Options{Unsafe: true}, "a <i>x</i>", "a <i>x</i>", "a x"},
		{Options{Typographer: true}, "\"Don't\"", "&ldquo;Don&rsquo;t&rdquo;", "“Don’t”"},
		{Options{}, "[a]: b", "[a]: b", "[a]: b"},
		{Options{}, "", "", ""},
	}
	for _, tt := range tests {
		html, text := mustNew(t, tt.opts).Inline([]byte(tt.in))
		if string(html) != tt.html || text != tt.text {
			t.Errorf("Inline(%q) = %q, %q; want %q, %q", tt.in, html, text, tt.html, tt.text)
		}
	}
}

func TestCSS(t *testing.T) {
	css := string(mustNew(t, Options{}).CSS())
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark) {\n")
	if !ok {
		t.Fatalf("no dark media query in\n%s", css)
	}
	inMedia, outside, _ := strings.Cut(dark, "}\n[data-theme=dark]")
	checkHTML(t, light, []string{".chroma { color: #000000; background-color: #ffffff;", ".chroma .k { color: #5317ac }"}, []string{"data-theme"})
	checkHTML(t, inMedia, []string{":root:not([data-theme=light]) .chroma .k { color: #b6a0ff }"}, nil)
	checkHTML(t, "[data-theme=dark]"+outside, []string{"[data-theme=dark] .chroma .k { color: #b6a0ff }"}, nil)
	if again := string(mustNew(t, Options{}).CSS()); again != css {
		t.Error("CSS differs between two converters")
	}
}

// TestCSSDarkCoversLight: in dark mode every selector must end up with the
// dark style's own rule, or a reset where the dark style has none: a token
// coloured only by the light style must not keep its light colour.
func TestCSSDarkCoversLight(t *testing.T) {
	const reset = "color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: inherit"
	for _, pair := range [][2]string{{"modus-operandi", "modus-vivendi"}, {"github", "github-dark"}, {"solarized-light", "monokai"}} {
		css := string(mustNew(t, Options{HighlightLight: pair[0], HighlightDark: pair[1]}).CSS())
		light, dark, _ := strings.Cut(css, "@media")
		scoped := map[string]string{}
		for _, r := range cssRules(dark) {
			if sel, ok := strings.CutPrefix(r[0], "[data-theme=dark] "); ok {
				scoped[sel] = r[1]
			}
		}
		own := ownRules(t, pair[1])
		for _, r := range cssRules(light) {
			effective, ok := scoped[r[0]]
			if !ok {
				effective = r[1]
			}
			want, ok := own[r[0]]
			if !ok {
				want = reset
			}
			if effective != want {
				t.Errorf("%v: %s in dark mode: %q, want %q", pair, r[0], effective, want)
			}
		}
	}
}

// ownRules are the rules chroma writes for style alone, by selector.
func ownRules(t *testing.T, style string) map[string]string {
	css := string(mustNew(t, Options{HighlightLight: style, HighlightDark: style}).CSS())
	light, _, _ := strings.Cut(css, "@media")
	out := map[string]string{}
	for _, r := range cssRules(light) {
		out[r[0]] = r[1]
	}
	return out
}

func TestUnknownStyle(t *testing.T) {
	_, err := New(Options{HighlightDark: "no-such-style"})
	if err == nil || !strings.Contains(err.Error(), `unknown highlight style "no-such-style"`) {
		t.Errorf("err = %v", err)
	}
}

// TestConcurrentConvert runs many conversions at once (go test -race) and
// checks each gives the same bytes as a lone run.
func TestConcurrentConvert(t *testing.T) {
	c := mustNew(t, Options{Typographer: true})
	srcs := []string{
		fence("# T\n\n> [!TIP] x\n> ~~~go {hl_lines=\"1\" title=\"a.go\"}\n> package a\n> ~~~\n"),
		"## A\n\n[x](../02-apis/01-rest.md#v) ![d](diagram.svg)\n\n| a |\n|---|\n| b |\n",
		"x[^1] ~~y~~ www.go.dev\n\n[^1]: z\n\n- [x] t\n",
		fence("~~~python {linenos=true}\ndef f(): pass\n~~~\n\n~~~rust\nfn main() {}\n~~~\n"),
		fence("## Quiz 1\n\n~~~quiz\n? *Q* [x](intro.md#a)\n- [x] `a`\n- [ ] b\n> why\n~~~\n"),
	}
	want := make([]*Doc, len(srcs))
	for i, s := range srcs {
		want[i] = c.Convert([]byte(s), testSite)
	}
	c = mustNew(t, Options{Typographer: true}) // cold: goldmark and chroma set up lazily
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 32 {
		wg.Go(func() {
			for j := range 20 {
				i := (g + j) % len(srcs)
				got := c.Convert([]byte(srcs[i]), testSite)
				if !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("source %d: got %s, want %s", i, got.HTML, want[i].HTML)
				}
				c.Inline([]byte("*x*"))
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

type panicky struct{}

func (panicky) Resolve(string, bool) (string, string, error) { panic("boom") }

func TestConvertNeverPanics(t *testing.T) {
	d := mustNew(t, Options{}).Convert([]byte("[x](y.md)\n"), panicky{})
	if len(d.Diags) != 1 || !strings.Contains(d.Diags[0].Msg, "boom") || d.Diags[0].Warning {
		t.Errorf("diags = %+v", d.Diags)
	}
}

// TestPathological feeds inputs known to be slow in some Markdown parsers;
// each must finish quickly.
func TestPathological(t *testing.T) {
	n := 10000
	inputs := map[string]string{
		"nested quotes":   strings.Repeat(">", n) + " [!NOTE]\n",
		"nested callouts": strings.Repeat("> [!NOTE]\n", 2000),
		"nested lists":    strings.Repeat("- ", 2000) + "x\n",
		"brackets":        strings.Repeat("[", n) + strings.Repeat("]", n),
		// goldmark alone is quadratic here (each "(" scans to the end of
		// the line): limits.go keeps it linear (see TestLinearTime).
		"link openers":     strings.Repeat("[a](", 20000),
		"emphasis":         strings.Repeat("*a **b ", n),
		"backticks":        strings.Repeat("`a``", n),
		"many headings":    strings.Repeat("## Same\n", n),
		"many ids":         strings.Repeat("## Same {#same}\n", 2000),
		"table":            "| a |\n|---|\n" + strings.Repeat("| [x](#y) |\n", n),
		"entities":         strings.Repeat("&amp;", n),
		"callout markers":  strings.Repeat("> [!TIP] "+strings.Repeat("*x* ", 100)+"\n", 200),
		"unclosed fence":   "```go {hl_lines=\"1-100000000\"}\n" + strings.Repeat("x\n", n),
		"footnotes":        strings.Repeat("a[^1] ", n) + "\n\n[^1]: b\n",
		"invalid utf-8":    strings.Repeat("\xff\xfe [x](\xff.md) # \xc0\n", 1000),
		"nul and controls": strings.Repeat("\x00\x01\r\n", n),
	}
	limit := 2 * time.Second // each takes well under 0.5 s
	if raceEnabled {
		limit *= 10
	}
	c := mustNew(t, Options{Typographer: true})
	for name, in := range inputs {
		start := time.Now()
		d := c.Convert([]byte(in), testSite)
		if el := time.Since(start); el > limit {
			t.Errorf("%s: %v", name, el)
		}
		for _, g := range d.Diags {
			if strings.Contains(g.Msg, "internal error") {
				t.Errorf("%s: %s", name, g.Msg)
			}
		}
	}
}

// FuzzConvert converts any string (also invalid UTF-8, which content.Parse
// refuses before conversion in a build) and checks the Doc's promises:
// offsets inside the body, links pointing at their '[' or '!', every link the
// Resolver refused reported as an error, fragments recorded, heading ids
// unique and listed, no <script> with raw HTML off, UTF-8 in → UTF-8 out, and
// the same output for the same input. Seeds: f.Add below plus
// testdata/fuzz/FuzzConvert.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"# a {#b}\n\n> [!TIP] t\n> x\n",
		fence("~~~go {hl_lines=\"1-2\" title=\"x\"}\na\n~~~\n"),
		"[a](b.md#c) ![](d.png) [e][f]\n\n[f]: g.md\n",
		">\t[x](y.md)\n",
		"- [x] a\n\nx[^1]\n\n[^1]: y\n",
		fence("## Quiz 1\n\n~~~quiz\n? *Q* [a](y.md#b)\n- [ ] `x`\n- [x] y\n> z\n\n- [ ] w\n~~~\n"),
		"[a](intro.md#caf%C3%A9) [b](#%zz) [c](?q#f) [d](<my notes.md#x y>) [e](#)\n",
		"<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](&#x6A;avascript:1) <SCRIPT>\n",
		"> - 1. > [!NOTE]\n>   >   [deep](nope.md#z)\n",
	} {
		f.Add(s)
	}
	c := mustNew(f, Options{Typographer: true})
	f.Fuzz(func(t *testing.T, s string) {
		rec := &failures{r: testSite}
		d := c.Convert([]byte(s), rec)
		reported := map[string]bool{}
		for _, g := range d.Diags {
			if strings.Contains(g.Msg, "internal error") {
				t.Fatal(g.Msg)
			}
			if g.Offset < 0 || g.Offset > len(s) {
				t.Fatalf("offset %d out of range", g.Offset)
			}
			if !g.Warning {
				reported[g.Msg] = true
			}
		}
		for _, msg := range rec.msgs {
			if !reported[msg] {
				t.Fatalf("unresolved link not reported: %s", msg)
			}
		}
		for _, l := range d.Links {
			if l.Offset < 0 || l.Offset >= len(s) || !strings.ContainsRune("[!", rune(s[l.Offset])) {
				t.Fatalf("link offset %d does not point at '[' or '!'", l.Offset)
			}
		}
		for _, r := range d.Refs {
			if r.Offset < 0 || r.Offset >= len(s) || r.Fragment == "" {
				t.Fatalf("bad ref %+v", r)
			}
		}
		ids := slices.Clone(d.IDs)
		slices.Sort(ids)
		for i := 1; i < len(ids); i++ {
			if ids[i] == ids[i-1] {
				t.Fatalf("duplicate id %q", ids[i])
			}
		}
		for _, h := range d.Headings {
			if _, ok := slices.BinarySearch(ids, h.ID); !ok {
				t.Fatalf("heading id %q not in IDs", h.ID)
			}
		}
		if i := strings.Index(strings.ToLower(string(d.HTML)), "<script"); i >= 0 {
			t.Fatalf("<script> with raw HTML off: %q", d.HTML[i:])
		}
		if utf8.ValidString(s) && !utf8.Valid(d.HTML) {
			t.Fatalf("UTF-8 in, not UTF-8 out: %q", d.HTML)
		}
		if d2 := c.Convert([]byte(s), testSite); !bytes.Equal(d.HTML, d2.HTML) {
			t.Fatalf("two conversions differ:\n%s\n%s", d.HTML, d2.HTML)
		}
	})
}

// failures is a Resolver that numbers the errors of r, so each one can be
// found among the diagnostics.
type failures struct {
	r    Resolver
	msgs []string
}

func (f *failures) Resolve(path string, image bool) (string, string, error) {
	href, target, err := f.r.Resolve(path, image)
	if err != nil {
		err = fmt.Errorf("failure #%d: %w", len(f.msgs), err)
		f.msgs = append(f.msgs, err.Error())
	}
	return href, target, err
}
