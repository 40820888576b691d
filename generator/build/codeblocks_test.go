package build

import (
	"bytes"
	"fmt"
	"html/template"
	"testing"

	"github.com/lectern/lectern/generator/internal/sitetest"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/search"
)

// codeSamples are Markdown sources whose code blocks test codeBlocks.
var codeSamples = []string{
	"## Intro\n\n```go\nfunc main() { println(\"<pre>\") }\n```\n\nText after.\n",
	"```go {title=\"main.go\" hl_lines=\"2\"}\npackage main\n\nfunc main() {}\n```\n",
	"```python {linenos=true}\nif a < b and c > d:\n    print('</pre>')\n```\n",
	"```\nplain <span class=\"x\"> text\n```\n\n```unknownlang\nwhat & ever\n```\n",
	"- item\n\n  ```sql\n  SELECT id FROM t WHERE id=5; -- <h2 id=x>\n  ```\n\n> [!TIP]\n> ```js\n> const a = `</code></pre>`\n> ```\n",
	"Inline `<pre class=\"chroma\" tabindex=\"0\"><code>` is text.\n\n## Next {#next}\n\n[back](#next)\n",
}

// checkCodeSkips checks, on one converted body, that the search text and
// the print body come out the same when code blocks are jumped over.
func checkCodeSkips(t *testing.T, body string) {
	t.Helper()
	got, want := printBodyCode(template.HTML(body), "l--", 2), printBody(template.HTML(body), "l--", 2)
	if !bytes.Equal(got, want) {
		t.Errorf("printBodyCode(%.80q…):\n got %s\nwant %s", body, got, want)
	}
	gs := search.Extract(withoutCode(body, codeBlocks(body)))
	ws := search.Extract([]byte(body))
	if fmt.Sprint(gs) != fmt.Sprint(ws) {
		t.Errorf("search text without code blocks of %.80q…:\n got %v\nwant %v", body, gs, ws)
	}
}

func TestCodeBlockSkipsChangeNothing(t *testing.T) {
	conv, err := markdown.New(markdown.Options{Typographer: true})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, src := range codeSamples {
		body := string(conv.Convert([]byte(src), nil).HTML)
		found += len(codeBlocks(body))
		checkCodeSkips(t, body)
	}
	for _, body := range sitetest.BundledBodies(t, "../../content", 40) {
		found += len(codeBlocks(body))
		checkCodeSkips(t, body)
	}
	if found < 100 {
		t.Errorf("found %d code blocks in the samples and the bundled course: codeBlocks misses the highlighter's", found)
	}
}

func TestCodeBlocksRejectForeignTags(t *testing.T) {
	for _, body := range []string{
		`<pre class="chroma" tabindex="0"><code><a id="x">1</a></code></pre>`,
		`<pre class="chroma" tabindex="0"><code><span class="a" id="x">1</span></code></pre>`,
		`<pre class="chroma" tabindex="0"><code><!-- </pre> --></code></pre>`,
		`<pre class="chroma" tabindex="0"><code><span class="a>b">1</span></code></pre>`,
		`<pre class="chroma" tabindex="0"><code class="<x>"></code></pre>`,
		`<pre class="chroma" tabindex="0"><code>never closed`,
	} {
		if b := codeBlocks(body); len(b) != 0 {
			t.Errorf("codeBlocks(%q) = %v, want none", body, b)
		}
	}
	ok := `<p>a</p><pre class="chroma" tabindex="0"><code class="language-go" data-lang="go"><span class="line"><span class="kd">func</span></span></code></pre><p>b</p>`
	if b := codeBlocks(ok); len(b) != 1 || ok[b[0][0]:b[0][1]] != ok[8:len(ok)-8] {
		t.Errorf("codeBlocks(%q) = %v", ok, b)
	}
}

// FuzzCodeBlockSkips converts random Markdown (without raw HTML, as
// codeBlocks requires) and checks that jumping over code blocks changes
// neither the print body nor the search text.
func FuzzCodeBlockSkips(f *testing.F) {
	for _, s := range codeSamples {
		f.Add(s)
	}
	conv, err := markdown.New(markdown.Options{Typographer: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkCodeSkips(t, string(conv.Convert([]byte(src), nil).HTML))
	})
}

// BenchmarkPrintBody rewrites every page of the bundled course for /print/
// (bodies without raw HTML, as printFragment does).
func BenchmarkPrintBody(b *testing.B) {
	bodies := sitetest.BundledBodies(b, "../../content", 40)
	b.ReportAllocs()
	for b.Loop() {
		for _, body := range bodies {
			printBodyCode(template.HTML(body), "print-x--", 2)
		}
	}
}
