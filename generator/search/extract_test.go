package search

import (
	"reflect"
	"strings"
	"testing"
)

func TestExtractSplitsSectionsAtH2AndH3(t *testing.T) {
	body := `<p>Intro &amp; overview, caf&eacute; &#8220;quoted&#8221;.</p>
<h2 id="methods">Methods <a class="anchor" href="#methods" aria-label="Link to section: Methods">#</a></h2>
<p>A method is <strong>safe</strong> or <em>idempotent</em>.</p>
<h3 id="why-get-is-safe">Why <code>GET</code> is safe <a class="anchor" href="#why-get-is-safe" aria-label="Link to section: Why GET is safe">#</a></h3>
<p>Because <code>GET</code> is defined as safe.</p>
<h4 id="deeper">Deeper <a class="anchor" href="#deeper">#</a></h4>
<p>Still the h3's section.</p>
<h2>No id</h2>
<p>Also the h3's section.</p>
<h2 id="empty">Empty <a class="anchor" href="#empty">#</a></h2>
`
	want := []Section{
		{Text: "Intro & overview, café “quoted”."},
		{ID: "methods", Title: "Methods", Text: "A method is safe or idempotent."},
		{ID: "why-get-is-safe", Title: "Why GET is safe", Text: "Because GET is defined as safe. Deeper Still the h3's section. No id Also the h3's section."},
		{ID: "empty", Title: "Empty"},
	}
	if got := Extract([]byte(body)); !reflect.DeepEqual(got, want) {
		t.Errorf("Extract:\n got %#v\nwant %#v", got, want)
	}
}

func TestExtractLeavesOutCodeQuizzesAndScripts(t *testing.T) {
	body := `<h2 id="a">A <a class="anchor" href="#a">#</a></h2>
<p>Before.</p>
<figure class="code"><figcaption>main.go</figcaption><pre class="chroma" tabindex="0"><code><span class="line"><span class="cl"><span class="kd">func</span> <span class="nf">secretCodeWord</span>()
</span></span></code></pre></figure>
<form class="quiz" data-quiz="1"><fieldset><legend>Which HTTP method is safe?</legend><label><input type="radio"> GET</label></fieldset><p class="quiz-explain">GET is safe.</p></form>
<script>var hidden = "scriptword";</script><style>.x{}</style>
<svg><text>svgword</text></svg>
<p>After<sup class="footnote-ref"><a href="#fn:1">1</a></sup> the fact. <img src="d.svg" alt="A diagram of caches"></p>
<ul><li>one</li><li>two</li></ul><table><tr><td>cell</td><td>next</td></tr></table>
`
	got := Extract([]byte(body))
	want := []Section{
		{},
		{ID: "a", Title: "A", Text: "Before. main.go After 1 the fact. A diagram of caches one two cell next"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Extract:\n got %#v\nwant %#v", got, want)
	}
}

func TestExtractEmptyBodyHasAnIntro(t *testing.T) {
	if got := Extract(nil); !reflect.DeepEqual(got, []Section{{}}) {
		t.Errorf("Extract(nil) = %#v", got)
	}
	// A heading first: the intro is there, empty.
	got := Extract([]byte(`<h2 id="x">X</h2><p>y</p>`))
	if want := []Section{{}, {ID: "x", Title: "X", Text: "y"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// FuzzCollapse holds collapse to what it replaces.
func FuzzCollapse(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a  b\tc\n", "x\u00a0y\u2003z", "\xff \xfe", "a\u0085b", " é  ü "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	})
}
