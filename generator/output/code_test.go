package output

import (
	"bytes"
	"strings"
	"testing"
)

func TestAppendCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<pre class="chroma" tabindex="0"><code class="language-go" data-lang="go"><span class="line"><span class="cl"><span class="kd">func</span> <span class="nf">f</span>() {}
</span></span></code></pre>`,
			`<pre class=chroma tabindex=0><code class=language-go data-lang=go><span class=line><span class=cl><span class=kd>func</span> <span class=nf>f</span>() {}
</span></span></code></pre>`},
		{`<pre class="chroma" tabindex="0"><code><span class="line hl"><span class="ln">1</span>a &amp;&lt; "b"</span></code></pre>`,
			`<pre class=chroma tabindex=0><code><span class="line hl"><span class=ln>1</span>a &amp;&lt; "b"</span></code></pre>`},
		{`<pre class="chroma" tabindex="0"><code class="language-c++" data-lang="c++">x</code></pre>`,
			`<pre class=chroma tabindex=0><code class=language-c++ data-lang=c++>x</code></pre>`},
		// Refused: what the minifier would change, or markup that is not the highlighter's.
		{`<pre class="chroma" tabindex="0"><code><span class="">x</span></code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code><span class=" k">x</span></code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code><span class="a&amp;b">x</span></code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code><span title="k">x</span></code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code><span class="k">x</code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code><b>x</b></code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code>a</code></pre> `, ""},
		{`<pre class="chroma" tabindex="0"><code>a` + "\x00" + `</code></pre>`, ""},
		{`<pre class="chroma" tabindex="0"><code data-lang="a b">a</code></pre>`, ""},
		{`<pre><code>a</code></pre><pre><code>b</code></pre>`, ""},
		{`<pre class="chroma"><code><!-- a --></code></pre>`, ""},
	} {
		got, ok := appendCode(nil, []byte(tc.in))
		if tc.want == "" {
			if ok {
				t.Errorf("%q: accepted as %q", tc.in, got)
			}
			continue
		}
		if !ok || string(got) != tc.want {
			t.Errorf("%q:\ngot  %q (%v)\nwant %q", tc.in, got, ok, tc.want)
		}
		// The minifier agrees.
		m, err := NewMinifier().Minify("x.html", []byte(tc.in))
		if err != nil || string(m) != tc.want {
			t.Errorf("%q: the minifier writes %q (%v)", tc.in, m, err)
		}
	}
}

// FuzzMinifyCode builds a page from pieces of HTML and code blocks chosen by
// the fuzzer's bytes, and checks that minifying around the code blocks gives
// Minify's bytes.
func FuzzMinifyCode(f *testing.F) {
	f.Add([]byte{0, 8, 1, 2, 3, 9, 4, 5, 6, 7, 8, 0, 0}, "a  b &amp; c\n  d")
	f.Add([]byte{15, 8, 40, 41, 42, 7, 12, 9, 10, 11, 3, 14, 8}, "\t x\"'=`")
	m := NewMinifier()
	f.Fuzz(func(t *testing.T, shape []byte, text string) {
		page, blocks := codePage(shape, text)
		want, err := m.Minify("x.html", bytes.Clone(page)) // it may change its input
		if err != nil {
			return
		}
		want = bytes.Clone(want)
		got, at, err := m.appendMinifyCode(nil, "x.html", page, blocks)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("page %q (%d blocks apart):\naround code %q\nwhole       %q", page, len(at), got, want)
		}
		// Where the blocks stand in the output: each a whole minified block.
		prev := 0
		for _, r := range at {
			if r[0] < prev || r[1] > len(got) || !bytes.HasPrefix(got[r[0]:r[1]], []byte("<pre class=chroma tabindex=0><code")) ||
				!bytes.HasSuffix(got[r[0]:r[1]], []byte("</code></pre>")) {
				t.Fatalf("page %q: block at %v of %q", page, r, got)
			}
			prev = r[1]
		}
	})
}

// codePage writes HTML with code blocks whose tags and text shape and text
// choose, and returns it with the blocks' ranges. Text is escaped ("<"
// only), so that every block stands where a tag can.
func codePage(shape []byte, text string) ([]byte, [][2]int) {
	text = strings.ReplaceAll(text, "<", "&lt;")
	pieces := []string{"<p>", "</p>", " ", "\n", "<li>", "</li>", "<em>x</em> ", "<div>\n", "</div>",
		"<figure class=\"code\"><figcaption>t</figcaption>\n", "</figure>\n", "<br>", "<pre> a </pre>",
		"<textarea> z </textarea>", "<span> s </span>"}
	classes := []string{"k", "line", "cl", "line hl", "ln", "", " k", "k  x", "a&amp;b", "x'", "c=d", "nf", "a\u00a0b", "a/", "\x01", "k\tx"}
	var b strings.Builder
	var blocks [][2]int
	next := func() int {
		if len(shape) == 0 {
			return 0
		}
		c := int(shape[0])
		shape = shape[1:]
		return c
	}
	cut := func() string { // a piece of text
		n := next() % 8
		if n > len(text) {
			n = len(text)
		}
		s := text[:n]
		text = text[n:]
		return s
	}
	for len(shape) > 0 {
		c := next()
		if c%16 != 8 && c%16 != 9 {
			if c%5 == 4 {
				b.WriteString(cut())
			} else {
				b.WriteString(pieces[c%len(pieces)])
			}
			continue
		}
		start := b.Len()
		b.WriteString(`<pre class="chroma" tabindex="0"><code`)
		if c%16 == 9 {
			b.WriteString(` class="language-go" data-lang="go"`)
		}
		b.WriteString(">")
		depth := 0
		for k := next() % 12; k > 0; k-- {
			switch op := next(); op % 4 {
			case 0:
				b.WriteString(`<span class="` + classes[next()%len(classes)] + `">`)
				depth++
			case 1:
				if depth > 0 || op%8 == 5 { // sometimes one too many
					b.WriteString("</span>")
					depth--
				}
			default:
				b.WriteString(cut())
			}
		}
		for ; depth > 0; depth-- {
			b.WriteString("</span>")
		}
		b.WriteString("</code></pre>")
		blocks = append(blocks, [2]int{start, b.Len()})
	}
	return []byte(b.String()), blocks
}

// TestCodeBlocksOfChangedContent gives MinifyPage code blocks that do not
// match the region's content: a layout that changed the body. The page
// must come out as minified whole.
func TestCodeBlocksOfChangedContent(t *testing.T) {
	block := `<pre class="chroma" tabindex="0"><code><span class="k">x</span></code></pre>`
	content := "<p>a  b</p>\n" + block + "\n<p>c</p>"
	start := strings.Index(content, "<pre")
	right := [2]int{start, start + len(block)}
	m := NewMinifier()
	for name, tc := range map[string]struct {
		size   int
		blocks [][2]int
	}{
		"right":         {len(content), [][2]int{right}},
		"other size":    {len(content) + 1, [][2]int{right}},
		"shifted":       {len(content), [][2]int{{right[0] + 3, right[1] + 3}}},
		"in a tag":      {len(content), [][2]int{{1, 9}}},
		"out of bounds": {len(content), [][2]int{{start, len(content) + 5}}},
		"overlapping":   {len(content), [][2]int{right, {right[0] + 1, right[1]}}},
	} {
		page := "<div>\n" + RegionStart("b") + content + RegionEnd("b") + "\n</div>"
		want, err := m.Minify("x.html", []byte(StripRegions([]byte(page))))
		if err != nil {
			t.Fatal(err)
		}
		want = bytes.Clone(want)
		var memo RegionMemo
		memo.Code("b", tc.size, tc.blocks)
		got, err := m.MinifyPage("x.html", []byte(page), &memo)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
		if fast := memo.CodeBlocks(); fast != map[bool]int64{true: 1}[name == "right" || name == "overlapping"] {
			t.Errorf("%s: %d blocks by the fast path", name, fast)
		}
	}
}
