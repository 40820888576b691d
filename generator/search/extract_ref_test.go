package search

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/lectern/lectern/generator/internal/sitetest"
)

// extractRef is Extract as it was written first, with html.Token: the
// reference the low-level version must agree with.
func extractRef(body []byte) []Section {
	z := html.NewTokenizer(bytes.NewReader(body))
	var (
		secs    = []Section{{}}
		text    strings.Builder // the current section's prose
		heading strings.Builder
		inHead  atom.Atom // h2 or h3 being read as a section title
		skip    int       // depth inside an element left out
		skipTag atom.Atom
	)
	flush := func() {
		secs[len(secs)-1].Text = collapse(text.String())
		text.Reset()
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		a := tok.DataAtom
		if skip > 0 {
			// Left-out elements may nest (a quiz inside a quiz's form is not
			// expected, but a <span> inside an anchor is).
			switch {
			case tt == html.StartTagToken && a == skipTag && !selfClosing(a):
				skip++
			case tt == html.EndTagToken && a == skipTag:
				skip--
			}
			continue
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Template || a == atom.Svg || a == atom.Math || a == atom.Pre ||
				a == atom.Form && refHasClass(tok, "quiz") || a == atom.A && refHasClass(tok, "anchor"):
				if tt == html.StartTagToken {
					skip, skipTag = 1, a
				}
				continue
			case (a == atom.H2 || a == atom.H3) && refAttr(tok, "id") != "" && inHead == 0:
				flush()
				secs = append(secs, Section{ID: refAttr(tok, "id")})
				inHead = a
				heading.Reset()
				continue
			case a == atom.Img:
				// The alt text describes the image: searchable prose.
				if alt := refAttr(tok, "alt"); alt != "" {
					text.WriteString(" " + alt + " ")
				}
			}
			if isBreak(a) {
				refWrite(&text, &heading, inHead, " ")
			}
		case html.EndTagToken:
			if a == inHead && inHead != 0 {
				secs[len(secs)-1].Title = collapse(heading.String())
				inHead = 0
				continue
			}
			if isBreak(a) {
				refWrite(&text, &heading, inHead, " ")
			}
		case html.TextToken:
			refWrite(&text, &heading, inHead, tok.Data)
		}
	}
	if inHead != 0 {
		secs[len(secs)-1].Title = collapse(heading.String())
	}
	flush()
	return secs
}

func refAttr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func refHasClass(t html.Token, class string) bool {
	for _, c := range strings.Fields(refAttr(t, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

var extractSamples = []string{
	"",
	"<p>plain</p>",
	`<p>intro</p><h2 id="a">A <code>b</code><a class="anchor" href="#a">#</a></h2><p>x &amp; y</p><h3 id="c">C</h3>text`,
	`<pre class="chroma"><code><span class="k">func</span> <span>main</span></code></pre><p>after</p>`,
	`<form class="quiz other"><p>answer</p></form><FORM CLASS="QUIZ">kept?</FORM><p>x</p>`,
	`<img alt="a &lt;cat&gt;" src=x><img alt=""><IMG ALT="Upper">`,
	`<h2 id="x" id="y">dup</h2><h2>no id</h2><h3 id="">empty</h3>`,
	`<h2 id="u">unclosed <b>bold`,
	`<script>let a = "<p>";</script><style>p{}</style><svg><text>t</text></svg><template><p>t</p></template>`,
	`<a class="anchor"><span>in</span><a class="anchor">nested</a></a>after`,
	"<p>\x00nul</p><p>&#0;&#xD800;&nbsp;&unknown;</p>",
	`<pre><pre>x</pre>y</pre>z`,
	`<br/><hr/><input value="v"/><sup>1</sup>word`,
	"a<br/>b<p\nclass=x>c</p\n>d<li\tx>e<hr/>f<Td\f>g</TD\r>h<PRE/>i</pre>j<h2\nid=k>K</h2>",
	// What scan accepts, next to what it leaves to the tokenizer.
	`<P CLASS="x">up</P><input disabled/><input disabled /><img alt="cat"/>x<a class="anchor"/>kept<a href="y" class="anchor">gone</a>`,
	`<h2 ID="Up" id="second">t</h2><h3 id="">x</h3><h3 id="a&amp;b">amp</h3><img alt="a&b">`,
	`<!-- raw HTML omitted --><p>a</p><!-- other --><p>b</p>`,
	`<p>a<!-- raw HTML omitted -->b</p><!---->c<!-->d`,
	`<textarea><p>x</p></textarea><title>&amp;</title><p>y</p>`,
	`<p class="a"class="b">x</p><p class = "a">y</p><p class='a'>z</p><p class=a>w</p>`,
	`<form class="quiz"><pre>x</pre><form class="quiz">y</form>z</form>after<pre/>q<svg/>r`,
	`<p>1 < 2 and 3 > 2</p><p>a</><p>b</ p>c</p >`,
	`<p>&amp;&lt;&#233;&eacute&notit;</p><h2 id="h">A &amp; B</h2>`,
	`<a-b data-x="1">c</a-b><abcdefghijklmnopqrstuvwxyz>long</abcdefghijklmnopqrstuvwxyz><p2>x</p2>`,
	"<p>tab\there</p><p\tclass=\"x\">tab in tag</p><br\n/>n<img\nalt=\"nl\">",
	`<h2 id="x">unclosed <a class="anchor" href="#x">#`,
	`<div><p>no end`,
	`<p`,
	`<`,
	`</`,
	`<p a="`,
}

// TestExtractMatchesReference compares Extract with extractRef on hostile
// samples and on every page of the bundled course.
func TestExtractMatchesReference(t *testing.T) {
	bodies := append(append([]string(nil), extractSamples...), sitetest.BundledBodies(t, "../../content", 40)...)
	for _, b := range bodies {
		if got, want := Extract([]byte(b)), extractRef([]byte(b)); !reflect.DeepEqual(got, want) {
			t.Errorf("Extract(%.80q…):\n got %q\nwant %q", b, got, want)
		}
	}
}

// TestScanReadsConverterOutput: the fast scan reads every page of the
// bundled course (converted with raw HTML off, as the course is built) and
// the samples it should, so the comparisons above test it and the build
// gets its speed.
func TestScanReadsConverterOutput(t *testing.T) {
	bodies := append(sitetest.BundledBodies(t, "../../content", 40),
		"<p>plain</p>",
		`<p>intro</p><h2 id="a">A <code>b</code><a class="anchor" href="#a">#</a></h2><p>x &amp; y</p><h3 id="c">C</h3>text`,
		`<pre class="chroma"><code><span class="k">func</span> <span>main</span></code></pre><p>after</p>`,
		`<P CLASS="x">up</P><input disabled/><img alt="cat"/><!-- raw HTML omitted --><br />`,
	)
	for _, b := range bodies {
		x := newExtractor()
		if !x.scan([]byte(b)) {
			t.Errorf("scan left this body to the tokenizer:\n%.300q", b)
		}
	}
	for _, b := range []string{`<textarea>x</textarea>`, `<p class='a'>`, `<p>1 < 2</p>`, "<p>\r</p>", `<!-- other -->`, `<img alt="a&b">`} {
		x := newExtractor()
		if x.scan([]byte(b)) {
			t.Errorf("scan read %q, which it should leave to the tokenizer", b)
		}
	}
}

func FuzzExtractMatchesReference(f *testing.F) {
	for _, s := range extractSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b string) {
		if got, want := Extract([]byte(b)), extractRef([]byte(b)); !reflect.DeepEqual(got, want) {
			t.Errorf("Extract(%q):\n got %q\nwant %q", b, got, want)
		}
	})
}

func refWrite(text, heading *strings.Builder, inHead atom.Atom, s string) {
	if inHead != 0 {
		heading.WriteString(s)
	} else {
		text.WriteString(s)
	}
}
