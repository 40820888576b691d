package markdown

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// vagueLinkTexts are link texts that say nothing about where a link goes:
// screen reader users often list a page's links out of context.
var vagueLinkTexts = map[string]bool{
	"click here": true,
	"here":       true,
	"this":       true,
	"link":       true,
	"read more":  true,
	"more":       true,
	"this page":  true,
}

// linkText reports a link whose text is one of vagueLinkTexts, compared
// case-insensitively, ignoring punctuation and extra white space. A link
// holding only an image is judged by the image's alt text.
func (st *state) linkText(n *ast.Link) {
	text := normaliseLinkText(plainText(n, st.src))
	if vagueLinkTexts[text] {
		st.checkf(CheckLinkText, st.nodeOffset(n, "["), "link text %q says nothing about where the link goes: name the target instead", collapseSpace(plainText(n, st.src)))
	}
}

// normaliseLinkText lower-cases s, drops punctuation and collapses white space.
func normaliseLinkText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	return collapseSpace(s)
}

// headingLevels reports skipped heading levels (## then ####) and level-1
// headings in the body: the page's title is its only <h1>, so the body
// starts below it, at ##. hs are in document order.
//
// A body that opens with "# Title" gives the page its title and the heading
// is blanked before parsing; when the front matter has a title too, package
// content already warns about that opening heading, so it is left alone here.
func (st *state) headingLevels(root ast.Node, hs []*ast.Heading) {
	prev := 1
	for _, h := range hs {
		off := st.nodeOffset(h, "#")
		switch {
		case h.Level == 1 && h == root.FirstChild() && off < len(st.src) && st.src[off] == '#':
			// reported by package content
		case h.Level == 1:
			st.checkf(CheckHeadingSkip, off, "level-1 heading in the body: the title is the page's only <h1>; use ## for sections")
		case h.Level > prev+1:
			st.checkf(CheckHeadingSkip, off, "heading level skipped: h%d after h%d (use h%d here: screen readers navigate by heading level)", h.Level, prev, prev+1)
		}
		prev = h.Level
	}
}
