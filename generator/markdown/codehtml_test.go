package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/lectern/lectern/generator/internal/fastlex"
)

// formatOptions are the option combinations lectern uses.
type formatOptions struct {
	name    string
	linenos bool
	hl      [][2]int
}

// hlRanges overlap, repeat, run past the end of every sample, start at 0
// and are out of order; lineRanges never gives some of those, chroma copes.
var hlRanges = [][2]int{{3, 3}, {1, 1}, {5, 7}, {6, 9}, {12, 12}, {40, 1000}, {0, 2}, {5, 5}, {9, 8}}

var allFormatOptions = []formatOptions{
	{name: "plain"},
	{name: "linenos", linenos: true},
	{name: "hl_lines", hl: hlRanges},
	{name: "linenos+hl_lines", linenos: true, hl: hlRanges},
}

// sameHTML fails t unless formatCode writes exactly chroma's HTML for
// tokens, with style s.
func sameHTML(t *testing.T, name string, f *chromahtml.Formatter, s *chroma.Style, tokens []chroma.Token, o formatOptions) bool {
	t.Helper()
	var want bytes.Buffer
	if err := f.Format(&want, s, chroma.Literator(tokens...)); err != nil {
		t.Fatalf("%s: chroma: %v", name, err)
	}
	got := formatCode(nil, chroma.Literator(tokens...), o.linenos, o.hl)
	if !bytes.Equal(got, want.Bytes()) {
		w := want.Bytes()
		i := 0
		for i < len(got) && i < len(w) && got[i] == w[i] {
			i++
		}
		from := max(0, i-60)
		ts := fmt.Sprint(tokens)
		if len(ts) > 2000 {
			ts = ts[:2000] + "…"
		}
		t.Errorf("%s (%s, %s): differs at byte %d:\n ours:   %q\n chroma: %q\ntokens: %s",
			name, o.name, s.Name, i, got[from:min(len(got), i+60)], w[from:min(len(w), i+60)], ts)
		return false
	}
	return true
}

// testStyles are two unlike styles as lectern loads them (line numbers made
// readable): chroma's output does not depend on the style with classes,
// and these check it stays so.
func testStyles(t testing.TB) []*chroma.Style {
	t.Helper()
	var out []*chroma.Style
	for _, name := range []string{"github", "monokai"} {
		s, err := style(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// codeSamples mix languages so every lexer sees something it knows, with
// the characters HTML escapes, tabs, CRLF, Unicode, blank lines, and with
// and without a last newline.
var codeSamples = []string{
	"",
	"\n",
	"x",
	"\n\n\n",
	"package main\n\nimport \"fmt\"\n\nfunc main() {\n\tif a < b && c > d {\n\t\tfmt.Println(\"héllo, 世界 & 'you'\") // done\n\t}\n}\n",
	"def f(x, *args, **kw):\r\n    \"\"\"Doc <b>.\"\"\"\r\n\r\n    return [i for i in range(10) if i % 2 and x > 'a']\r\n",
	"#!/usr/bin/env bash\nset -euo pipefail\nfor f in ./*.txt; do echo \"$f\" | wc -l >> out & done\n\n\n",
	"<div class=\"a\" onclick='x()'>text &amp; <b>bold</b></div>\n<script>let a = 1 < 2 && 3 > \"4\";</script>",
	"SELECT a.name, COUNT(*) AS n FROM users a WHERE a.id > 10 -- note\n\tAND b <> 'x';\n/* unclosed comment\n  'unclosed string\n  \"another",
	"{\"a\": [1, 2.5e3, true, null], \"b\": {\"c\": \"d\\n<&>\"}}\n# heading\n- item `code` **bold**\n\x00\uFFFD\v\f\r",
}

// TestFormatCodeEveryLexer formats every sample with every lexer chroma
// registers (through fastlex and Coalesce, as highlight does) in every
// option combination and two styles, and wants chroma's bytes.
func TestFormatCodeEveryLexer(t *testing.T) {
	all := strings.Join(codeSamples, "\n")
	formatters := make([]*chromahtml.Formatter, len(allFormatOptions))
	for i, o := range allFormatOptions {
		formatters[i] = stockFormatter(o.linenos, o.hl)
	}
	ss := testStyles(t)
	compared := 0
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		name := l.Config().Name
		l = chroma.Coalesce(fastlex.Wrap(l))
		for i, code := range append(slices.Clip(codeSamples), all) {
			tokens, p := lexTokens(l, code)
			if p != nil {
				continue // highlight writes plain text
			}
			for j, o := range allFormatOptions {
				for _, s := range ss {
					if !sameHTML(t, fmt.Sprintf("%s on sample %d", name, i), formatters[j], s, tokens, o) {
						return
					}
					compared++
				}
			}
		}
	}
	if n := len(lexers.GlobalLexerRegistry.Lexers); n < 200 {
		t.Errorf("only %d lexers registered", n)
	}
	t.Logf("%d formats compared", compared)
}

// lexTokens runs a lexer to the end, a panic returned as a value.
func lexTokens(l chroma.Lexer, code string) (out []chroma.Token, panicked any) {
	defer func() { panicked = recover() }()
	it, err := l.Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	return it.Tokens(), nil
}

// TestFormatCodeEveryStyle: with classes, chroma writes the same HTML for
// every style; so must formatCode.
func TestFormatCodeEveryStyle(t *testing.T) {
	tokens, p := lexTokens(chroma.Coalesce(fastlex.Wrap(lexers.Get("go"))), benchGo)
	if p != nil {
		t.Fatal(p)
	}
	for _, o := range allFormatOptions {
		f := stockFormatter(o.linenos, o.hl)
		for _, name := range styles.Names() {
			if !sameHTML(t, "go", f, styles.Get(name), tokens, o) {
				return
			}
		}
	}
}

// oddTypes are token types no lexer lectern uses emits together: meta
// types, types without a class of their own (found through the
// sub-category or category), Text (no class, no span), types past the last
// category and type 0.
var oddTypes = []chroma.TokenType{
	chroma.Text, chroma.Keyword, chroma.KeywordType, chroma.NameBuiltinPseudo, chroma.NameFunctionMagic,
	chroma.LiteralStringDoc, chroma.TextWhitespace, chroma.TextSymbol, chroma.TextPunctuation,
	chroma.Error, chroma.Other, chroma.None, chroma.Ignore, chroma.Background, chroma.Line, chroma.CodeLine,
	chroma.LineHighlight, chroma.LineNumbers, chroma.EOFType,
	1050, 1099, 2150, 2399, 2999, 3999, 6150, 7099, 8004, 8099, 8500, 9000, 9999, 12345, 1 << 40,
	-15, -99, -100, -150, -1 << 40,
}

// TestFormatCodeTokenStreams covers token streams lexers rarely or never
// give: empty tokens (chroma.Coalesce drops them), a last line of one or
// two empty tokens, an EOF token midway, odd types, ten lines and more for
// padded line numbers, and many hl ranges (chroma sorts twelve or more
// with an unstable sort).
func TestFormatCodeTokenStreams(t *testing.T) {
	tok := func(tt chroma.TokenType, v string) chroma.Token { return chroma.Token{Type: tt, Value: v} }
	k, txt := chroma.Keyword, chroma.Text
	var many []chroma.Token
	for i := range 120 {
		many = append(many, tok(oddTypes[i%len(oddTypes)], fmt.Sprintf("t%d<%d>", i, i)+strings.Repeat("\n", i%3)))
	}
	var manyRanges [][2]int
	for i := 30; i > 0; i-- {
		manyRanges = append(manyRanges, [2]int{i % 7 * 3, i%7*3 + i%4}, [2]int{i, i})
	}
	streams := [][]chroma.Token{
		nil,
		{tok(k, "")},
		{tok(k, ""), tok(k, "")},
		{tok(k, "a\n"), tok(k, "")},
		{tok(k, "a\n"), tok(txt, "")},
		{tok(k, "a\n"), tok(k, ""), tok(k, "")},
		{tok(k, "a"), tok(k, "")},
		{tok(k, "a\n"), tok(k, ""), tok(txt, "b")},
		{tok(k, "\n\n"), tok(txt, "\n"), tok(k, "x\ny\n\nz")},
		{tok(k, "a"), tok(chroma.EOFType, ""), tok(k, "b")},
		{tok(chroma.EOFType, "not EOF\n"), tok(k, "b")},
		{tok(k, "&<>\"'\x00\xff\t\r\n"), tok(txt, "&amp;")},
		many,
	}
	ranges := [][][2]int{nil, {{1, 1}}, {{2, 3}}, {{0, 0}}, {{-3, 2}}, {{5, 2}, {1, 3}}, {{2, 2}, {2, 50}, {1, 1}}, hlRanges, manyRanges}
	ss := testStyles(t)
	for i, tokens := range streams {
		for _, hl := range ranges {
			for _, linenos := range []bool{false, true} {
				o := formatOptions{name: fmt.Sprintf("linenos=%v hl=%v", linenos, hl), linenos: linenos, hl: hl}
				f := stockFormatter(linenos, hl)
				for _, s := range ss {
					sameHTML(t, fmt.Sprintf("stream %d", i), f, s, tokens, o)
				}
			}
		}
	}
}

// FuzzFormatter compares formatCode with chroma's formatter on random code
// through a few lexers, or on random token streams cut from it, with random
// hl ranges (two signed bytes each).
func FuzzFormatter(f *testing.F) {
	for i, code := range codeSamples {
		f.Add(code, uint8(i), []byte{1, 2, 5, 5, 0, 0, 250, 3}, i%2 == 0)
	}
	f.Add("a|b\n|\n|c", uint8(7), []byte{2, 1}, true)
	f.Add("x\n\n|||\n", uint8(255), []byte{}, false)
	langs := []string{"go", "python", "html", "bash", "sql", "json", "markdown"} // and raw tokens
	h, err := newHighlighter("github", "monokai")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code string, which uint8, hlBytes []byte, linenos bool) {
		if len(code) > 4096 || len(hlBytes) > 64 {
			return
		}
		var hl [][2]int
		for i := 0; i+1 < len(hlBytes); i += 2 {
			hl = append(hl, [2]int{int(int8(hlBytes[i])), int(int8(hlBytes[i+1]))})
		}
		var tokens []chroma.Token
		if n := int(which) % (len(langs) + 1); n < len(langs) {
			var p any
			if tokens, p = lexTokens(h.lexer(langs[n]), code); p != nil {
				return
			}
		} else {
			for i, v := range strings.Split(code, "|") {
				tokens = append(tokens, chroma.Token{Type: oddTypes[(i+len(v)+int(which))%len(oddTypes)], Value: v})
			}
		}
		o := formatOptions{name: fmt.Sprintf("linenos=%v hl=%v", linenos, hl), linenos: linenos, hl: hl}
		sameHTML(t, "fuzz", stockFormatter(linenos, hl), h.light, tokens, o)
		o.hl = nil
		sameHTML(t, "fuzz", stockFormatter(linenos, nil), h.dark, tokens, o)
	})
}

// panicLexer gives one token, then panics, as a chroma lexer can midway.
type panicLexer struct{ chroma.Lexer }

func (panicLexer) Tokenise(*chroma.TokeniseOptions, string) (chroma.Iterator, error) {
	n := 0
	return func() chroma.Token {
		if n++; n > 1 {
			panic("boom")
		}
		return chroma.Token{Type: chroma.Keyword, Value: "func"}
	}, nil
}

// TestHighlightPanicIsPlainText: a lexer panicking after some tokens costs
// the block its colours, and none of its spans reach the page.
func TestHighlightPanicIsPlainText(t *testing.T) {
	h, err := newHighlighter("github", "monokai")
	if err != nil {
		t.Fatal(err)
	}
	h.lexers.Store("boom", lexerEntry{panicLexer{}})
	for _, cb := range []*codeBlock{{lang: "boom"}, {lang: "boom", linenos: true, hl: [][2]int{{1, 2}}}} {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		h.write(w, cb, "func <x>\n")
		_ = w.Flush()
		want := `<pre class="chroma" tabindex="0"><code class="language-boom" data-lang="boom">func &lt;x&gt;` + "\n</code></pre>\n"
		if b.String() != want {
			t.Errorf("got %q, want %q", b.String(), want)
		}
	}
}

// benchGo is a realistic block: a lesson's Go example.
const benchGo = `package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Inventory counts items by name.
type Inventory struct {
	items map[string]int
}

var errUnknown = errors.New("unknown item")

// Add adds n of an item; n < 0 takes some away.
func (inv *Inventory) Add(name string, n int) error {
	if inv.items == nil {
		inv.items = map[string]int{}
	}
	if n < 0 && inv.items[name] < -n {
		return fmt.Errorf("take %d %q: %w", -n, name, errUnknown)
	}
	inv.items[name] += n
	return nil
}

func main() {
	var inv Inventory
	for _, line := range strings.Split("apple 3\npear 2\napple -1", "\n") {
		name, count, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		var n int
		if _, err := fmt.Sscan(count, &n); err != nil || n == 0 {
			fmt.Fprintln(os.Stderr, "bad count:", count)
			os.Exit(1)
		}
		_ = inv.Add(name, n) // 'apple' & "pear" <fruit>
	}
	fmt.Println(inv.items["apple"], len(inv.items))
}
`

// benchPython is a shorter one in another language.
const benchPython = `from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float

    def dist(self, other: "Point") -> float:
        """Euclidean distance, as in <geometry>."""
        return ((self.x - other.x) ** 2 + (self.y - other.y) ** 2) ** 0.5


if __name__ == "__main__":
    pts = [Point(i, i * 2) for i in range(10) if i % 3 != 0]
    print(f"{len(pts)} points & {pts[0].dist(pts[-1]):.2f}")
`

// BenchmarkFormatter compares chroma's formatter with formatCode on
// tokens already lexed. chroma's hl_lines case builds its formatter per
// block, as highlight had to.
func BenchmarkFormatter(b *testing.B) {
	s, err := style("github")
	if err != nil {
		b.Fatal(err)
	}
	var tokens [][]chroma.Token
	size := 0
	for _, c := range []struct{ lang, code string }{{"go", benchGo}, {"python", benchPython}} {
		ts, p := lexTokens(chroma.Coalesce(fastlex.Wrap(lexers.Get(c.lang))), c.code)
		if p != nil {
			b.Fatal(p)
		}
		tokens = append(tokens, ts)
		size += len(c.code)
	}
	hl := [][2]int{{3, 5}, {12, 12}}
	for _, o := range []formatOptions{{name: "plain"}, {name: "linenos", linenos: true}, {name: "hl_lines", hl: hl}, {name: "linenos+hl_lines", linenos: true, hl: hl}} {
		b.Run("chroma/"+o.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			prebuilt := stockFormatter(o.linenos, nil)
			var buf bytes.Buffer
			for b.Loop() {
				for _, ts := range tokens {
					buf.Reset()
					f := prebuilt
					if len(o.hl) > 0 {
						f = chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(emptyPreWrapper{}),
							chromahtml.WithLineNumbers(o.linenos), chromahtml.HighlightLines(o.hl))
					}
					if err := f.Format(&buf, s, chroma.Literator(ts...)); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run("ours/"+o.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				for _, ts := range tokens {
					buf = formatCode(buf[:0], chroma.Literator(ts...), o.linenos, o.hl)
				}
			}
		})
	}
}

// TestStockHighlighterSameHTML converts every Markdown file of the bundled
// course and the author docs with lectern's highlighting and with chroma's
// own (the reference pipeline bench/floor measures): the HTML must be the
// same byte for byte, and the pages must hold highlighted code, or the
// comparison says nothing.
func TestStockHighlighterSameHTML(t *testing.T) {
	fast, err := New(Options{Typographer: true})
	if err != nil {
		t.Fatal(err)
	}
	stock, err := New(Options{Typographer: true, StockHighlighter: true})
	if err != nil {
		t.Fatal(err)
	}
	pages, blocks := 0, 0
	for _, dir := range []string{"../../content", "../../docs"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			want := stock.Convert(src, nil).HTML
			got := fast.Convert(src, nil).HTML
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("%s: HTML differs at byte %d:\nlectern: %.200q\nchroma:  %.200q", p, i, got[i:], want[i:])
			}
			pages++
			blocks += bytes.Count(want, []byte(`<pre class="chroma"`))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if pages < 40 || blocks < 200 {
		t.Fatalf("only %d pages with %d code blocks: are the bundled course and docs there?", pages, blocks)
	}
	t.Logf("%d pages, %d code blocks", pages, blocks)
}
