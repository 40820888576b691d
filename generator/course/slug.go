package course

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var prefixRE = regexp.MustCompile(`^(\d+)[-_. ]+(.+)$`)

// SplitPrefix splits a numeric ordering prefix off a file or folder name
// (lectern new orders new lessons with it):
// "01-foundations" → (1, true, "foundations").
func SplitPrefix(name string) (n int, ok bool, rest string) {
	m := prefixRE.FindStringSubmatch(name)
	if m == nil {
		return 0, false, name
	}
	v, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false, name
	}
	return v, true, m[2]
}

// Segment turns a file or folder name (without extension) into a URL segment:
// prefix stripped, NFC, lowercase, anything but letters, digits, '-', '_' and
// '.' turned into '-'.
func Segment(name string) string {
	_, _, rest := SplitPrefix(name)
	return clean(rest)
}

func clean(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
			dash = false
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.Trim(b.String(), "-.")
}

// termSymbols spells out the symbols that carry meaning in term names.
var termSymbols = strings.NewReplacer("#", " sharp ", "+", " plus ", "&", " and ", "@", " at ")

// TermSlug makes a taxonomy term's URL segment while keeping its meaning:
// C → c, C# → c-sharp, C++ → c-plus-plus, .NET → dotnet, Node.js → node-js.
func TermSlug(term string) string {
	t := strings.TrimSpace(term)
	if strings.HasPrefix(t, ".") {
		t = "dot" + t[1:]
	}
	t = termSymbols.Replace(t)
	t = strings.ReplaceAll(t, ".", " ")
	return clean(t)
}

// TitleFromName makes a title from a file or folder name (modules without
// _index.md, taxonomies, lectern new): "02-data-storage" → "Data storage".
func TitleFromName(name string) string {
	_, _, rest := SplitPrefix(name)
	rest = strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(rest))
	if rest == "" {
		return name
	}
	r := []rune(rest)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// foldKey is the case-folded sort key of a title.
func foldKey(s string) string {
	return strings.ToLower(norm.NFC.String(s))
}
