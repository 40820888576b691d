package fastlex

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// tokens runs a lexer to the end, recovering a panic as a value so chroma
// and fastlex can be compared on inputs where chroma itself panics.
func tokens(l chroma.Lexer, text string) (out []chroma.Token, panicked any) {
	it, err := l.Tokenise(nil, text)
	if err != nil {
		return nil, err
	}
	return drain(it)
}

func drain(it chroma.Iterator) (out []chroma.Token, panicked any) {
	defer func() { panicked = recover() }()
	for t := it(); t != chroma.EOF; t = it() {
		out = append(out, t)
	}
	return out, nil
}

// same fails t unless fastlex gives exactly chroma's tokens for text. When
// fastlex gave up on a lexer that keeps matching the empty string (chroma
// would loop forever), chroma is not run; that is counted in gaveUp.
func same(t *testing.T, name string, l chroma.Lexer, text string) bool {
	t.Helper()
	fast, ok := Wrap(l).(*Lexer)
	if !ok {
		return true // not a regular-expression lexer: chroma runs it
	}
	it := fast.iterator(nil, text)
	got, gotPanic := drain(it.next)
	if it.gaveUp {
		gaveUp.Add(1)
		return true
	}
	want, wantPanic := tokens(l, text)
	if !slices.Equal(got, want) {
		// chroma lets a match run 250 ms: on a loaded machine a rule can
		// time out and lose its colour. Such a difference does not repeat.
		want, wantPanic = tokens(l, text)
	}
	if (wantPanic != nil) != (gotPanic != nil) {
		t.Errorf("%s: chroma panicked with %v, fastlex with %v", name, wantPanic, gotPanic)
		return false
	}
	if !slices.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: token %d differs: fastlex %v, chroma %v (of %d and %d tokens)",
			name, i, at(got, i), at(want, i), len(got), len(want))
		return false
	}
	return true
}

var gaveUp atomic.Int32

func at(ts []chroma.Token, i int) any {
	if i < len(ts) {
		return ts[i]
	}
	return "end"
}

// chromaSamples returns chroma's own lexer test inputs (lexers/testdata/*.actual
// in the module), by lexer name.
func chromaSamples(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-json", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Fatalf("go list chroma: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go list chroma: no module folder in %s (%v)", out, err)
	}
	files, err := filepath.Glob(filepath.Join(mod.Dir, "lexers", "testdata", "*.actual"))
	if err != nil || len(files) < 100 {
		t.Fatalf("chroma's samples: %d files in %s (%v)", len(files), mod.Dir, err)
	}
	samples := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		samples[strings.TrimSuffix(filepath.Base(f), ".actual")] = string(b)
	}
	return samples
}

// TestChromaSamples compares tokens on chroma's sample file for every lexer
// that has one (about 180 languages).
func TestChromaSamples(t *testing.T) {
	compared := 0
	for name, text := range chromaSamples(t) {
		l := lexers.Get(name)
		if l == nil {
			continue
		}
		if Wrap(l) != l {
			compared++
		}
		same(t, name, l, text)
	}
	if compared < 100 {
		t.Errorf("only %d lexers compared", compared)
	}
	t.Logf("%d lexers compared on their samples", compared)
}

// mixed is input no lexer expects: every lexer sees keywords of other
// languages, unclosed strings and comments, Unicode, CRLF and tabs.
var mixed = []string{
	"",
	"x",
	"\n",
	"SELECT a.name, COUNT(*) AS n FROM users a WHERE a.id > 10 -- note\nselect\tLIMIT 5;\n",
	"func main() {\n\tfmt.Println(\"héllo, 世界\") // done\n\treturn nil\n}\n",
	"def f(x, *args, **kw):\n    \"\"\"Doc.\"\"\"\n    return [i for i in range(10) if i % 2]\n",
	"#!/usr/bin/env bash\nset -euo pipefail\nfor f in ./*.txt; do echo \"$f\" | wc -l; done\n",
	"<div class=\"a\" onclick='x()'>text &amp; <b>bold</b></div><script>let a = 1;</script>\r\n",
	"{\"a\": [1, 2.5e3, true, null], \"b\": {\"c\": \"d\\n\"}}",
	"key: value\nlist:\n  - one\n  - 'two'\n# comment\n",
	"/* unclosed comment\n  'unclosed string\n  \"another\n",
	"İF ıf Kelvin\u212a KELVIN selectİ ǅ ﬃ\u200d\u200c x_y _ 0x1F 1e10 .5 5.",
	"a.b.c->d::e ?? f?.g ... => <= >= != !== === <<= >>= &&= ||=",
	"\x00\x01\uFFFD\t\v\f\r\r\n\n",
	"BEGIN TRANSACTION; UPDATE t SET x = x + 1 WHERE id IN (SELECT id FROM u); COMMIT;",
	"class A extends B implements C { public static void main(String[] args) { int x = 0; } }",
	"if [ -d \"$HOME\" ]; then\n  export PATH=\"$PATH:$HOME/bin\"  # add\nfi\n",
	"package main\nimport \"strings\"\nvar x = strings.TrimSpace(`raw\nstring`)\n",
}

// TestEveryLexerOnMixedInput runs every registered lexer over the mixed
// inputs, each alone and all joined.
func TestEveryLexerOnMixedInput(t *testing.T) {
	all := strings.Join(mixed, "\n")
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		name := l.Config().Name
		if os.Getenv("FASTLEX_TRACE") != "" {
			t.Log(name)
		}
		for i, text := range mixed {
			if !same(t, fmt.Sprintf("%s on input %d", name, i), l, text) {
				break
			}
		}
		same(t, name+" on all inputs", l, all)
	}
	t.Logf("fastlex gave up on %d inputs where chroma would loop forever", gaveUp.Load())
}

// TestGivesUpWhereChromaLoops: chroma's JSONata lexer matches the empty
// string forever on an unclosed comment (chroma hangs); fastlex ends, the rest as text.
func TestGivesUpWhereChromaLoops(t *testing.T) {
	f, ok := Wrap(lexers.Get("jsonata")).(*Lexer)
	if !ok {
		t.Fatal("chroma's JSONata lexer is no longer a RegexLexer: pick another lexer that loops")
	}
	const in = "/* unclosed comment\n  x"
	it := f.iterator(nil, in)
	ts, p := drain(it.next)
	if p != nil || !it.gaveUp {
		t.Fatalf("panic %v, gave up %v", p, it.gaveUp)
	}
	var text strings.Builder
	for _, tok := range ts {
		text.WriteString(tok.Value)
	}
	if text.String() != in {
		t.Errorf("tokens spell %q", text.String())
	}
}

// TestWordsShape checks which patterns take the trie.
func TestWordsShape(t *testing.T) {
	for _, c := range []struct {
		pattern string
		exact   bool
		ok      bool
	}{
		{`(break|case|chan)\b`, true, true},
		{`\b(if|fi)\b`, true, true},
		{`(a|b)`, true, true},
		{`(?<!\.)(staticmethod|classmethod)\b`, false, true},
		{`(yield from|nonlocal)\b`, true, true},
		{`(\+\+|--|\.\.\.)`, true, true},
		{`(a|b)(?=\s*\()`, false, true},
		{`(a|b)?`, false, false},
		{`(a|b)\b|c`, false, false},
		{`(a|b)*`, false, false},
		{`(?:a|b)\b`, false, false},
		{`(a|\s)\b`, false, false},
		{`(a|b.c)\b`, false, false},
		{`(a||b)`, false, false},
		{`(é|b)`, false, false},
		{`x(a|b)`, false, false},
		{`(a|(b))`, false, false},
	} {
		w := parseWords(c.pattern, false)
		if (w != nil) != c.ok || w != nil && w.exact != c.exact {
			t.Errorf("parseWords(%q) = %+v, want ok=%v exact=%v", c.pattern, w, c.ok, c.exact)
		}
	}
}

// FuzzTokens compares fastlex with chroma on random input for the
// languages courses use most.
func FuzzTokens(f *testing.F) {
	langs := []string{"go", "python", "sql", "bash", "javascript", "typescript", "java", "c", "cpp", "csharp",
		"rust", "ruby", "php", "yaml", "json", "html", "css", "http", "docker", "makefile", "toml", "kotlin"}
	for i, s := range mixed {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, lang uint8, text string) {
		name := langs[int(lang)%len(langs)]
		l := lexers.Get(name)
		if l == nil {
			t.Fatalf("no lexer %q", name)
		}
		same(t, name, l, text)
	})
}
