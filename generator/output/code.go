package output

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// Highlighted code blocks. About half the tags of a lesson are the <span>s
// of its code blocks, and all the minifier does with them is drop the
// quotes around their classes: inside <pre> it keeps text as it is. A
// region whose code blocks are known (RegionMemo.Code) is minified around
// them, and each block is rewritten by appendCode, a scan that does what
// the minifier does to the highlighter's markup and refuses anything else.
//
// Cutting a page around a <pre> element changes no white space decision:
// the minifier trims white space before a block-level tag (pre is one) as
// it does at the end of its input, and after </pre> it drops leading white
// space as it does at the start of its input. TestRegionsChangeNothing
// (build) and FuzzMinifyCode compare with minifying whole.

// codeMemo is RegionMemo's part for code blocks.
type codeMemo struct {
	blocks sync.Map     // region id → [][2]int
	fast   atomic.Int64 // blocks written by appendCode
}

// Code records the highlighted code blocks of region id's content, as
// [start, end) byte offsets into it in increasing order. Each must be a
// whole <pre>…</pre> element standing where a tag can: not inside an
// attribute value, a comment or a raw-text element (what the highlighter
// writes into a body converted without raw HTML). A block appendCode does
// not recognise is minified on its own.
func (m *RegionMemo) Code(id string, blocks [][2]int) {
	if len(blocks) > 0 {
		m.code.blocks.Store(id, blocks)
	}
}

// CodeBlocks counts the code blocks minified by the fast path.
func (m *RegionMemo) CodeBlocks() int64 { return m.code.fast.Load() }

// minifyRegion minifies a region's content, around its code blocks when
// they are known.
func (m *Minifier) minifyRegion(p string, id string, content []byte, memo *RegionMemo) ([]byte, error) {
	v, ok := memo.code.blocks.LoadAndDelete(id)
	if !ok {
		r, err := m.Minify(p, content)
		if err != nil {
			return nil, err
		}
		return bytes.Clone(r), nil
	}
	out, n, err := m.appendMinifyCode(make([]byte, 0, len(content)), p, content, v.([][2]int))
	memo.code.fast.Add(int64(n))
	return out, err
}

// appendMinifyCode appends data minified to dst, its code blocks by
// appendCode; n counts those.
func (m *Minifier) appendMinifyCode(dst []byte, p string, data []byte, blocks [][2]int) (out []byte, n int, err error) {
	prev := 0
	for _, bl := range blocks {
		if bl[0] < prev || bl[1] > len(data) || bl[0] >= bl[1] {
			continue // not a block of this content: minified with the rest
		}
		if dst, err = m.appendMinify(dst, p, data[prev:bl[0]]); err != nil {
			return nil, n, err
		}
		mark := len(dst)
		var ok bool
		if dst, ok = appendCode(dst, data[bl[0]:bl[1]]); ok {
			n++
		} else if dst, err = m.appendMinify(dst[:mark], p, data[bl[0]:bl[1]]); err != nil {
			return nil, n, err // not the highlighter's markup: the minifier's, alone
		}
		prev = bl[1]
	}
	dst, err = m.appendMinify(dst, p, data[prev:])
	return dst, n, err
}

// appendCode appends a highlighted code block as the minifier writes it
// (with lectern's settings), or reports false, having appended part of
// it, when the block is not of this form:
//
//	<pre ATTRS><code ATTRS>TEXT</code></pre>
//
// where TEXT is text with no "<" and no NUL, and <span ATTRS>TEXT</span>
// elements, nested; ATTRS are class, tabindex and data-* attributes in
// double quotes, with values the minifier writes unquoted (no white space,
// quotes, "=", "<", ">", "`" or "&") or, for class only, such words joined
// by single spaces (kept in quotes).
func appendCode(dst, b []byte) ([]byte, bool) {
	const (
		atPre = iota // expecting <pre
		atCode
		inCode
		atEndPre
		done
	)
	state := atPre
	depth := 0 // open spans
	for i := 0; i < len(b); {
		if b[i] != '<' {
			if state != inCode {
				return dst, false
			}
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				return dst, false // no </code></pre>
			}
			text := b[i : i+j]
			if bytes.IndexByte(text, 0) >= 0 {
				return dst, false
			}
			dst = append(dst, text...)
			i += j
			continue
		}
		rest := b[i:]
		if len(rest) > 1 && rest[1] == '/' { // an end tag
			var name string
			switch {
			case bytes.HasPrefix(rest, []byte("</span>")):
				if state != inCode || depth == 0 {
					return dst, false
				}
				depth--
				name = "</span>"
			case bytes.HasPrefix(rest, []byte("</code>")):
				if state != inCode || depth != 0 {
					return dst, false
				}
				state = atEndPre
				name = "</code>"
			case bytes.HasPrefix(rest, []byte("</pre>")):
				if state != atEndPre {
					return dst, false
				}
				state = done
				name = "</pre>"
			default:
				return dst, false
			}
			dst = append(dst, name...)
			i += len(name)
			continue
		}
		var name string
		switch {
		case state == atPre && hasTag(rest, "pre"):
			name, state = "pre", atCode
		case state == atCode && hasTag(rest, "code"):
			name, state = "code", inCode
		case state == inCode && hasTag(rest, "span"):
			name = "span"
			depth++
		default:
			return dst, false
		}
		dst = append(dst, '<')
		dst = append(dst, name...)
		var ok bool
		if dst, i, ok = appendAttrs(dst, b, i+1+len(name)); !ok {
			return dst, false
		}
	}
	return dst, state == done
}

// hasTag: b starts with the start tag <name followed by " " or ">".
func hasTag(b []byte, name string) bool {
	return len(b) > len(name)+1 && string(b[1:1+len(name)]) == name && (b[1+len(name)] == ' ' || b[1+len(name)] == '>')
}

// appendAttrs reads ` name="value"`… up to and including ">" from b[i:]
// and appends them minified; it returns the offset after ">".
func appendAttrs(dst, b []byte, i int) ([]byte, int, bool) {
	for {
		if i >= len(b) {
			return dst, i, false
		}
		if b[i] == '>' {
			return append(dst, '>'), i + 1, true
		}
		if b[i] != ' ' {
			return dst, i, false
		}
		i++
		eq := bytes.IndexByte(b[i:], '=')
		if eq <= 0 {
			return dst, i, false
		}
		name := b[i : i+eq]
		class := string(name) == "class"
		if !class && string(name) != "tabindex" && !(bytes.HasPrefix(name, []byte("data-")) && plainName(name[5:])) {
			return dst, i, false
		}
		i += eq + 1
		if i >= len(b) || b[i] != '"' {
			return dst, i, false
		}
		q := bytes.IndexByte(b[i+1:], '"')
		if q <= 0 {
			return dst, i, false // no end quote, or an empty value (the minifier drops some)
		}
		val := b[i+1 : i+1+q]
		i += q + 2
		quoted, ok := attrValue(val, class)
		if !ok {
			return dst, i, false
		}
		dst = append(dst, ' ')
		dst = append(dst, name...)
		dst = append(dst, '=')
		if quoted {
			dst = append(dst, '"')
			dst = append(dst, val...)
			dst = append(dst, '"')
		} else {
			dst = append(dst, val...)
		}
	}
}

// plainName: lower-case letters, digits and inner hyphens.
func plainName(b []byte) bool {
	if len(b) == 0 || b[0] == '-' || b[len(b)-1] == '-' {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// attrValue reports whether the minifier writes val as it is, and whether
// in quotes: words of bytes that need no quotes, one of them, or for a
// class several joined by single spaces.
func attrValue(val []byte, class bool) (quoted, ok bool) {
	spaces := false
	for k, c := range val {
		switch {
		case c == ' ':
			if !class || k == 0 || k == len(val)-1 || val[k-1] == ' ' {
				return false, false
			}
			spaces = true
		case c == '&' || c == 0 || attrQuote[c]:
			return false, false
		}
	}
	return spaces, true
}

// attrQuote: bytes that make the minifier quote an attribute value (the
// parse package's EscapeAttrVal).
var attrQuote = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '"': true, '\'': true, '`': true, '<': true, '=': true, '>': true}
