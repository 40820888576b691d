package markdown

import (
	"html"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// plainText is the text a reader sees in n, without markup: what a table of
// contents, an aria-label or an alt check needs. Raw HTML, footnote markers
// and checkboxes are left out.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v := n.Value(src)
			if n.IsRaw() {
				b.Write(v)
			} else {
				b.Write(unescape(v))
			}
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			if n.IsCode() { // typographer: an entity such as &rsquo;
				b.WriteString(html.UnescapeString(string(n.Value)))
			} else {
				b.Write(unescape(n.Value))
			}
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.RawHTML, *east.FootnoteLink, *east.TaskCheckBox, *anchor:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// unescape resolves backslash escapes and entity references, as goldmark's
// HTML writer does before escaping text.
func unescape(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// slugify makes a heading id from its plain text, as GitHub does: lower case,
// letters (any script), digits, '-' and '_' kept, white space turned into
// '-', everything else dropped. goldmark's own generator drops every
// non-ASCII letter ("Über" → "ber") and works on the raw Markdown, so a
// heading holding a link gets the URL in its id; this one does neither.
func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_' || r == '-':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "heading"
	}
	return b.String()
}
