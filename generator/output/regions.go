package output

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// Regions: parts of pages that are the same on many pages (the sidebar's
// modules, rendered once per build by partialCached) are marked with two
// HTML comments, and MinifyPage minifies each distinct region once instead
// of on every page.
//
//	<!--lectern-region:ID-->…<!--/lectern-region:ID-->
//
// Minifying the pieces gives the same bytes as minifying the page only where
// no white space decision crosses a cut, so a region is cut out only where
// it stands between block-level tags, outside <pre>, <textarea>, <script>,
// <style>, <svg>, <math> and <template>; otherwise the whole page is
// minified as one (the markers are comments: the minifier drops them).
// Tests compare both ways on every page of the bundled course and of a
// generated one.

// RegionStart and RegionEnd mark a region with the given id.
func RegionStart(id string) string { return "<!--lectern-region:" + id + "-->" }
func RegionEnd(id string) string   { return "<!--/lectern-region:" + id + "-->" }

var (
	regionOpen  = []byte("<!--lectern-region:")
	regionClose = []byte("<!--/lectern-region:")
)

// StripRegions removes the region markers from a page: what a page is when
// it is not minified in pieces (inside a <script> or <pre>, a marker would
// survive minification).
func StripRegions(data []byte) []byte {
	if !bytes.Contains(data, regionOpen) {
		return data
	}
	out := make([]byte, 0, len(data))
	for {
		i := bytes.Index(data, []byte("<!--"))
		if i < 0 {
			return append(out, data...)
		}
		rest := data[i:]
		if bytes.HasPrefix(rest, regionOpen) || bytes.HasPrefix(rest, regionClose) {
			if end := bytes.Index(rest, []byte("-->")); end >= 0 {
				out = append(out, data[:i]...)
				data = rest[end+3:]
				continue
			}
		}
		out = append(out, data[:i+4]...)
		data = data[i+4:]
	}
}

// RegionMemo holds minified regions by id for one build.
type RegionMemo struct {
	m     sync.Map
	plain sync.Map     // id → bool: content free of raw-text elements
	cuts  atomic.Int64 // pages minified in pieces
	code  codeMemo
}

// Cuts counts the pages minified in pieces.
func (m *RegionMemo) Cuts() int64 { return m.cuts.Load() }

// Take returns a region minified by MinifyPage and forgets it: for a
// region shown once whose minified form is wanted elsewhere too (a lesson's
// body, which /print/ reuses). code are where the region's code blocks
// (see Code) stand in it, for those the fast path wrote; nil when none did.
func (m *RegionMemo) Take(id string) (data []byte, code [][2]int, ok bool) {
	m.plain.Delete(id)
	m.code.blocks.Delete(id)
	if c, ok := m.code.out.LoadAndDelete(id); ok {
		code = c.([][2]int)
	}
	v, ok := m.m.LoadAndDelete(id)
	if !ok {
		return nil, nil, false
	}
	return v.([]byte), code, true
}

// MinifyPage minifies an HTML page whose regions are minified once per memo.
// Without regions, or when one cannot be cut out safely, it is Minify.
func (m *Minifier) MinifyPage(p string, data []byte, memo *RegionMemo) ([]byte, error) {
	if memo == nil || !bytes.Contains(data, regionOpen) {
		return m.Minify(p, data)
	}
	whole := func() ([]byte, error) { return m.Minify(p, StripRegions(data)) }
	type cut struct {
		start, end     int // the region with its markers
		inStart, inEnd int // the region's content
		id             string
	}
	var cuts []cut
	var raw rawScan // open raw-text elements before the current position
	for at := 0; ; {
		i := bytes.Index(data[at:], regionOpen)
		if i < 0 {
			break
		}
		i += at
		idEnd := bytes.Index(data[i+len(regionOpen):], []byte("-->"))
		if idEnd < 0 {
			return whole()
		}
		id := string(data[i+len(regionOpen) : i+len(regionOpen)+idEnd])
		inStart := i + len(regionOpen) + idEnd + 3
		closeMark := []byte(RegionEnd(id))
		j := bytes.Index(data[inStart:], closeMark)
		if j < 0 {
			return whole()
		}
		inEnd := inStart + j
		end := inEnd + len(closeMark)
		prevEnd := -1
		if len(cuts) > 0 {
			prevEnd = cuts[len(cuts)-1].end
		}
		raw.advance(data, i)
		if raw.open() || !safeCut(data, prevEnd, i, inStart, inEnd, end) || !memo.plainContent(id, data[inStart:inEnd]) {
			return whole()
		}
		cuts = append(cuts, cut{i, end, inStart, inEnd, id})
		at = end
	}
	memo.cuts.Add(1)
	// Minified, a page is hardly smaller than its source: room for it
	// all, so that the buffer grows at most once.
	out := make([]byte, 0, len(data))
	prev := 0
	for _, c := range cuts {
		// White space alone minifies to nothing (it stands between block
		// tags: see safeCut), as between the entries of a list of regions.
		if gap := data[prev:c.start]; len(bytes.TrimLeft(gap, " \t\n\r\f")) > 0 {
			var err error
			if out, err = m.appendMinify(out, p, gap); err != nil {
				return nil, err
			}
		}
		if v, ok := memo.m.Load(c.id); ok {
			out = append(out, v.([]byte)...)
		} else {
			r, err := m.minifyRegion(p, c.id, data[c.inStart:c.inEnd], memo)
			if err != nil {
				return nil, err
			}
			memo.m.Store(c.id, r)
			out = append(out, r...)
		}
		prev = c.end
	}
	return m.appendMinify(out, p, data[prev:])
}

// safeCut reports whether the region [start, end) (content [inStart, inEnd))
// can be minified apart from the rest: a block-level tag ends right before
// it and begins its content, its content ends with a block-level tag and
// one follows it (white space aside), and it is not inside an element whose
// text the minifier keeps or treats apart.
func safeCut(data []byte, prevEnd, start, inStart, inEnd, end int) bool {
	// Right after another region (which ends with a block-level tag), or
	// right before one (which starts with one) is as good as a tag.
	afterRegion := prevEnd >= 0 && len(bytes.TrimSpace(data[prevEnd:start])) == 0
	beforeRegion := bytes.HasPrefix(bytes.TrimLeft(data[end:], " \t\n\r\f"), regionOpen)
	if !afterRegion && !blockTagEndsAt(data[:start]) || !blockTagStartsAt(data[inStart:inEnd]) ||
		!blockTagEndsAt(data[inStart:inEnd]) || !beforeRegion && !blockTagStartsAt(data[end:]) {
		return false
	}
	return true
}

// plainContent reports (once per region id) whether a region's content
// holds no raw-text element, whose text the minifier would treat apart,
// but whole <pre> elements (a lesson's code blocks): their text is kept as
// it is wherever they are minified.
func (m *RegionMemo) plainContent(id string, content []byte) bool {
	if v, ok := m.plain.Load(id); ok {
		return v.(bool)
	}
	var r rawScan
	r.advance(content, len(content))
	ok := r.seen&^(1<<rawPre) == 0 && !r.open() && r.balanced
	m.plain.Store(id, ok)
	return ok
}

// rawScan follows start and end tags of raw-text elements through a page.
type rawScan struct {
	at       int
	depth    [len(rawElements)]int
	seen     uint16 // bit k: a start tag of rawElements[k]
	balanced bool   // no end tag without its start tag: set by advance, cleared for good
}

// advance reads data[r.at:to].
func (r *rawScan) advance(data []byte, to int) {
	if r.at == 0 {
		r.balanced = true
	}
	for r.at < to {
		i := bytes.IndexByte(data[r.at:to], '<')
		if i < 0 {
			r.at = to
			return
		}
		p := r.at + i + 1
		end := p < to && data[p] == '/'
		if end {
			p++
		}
		n := 0
		for p+n < to && n < 10 && (data[p+n]|0x20 >= 'a' && data[p+n]|0x20 <= 'z') {
			n++
		}
		// The name must end there ("<pre0" is another element); one cut
		// short by the end of the range counts as a start tag, not as an
		// end tag: never wrongly out of a raw element.
		delim := p+n < to && bytes.IndexByte([]byte(" \t\n\r\f/>"), data[p+n]) >= 0
		if n > 0 && (delim || p+n == to && !end) {
			name := data[p : p+n]
			for k, t := range rawElements {
				if len(t) == n && bytes.EqualFold(name, []byte(t)) {
					if end {
						if r.depth[k] == 0 {
							r.balanced = false
						}
						r.depth[k] = max(r.depth[k]-1, 0)
					} else {
						r.depth[k]++
						r.seen |= 1 << k
					}
				}
			}
		}
		r.at = p + n
	}
}

func (r *rawScan) open() bool {
	for _, n := range r.depth {
		if n > 0 {
			return true
		}
	}
	return false
}

const rawPre = 0 // rawElements' "pre"

// rawElements are elements inside which the minifier keeps text as it is
// or switches to another language.
var rawElements = [...]string{rawPre: "pre", "textarea", "script", "style", "svg", "math", "template", "xmp", "iframe", "noscript", "plaintext", "title"}

// blockTags are tags around which the minifier removes white space (its
// blockTag trait), minus the raw ones.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true, "caption": true,
	"col": true, "colgroup": true, "dd": true, "details": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "figcaption": true, "figure": true, "footer": true, "form": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "head": true, "header": true,
	"hgroup": true, "hr": true, "html": true, "legend": true, "li": true, "main": true, "menu": true,
	"nav": true, "ol": true, "option": true, "p": true, "section": true, "summary": true, "table": true,
	"tbody": true, "td": true, "tfoot": true, "th": true, "thead": true, "tr": true, "ul": true,
}

// blockTagEndsAt: b, white space trimmed at the end, ends with the ">" of a
// block-level start or end tag.
func blockTagEndsAt(b []byte) bool {
	b = bytes.TrimRight(b, " \t\n\r\f")
	if len(b) == 0 || b[len(b)-1] != '>' {
		return false
	}
	lt := bytes.LastIndexByte(b, '<')
	if lt < 0 {
		return false
	}
	tag := b[lt+1 : len(b)-1]
	if bytes.IndexByte(tag, '>') >= 0 || bytes.Count(tag, []byte(`"`))%2 != 0 || bytes.Count(tag, []byte(`'`))%2 != 0 {
		return false // a "<" or ">" inside an attribute value: be safe
	}
	// </pre> too (the minifier's blockTag trait has it): after it, white
	// space is outside any raw element.
	return blockTags[tagName(tag)] || string(tag) == "/pre"
}

// blockTagStartsAt: b, white space trimmed at the start, begins with a
// block-level start or end tag.
func blockTagStartsAt(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\n\r\f")
	if len(b) < 2 || b[0] != '<' {
		return false
	}
	// <pre too (the minifier's blockTag trait has it): the white space
	// before it is outside it.
	return blockTags[tagName(b[1:])] || b[1] != '/' && tagName(b[1:]) == "pre"
}

// tagName reads the lowercase name at the start of "li class=…" or "/li".
func tagName(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("/"))
	n := 0
	for n < len(b) && (b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || b[n] >= '0' && b[n] <= '9') {
		n++
	}
	if n < len(b) && b[n] != ' ' && b[n] != '>' && b[n] != '\t' && b[n] != '\n' && b[n] != '\r' && b[n] != '\f' && b[n] != '/' {
		return ""
	}
	return string(bytes.ToLower(b[:n]))
}
