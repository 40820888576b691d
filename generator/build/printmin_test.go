package build

import (
	"bytes"
	"html/template"
	"testing"

	"github.com/lectern/lectern/generator/internal/sitetest"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
)

// printMinSamples hold what printBodyMin must write like the minifier:
// attribute values with spaces and quotes, footnotes, <details>, links to
// fragments, ids given by attributes.
var printMinSamples = []string{
	"## A {id=\" spaced \" class=\" x  y \"}\n\nText [x](#a) and <details>x</details>\n\n[^1]\n\n[^1]: Note.\n",
	"## Q&A {#qa data-x='a\"b'}\n\n[back](#qa \"t'itle\")\n\n> [!TIP]\n> Tip.\n",
	"### Deep {#deep}\n\n#### Deeper\n\n##### Five\n\n###### Six\n",
	"```quiz\n- q: Which?\n  options:\n    - a: A\n      correct: true\n    - a: B\n```\n",
}

// checkPrintBodyMin compares printBodyMin on the minified body with
// printFragment on the body.
func checkPrintBodyMin(t *testing.T, mn *output.Minifier, body string) {
	t.Helper()
	want, err := printFragment(mn, "print-x", template.HTML(body), true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mn.Minify("x/index.html", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := printBodyMin(mn, m, nil, "print-x--", 2)
	if err != nil {
		t.Fatal(err)
	}
	// As a build does it: the body a region of its page, its code blocks
	// minified by the fast path, which says where they are.
	var memo output.RegionMemo
	memo.Code("b", len(body), codeBlocks(body))
	page := "<main>\n" + output.RegionStart("b") + body + output.RegionEnd("b") + "\n</main>"
	if _, err := mn.MinifyPage("x/index.html", []byte(page), &memo); err != nil {
		t.Fatal(err)
	}
	if r, code, ok := memo.Take("b"); ok {
		if !bytes.Equal(r, m) {
			t.Fatalf("the body minified as a region differs from the body minified")
		}
		viaRegion, err := printBodyMin(mn, r, code, "print-x--", 2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(viaRegion, got) {
			t.Errorf("printBodyMin with the fast path's code blocks differs for %.60q…", body)
		}
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		lo := max(0, i-60)
		t.Errorf("printBodyMin differs from printFragment for %.60q…:\n got …%s…\nwant …%s…", body, got[lo:min(len(got), i+60)], want[lo:min(len(want), i+60)])
	}
}

func TestPrintBodyMinMatchesFragment(t *testing.T) {
	min := output.NewMinifier()
	conv, err := markdown.New(markdown.Options{Typographer: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range append(append([]string(nil), codeSamples...), printMinSamples...) {
		checkPrintBodyMin(t, min, string(conv.Convert([]byte(src), nil).HTML))
	}
	for _, body := range sitetest.BundledBodies(t, "../../content", 40) {
		checkPrintBodyMin(t, min, body)
	}
}

// FuzzPrintBodyMin converts random Markdown (without raw HTML, as the
// build does when it takes this path) and compares the two ways.
func FuzzPrintBodyMin(f *testing.F) {
	for _, s := range append(append([]string(nil), codeSamples...), printMinSamples...) {
		f.Add(s)
	}
	min := output.NewMinifier()
	conv, err := markdown.New(markdown.Options{Typographer: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkPrintBodyMin(t, min, string(conv.Convert([]byte(src), nil).HTML))
	})
}

// BenchmarkPrintFragment compares the two ways on the bundled course: from
// the body (rewrite, minify) and from the minified body, which the page
// has made already.
func BenchmarkPrintFragment(b *testing.B) {
	min := output.NewMinifier()
	bodies := sitetest.BundledBodies(b, "../../content", 40)
	b.Run("body", func(b *testing.B) {
		for b.Loop() {
			for _, body := range bodies {
				_, _ = printFragment(min, "print-x", template.HTML(body), true)
			}
		}
	})
	var ms [][]byte
	for _, body := range bodies {
		m, _ := min.Minify("x/index.html", []byte(body))
		ms = append(ms, m)
	}
	b.Run("minified", func(b *testing.B) {
		for b.Loop() {
			for _, m := range ms {
				_, _ = printBodyMin(min, m, nil, "print-x--", 2)
			}
		}
	})
}
