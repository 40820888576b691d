package markdown

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// formatCode writes highlighted tokens as HTML, byte for byte what chroma's
// html.Formatter writes with the options lectern used to give it:
//
//	html.New(WithClasses(true), WithPreWrapper(emptyPreWrapper{}),
//		WithLineNumbers(linenos), HighlightLines(hl))
//
// It exists for speed: a CPU profile of a 10,000-lesson build spent 3.9 s
// of 71 s in chroma's (*html.Formatter).Format, which splits the tokens
// into a slice of lines first, looks every token's class up in a map
// (walking up to its category when the type has none), builds each span
// with fmt.Sprintf, escapes through strings.Replacer, and for a block with
// hl_lines needs a formatter of its own that converts the whole style to
// CSS before its first line. formatCode looks classes up in a table built
// once and appends to dst: about 30 times faster, and no allocations once
// its pooled token slice has grown (BenchmarkFormatter).
//
// The output, for each line (a line ends after its "\n"):
//
//	<span class="line">                    <span class="line hl"> when hl covers it
//	<span class="ln"> 7</span>             linenos only, padded to the widest number
//	<span class="cl">…tokens…</span></span>
//
// where a token is its text HTML-escaped as html.EscapeString does (& ' < > "),
// inside <span class="k">…</span> when its type, or the nearest parent type
// chroma knows, has a class (chroma.Text has none: plain text is unwrapped).
// The style plays no part: with classes it only feeds the stylesheet.
//
// Like chroma it reads the iterator up to the first chroma.EOF token, wraps
// an empty token in its span (chroma.Coalesce drops them, so only the
// plain-text lexer may give one), writes no line for a last line that is a
// single empty token (chroma strips it), and highlights a line when some hl
// range holds it, ranges in any order (chroma sorts them by start). If the
// iterator panics, dst may hold part of the block: callers write it out
// only on success.
//
// TestFormatCodeEveryLexer and FuzzFormatter hold it to chroma's output.
func formatCode(dst []byte, it chroma.Iterator, linenos bool, hl [][2]int) []byte {
	tp := tokenBufs.Get().(*[]chroma.Token)
	toks := (*tp)[:0]
	for t := it(); t != chroma.EOF; t = it() {
		toks = append(toks, t)
	}
	dst = appendCodeHTML(dst, toks, linenos, hl)
	if cap(toks) <= maxPooledTokens {
		clear(toks) // let the page's source go
		*tp = toks[:0]
		tokenBufs.Put(tp)
	}
	return dst
}

// tokenBufs holds token slices for formatCode; one that grew past
// maxPooledTokens (an enormous block) is left to the garbage collector.
var tokenBufs = sync.Pool{New: func() any { return new([]chroma.Token) }}

const maxPooledTokens = 1 << 14

// appendCodeHTML is formatCode on tokens already read.
func appendCodeHTML(dst []byte, tokens []chroma.Token, linenos bool, hl [][2]int) []byte {
	c := classes()
	if n := len(tokens); n > 0 && tokens[n-1].Value == "" && (n == 1 || strings.HasSuffix(tokens[n-2].Value, "\n")) {
		tokens = tokens[:n-1] // a last line of one empty token: chroma drops it
	}
	width := 0 // of the line numbers, as chroma pads them to the last one's
	if linenos {
		lines := 0
		for _, t := range tokens {
			lines += strings.Count(t.Value, "\n")
		}
		if n := len(tokens); n > 0 && !strings.HasSuffix(tokens[n-1].Value, "\n") {
			lines++
		}
		width = len(strconv.Itoa(lines))
	}
	hl = sortedRanges(hl)
	line, open, next := 0, false, 0 // next: the first range that ends at line or later
	for _, t := range tokens {
		span := c.span(t.Type)
		v := t.Value
		for {
			if !open {
				line++
				for next < len(hl) && hl[next][1] < line {
					next++
				}
				if next < len(hl) && hl[next][0] <= line {
					dst = append(dst, c.lineHL...)
				} else {
					dst = append(dst, c.line...)
				}
				if linenos {
					dst = append(dst, c.lineNo...)
					for pad := width - digits(line); pad > 0; pad-- {
						dst = append(dst, ' ')
					}
					dst = strconv.AppendInt(dst, int64(line), 10)
					dst = append(dst, "</span>"...)
				}
				dst = append(dst, c.codeLine...)
				open = true
			}
			i := strings.IndexByte(v, '\n')
			if i < 0 {
				dst = appendToken(dst, span, v)
				break
			}
			dst = appendToken(dst, span, v[:i+1])
			dst = append(dst, "</span></span>"...)
			open = false
			if v = v[i+1:]; v == "" {
				break
			}
		}
	}
	if open {
		dst = append(dst, "</span></span>"...)
	}
	return dst
}

// appendToken writes one token's text on one line, in its span if it has
// one.
func appendToken(dst []byte, span, v string) []byte {
	if span == "" {
		return appendEscaped(dst, v)
	}
	dst = append(dst, span...)
	dst = appendEscaped(dst, v)
	return append(dst, "</span>"...)
}

// sortedRanges returns hl sorted by start, copying only if it is not
// (lineRanges already sorts). Which line a range covers does not depend on
// the order of ranges with the same start.
func sortedRanges(hl [][2]int) [][2]int {
	for i := 1; i < len(hl); i++ {
		if hl[i][0] < hl[i-1][0] {
			s := slices.Clone(hl)
			slices.SortFunc(s, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
			return s
		}
	}
	return hl
}

func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// htmlEscaped marks the bytes html.EscapeString replaces.
var htmlEscaped = [256]bool{'&': true, '\'': true, '<': true, '>': true, '"': true}

// appendEscaped appends s escaped as html.EscapeString does.
func appendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if !htmlEscaped[s[i]] {
			continue
		}
		dst = append(dst, s[last:i]...)
		switch s[i] {
		case '&':
			dst = append(dst, "&amp;"...)
		case '\'':
			dst = append(dst, "&#39;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '"':
			dst = append(dst, "&#34;"...)
		}
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// htmlClasses holds the spans formatCode writes, from chroma.StandardTypes.
type htmlClasses struct {
	// spans[index[t-lo]] opens a token of type t: `<span class="kd">`, or
	// "" for a type without a class (index 0).
	lo    chroma.TokenType
	index []uint16
	spans []string

	line     string // `<span class="line">`
	lineHL   string // `<span class="line hl">`
	lineNo   string // `<span class="ln">`
	codeLine string // `<span class="cl">`
}

// classes builds the table on first use, after every package's init has
// run, so it sees chroma.StandardTypes as chroma's formatter would.
var classes = sync.OnceValue(newHTMLClasses)

func newHTMLClasses() *htmlClasses {
	// Every negative type has the parent 0, and every type of a category
	// in the map falls back to the category: cover those densely.
	lo, hi := chroma.TokenType(-99), chroma.TokenType(0)
	for t := range chroma.StandardTypes {
		lo, hi = min(lo, t), max(hi, t)
	}
	hi = hi/1000*1000 + 999
	c := &htmlClasses{lo: lo, index: make([]uint16, hi-lo+1), spans: []string{""}}
	seen := map[string]uint16{}
	for i := range c.index {
		cls := chromaClass(lo + chroma.TokenType(i))
		if cls == "" {
			continue
		}
		k, ok := seen[cls]
		if !ok {
			if len(c.spans) > 0xffff {
				panic("markdown: too many chroma classes")
			}
			k = uint16(len(c.spans))
			seen[cls] = k
			c.spans = append(c.spans, `<span class="`+cls+`">`)
		}
		c.index[i] = k
	}
	c.line = "<span" + classAttr(chroma.Line) + ">"
	c.lineHL = `<span class="` + chromaClass(chroma.Line) + " " + chromaClass(chroma.LineHighlight) + `">`
	c.lineNo = "<span" + classAttr(chroma.LineNumbers) + ">"
	c.codeLine = "<span" + classAttr(chroma.CodeLine) + ">"
	return c
}

// span returns the opening tag for a token of type t, "" for none. A type
// outside the table (no lexer emits one) costs a string.
func (c *htmlClasses) span(t chroma.TokenType) string {
	if i := uint(t - c.lo); i < uint(len(c.index)) {
		return c.spans[c.index[i]]
	}
	if cls := chromaClass(t); cls != "" {
		return `<span class="` + cls + `">`
	}
	return ""
}

// chromaClass is the CSS class chroma's formatter gives a token type: the
// type's own entry in chroma.StandardTypes, even if empty, else its
// sub-category's, else its category's, else that of type 0.
func chromaClass(t chroma.TokenType) string {
	for ; t != 0; t = t.Parent() {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
	}
	return chroma.StandardTypes[0]
}

func classAttr(t chroma.TokenType) string {
	if cls := chromaClass(t); cls != "" {
		return ` class="` + cls + `"`
	}
	return ""
}
