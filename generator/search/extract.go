package search

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Section is a part of a page: the text before the first h2 (ID "", Title "")
// and then one per h2 or h3 that has an id.
type Section struct {
	ID    string // the heading's id: the result links to URL#ID
	Title string // the heading's text
	Text  string // prose, white space collapsed
}

// Extract splits a page's body HTML (the Markdown converter's output) into
// sections of plain text: entities decoded, white space collapsed, words
// kept apart at block boundaries. Left out are heading self-links
// (<a class="anchor">), code blocks (<pre>: they would grow the index by a
// fifth with identifiers that the prose names anyway, and make poor
// excerpts), quizzes (<form class="quiz">: they hold their answers), and
// scripts, styles, SVG, MathML and templates. Inline <code> is prose. The
// first section is always the page's intro, possibly empty. Extract is a
// pure function.
func Extract(body []byte) []Section {
	z := html.NewTokenizer(bytes.NewReader(body))
	var (
		secs    = []Section{{}}
		text    strings.Builder // the current section's prose
		heading strings.Builder
		inHead  atom.Atom // h2 or h3 being read as a section title
		skip    int       // depth inside an element left out
		skipTag atom.Atom
	)
	flush := func() {
		secs[len(secs)-1].Text = collapse(text.String())
		text.Reset()
	}
	// The tokenizer's low-level calls (TagName, TagAttr, Text) instead of
	// Token: most tags are chroma's spans inside a <pre>, skipped, and
	// need no attributes or strings.
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		var a atom.Atom
		var attrs tagAttrs
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			// The atom from the raw tag: TagName copies the name for every
			// tag, and only a few need their attributes.
			var ok bool
			if a, ok = rawAtom(z.Raw(), tt == html.EndTagToken); !ok || tt != html.EndTagToken && skip == 0 && wantsAttrs(a) {
				name, more := z.TagName()
				a = atom.Lookup(name)
				if more && tt != html.EndTagToken && skip == 0 && wantsAttrs(a) {
					attrs = readAttrs(z)
				}
			}
		}
		if skip > 0 {
			// Left-out elements may nest (a quiz inside a quiz's form is not
			// expected, but a <span> inside an anchor is).
			switch {
			case tt == html.StartTagToken && a == skipTag && !selfClosing(a):
				skip++
			case tt == html.EndTagToken && a == skipTag:
				skip--
			}
			continue
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Template || a == atom.Svg || a == atom.Math || a == atom.Pre ||
				a == atom.Form && attrs.hasClass("quiz") || a == atom.A && attrs.hasClass("anchor"):
				if tt == html.StartTagToken {
					skip, skipTag = 1, a
				}
				continue
			case (a == atom.H2 || a == atom.H3) && attrs.get("id") != "" && inHead == 0:
				flush()
				secs = append(secs, Section{ID: attrs.get("id")})
				inHead = a
				heading.Reset()
				continue
			case a == atom.Img:
				// The alt text describes the image: searchable prose.
				if alt := attrs.get("alt"); alt != "" {
					text.WriteString(" " + alt + " ")
				}
			}
			if isBreak(a) {
				write(&text, &heading, inHead, " ")
			}
		case html.EndTagToken:
			if a == inHead && inHead != 0 {
				secs[len(secs)-1].Title = collapse(heading.String())
				inHead = 0
				continue
			}
			if isBreak(a) {
				write(&text, &heading, inHead, " ")
			}
		case html.TextToken:
			if inHead != 0 {
				heading.Write(z.Text())
			} else {
				text.Write(z.Text())
			}
		}
	}
	if inHead != 0 {
		secs[len(secs)-1].Title = collapse(heading.String())
	}
	flush()
	return secs
}

// rawAtom reads a tag's name from its raw bytes as the tokenizer does (up
// to white space, "/" or ">", ASCII letters lowercased) and looks it up;
// ok is false for a name it leaves to the tokenizer (long, or holding a
// NUL, which the tokenizer replaces).
func rawAtom(raw []byte, end bool) (atom.Atom, bool) {
	i := 1
	if end {
		i = 2
	}
	var buf [24]byte
	n := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '/', '>':
			return atom.Lookup(buf[:n]), true
		case 0:
			return 0, false
		}
		if n == len(buf) {
			return 0, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return 0, false
}

// wantsAttrs reports whether Extract reads the attributes of a start tag.
func wantsAttrs(a atom.Atom) bool {
	return a == atom.Form || a == atom.A || a == atom.H2 || a == atom.H3 || a == atom.Img
}

// tagAttrs are a start tag's attributes, keys lowercased, values unescaped.
type tagAttrs [][2]string

func readAttrs(z *html.Tokenizer) tagAttrs {
	var out tagAttrs
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		out = append(out, [2]string{string(k), string(v)})
	}
	return out
}

// get returns the first value of an attribute, as html.Token would hold it.
func (as tagAttrs) get(name string) string {
	for _, a := range as {
		if a[0] == name {
			return a[1]
		}
	}
	return ""
}

func (as tagAttrs) hasClass(class string) bool {
	for _, c := range strings.Fields(as.get("class")) {
		if c == class {
			return true
		}
	}
	return false
}

func write(text, heading *strings.Builder, inHead atom.Atom, s string) {
	if inHead != 0 {
		heading.WriteString(s)
	} else {
		text.WriteString(s)
	}
}

// isBreak reports whether an element separates words: blocks, table cells,
// line breaks, and <sup> (a footnote number must not stick to its word).
func isBreak(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd, atom.Br, atom.Hr,
		atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption,
		atom.Blockquote, atom.Figure, atom.Figcaption, atom.Details, atom.Summary, atom.Section,
		atom.Aside, atom.Header, atom.Footer, atom.Nav, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Pre, atom.Sup, atom.Sub, atom.Input, atom.Button, atom.Label, atom.Fieldset,
		atom.Legend, atom.Img:
		return true
	}
	return false
}

func selfClosing(a atom.Atom) bool { return a == atom.Img || a == atom.Br || a == atom.Input }

// collapse turns runs of white space into one space and trims the ends.
func collapse(s string) string {
	// strings.Join(strings.Fields(s), " ") in one pass, without the slice.
	var b strings.Builder
	b.Grow(len(s))
	word := -1 // start of the current run of non-space bytes
	flush := func(end int) {
		if word >= 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s[word:end])
			word = -1
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		size, space := 1, false
		if c < utf8.RuneSelf {
			space = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		if space {
			flush(i)
		} else if word < 0 {
			word = i
		}
		i += size
	}
	flush(len(s))
	return b.String()
}
