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
	x := newExtractor()
	if x.scan(body) {
		return x.finish()
	}
	x = newExtractor()
	x.tokenize(body)
	return x.finish()
}

// extractor turns a body's tokens into sections; scan and tokenize feed it.
type extractor struct {
	secs    []Section       // the intro, then one per heading read so far
	text    strings.Builder // the current section's prose
	heading strings.Builder
	inHead  atom.Atom // h2 or h3 being read as a section title
	skip    int       // depth inside an element left out
	skipTag atom.Atom
}

// newExtractor starts with the intro section, empty.
func newExtractor() *extractor { return &extractor{secs: []Section{{}}} }

func (x *extractor) flush() {
	x.secs[len(x.secs)-1].Text = collapse(x.text.String())
	x.text.Reset()
}

func (x *extractor) finish() []Section {
	if x.inHead != 0 {
		x.secs[len(x.secs)-1].Title = collapse(x.heading.String())
	}
	x.flush()
	return x.secs
}

// skipping reports whether a tag is inside an element left out, counting
// the depth of such elements (they may nest: a <span> inside an anchor).
func (x *extractor) skipping(tt html.TokenType, a atom.Atom) bool {
	if x.skip == 0 {
		return false
	}
	switch {
	case tt == html.StartTagToken && a == x.skipTag && !selfClosing(a):
		x.skip++
	case tt == html.EndTagToken && a == x.skipTag:
		x.skip--
	}
	return true
}

// start takes a start tag (tt is StartTagToken or SelfClosingTagToken)
// outside any left-out element; attrs are read only when wantsAttrs(a).
func (x *extractor) start(tt html.TokenType, a atom.Atom, attrs tagAttrs) {
	switch {
	case a == atom.Script || a == atom.Style || a == atom.Template || a == atom.Svg || a == atom.Math || a == atom.Pre ||
		a == atom.Form && attrs.hasClass("quiz") || a == atom.A && attrs.hasClass("anchor"):
		if tt == html.StartTagToken {
			x.skip, x.skipTag = 1, a
		}
		return
	case (a == atom.H2 || a == atom.H3) && attrs.get("id") != "" && x.inHead == 0:
		x.flush()
		x.secs = append(x.secs, Section{ID: attrs.get("id")})
		x.inHead = a
		x.heading.Reset()
		return
	case a == atom.Img:
		// The alt text describes the image: searchable prose.
		if alt := attrs.get("alt"); alt != "" {
			x.text.WriteString(" " + alt + " ")
		}
	}
	if isBreak(a) {
		x.write(" ")
	}
}

// end takes an end tag outside any left-out element.
func (x *extractor) end(a atom.Atom) {
	if a == x.inHead && x.inHead != 0 {
		x.secs[len(x.secs)-1].Title = collapse(x.heading.String())
		x.inHead = 0
		return
	}
	if isBreak(a) {
		x.write(" ")
	}
}

// textBytes takes text, entities already decoded.
func (x *extractor) textBytes(b []byte) {
	if x.inHead != 0 {
		x.heading.Write(b)
	} else {
		x.text.Write(b)
	}
}

func (x *extractor) write(s string) {
	if x.inHead != 0 {
		x.heading.WriteString(s)
	} else {
		x.text.WriteString(s)
	}
}

// tokenize feeds x from x/net/html's tokenizer: any HTML.
func (x *extractor) tokenize(body []byte) {
	z := html.NewTokenizer(bytes.NewReader(body))
	// The tokenizer's low-level calls (TagName, TagAttr, Text) instead of
	// Token: most tags need no attributes or strings.
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			// The atom from the raw tag: TagName copies the name for every
			// tag, and only a few need their attributes.
			var attrs tagAttrs
			a, ok := rawAtom(z.Raw(), tt == html.EndTagToken)
			if !ok || tt != html.EndTagToken && x.skip == 0 && wantsAttrs(a) {
				name, more := z.TagName()
				a = atom.Lookup(name)
				if more && tt != html.EndTagToken && x.skip == 0 && wantsAttrs(a) {
					attrs = readAttrs(z)
				}
			}
			if x.skipping(tt, a) {
				continue
			}
			if tt == html.EndTagToken {
				x.end(a)
			} else {
				x.start(tt, a, attrs)
			}
		case html.TextToken:
			if x.skip == 0 {
				x.textBytes(z.Text())
			}
		}
	}
}

// scan feeds x from a scan of the HTML the Markdown converter writes with
// raw HTML off: tags with double-quoted attributes, text with its entities,
// and goldmark's placeholder comment. It reports false, leaving x to be
// discarded, at anything else, which tokenize then reads: it tokenizes
// what it accepts exactly as x/net/html does (FuzzExtractMatchesReference),
// at a fraction of the cost.
func (x *extractor) scan(body []byte) bool {
	for i := 0; i < len(body); {
		lt := bytes.IndexByte(body[i:], '<')
		if lt < 0 {
			lt = len(body) - i
		}
		if lt > 0 {
			if !x.scanText(body[i : i+lt]) {
				return false
			}
			i += lt
			continue
		}
		n := x.scanTag(body[i:])
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}

// scanText takes the text between two tags.
func (x *extractor) scanText(t []byte) bool {
	if bytes.IndexByte(t, '\r') >= 0 || bytes.IndexByte(t, 0) >= 0 {
		return false // the tokenizer rewrites these
	}
	if x.skip > 0 {
		return true
	}
	if bytes.IndexByte(t, '&') >= 0 {
		x.write(html.UnescapeString(string(t)))
	} else {
		x.textBytes(t)
	}
	return true
}

// rawHTMLOmitted is what goldmark writes for raw HTML when it is off.
const rawHTMLOmitted = "<!-- raw HTML omitted -->"

// scanTag reads the tag (or goldmark's placeholder comment) at the start of
// b and returns its length, or 0 for anything scan leaves to the tokenizer.
func (x *extractor) scanTag(b []byte) int {
	if bytes.HasPrefix(b, []byte(rawHTMLOmitted)) {
		return len(rawHTMLOmitted)
	}
	i, tt := 1, html.StartTagToken
	if len(b) > 1 && b[1] == '/' {
		i, tt = 2, html.EndTagToken
	}
	if i >= len(b) || !isASCIILetter(b[i]) {
		return 0
	}
	// The name: letters, digits and hyphens, lowercased for the lookup.
	var buf [24]byte
	n := 0
	for ; i < len(b) && (isASCIILetter(b[i]) || '0' <= b[i] && b[i] <= '9' || b[i] == '-'); i++ {
		if n < len(buf) {
			buf[n] = b[i] | 0x20 // lowercase; digits and '-' already have the bit
			n++
		} else {
			n = len(buf) + 1
		}
	}
	var a atom.Atom
	if n <= len(buf) { // longer names are no atom
		a = atom.Lookup(buf[:n])
	}
	if i >= len(b) {
		return 0
	}
	if tt == html.EndTagToken {
		if b[i] != '>' {
			return 0
		}
		if !x.skipping(tt, a) {
			x.end(a)
		}
		return i + 1
	}
	switch a {
	case atom.Title, atom.Textarea, atom.Style, atom.Script, atom.Xmp, atom.Iframe,
		atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext:
		return 0 // their content is raw text to the tokenizer
	}
	// The attributes: name="value", each after white space.
	want := x.skip == 0 && wantsAttrs(a)
	var attrs tagAttrs
	for {
		if i >= len(b) {
			return 0
		}
		switch b[i] {
		case '>':
			i++
		case '/':
			if i+1 >= len(b) || b[i+1] != '>' {
				return 0
			}
			tt, i = html.SelfClosingTagToken, i+2
		case ' ', '\n':
			i++
			k := i
			for i < len(b) && isAttrNameByte(b[i]) {
				i++
			}
			if i == k {
				continue // more white space, or the end of the tag
			}
			key := b[k:i]
			var val []byte
			if i < len(b) && b[i] == '=' {
				if i+1 >= len(b) || b[i+1] != '"' {
					return 0
				}
				end := bytes.IndexByte(b[i+2:], '"')
				if end < 0 {
					return 0
				}
				val = b[i+2 : i+2+end]
				i += 2 + end + 1
				if bytes.IndexByte(val, '&') >= 0 || bytes.IndexByte(val, '\r') >= 0 || bytes.IndexByte(val, 0) >= 0 {
					return 0 // values are decoded by rules of their own
				}
			}
			if i < len(b) && b[i] != ' ' && b[i] != '\n' && b[i] != '>' && b[i] != '/' {
				return 0
			}
			if want {
				attrs = append(attrs, [2]string{strings.ToLower(string(key)), string(val)})
			}
			continue
		default:
			return 0
		}
		break
	}
	if !x.skipping(tt, a) {
		x.start(tt, a, attrs)
	}
	return i
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isAttrNameByte: the attribute names scan accepts.
func isAttrNameByte(c byte) bool {
	return isASCIILetter(c) || '0' <= c && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.'
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
