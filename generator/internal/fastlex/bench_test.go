package fastlex

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// codeBlock is one fenced block's language and code.
type codeBlock struct{ lang, code string }

// benchWords is the benchmark corpus's vocabulary (bench/internal/corpus).
var benchWords = strings.Fields(`
	the a an of to in for on with by from as at into over under between through about
	data function value type variable loop index array slice map channel goroutine query
	table column row index schema server client request response handler route cache
	build compile test module package import export interface struct method pointer error
	result output input stream buffer file path directory process thread memory disk
	network socket protocol header body token parser lexer tree node graph edge vertex
	algorithm complexity sort search merge partition hash key record field constraint
	transaction commit rollback lock latency throughput benchmark profile trace metric
	student lesson exercise example concept pattern practice review summary question
	answer step idea approach method technique tool library framework language syntax`)

// corpusBlocks makes n code blocks shaped like the benchmark corpus's
// (bench/internal/corpus, which generator packages cannot import): go,
// python, sql and bash lesson blocks, with javascript and yaml exercise
// solutions, and a few typescript and json blocks.
func corpusBlocks(n int, seed int64) []codeBlock {
	r := rand.New(rand.NewSource(seed))
	word := func() string { return benchWords[r.Intn(len(benchWords))] }
	words := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	capitalize := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	ident := func() string { return word() + capitalize(word()) }
	var out []codeBlock
	for len(out) < n {
		var b strings.Builder
		lang := ""
		k := 6 + r.Intn(14)
		switch x := r.Intn(20); {
		case x < 4:
			lang = "go"
			fmt.Fprintf(&b, "func %s(items []string, limit int) (map[string]int, error) {\n", ident())
			b.WriteString("\tcounts := make(map[string]int, len(items))\n")
			for i := 0; i < k; i++ {
				switch r.Intn(4) {
				case 0:
					fmt.Fprintf(&b, "\tif len(items) > limit {\n\t\treturn nil, fmt.Errorf(\"%s: too many items (%%d)\", len(items))\n\t}\n", word())
				case 1:
					fmt.Fprintf(&b, "\tfor i, %s := range items {\n\t\tcounts[%s] += i // %s\n\t}\n", word(), word(), words(3))
				case 2:
					fmt.Fprintf(&b, "\t%s := strings.TrimSpace(items[%d])\n", ident(), r.Intn(10))
				default:
					fmt.Fprintf(&b, "\tcounts[\"%s\"] = %d\n", word(), r.Intn(1000))
				}
			}
			b.WriteString("\treturn counts, nil\n}\n")
		case x < 8:
			lang = "python"
			fmt.Fprintf(&b, "def %s(rows, limit=%d):\n", strings.ToLower(word()+"_"+word()), r.Intn(100))
			fmt.Fprintf(&b, "    \"\"\"%s.\"\"\"\n", capitalize(words(6)))
			b.WriteString("    result = {}\n")
			for i := 0; i < k; i++ {
				switch r.Intn(3) {
				case 0:
					fmt.Fprintf(&b, "    for %s in rows:\n        result['%s'] = result.get('%s', 0) + 1\n", word(), word(), word())
				case 1:
					fmt.Fprintf(&b, "    if len(rows) > limit:  # %s\n        raise ValueError(\"%s\")\n", words(3), words(3))
				default:
					fmt.Fprintf(&b, "    %s = [x * %d for x in range(%d)]\n", word(), r.Intn(9)+1, r.Intn(100))
				}
			}
			b.WriteString("    return result\n")
		case x < 12:
			lang = "sql"
			t1, t2 := word()+"s", word()+"s"
			fmt.Fprintf(&b, "CREATE TABLE %s (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,\n  score REAL DEFAULT 0\n);\n\n", t1)
			for i := 0; i < k/3+1; i++ {
				fmt.Fprintf(&b, "SELECT a.name, COUNT(*) AS n\nFROM %s a\nJOIN %s b ON b.%s_id = a.id\nWHERE a.score > %d\nGROUP BY a.name\nORDER BY n DESC\nLIMIT %d;\n", t1, t2, word(), r.Intn(100), r.Intn(50)+1)
			}
		case x < 16:
			lang = "bash"
			b.WriteString("#!/usr/bin/env bash\nset -euo pipefail\n")
			for i := 0; i < k; i++ {
				switch r.Intn(4) {
				case 0:
					fmt.Fprintf(&b, "for f in ./%s/*.txt; do\n  wc -l \"$f\" | sort -n\ndone\n", word())
				case 1:
					fmt.Fprintf(&b, "grep -rn '%s' . | head -n %d\n", word(), r.Intn(20)+1)
				case 2:
					fmt.Fprintf(&b, "export %s=\"%s\"  # %s\n", strings.ToUpper(word()), word(), words(3))
				default:
					fmt.Fprintf(&b, "if [ -d \"%s\" ]; then\n  echo \"%s\"\nfi\n", word(), words(4))
				}
			}
		case x < 17:
			lang = "javascript"
			fmt.Fprintf(&b, "function %s(items) {\n  const counts = new Map();\n", ident())
			for i := 0; i < k/3; i++ {
				switch r.Intn(3) {
				case 0:
					fmt.Fprintf(&b, "  for (const %s of items) {\n    counts.set(%s, (counts.get(%s) ?? 0) + 1);\n  }\n", word(), word(), word())
				case 1:
					fmt.Fprintf(&b, "  if (items.length > %d) throw new Error(`%s: ${items.length}`); // %s\n", r.Intn(100), words(2), words(3))
				default:
					fmt.Fprintf(&b, "  const %s = items.filter((x) => x !== \"%s\").map((x) => x.length * %d);\n", ident(), word(), r.Intn(9)+1)
				}
			}
			b.WriteString("  return counts;\n}\n")
		case x < 18:
			lang = "yaml"
			fmt.Fprintf(&b, "name: %s\non: [push]\njobs:\n  %s:\n    runs-on: ubuntu-latest\n    steps:\n", words(2), word())
			for i := 0; i < k/3; i++ {
				fmt.Fprintf(&b, "      - name: %s\n        run: %s ./%s/...\n        timeout-minutes: %d  # %s\n", capitalize(words(2)), word(), word(), r.Intn(30)+1, words(2))
			}
		case x < 19:
			lang = "typescript"
			fmt.Fprintf(&b, "export interface %s {\n  id: number;\n  name?: string;\n}\n\n", capitalize(ident()))
			fmt.Fprintf(&b, "export async function %s(items: string[], limit = %d): Promise<Map<string, number>> {\n", ident(), r.Intn(100))
			for i := 0; i < k/3; i++ {
				fmt.Fprintf(&b, "  const %s: number = items.length > limit ? %d : items.indexOf(\"%s\"); // %s\n", ident(), r.Intn(100), word(), words(3))
			}
			b.WriteString("  return new Map(items.map((x) => [x, x.length] as const));\n}\n")
		default:
			lang = "json"
			fmt.Fprintf(&b, "{\n  \"name\": \"%s\",\n  \"version\": \"1.%d.0\",\n  \"tags\": [", word(), r.Intn(10))
			for i := 0; i < k/2; i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "\"%s\"", word())
			}
			fmt.Fprintf(&b, "],\n  \"limits\": {\"max\": %d, \"ratio\": %d.5, \"strict\": true, \"parent\": null}\n}\n", r.Intn(1000), r.Intn(10))
		}
		out = append(out, codeBlock{lang, b.String()})
	}
	return out
}

// BenchmarkLexCorpus lexes 200 corpus-like code blocks per op as the
// highlighter does: chroma.Coalesce(fastlex.Wrap(lexers.Get(lang))), the
// iterator read to the end.
func BenchmarkLexCorpus(b *testing.B) {
	blocks := corpusBlocks(200, 1)
	lexer := map[string]chroma.Lexer{}
	size := 0
	for _, cb := range blocks {
		size += len(cb.code)
		if lexer[cb.lang] == nil {
			l := lexers.Get(cb.lang)
			if l == nil {
				b.Fatalf("no lexer %q", cb.lang)
			}
			if Wrap(l) == l {
				b.Fatalf("%s: not wrapped", cb.lang)
			}
			lexer[cb.lang] = chroma.Coalesce(Wrap(l))
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, cb := range blocks {
			it, err := lexer[cb.lang].Tokenise(nil, cb.code)
			if err != nil {
				b.Fatal(err)
			}
			for t := it(); t != chroma.EOF; t = it() {
			}
		}
	}
}

// TestCorpusBlocks compares fastlex with chroma on the benchmark's blocks.
func TestCorpusBlocks(t *testing.T) {
	for i, cb := range corpusBlocks(200, 1) {
		same(t, fmt.Sprintf("block %d (%s)", i, cb.lang), lexers.Get(cb.lang), cb.code)
	}
}
