package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The tokeniser. assets/js/search.js has a line-for-line twin (fold and
// tokens); TestBrowserTokensMatchGo runs both on the same text, so change
// them together.
//
// Text is folded first: lower case, compatibility decomposition (NFKD),
// combining marks dropped (é → e, ﬁ → fi, ² → 2), lower case again, then a
// few letters that do not decompose are spelled out (ß → ss, ø → o).
// Tokens are then runs of letters and digits, with three joins so technical
// names stay findable as one term:
//
//   - a dot between two runs: node.js, asp.net, 2.0, example.com;
//   - a dot before a run at the start of a word: .net, .env;
//   - "++" or "#" right after a run and before a non-word: c++, c#, f#.
//
// A joined token is emitted together with its runs (node.js, node, js), so
// "node" finds Node.js too. Han, Hiragana and Katakana characters are
// tokens of their own (those scripts do not separate words by spaces).
// Tokens of one character (other than those), of more than maxTokenRunes,
// and stop words are dropped. Plurals are stemmed (see stem), so "header"
// finds "headers".

const maxTokenRunes = 40

// specialFold spells out letters that NFKD leaves alone. ς → σ because a
// browser's toLowerCase writes a final sigma where Go writes σ.
var specialFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'ł': "l", 'þ': "th", 'ı': "i", 'ς': "σ", 'ħ': "h", 'ŧ': "t",
}

// stopWords are left out of the index: they are in nearly every section
// and would make the largest posting lists for no gain. Short on purpose:
// "not", "no", "should" and the like carry meaning in a course.
var stopWords = map[string]bool{}

const maxStopWord = 5 // bytes of the longest stop word

func between(n, lo, hi int) bool { return lo <= n && n <= hi }

func init() {
	for _, w := range strings.Fields(`a an and are as at be been but by can could did do does
		e.g for from had has have he her his how i.e if in into is it its me my of on or our
		she so than that the their them then there these they this those to us was we were what
		when where which who why will with would you your`) {
		stopWords[w] = true
	}
}

// fold normalises s for matching (see above).
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	var tmp [utf8.UTFMax * 4]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		// Decomposing rune by rune equals decomposing the whole string here:
		// the only reordering NFKD does is among combining marks, which go.
		d := norm.NFKD.AppendString(tmp[:0], string(unicode.ToLower(r)))
		for _, r2 := range string(d) {
			if unicode.Is(unicode.M, r2) {
				continue
			}
			r2 = unicode.ToLower(r2)
			if sp, ok := specialFold[r2]; ok {
				b.WriteString(sp)
				continue
			}
			b.WriteRune(r2)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.IsNumber(r)) && !isIdeograph(r)
}

func isIdeograph(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// Tokens returns the index terms of s in order, repeats included.
func Tokens(s string) []string {
	var out []string
	tokenize(fold(s), func(t string) { out = append(out, t) })
	return out
}

// tokenize calls emit for each term of the folded string s.
func tokenize(s string, emit func(string)) {
	keep := func(t string, ideograph bool) {
		if !ideograph {
			// Byte length bounds the rune count: count only when it matters.
			if n := len(t); n < 2 || n > utf8.UTFMax*maxTokenRunes ||
				(n < 4 || n > maxTokenRunes) && !between(utf8.RuneCountInString(t), 2, maxTokenRunes) ||
				n <= maxStopWord && stopWords[t] {
				return
			}
			t = stem(t)
		}
		emit(t)
	}
	// runeAt decodes the rune at byte offset i (utf8.RuneError, 0 past the end).
	runeAt := func(i int) (rune, int) {
		if i >= len(s) {
			return utf8.RuneError, 0
		}
		if s[i] < utf8.RuneSelf {
			return rune(s[i]), 1
		}
		return utf8.DecodeRuneInString(s[i:])
	}
	var parts [][2]int // byte ranges of the runs of the current word
	for i := 0; i < len(s); {
		r, n := runeAt(i)
		if isIdeograph(r) {
			keep(s[i:i+n], true)
			i += n
			continue
		}
		start := i
		if r == '.' {
			// A leading dot (.net) only after white space or punctuation other than a dot.
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			r2, _ := runeAt(i + n)
			if i > 0 && (isWordRune(prev) || prev == '.') || !isWordRune(r2) {
				i += n
				continue
			}
			i += n
		} else if !isWordRune(r) {
			i += n
			continue
		}
		parts = parts[:0]
		for {
			runStart := i
			for i < len(s) {
				r, n := runeAt(i)
				if !isWordRune(r) {
					break
				}
				i += n
			}
			parts = append(parts, [2]int{runStart, i})
			if r, n := runeAt(i); r == '.' {
				if r2, _ := runeAt(i + n); isWordRune(r2) {
					i += n
					continue
				}
			}
			break
		}
		// "++" or "#" ends a word only when no word rune follows (c#, not issue#12).
		suffix := 0
		if strings.HasPrefix(s[i:], "++") {
			suffix = 2
		} else if strings.HasPrefix(s[i:], "#") {
			suffix = 1
		}
		if suffix > 0 {
			if r2, _ := runeAt(i + suffix); !isWordRune(r2) && r2 != '+' && r2 != '#' {
				i += suffix
			}
		}
		if whole := s[start:i]; len(parts) > 1 || whole != s[parts[0][0]:parts[0][1]] {
			keep(whole, false)
		}
		for _, p := range parts {
			keep(s[p[0]:p[1]], false)
		}
	}
}

// stem strips an English plural ending from a word of at least four
// letters: -sses → -ss, -ies → -y, -s → "" but not after s, u or i
// (processes, queries, headers; class, status, redis stay). Rough on
// purpose ("matches" → "matche"): index and query agree, and the last
// query word matches as a prefix anyway.
func stem(t string) string {
	n := len(t)
	if n < 4 || t[n-1] != 's' || utf8.RuneCountInString(t) < 4 {
		return t
	}
	for _, r := range t {
		if !unicode.IsLetter(r) {
			return t
		}
	}
	switch {
	case strings.HasSuffix(t, "sses"):
		return t[:n-2]
	case strings.HasSuffix(t, "ies") && n > 4 && t[n-4] != 'e' && t[n-4] != 'a':
		return t[:n-3] + "y"
	case t[n-2] == 's' || t[n-2] == 'u' || t[n-2] == 'i':
		return t
	}
	return t[:n-1]
}
