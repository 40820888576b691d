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
	blocks sync.Map     // region id → codeBlocks
	out    sync.Map     // region id → [][2]int: the blocks appendCode wrote, in the minified region
	fast   atomic.Int64 // blocks written by appendCode
}

type codeBlocks struct {
	size   int // the content's length, to notice content a layout changed
	blocks [][2]int
}

// Code records the highlighted code blocks of region id's content, size
// bytes long, as [start, end) offsets into it in increasing order. Each
// must be a whole <pre>…</pre> element standing where a tag can: not
// inside an attribute value, a comment or a raw-text element (what the
// highlighter writes into a body converted without raw HTML). A block
// appendCode does not recognise is minified with the text around it, and
// the blocks are ignored if the region's content is not size bytes long.
func (m *RegionMemo) Code(id string, size int, blocks [][2]int) {
	if len(blocks) > 0 {
		m.code.blocks.Store(id, codeBlocks{size, blocks})
	}
}

// CodeBlocks counts the code blocks minified by the fast path.
func (m *RegionMemo) CodeBlocks() int64 { return m.code.fast.Load() }

// minifyRegion minifies a region's content, around its code blocks when
// they are known.
func (m *Minifier) minifyRegion(p string, id string, content []byte, memo *RegionMemo) ([]byte, error) {
	v, ok := memo.code.blocks.LoadAndDelete(id)
	if !ok || v.(codeBlocks).size != len(content) {
		r, err := m.Minify(p, content)
		if err != nil {
			return nil, err
		}
		return bytes.Clone(r), nil
	}
	out, at, err := m.appendMinifyCode(make([]byte, 0, len(content)), p, content, v.(codeBlocks).blocks)
	memo.code.fast.Add(int64(len(at)))
	if len(at) > 0 {
		memo.code.out.Store(id, at)
	}
	return out, err
}

// appendMinifyCode appends data minified to dst, its code blocks by
// appendCode; at are where those stand in out.
func (m *Minifier) appendMinifyCode(dst []byte, p string, data []byte, blocks [][2]int) (out []byte, at [][2]int, err error) {
	scratch := codeScratch.Get().(*[]byte)
	defer codeScratch.Put(scratch)
	prev := 0
	for _, bl := range blocks {
		if bl[0] < prev || bl[1] > len(data) || bl[0] >= bl[1] {
			continue // not a block of this content: minified with the rest
		}
		// The block is read before the text in front of it is minified:
		// the minifier may change its input in place, and a block it must
		// read after all has to be intact.
		code, ok := appendCode((*scratch)[:0], data[bl[0]:bl[1]])
		*scratch = code
		if !ok {
			continue // minified with the text around it
		}
		if dst, err = m.appendMinify(dst, p, data[prev:bl[0]]); err != nil {
			return nil, at, err
		}
		at = append(at, [2]int{len(dst), len(dst) + len(code)})
		dst = append(dst, code...)
		prev = bl[1]
	}
	dst, err = m.appendMinify(dst, p, data[prev:])
	return dst, at, err
}

// codeScratch holds appendMinifyCode's buffers for a block.
var codeScratch = sync.Pool{New: func() any { return new([]byte) }}

// appendCode appends a highlighted code block as the minifier writes it
// (with lectern's settings), or reports false when the block is not of
// this form:
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
