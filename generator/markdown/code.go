package markdown

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/lectern/lectern/generator/internal/fastlex"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// codeBlock replaces goldmark's fenced and indented code blocks once their
// info string has been read, so options errors are found while parsing
// (where diagnostics can be recorded) and the renderer only writes.
type codeBlock struct {
	ast.BaseBlock
	lang    string   // as written after the fence; "" for none
	title   string   // title="…": shown as a caption
	hl      [][2]int // hl_lines: 1-based inclusive ranges
	linenos bool
}

var kindCodeBlock = ast.NewNodeKind("LecternCodeBlock")

func (n *codeBlock) Kind() ast.NodeKind { return kindCodeBlock }
func (n *codeBlock) IsRaw() bool        { return true }

func (n *codeBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Lang": n.lang, "Title": n.title}, nil)
}

// codeBlock swaps a FencedCodeBlock or CodeBlock for a codeBlock.
func (st *state) codeBlock(n ast.Node) {
	cb := &codeBlock{}
	cb.SetLines(n.Lines())
	cb.SetPos(n.Pos())
	cb.SetBlankPreviousLines(n.HasBlankPreviousLines())
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Info != nil {
		st.fenceInfo(cb, f.Info.Segment.Value(st.src), n.Pos())
	}
	n.Parent().ReplaceChild(n.Parent(), n, cb)
}

// fenceInfo reads "go {title="main.go" hl_lines="3-5" linenos=true}".
// Words after the language that are not an option block are ignored, as
// CommonMark allows any info string.
func (st *state) fenceInfo(cb *codeBlock, info []byte, off int) {
	info = bytes.TrimSpace(info)
	lang, rest := info, []byte(nil)
	if i := bytes.IndexAny(info, " \t{"); i >= 0 {
		lang, rest = info[:i], bytes.TrimSpace(info[i:])
	}
	cb.lang = string(unescape(lang))
	if len(rest) == 0 || rest[0] != '{' {
		return
	}
	attrs, ok := parser.ParseAttributes(text.NewReader(rest))
	if !ok {
		st.errorf(off, `cannot read code block options %s: want {title="…" hl_lines="1,3-5" linenos=true check=compile}`, rest)
		return
	}
	for _, a := range attrs {
		switch name := string(a.Name); name {
		case "title":
			cb.title = attrString(a.Value)
		case "hl_lines":
			hl, err := lineRanges(a.Value)
			if err != nil {
				st.errorf(off, "bad hl_lines %s: %v", quoteAttr(a.Value), err)
				continue
			}
			cb.hl = hl
			last := 0
			for _, r := range hl {
				last = max(last, r[1])
			}
			if n := cb.Lines().Len(); last > n {
				st.warnf(off, "hl_lines %s goes past the last line of the block (%d)", quoteAttr(a.Value), n)
			}
		case "linenos":
			switch v := attrString(a.Value); v {
			case "true", "inline", "table":
				cb.linenos = true
			case "false":
				cb.linenos = false
			default:
				st.errorf(off, "bad linenos %s: want true or false", quoteAttr(a.Value))
			}
		case "check":
			// For the content tests that check code examples; nothing to render.
			switch v := attrString(a.Value); v {
			case "compile", "parse", "skip":
			default:
				st.errorf(off, "bad check %s: want compile (a whole program), parse or skip", quoteAttr(a.Value))
			}
		default:
			st.warnf(off, "unknown code block option %q (known: title, hl_lines, linenos, check)", name)
		}
	}
}

func quoteAttr(v any) string {
	if _, isNum := v.(float64); isNum {
		return attrString(v)
	}
	return strconv.Quote(attrString(v))
}

var errLineRanges = errors.New(`want line numbers and ranges such as "3-5" or "1,3-5"`)

// lineRanges reads hl_lines: "3-5", "1,3-5", "1 3-5", 3 or [1, "3-5"],
// sorted by start.
func lineRanges(v any) ([][2]int, error) {
	var out [][2]int
	var add func(v any) error
	add = func(v any) error {
		switch v := v.(type) {
		case []byte:
			fields := strings.FieldsFunc(string(v), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
			if len(fields) == 0 {
				return errLineRanges
			}
			for _, f := range fields {
				lo, hi, isRange := strings.Cut(f, "-")
				a, err1 := strconv.Atoi(lo)
				b, err2 := a, error(nil)
				if isRange {
					b, err2 = strconv.Atoi(hi)
				}
				if err1 != nil || err2 != nil || a < 1 || b < a {
					return errLineRanges
				}
				out = append(out, [2]int{a, b})
			}
		case float64:
			if v < 1 || v != math.Trunc(v) || v > math.MaxInt32 {
				return errLineRanges
			}
			out = append(out, [2]int{int(v), int(v)})
		case []any:
			if len(v) == 0 {
				return errLineRanges
			}
			for _, e := range v {
				if _, nested := e.([]any); nested {
					return errLineRanges
				}
				if err := add(e); err != nil {
					return err
				}
			}
		default:
			return errLineRanges
		}
		return nil
	}
	if err := add(v); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Or(a[0]-b[0], a[1]-b[1]) }) // formatCode reads them in order
	return out, nil
}

// highlighter holds everything chroma needs, built once in New. Blocks are
// written by formatCode rather than chroma's HTML formatter (same bytes,
// a fraction of the time), from tokens of fastlex's matchers rather than
// regexp2's (same tokens); stock turns both back into chroma's own.
type highlighter struct {
	light, dark *chroma.Style
	text        chroma.Lexer // for missing and unknown languages
	lexers      sync.Map     // language as written → lexerEntry
	css         []byte
	stock       bool // chroma's lexers and HTML formatter, as goldmark-highlighting uses them
}

type lexerEntry struct{ l chroma.Lexer }

func newHighlighter(lightName, darkName string) (*highlighter, error) {
	light, err := style(lightName)
	if err != nil {
		return nil, err
	}
	dark, err := style(darkName)
	if err != nil {
		return nil, err
	}
	h := &highlighter{
		light: light,
		dark:  dark,
		text:  lexers.Get("plaintext"),
	}
	if h.text == nil {
		h.text = lexers.Fallback
	}
	h.css, err = stylesheet(light, dark)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// style looks a chroma style up by name; styles.Get would silently fall back.
func style(name string) (*chroma.Style, error) {
	s, ok := styles.Registry[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown highlight style %q (chroma styles: %s)", name, strings.Join(styles.Names(), ", "))
	}
	return readableLineNumbers(s)
}

// lexer finds the lexer for a fence's language, never guessing from the
// code: a missing or unknown language is plain text.
func (h *highlighter) lexer(lang string) chroma.Lexer {
	if lang == "" {
		return h.text
	}
	if e, ok := h.lexers.Load(lang); ok {
		return e.(lexerEntry).l
	}
	l := lexers.Get(lang)
	switch {
	case l == nil:
		l = h.text
	case h.stock:
		l = chroma.Coalesce(l)
	default:
		l = chroma.Coalesce(fastlex.Wrap(l))
	}
	h.lexers.Store(lang, lexerEntry{l})
	return l
}

// write writes a code block:
//
//	<figure class="code"><figcaption>main.go</figcaption>   (with a title only)
//	<pre class="chroma" tabindex="0"><code class="language-go" data-lang="go">…</code></pre>
//	</figure>
//
// tabindex lets keyboard users scroll long lines (axe's
// scrollable-region-focusable); the theme's script adds the copy button.
func (h *highlighter) write(w util.BufWriter, cb *codeBlock, code string) {
	if cb.title != "" {
		_, _ = w.WriteString(`<figure class="code"><figcaption>`)
		_, _ = w.Write(util.EscapeHTML([]byte(cb.title)))
		_, _ = w.WriteString("</figcaption>\n")
	}
	_, _ = w.WriteString(`<pre class="chroma" tabindex="0"><code`)
	if cb.lang != "" {
		lang := util.EscapeHTML([]byte(cb.lang))
		_, _ = w.WriteString(` class="language-`)
		_, _ = w.Write(lang)
		_, _ = w.WriteString(`" data-lang="`)
		_, _ = w.Write(lang)
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	if err := h.highlight(w, cb, code); err != nil {
		_, _ = w.Write(util.EscapeHTML([]byte(code)))
	}
	_, _ = w.WriteString("</code></pre>\n")
	if cb.title != "" {
		_, _ = w.WriteString("</figure>\n")
	}
}

func (h *highlighter) highlight(w io.Writer, cb *codeBlock, code string) (err error) {
	defer func() {
		// A chroma lexer that panics (some do on odd input) costs the block
		// its colours, not the page.
		if p := recover(); p != nil {
			err = fmt.Errorf("highlighting %s: %v", cb.lang, p)
		}
	}()
	it, err := h.lexer(cb.lang).Tokenise(nil, code)
	if err != nil {
		return err
	}
	if h.stock {
		var buf bytes.Buffer
		if err := stockFormatter(cb.linenos, cb.hl).Format(&buf, h.light, it); err != nil {
			return err
		}
		_, err = w.Write(buf.Bytes())
		return err
	}
	// The lexers run as formatCode reads them, so a panic can come midway:
	// the block goes to w only once it is whole.
	bp := htmlBufs.Get().(*[]byte)
	buf := formatCode((*bp)[:0], it, cb.linenos, cb.hl)
	_, err = w.Write(buf)
	if cap(buf) <= maxPooledHTML {
		*bp = buf[:0]
		htmlBufs.Put(bp)
	}
	return err
}

// stockFormatter is chroma's HTML formatter configured to write what
// formatCode writes: classes, not inline styles, and only the lines (the
// <pre> and <code> around them are write's).
func stockFormatter(linenos bool, hl [][2]int) *chromahtml.Formatter {
	opts := []chromahtml.Option{
		chromahtml.WithClasses(true),
		chromahtml.WithPreWrapper(emptyPreWrapper{}),
		chromahtml.WithLineNumbers(linenos),
	}
	if len(hl) > 0 {
		opts = append(opts, chromahtml.HighlightLines(slices.Clone(hl))) // chroma sorts them in place
	}
	return chromahtml.New(opts...)
}

// emptyPreWrapper makes chroma write only the lines, as lectern writes the
// <pre> and <code> around them (tabindex, language class). chroma's own
// PreventSurroundingPre would also drop the per-line spans hl_lines needs.
type emptyPreWrapper struct{}

func (emptyPreWrapper) Start(bool, string) string { return "" }
func (emptyPreWrapper) End(bool) string           { return "" }

// htmlBufs holds highlight's buffers; one that grew past maxPooledHTML is
// left to the garbage collector.
var htmlBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledHTML = 1 << 20

// stylesheet writes the light style for .chroma and the dark one under both
// dark scopes. A token the light style colours but the dark one leaves at
// its default would keep the light colour in dark mode (the light rule still
// matches), so such tokens get an explicit reset in the dark scopes.
func stylesheet(light, dark *chroma.Style) ([]byte, error) {
	// Line numbers and a highlighted range, so their rules (and the grid
	// that stretches highlighted lines to the full width) are included.
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithCSSComments(false),
		chromahtml.WithLineNumbers(true), chromahtml.HighlightLines([][2]int{{1, 1}}))
	var lb, db bytes.Buffer
	if err := f.WriteCSS(&lb, light); err != nil {
		return nil, err
	}
	if err := f.WriteCSS(&db, dark); err != nil {
		return nil, err
	}
	lightRules, darkRules := cssRules(lb.String()), cssRules(db.String())
	inLight, inDark := map[[2]string]bool{}, map[string]bool{}
	for _, r := range lightRules {
		inLight[r] = true
	}
	var scoped [][2]string // dark rules that differ from the light ones
	for _, r := range darkRules {
		inDark[r[0]] = true
		if !inLight[r] {
			scoped = append(scoped, r)
		}
	}
	for _, r := range lightRules {
		if !inDark[r[0]] {
			scoped = append(scoped, [2]string{r[0],
				"color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: inherit"})
		}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "/* Code highlighting: %s (light), %s (dark). */\n", light.Name, dark.Name)
	for _, r := range lightRules {
		fmt.Fprintf(&b, "%s { %s }\n", r[0], r[1])
	}
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	for _, r := range scoped {
		fmt.Fprintf(&b, ":root:not([data-theme=light]) %s { %s }\n", r[0], r[1])
	}
	b.WriteString("}\n")
	for _, r := range scoped {
		fmt.Fprintf(&b, "[data-theme=dark] %s { %s }\n", r[0], r[1])
	}
	return b.Bytes(), nil
}

// cssRules splits chroma's CSS, one "selector { declarations }" per line,
// into selector/declarations pairs.
func cssRules(css string) [][2]string {
	var out [][2]string
	for line := range strings.Lines(css) {
		sel, decl, ok := strings.Cut(strings.TrimSpace(line), " { ")
		if !ok {
			continue
		}
		out = append(out, [2]string{sel, strings.TrimSuffix(decl, " }")})
	}
	return out
}
