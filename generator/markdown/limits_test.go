package markdown

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func limitDiags(d *Doc) []Diag {
	var out []Diag
	for _, g := range d.Diags {
		if strings.Contains(g.Msg, "nested more than") || strings.Contains(g.Msg, "too many brackets") {
			out = append(out, g)
		}
	}
	return out
}

func TestNestingLimit(t *testing.T) {
	footnotes := "x[^a]\n\n" + strings.Repeat("[^a]: ", 101) + "y\n"
	tests := []struct {
		name, in string
		pos      string // "" = no error
		tag      string
		count    int // how many tag elements
		text     string
	}{
		{"lists at the limit", strings.Repeat("- ", 100) + "x\n", "", "<ul>", 100, ""},
		{"lists beyond", strings.Repeat("- ", 101) + "x\n", "1:201", "<ul>", 100, "<li>- x</li>"},
		{"ordered lists beyond", strings.Repeat("1. ", 120) + "x\n", "1:301", "<ol>", 100, "<li>1. " + strings.Repeat("1. ", 19) + "x</li>"},
		{"quotes at the limit", strings.Repeat("> ", 100) + "x\n", "", "<blockquote>", 100, ""},
		{"quotes beyond", strings.Repeat("> ", 101) + "x\n", "1:201", "<blockquote>", 100, "<p>&gt; x</p>"},
		{"quotes without spaces", strings.Repeat(">", 300) + " x\n", "1:101", "<blockquote>", 100, "<p>" + strings.Repeat("&gt;", 200) + " x</p>"},
		{"quotes with tabs", strings.Repeat(">\t", 101) + "x\n", "1:201", "<blockquote>", 100, ""},
		{"quotes and lists", strings.Repeat("> - ", 60) + "x\n", "1:201", "<blockquote>", 50, "<li>&gt; - "},
		{"a line deeper than the last", strings.Repeat("> ", 100) + "a\n" + strings.Repeat("> ", 101) + "b\n", "2:201", "<blockquote>", 100, "<p>a\n&gt; b</p>"},
		{"reported once", strings.Repeat("> ", 101) + "a\n\n" + strings.Repeat("- ", 101) + "b\n", "1:201", "<ul>", 100, ""},
		{"footnotes beyond", footnotes, "3:601", "<li id=", 1, ""},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Convert([]byte(tt.in), nil)
			html := string(d.HTML)
			var got []string
			for _, g := range limitDiags(d) {
				got = append(got, pos(tt.in, g.Offset))
				if g.Warning || !strings.Contains(g.Msg, "nested more than 100 deep") {
					t.Errorf("diagnostic %+v", g)
				}
				if !strings.ContainsRune("-+*>[0123456789", rune(tt.in[g.Offset])) {
					t.Errorf("the error points at %q, not at a marker", tt.in[g.Offset])
				}
			}
			want := []string{}
			if tt.pos != "" {
				want = []string{tt.pos}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("errors at %v, want %v", got, want)
			}
			if n := strings.Count(html, tt.tag); n != tt.count {
				t.Errorf("%d %s, want %d", n, tt.tag, tt.count)
			}
			if !strings.Contains(html, tt.text) {
				t.Errorf("no %q in the output", tt.text)
			}
		})
	}
}

func TestLinkBudget(t *testing.T) {
	links := func(n int, link string) string { return strings.Repeat(link, n) + "\n" }
	lines := func(n int, line string) string { return strings.Repeat(line+"\n", n) }
	// Where the budget runs out: after 68 openers that each scan the rest
	// of the 20 KB line; after 1,091 labels that each walk the lines below
	// them; after 1,620 "]" that each look back at their "[".
	tests := []struct {
		name, in string
		pos      string // "" = no error
	}{
		{"unclosed links", links(5000, "[a]("), "1:273"},
		{"unclosed links in angle brackets", links(5000, "[a](<"), "1:341"},
		{"unclosed images", links(5000, "![a]("), "1:341"},
		{"links without a title", links(5000, "[a](b \"[a](b '"), ""},
		{"a log of labels that are no links", lines(5000, "[INFO] started"), "1092:1"},
		{"nested brackets", strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", "1:21621"},
		{"unclosed links over many lines", lines(5000, "[a]("), "346:1"},
		{"a wall of links", links(20000, "[a](https://example.org/x)"), ""},
		{"a wall of badges", links(2000, "[![build](https://example.org/badge.svg)](https://example.org/ci)"), ""},
		{"links with titles", links(5000, `[a](<b c> "t") `), ""},
		{"a link on every line", lines(5000, "See [a](y.md) and [b](https://example.org/x) for a[i]."), ""},
		{"a log of 1,000 lines", lines(1000, "[INFO] started"), ""},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Convert([]byte(tt.in), nil)
			var got []string
			for _, g := range limitDiags(d) {
				got = append(got, pos(tt.in, g.Offset))
				if g.Warning || !strings.Contains(g.Msg, "too many brackets") {
					t.Errorf("diagnostic %+v", g)
				}
			}
			want := []string{}
			if tt.pos != "" {
				want = []string{tt.pos}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("errors at %v, want %v", got, want)
			}
		})
	}
}

// TestLinkBudgetLeavesText: once a paragraph's budget is spent, its
// brackets are text, every byte kept; the next paragraph's links work.
func TestLinkBudgetLeavesText(t *testing.T) {
	in := strings.Repeat("[a](", 5000) + "[b](y.md)\n\n[c](y.md)\n"
	d := mustNew(t, Options{}).Convert([]byte(in), testSite)
	html := string(d.HTML)
	if n := strings.Count(html, "[a]("); n != 5000 {
		t.Errorf("%d [a]( in the output, want 5000", n)
	}
	checkHTML(t, html, []string{"[b](y.md)", `<p><a href="/y/">c</a></p>`}, []string{`>b</a>`})
	if len(limitDiags(d)) != 1 {
		t.Errorf("diags = %+v", d.Diags)
	}
}

// TestLinkBudgetInQuizzes: quiz texts are parsed apart, and report the same.
func TestLinkBudgetInQuizzes(t *testing.T) {
	in := fence("~~~quiz\n? " + strings.Repeat("[a](", 5000) + "\n- [x] yes\n- [ ] no\n~~~\n")
	d := mustNew(t, Options{}).Convert([]byte(in), testSite)
	if got := limitDiags(d); len(got) != 1 || pos(in, got[0].Offset) != "2:275" {
		t.Errorf("diags = %q", diagStrings(in, d))
	}
	html, text := mustNew(t, Options{}).Inline([]byte(strings.Repeat("[a](", 5000)))
	if strings.Count(string(html), "[a](") != 5000 || strings.Count(text, "[a](") != 5000 {
		t.Errorf("a title of link openers lost text")
	}
}

// TestLimitsChangeNothingBelowThem converts the CommonMark examples, the
// fuzz seeds and a few large pages with and without the limits: unless a
// limit is reported, the output must be the same.
func TestLimitsChangeNothingBelowThem(t *testing.T) {
	inputs := map[string]string{
		"lists 100 deep":  strings.Repeat("- ", 100) + "x\n" + strings.Repeat("  ", 99) + "- y\n",
		"quotes 100 deep": strings.Repeat(">", 100) + " x\n" + strings.Repeat(">", 90) + " y\n\n" + strings.Repeat("> ", 100) + "z\n",
		"many links":      strings.Repeat("See [a](y.md), [b](<my notes.md>) and ![c](diagram.svg \"t\") or [d] [e][] [f][g].\n", 2000) + "\n[d]: y.md\n[g]: intro.md\n",
		"brackets":        strings.Repeat("a[i] = b[j](k) [x] [", 500) + "\n",
	}
	if data, err := os.ReadFile(specPath(t)); err == nil {
		var examples []struct {
			Markdown string
			Example  int
		}
		if err := json.Unmarshal(data, &examples); err != nil {
			t.Fatal(err)
		}
		for _, ex := range examples {
			inputs["example "+strconv.Itoa(ex.Example)] = ex.Markdown
		}
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzConvert/*")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, lit, _ := strings.Cut(string(data), "string(")
		s, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lit), ")")))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		inputs[p] = s
	}
	for _, opts := range []Options{{}, {Unsafe: true, Typographer: true}} {
		limited := mustNew(t, opts)
		plain, err := newConverter(opts, false)
		if err != nil {
			t.Fatal(err)
		}
		for name, in := range inputs {
			a, b := limited.Convert([]byte(in), testSite), plain.Convert([]byte(in), testSite)
			if len(limitDiags(a)) > 0 {
				t.Errorf("%s: a limit reported: %q", name, diagStrings(in, a))
				continue
			}
			if string(a.HTML) != string(b.HTML) || strings.Join(diagStrings(in, a), "\n") != strings.Join(diagStrings(in, b), "\n") {
				t.Errorf("%s: the limits change the output\nwith:    %q\nwithout: %q", name, a.HTML, b.HTML)
			}
			ah, at := limited.Inline([]byte(in))
			bh, bt := plain.Inline([]byte(in))
			if string(ah) != string(bh) || at != bt {
				t.Errorf("%s: the limits change Inline's output", name)
			}
		}
	}
}

func specPath(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "github.com/yuin/goldmark@v1.8.7/_test/spec.json")
}

// TestLinearTime converts inputs on which goldmark alone takes time growing
// with the square of their size, at n and at 4n. Linear growth takes about 4
// times as long, quadratic 16 times (these took seconds at 4n before the
// limits). Conversions that stay fast whatever the size pass: there timer
// noise dominates.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("times conversions")
	}
	inputs := []struct {
		name string
		n    int
		gen  func(n int) string
	}{
		{"nested lists", 10000, func(n int) string { return strings.Repeat("- ", n) + "x\n" }},
		{"nested ordered lists", 10000, func(n int) string { return strings.Repeat("1. ", n) + "x\n" }},
		{"nested quotes", 25000, func(n int) string { return strings.Repeat("> ", n) + "x\n" }},
		{"nested quotes and lists", 5000, func(n int) string { return strings.Repeat("> - ", n) + "x\n" }},
		{"nested footnotes", 5000, func(n int) string { return "x[^a]\n\n" + strings.Repeat("[^a]: ", n) + "y\n" }},
		{"unclosed links", 5000, func(n int) string { return strings.Repeat("[a](", n) + "\n" }},
		{"unclosed links in angle brackets", 5000, func(n int) string { return strings.Repeat("[a](<", n) + "\n" }},
		{"unclosed images", 5000, func(n int) string { return strings.Repeat("![a](", n) + "\n" }},
		{"unclosed links over many lines", 10000, func(n int) string { return strings.Repeat("[a](\n", n) }},
		{"a log of labels that are no links", 10000, func(n int) string { return strings.Repeat("[INFO] started\n", n) }},
		{"nested brackets", 20000, func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }},
		{"open brackets", 12500, func(n int) string { return strings.Repeat("[", n) + "\n" }},
		{"emphasis", 10000, func(n int) string { return strings.Repeat("*_", n) + "\n" }},
		{"a paragraph of link reference definitions", 10000, func(n int) string { return strings.Repeat("[a]: /x\n", n) }},
		{"link reference definitions apart", 10000, func(n int) string { return strings.Repeat("[a]: /x\n\n", n) }},
	}
	floor, smallFloor := 200*time.Millisecond, 20*time.Millisecond
	if raceEnabled {
		floor, smallFloor = 10*floor, 10*smallFloor
	}
	c := mustNew(t, Options{})
	timed := func(in string) time.Duration {
		best := time.Duration(1 << 62)
		for range 3 {
			runtime.GC()
			start := time.Now()
			c.Convert([]byte(in), nil)
			best = min(best, time.Since(start))
		}
		return best
	}
	for _, tt := range inputs {
		small, large := timed(tt.gen(tt.n)), timed(tt.gen(4*tt.n))
		t.Logf("%s: %v at n = %d, %v at 4n", tt.name, small.Round(time.Microsecond), tt.n, large.Round(time.Microsecond))
		if large > floor && float64(large) > 10*float64(max(small, smallFloor)) {
			t.Errorf("%s: time grows faster than linearly: %v at n = %d, %v at 4n", tt.name, small, tt.n, large)
		}
	}
}

// FuzzLimits: whatever the input, the limits change the output only when
// they report it.
func FuzzLimits(f *testing.F) {
	for _, s := range []string{
		"- > 1. [^a]: x\n",
		"[a](b [c](d) ![e](<f g> \"h\") [i]\n\n[i]: j\n",
		"a[b]c](d)e\n> [x](\n> y)\n",
	} {
		f.Add(s)
	}
	limited := mustNew(f, Options{Typographer: true})
	plain, err := newConverter(Options{Typographer: true}, false)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := limited.Convert([]byte(s), testSite)
		if len(limitDiags(a)) > 0 {
			return
		}
		if b := plain.Convert([]byte(s), testSite); string(a.HTML) != string(b.HTML) {
			t.Errorf("the limits change the output\nwith:    %q\nwithout: %q", a.HTML, b.HTML)
		}
	})
}

// TestDefinitionLimit: a paragraph of more than maxDefinitionLines lines
// that starts like a link reference definition is left as text, with one
// error at its start; shorter ones and long paragraphs of prose are parsed
// as before.
func TestDefinitionLimit(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defs := "intro\n\n" + strings.Repeat("[a]: /x\n", maxDefinitionLines+1)
	doc := c.Convert([]byte(defs), nil)
	// The paragraph's "[a]" are then brackets that make no link: the
	// link budget has its say too.
	if len(doc.Diags) == 0 || !strings.Contains(doc.Diags[0].Msg, "link reference definitions") || doc.Diags[0].Offset != len("intro\n\n") {
		t.Errorf("diags %+v", doc.Diags)
	}
	if !bytes.Contains(doc.HTML, []byte("[a]: /x")) {
		t.Errorf("the paragraph is not kept as text: %.200s", doc.HTML)
	}
	for _, ok := range []string{
		strings.Repeat("[a]: /x\n", maxDefinitionLines),
		strings.Repeat("prose line\n", maxDefinitionLines+10),
	} {
		if doc := c.Convert([]byte(ok), nil); len(doc.Diags) != 0 {
			t.Errorf("%.20q…: diags %+v", ok, doc.Diags)
		}
	}
}
