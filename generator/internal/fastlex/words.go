package fastlex

import (
	"strings"
	"unicode"

	"github.com/dlclark/regexp2/v2/syntax"
)

// words is a rule that is a list of literal words in a capture group, the
// shape chroma.Words and the XML lexers use for keywords:
//
//	(DATETIME_INTERVAL_PRECISION|...|AS|BY)\b
//	\b(if|fi|else|while)\b
//	(?<!\.)(staticmethod|classmethod|...)\b
//
// A trie finds every word that matches at a position. When the group is
// framed by nothing or \b, that decides the match exactly; with any other
// zero-width prefix or suffix it only rules the expression out when no word
// matches, and the expression decides.
type words struct {
	root           node
	ci             bool // case-insensitive: compare unicode.ToLower of the text
	exact          bool // prefix and suffix are each "" or \b
	prefixBoundary bool
	suffixBoundary bool
}

type node struct {
	kids []edge
	end  int // pattern index of the first alternative ending here, or -1
}

type edge struct {
	c byte
	n *node
}

func (n *node) kid(c byte) *node {
	for _, e := range n.kids {
		if e.c == c {
			return e.n
		}
	}
	return nil
}

// parseWords recognises the shape, or returns nil.
func parseWords(pattern string, ci bool) *words {
	prefix, rest, ok := zeroWidthPrefix(pattern)
	if !ok || !strings.HasPrefix(rest, "(") || strings.HasPrefix(rest, "(?") {
		return nil
	}
	alts, suffix, ok := literalGroup(rest[1:])
	if !ok {
		return nil
	}
	w := &words{ci: ci, root: node{end: -1}}
	for i, a := range alts {
		if a == "" {
			return nil // an empty word makes the rule match nothing, forever
		}
		n := &w.root
		for j := 0; j < len(a); j++ {
			c := a[j]
			if ci {
				c = byte(unicode.ToLower(rune(c)))
			}
			k := n.kid(c)
			if k == nil {
				k = &node{end: -1}
				n.kids = append(n.kids, edge{c, k})
			}
			n = k
		}
		if n.end < 0 {
			n.end = i
		}
	}
	w.prefixBoundary = prefix == `\b`
	w.suffixBoundary = suffix == `\b`
	w.exact = (prefix == "" || prefix == `\b`) && (suffix == "" || suffix == `\b`)
	return w
}

// zeroWidthPrefix splits off "", `\b` or one lookaround group.
func zeroWidthPrefix(p string) (prefix, rest string, ok bool) {
	switch {
	case strings.HasPrefix(p, `\b`):
		return `\b`, p[2:], true
	case strings.HasPrefix(p, "(?<!"), strings.HasPrefix(p, "(?<="), strings.HasPrefix(p, "(?="), strings.HasPrefix(p, "(?!"):
		end := groupEnd(p)
		if end < 0 {
			return "", "", false
		}
		return p[:end], p[end:], true
	}
	return "", p, true
}

// groupEnd returns the index just past the group that opens p, or -1.
func groupEnd(p string) int {
	end := -1
	scanSyntax(p, func(i int, c byte, depth int) bool {
		if c == ')' && depth == 0 {
			end = i + 1
			return false
		}
		return true
	})
	return end
}

// scanSyntax calls f for each "(", ")" and "|" of a pattern that is not
// escaped or in a character class, with the parenthesis depth after it,
// until f returns false.
func scanSyntax(s string, f func(i int, c byte, depth int) bool) {
	depth, inClass := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(', c == ')', c == '|':
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			}
			if !f(i, c, depth) {
				return
			}
		}
	}
}

// literalGroup reads "word|word|…)" followed by a suffix: the words (ASCII
// literals, metacharacters escaped with a backslash) and what follows the
// group. Anything that is not a plain literal rejects the rule.
func literalGroup(p string) (alts []string, suffix string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 0x80:
			return nil, "", false
		case c == '\\':
			if i+1 >= len(p) {
				return nil, "", false
			}
			e := p[i+1]
			if e >= 0x80 || 'a' <= e && e <= 'z' || 'A' <= e && e <= 'Z' || '0' <= e && e <= '9' || e == '_' {
				return nil, "", false // \b, \s, \d, \x41, \1 …: not a literal
			}
			b.WriteByte(e)
			i++
		case c == '|':
			alts = append(alts, b.String())
			b.Reset()
		case c == ')':
			alts = append(alts, b.String())
			suffix = p[i+1:]
			if suffix != "" && suffix != `\b` {
				// Some other suffix: the trie only filters, so the suffix
				// must not be something that makes the group optional.
				if s := suffix[0]; s == '?' || s == '*' || s == '{' || s == '+' || s == '|' {
					return nil, "", false
				}
				if !balancedNoTopAlt(suffix) {
					return nil, "", false
				}
			}
			return alts, suffix, true
		case strings.IndexByte(`.^$*+?()[]{}#`, c) >= 0 || c < 0x20:
			return nil, "", false
		default:
			b.WriteByte(c)
		}
	}
	return nil, "", false
}

// balancedNoTopAlt reports whether every "|" in s is inside parentheses or
// a character class, so it cannot make the words group optional.
func balancedNoTopAlt(s string) bool {
	ok := true
	scanSyntax(s, func(_ int, c byte, depth int) bool {
		ok = !(c == '|' && depth <= 0)
		return ok
	})
	return ok
}

// match returns the length of the match at pos (n ≥ 0) when the rule is
// exact, or n = -1 and whether the expression could still match there.
func (w *words) match(text []rune, pos int) (n int, possible bool) {
	if w.prefixBoundary && !boundary(text, pos) {
		return -1, false
	}
	best, bestLen := -1, -1
	nd := &w.root
	for i := pos; i < len(text); i++ {
		r := text[i]
		if w.ci {
			r = unicode.ToLower(r)
		}
		if r >= 0x80 {
			break
		}
		if nd = nd.kid(byte(r)); nd == nil {
			break
		}
		if nd.end >= 0 && (best < 0 || nd.end < best) {
			if !w.exact {
				return -1, true
			}
			if !w.suffixBoundary || boundary(text, i+1) {
				best, bestLen = nd.end, i+1-pos
			}
		}
	}
	if best < 0 {
		return -1, false
	}
	return bestLen, true
}

// boundary is regexp2's \b at index i of the whole text.
func boundary(text []rune, i int) bool {
	return (i > 0 && isWordChar(text[i-1])) != (i < len(text) && isWordChar(text[i]))
}

// asciiWord is syntax.IsWordChar of the ASCII characters, which it looks up
// in a map by category name for every character.
var asciiWord = func() (w [128]bool) {
	for c := range w {
		w[c] = syntax.IsWordChar(rune(c))
	}
	return w
}()

// isWordChar is syntax.IsWordChar.
func isWordChar(r rune) bool {
	if r >= 0 && r < 128 {
		return asciiWord[r]
	}
	return syntax.IsWordChar(r)
}
