package fastlex

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// codeBlock is one fenced block's language and code.
type codeBlock struct{ lang, code string }

// courseBlocks returns the fenced code blocks, with a language chroma
// knows, at the top level of the bundled course's lessons (../../../content):
// real code in a dozen languages, go, sql and http above all.
func courseBlocks(t testing.TB) []codeBlock {
	t.Helper()
	var out []codeBlock
	err := filepath.WalkDir("../../../content", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var cur *codeBlock
		var code strings.Builder
		for line := range strings.Lines(string(src)) {
			switch {
			case cur == nil && strings.HasPrefix(line, "```"):
				lang, _, _ := strings.Cut(strings.TrimSpace(line[3:]), " ")
				if lexers.Get(lang) != nil && lang != "text" {
					cur = &codeBlock{lang: lang}
					code.Reset()
				}
			case cur != nil && strings.TrimSpace(line) == "```":
				cur.code = code.String()
				out = append(out, *cur)
				cur = nil
			case cur != nil:
				code.WriteString(line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("%d code blocks in the bundled course, want 100 or more", len(out))
	}
	return out
}

// BenchmarkLexCourse lexes the bundled course's code blocks per op as the
// highlighter does: chroma.Coalesce(fastlex.Wrap(lexers.Get(lang))), the
// iterator read to the end.
func BenchmarkLexCourse(b *testing.B) {
	blocks := courseBlocks(b)
	lexer := map[string]chroma.Lexer{}
	size := 0
	for _, cb := range blocks {
		size += len(cb.code)
		if lexer[cb.lang] == nil {
			l := lexers.Get(cb.lang)
			if l == nil {
				b.Fatalf("no lexer %q", cb.lang)
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

// TestCourseBlocks compares fastlex with chroma on the benchmark's blocks.
func TestCourseBlocks(t *testing.T) {
	for i, cb := range courseBlocks(t) {
		same(t, fmt.Sprintf("block %d (%s)", i, cb.lang), lexers.Get(cb.lang), cb.code)
	}
}
