package build

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/lectern/lectern/generator/internal/sitetest"
)

// printBodyRef is printBody as first written (a Token for every tag): the
// reference the faster version must agree with byte for byte.
func printBodyRef(body template.HTML, prefix string, shift int) []byte {
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/8)
	z := html.NewTokenizer(strings.NewReader(string(body)))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				out.Write(z.Raw()) // never happens with our own HTML; keep what is left
			}
			return out.Bytes()
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			raw := z.Raw()
			tok := z.Token()
			changed := false
			if lvl := headingLevel(tok.DataAtom); lvl > 0 {
				n := min(lvl+shift, 6)
				tok.Data = fmt.Sprintf("h%d", n)
				tok.DataAtom = 0
				changed = true
			}
			if tt != html.EndTagToken {
				for i, a := range tok.Attr {
					switch a.Key {
					case "id", "for":
						tok.Attr[i].Val = prefix + a.Val
						changed = true
					case "aria-labelledby", "aria-describedby", "aria-controls", "headers":
						f := strings.Fields(a.Val)
						for j := range f {
							f[j] = prefix + f[j]
						}
						tok.Attr[i].Val = strings.Join(f, " ")
						changed = true
					case "href":
						if strings.HasPrefix(a.Val, "#") && len(a.Val) > 1 {
							tok.Attr[i].Val = "#" + prefix + a.Val[1:]
							changed = true
						}
					}
				}
				if tok.DataAtom == atom.Details {
					open := false
					for _, a := range tok.Attr {
						open = open || a.Key == "open"
					}
					if !open {
						tok.Attr = append(tok.Attr, html.Attribute{Key: "open"})
						changed = true
					}
				}
			}
			if changed {
				out.WriteString(tok.String())
			} else {
				out.Write(raw)
			}
		default:
			out.Write(z.Raw())
		}
	}
}

var printSamples = []string{
	"",
	`<h1 id="t">T</h1><h2 id="a">A<a class="anchor" href="#a">#</a></h2><h6>six</h6><H3 ID="UP">up</H3>`,
	`<p><a href="#x">x</a> <a href="#">top</a> <a href="/p/#y">other</a> <A HREF="#Z">z</A></p>`,
	`<label for="q1">L</label><input id="q1"><div aria-labelledby="a b" aria-describedby=" c " aria-controls="d" headers="e f">x</div>`,
	`<details><summary>s</summary>x</details><details open><summary>o</summary></details><DETAILS class=x>y</DETAILS>`,
	`<pre class="chroma"><code><span class="k">func</span> <span class="nx">main</span>() {}</code></pre>`,
	`<script>if (a < b && "<h2 id=x>") {}</script><style>h2{}</style><textarea><h2 id="t"></textarea>`,
	`<p title="a &amp; b" data-x='1'>&lt;h2&gt; &amp;</p><br/><img src=x alt=y /><!-- <h2 id=c> -->`,
	`<h2 id="u">unclosed <b>bold`,
	"<p>\x00 nul &#0;</p><h2 id=\"a\" id=\"b\">dup</h2>",
	`<H2 ID="x">A</H2><p FOR=y Aria-Controls=z HREF="#q" data-id=1><DETAILS open><a/id = w>x</a><h7 id=v></h7><label for="">`,
	`<button ARIA-controls=z>b</button><td Headers=h>c</td><a hReF="#x">d</a><div iD=x></div><input aria-describedby=n>`,
}

// TestPrintBodyMatchesReference compares printBody with printBodyRef on
// samples and every page of the bundled course.
func TestPrintBodyMatchesReference(t *testing.T) {
	bodies := append(append([]string(nil), printSamples...), sitetest.BundledBodies(t, "../../content", 40)...)
	for _, b := range bodies {
		got, want := printBody(template.HTML(b), "l--", 2), printBodyRef(template.HTML(b), "l--", 2)
		if !bytes.Equal(got, want) {
			t.Errorf("printBody(%.80q…):\n got %s\nwant %s", b, got, want)
		}
	}
}

func FuzzPrintBodyMatchesReference(f *testing.F) {
	for _, s := range printSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b string) {
		got, want := printBody(template.HTML(b), "p--", 1), printBodyRef(template.HTML(b), "p--", 1)
		if !bytes.Equal(got, want) {
			t.Errorf("printBody(%q):\n got %q\nwant %q", b, got, want)
		}
	})
}
