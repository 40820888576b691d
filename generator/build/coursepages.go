package build

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/output"
	"github.com/lectern/lectern/generator/render"
)

// The course pages no source file stands for: /matrix/, /path/ and /print/.
// Their keys cover everything they show, so the dev server re-renders them
// only when that changed.

// matrixCellMax bounds the lessons listed in one matrix cell; the rest are
// counted and reachable from the term pages.
const matrixCellMax = 6

// matrix crosses skills (rows) with roles (columns). nil when the course has
// no lesson with both.
func (b *builder) matrix() (*render.Matrix, uint64) {
	roles, skills := b.c.Taxonomy("roles"), b.c.Taxonomy("skills")
	if roles == nil || skills == nil || len(roles.Terms) == 0 || len(skills.Terms) == 0 {
		return nil, 0
	}
	col := make(map[*course.Term]int, len(roles.Terms))
	for i, t := range roles.Terms {
		col[t] = i
	}
	row := make(map[*course.Term]int, len(skills.Terms))
	for i, t := range skills.Terms {
		row[t] = i
	}
	m := &render.Matrix{Rows: skills, Cols: roles, Cells: make([][]render.MatrixCell, len(skills.Terms))}
	for i := range m.Cells {
		m.Cells[i] = make([]render.MatrixCell, len(roles.Terms))
	}
	h := b.m.hash()
	for _, l := range b.c.Lessons {
		rs, ss := l.Terms["roles"], l.Terms["skills"]
		if len(rs) == 0 || len(ss) == 0 {
			continue
		}
		m.Lessons++
		b.keys.page(h, l)
		for _, s := range ss {
			for _, r := range rs {
				str(h, s.Name, r.Name)
				c := &m.Cells[row[s]][col[r]]
				c.Total++
				if len(c.Lessons) < matrixCellMax {
					c.Lessons = append(c.Lessons, l)
				} else {
					c.More++
				}
			}
		}
	}
	if m.Lessons == 0 {
		return nil, 0
	}
	for _, t := range append(append([]*course.Term{}, skills.Terms...), roles.Terms...) {
		str(h, t.Name, t.URL)
	}
	return m, h.Sum64()
}

// pathSVGMax is the largest course drawn as an SVG: beyond it a drawing is
// unreadable and heavy, and the levelled list says it all.
const pathSVGMax = 300

// learningPath levels every lesson by its prerequisites and groups the
// levels per top-level module.
func (b *builder) learningPath() (*render.LearningPath, uint64) {
	level := make(map[*course.Page]int, len(b.c.Lessons))
	const visiting = -1
	var depth func(p *course.Page) int
	depth = func(p *course.Page) int {
		if d, ok := level[p]; ok {
			if d == visiting {
				return 0 // a cycle: reported as an error by course.Build
			}
			return d
		}
		level[p] = visiting
		d := 0
		for _, q := range p.Prerequisites {
			if n := depth(q) + 1; n > d {
				d = n
			}
		}
		level[p] = d
		return d
	}
	lp := &render.LearningPath{}
	h := b.m.hash()
	for _, l := range b.c.Lessons {
		d := depth(l)
		lp.Levels = max(lp.Levels, d+1)
		lp.Edges += len(l.Prerequisites)
		b.keys.page(h, l)
		num(h, int64(d))
		b.keys.pages(h, l.Prerequisites)
	}
	for _, m := range b.c.Modules {
		pm := render.PathModule{Module: m}
		b.keys.page(h, m)
		byLevel := map[int][]*course.Page{}
		for _, l := range m.AllLessons() {
			byLevel[level[l]] = append(byLevel[level[l]], l)
		}
		for d := 0; d < lp.Levels; d++ {
			if ls := byLevel[d]; len(ls) > 0 {
				pm.Levels = append(pm.Levels, render.PathLevel{Level: d, Lessons: ls})
			}
		}
		if len(pm.Levels) > 0 {
			lp.Modules = append(lp.Modules, pm)
		}
	}
	if n := len(b.c.Lessons); n > 0 && n <= pathSVGMax {
		lp.SVG = pathSVG(b.c.Lessons, level, lp.Levels)
	}
	return lp, h.Sum64()
}

// pathSVG draws the graph: one column per level, lessons in course order
// within a column, a curve from each prerequisite to the lesson needing it.
// Colours come from the page's CSS (currentColor and classes), so it follows
// the light and dark themes. The levelled list beside it carries the same
// information for screen readers; the drawing is a labelled image.
func pathSVG(lessons []*course.Page, level map[*course.Page]int, levels int) template.HTML {
	const (
		colW, nodeW, nodeH, rowH, pad = 250, 210, 34, 46, 12
		arc                           = 24 // room above the first row for arcs
		maxChars                      = 27
	)
	type pos struct{ x, y int }
	at := make(map[*course.Page]pos, len(lessons))
	rows := make([]int, levels)
	for _, l := range lessons {
		d := level[l]
		at[l] = pos{pad + d*colW, pad + arc + rows[d]*rowH}
		rows[d]++
	}
	height := 0
	for _, r := range rows {
		height = max(height, r)
	}
	w, hgt := pad*2+(levels-1)*colW+nodeW, pad*2+arc+height*rowH-(rowH-nodeH)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<svg class="path-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="path-graph-title">`, w, hgt, w, hgt)
	edges := 0
	for _, l := range lessons {
		edges += len(l.Prerequisites)
	}
	fmt.Fprintf(&buf, `<title id="path-graph-title">Prerequisite graph: %d lessons in %d levels, %d prerequisite links. The list below gives the same information.</title>`, len(lessons), levels, edges)
	buf.WriteString(`<defs><marker id="path-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 10 5 0 10z" class="path-arrowhead"/></marker></defs><g class="path-edges">`)
	for _, l := range lessons {
		to := at[l]
		for _, p := range l.Prerequisites {
			from := at[p]
			x1, y1 := from.x+nodeW, from.y+nodeH/2
			x2, y2 := to.x, to.y+nodeH/2
			if level[l]-level[p] > 1 {
				// Skipping levels: arc over the rows in between rather
				// than through the lessons standing there.
				top := min(from.y, to.y) - arc/2
				fmt.Fprintf(&buf, `<path d="M%d %dC%d %d %d %d %d %d" marker-end="url(#path-arrow)"/>`, x1, y1, x1+colW/2, top, x2-colW/2, top, x2, y2)
				continue
			}
			mid := (x1 + x2) / 2
			fmt.Fprintf(&buf, `<path d="M%d %dC%d %d %d %d %d %d" marker-end="url(#path-arrow)"/>`, x1, y1, mid, y1, mid, y2, x2, y2)
		}
	}
	buf.WriteString(`</g><g class="path-nodes">`)
	for _, l := range lessons {
		p := at[l]
		label := l.Title
		if r := []rune(label); len(r) > maxChars {
			label = strings.TrimSpace(string(r[:maxChars-1])) + "…"
		}
		fmt.Fprintf(&buf, `<g transform="translate(%d %d)"><rect width="%d" height="%d" rx="6"/><text x="10" y="22">`, p.x, p.y, nodeW, nodeH)
		template.HTMLEscape(&buf, []byte(label))
		buf.WriteString(`</text></g>`)
	}
	buf.WriteString(`</g></svg>`)
	return template.HTML(buf.String())
}

// printItems lists every module and lesson in course order, with each
// lesson's body (empty when spilled to disk), and the key of it all. A patch
// has already updated b.print.
func (b *builder) printItems() (*printState, uint64) {
	if st := b.print; st != nil {
		return st, st.key.sum(b.m)
	}
	h := b.m.hash()
	st := &printState{
		items:  make([]render.PrintItem, 0, len(b.c.All)),
		bodies: overlay[bodyRef]{base: make([]bodyRef, 0, len(b.c.All))},
		key:    seqKey{index: make(map[*course.Page]int, len(b.c.Lessons))},
	}
	var walk func(m *course.Page)
	walk = func(m *course.Page) {
		for _, c := range m.Children {
			b.keys.page(h, c)
			switch c.Kind {
			case course.KindModule:
				st.items = append(st.items, render.PrintItem{Page: c, Heading: 2, ID: printID(c), Objectives: b.objectives(c)})
				st.bodies.base = append(st.bodies.base, bodyRef{})
				st.key.add(b.m, nil, 0)
				walk(c)
			case course.KindLesson:
				body := b.bodies[c]
				st.items = append(st.items, render.PrintItem{Page: c, Heading: 3, ID: printID(c), Objectives: b.objectives(c), Content: printMarker(len(st.items))})
				st.bodies.base = append(st.bodies.base, body)
				st.key.add(b.m, c, body.sum)
			}
		}
	}
	walk(b.c.Home)
	st.key.structure = h.Sum64()
	b.print = st
	return st, st.key.sum(b.m)
}

func printID(p *course.Page) string {
	return "print-" + strings.ReplaceAll(strings.Trim(p.Path, "/"), "/", "--")
}

// The print page is rendered as a shell whose lessons' contents are markers,
// minified, and then written with each marker replaced by the lesson's
// fragment (its body made fit for the page and minified on its own). Bodies
// never sit in memory all at once: a one-shot build spills the fragments to
// a temporary file as pages render and streams the page to disk; the dev
// server makes it on request.
const (
	printMarkOpen  = "\ue000lectern-print:"
	printMarkClose = "\ue001"
)

func printMarker(i int) template.HTML {
	return template.HTML(printMarkOpen + strconv.Itoa(i) + printMarkClose)
}

// printFragment rewrites a lesson body for the print page and minifies it.
func printFragment(min *output.Minifier, id string, body template.HTML, noRawHTML bool) ([]byte, error) {
	var frag []byte
	if noRawHTML {
		frag = printBodyCode(body, id+"--", 2)
	} else {
		frag = printBody(body, id+"--", 2)
	}
	if min == nil {
		return frag, nil
	}
	m, err := min.Minify("print/index.html", frag)
	if err != nil {
		return nil, fmt.Errorf("minify: %w", err)
	}
	return m, nil // a new slice: Minify never returns HTML as it was
}

// assemblePrint writes the shell with every marker replaced by its fragment.
func assemblePrint(w io.Writer, shell []byte, frag func(i int) ([]byte, error)) error {
	open, close := []byte(printMarkOpen), []byte(printMarkClose)
	for {
		at := bytes.Index(shell, open)
		if at < 0 {
			_, err := w.Write(shell)
			return err
		}
		rest := shell[at+len(open):]
		end := bytes.Index(rest, close)
		i, err := strconv.Atoi(string(rest[:max(end, 0)]))
		if end < 0 || err != nil {
			return fmt.Errorf("print page: a broken content marker (did a layout change .Content?)")
		}
		if _, err := w.Write(shell[:at]); err != nil {
			return err
		}
		f, err := frag(i)
		if err != nil {
			return err
		}
		if _, err := w.Write(f); err != nil {
			return err
		}
		shell = rest[end+len(close):]
	}
}

// printSpill keeps a one-shot build's print fragments in a temporary file.
type printSpill struct {
	mu  sync.Mutex
	f   *os.File
	off int64
	at  map[*course.Page][2]int64 // offset and length
	err error
}

func (b *builder) openSpill() error {
	f, err := os.CreateTemp("", "lectern-print-*")
	if err != nil {
		return fmt.Errorf("print page: %w", err)
	}
	b.spill = &printSpill{f: f, at: map[*course.Page][2]int64{}}
	return nil
}

func (b *builder) closeSpill() {
	if s := b.spill; s != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		b.spill = nil
	}
}

// spillPrint stores a lesson's print fragment.
//
// region names the body's region on the lesson's page (see renderPage):
// when the page's minification cut it out, the fragment is made from the
// minified body (printBodyMin) instead of minifying the body a second time.
func (b *builder) spillPrint(p *course.Page, body template.HTML, region string) {
	var frag []byte
	var err error
	var m []byte
	var code [][2]int
	ok := false
	if region != "" {
		m, code, ok = b.regions.Take(region)
	}
	if ok {
		frag, err = printBodyMin(b.min, m, code, printID(p)+"--", 2)
	} else {
		frag, err = printFragment(b.min, printID(p), body, !b.cfg.Markdown.Unsafe)
	}
	s := b.spill
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.err == nil {
		_, err = s.f.WriteAt(frag, s.off)
	}
	if err != nil {
		if s.err == nil {
			s.err = err
		}
		return
	}
	s.at[p] = [2]int64{s.off, int64(len(frag))}
	s.off += int64(len(frag))
}

func (s *printSpill) read(p *course.Page) ([]byte, error) {
	s.mu.Lock()
	at, ok := s.at[p]
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("print page: %w", err)
	}
	if !ok {
		return nil, nil // a page whose body failed: reported already
	}
	buf := make([]byte, at[1])
	_, err = s.f.ReadAt(buf, at[0])
	return buf, err
}

// printOut is /print/'s output file.
const printOut = "print/index.html"

// writePrint writes /print/.
func (b *builder) writePrint(buf *bytes.Buffer) error {
	const out = printOut
	if _, failed := b.sink.next.(discard); failed {
		return nil
	}
	st, sum := b.printItems()
	items := st.items
	v := b.genView("print", b.cfg.Title, "/print/")
	v.Description = "The whole course on one page, for printing or reading offline."
	v.Print = items
	if ls, ok := b.sink.next.(output.LazySink); ok && !b.oneShot {
		key := b.keys.view("print", v, sum)
		b.mu.Lock()
		prev := b.m.lazies[out]
		b.m.used[out] = true
		b.mu.Unlock()
		b.pages.Add(1)
		if prev == nil || prev.Key != key {
			v.Nav = render.NewNav(b.site, v.Page)
			lay, min, noRawHTML := b.lay, b.min, !b.cfg.Markdown.Unsafe
			prev = output.NewLazy(key, func() ([]byte, error) {
				var shell bytes.Buffer
				if err := lay.Execute(&shell, "print", v); err != nil {
					return nil, err
				}
				data := shell.Bytes()
				if min != nil {
					m, err := min.Minify(out, data)
					if err != nil {
						return nil, fmt.Errorf("minify: %w", err)
					}
					data = m
				}
				var page bytes.Buffer
				err := assemblePrint(&page, data, func(i int) ([]byte, error) {
					return printFragment(min, items[i].ID, st.bodies.at(i).html, noRawHTML)
				})
				return page.Bytes(), err
			})
			b.m.lazies[out] = prev
			b.rendered.Add(1) // to be made again, on request
		}
		b.sink.files.Add(1)
		if err := ls.WriteLazy(out, prev); err != nil {
			return fmt.Errorf("writing %s: %w", out, err)
		}
		return nil
	}

	b.pages.Add(1)
	v.Nav = render.NewNav(b.site, v.Page)
	shell, ok, err := b.renderView(buf, "print", v, "the print page", out)
	if err != nil || !ok {
		return err
	}
	frag := func(i int) ([]byte, error) {
		if b.spill != nil {
			return b.spill.read(items[i].Page)
		}
		return printFragment(b.min, items[i].ID, st.bodies.at(i).html, !b.cfg.Markdown.Unsafe)
	}
	if ss, ok := b.sink.next.(output.StreamSink); ok {
		cw := &countWriter{w: nil}
		err := ss.WriteStream(out, func(w io.Writer) error {
			cw.w = w
			return assemblePrint(cw, shell, frag)
		})
		b.sink.files.Add(1)
		b.sink.bytes.Add(cw.n)
		if err != nil {
			return fmt.Errorf("writing %s: %w", out, err)
		}
		return nil
	}
	var page bytes.Buffer
	if err := assemblePrint(&page, shell, frag); err != nil {
		return err
	}
	return b.sinkWrite(out, page.Bytes())
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// printBody rewrites a lesson body for the print page: every id (and every
// reference to one: #fragment links, label for, aria-*) gets prefix, so ids
// stay unique among all lessons; headings move shift levels down (at most
// h6) to sit below the lesson's own title; <details> are opened.
func printBody(body template.HTML, prefix string, shift int) []byte {
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/8)
	printBodyTo(&out, string(body), prefix, shift, nil)
	return out.Bytes()
}

// printBodyCode is printBody for a body converted without raw HTML, whose
// highlighted code blocks it copies as they are instead of going through
// them tag by tag: they hold nothing printBody changes (see codeBlocks).
func printBodyCode(body template.HTML, prefix string, shift int) []byte {
	masked, code := maskCode(string(body), codeBlocks(string(body)))
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/8)
	printBodyTo(&out, masked, prefix, shift, code)
	return out.Bytes()
}

func printBodyTo(out *bytes.Buffer, body string, prefix string, shift int, code []string) {
	printTags(out, body, prefix, shift, code, func(tok *html.Token) { out.WriteString(tok.String()) })
}

// printTags is printBodyTo with the tags it changes written by write.
func printTags(out *bytes.Buffer, body string, prefix string, shift int, code []string, write func(*html.Token)) {
	z := html.NewTokenizer(strings.NewReader(body))
	var attrs [][2][]byte // the current tag's, valid until the next token
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				out.Write(z.Raw()) // never happens with our own HTML; keep what is left
			}
			return
		case html.CommentToken:
			raw := z.Raw()
			if i, ok := codeMarkerIndex(raw); ok && i < len(code) {
				out.WriteString(code[i])
				continue
			}
			out.Write(raw)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			raw := z.Raw()
			if !mayChange(raw, tt == html.EndTagToken) {
				out.Write(raw) // most tags: not read any further
				continue
			}
			// The name and attributes are read once, lowercased as Token
			// reads them; a Token is built only for the tags that change.
			name, more := z.TagName()
			a := atom.Lookup(name)
			attrs = attrs[:0]
			changes := headingLevel(a) > 0
			if tt != html.EndTagToken {
				changes = changes || a == atom.Details
				for more {
					var k, v []byte
					k, v, more = z.TagAttr()
					attrs = append(attrs, [2][]byte{k, v})
					if string(k) == "href" {
						changes = changes || len(v) > 1 && v[0] == '#'
					} else if slices.Contains(printIDAttrs[:], string(k)) {
						changes = true
					}
				}
			}
			if !changes {
				out.Write(raw)
				continue
			}
			tok := html.Token{Type: tt, DataAtom: a, Data: a.String()}
			if a == 0 {
				tok.Data = string(name)
			}
			if tt != html.EndTagToken {
				tok.Attr = make([]html.Attribute, len(attrs))
				for i, kv := range attrs {
					tok.Attr[i] = html.Attribute{Key: atom.String(kv[0]), Val: string(kv[1])}
				}
			}
			if printRewrite(&tok, prefix, shift) {
				write(&tok)
			} else {
				out.Write(raw)
			}
		default:
			out.Write(z.Raw())
		}
	}
}

// mayChange reports whether printRewrite may change a tag, from its raw
// bytes: it is a heading, a <details> start tag, or a start tag whose
// attributes hold (in any letter case) href or one of printIDAttrs. The
// tokenizer lowercases names and ends them where mayChange does, so a tag
// printTags would change is never missed; some it leaves alone are read
// further for nothing.
func mayChange(raw []byte, end bool) bool {
	i := 1
	if end {
		i = 2
	}
	n := i
name:
	for ; n < len(raw); n++ {
		switch raw[n] {
		case ' ', '\t', '\n', '\r', '\f', '/', '>':
			break name
		}
	}
	name := raw[i:n]
	if len(name) == 2 && name[0]|0x20 == 'h' && name[1] >= '1' && name[1] <= '6' {
		return true
	}
	if end {
		return false
	}
	if len(name) == 7 && strings.EqualFold(string(name), "details") {
		return true
	}
	attrs := raw[n:]
	for k := range attrs {
		c := attrs[k] | 0x20
		if !printAttrFirst[c] {
			continue
		}
		for _, a := range printIDAttrs {
			if a[0] == c && hasFold(attrs[k:], a) {
				return true
			}
		}
		if c == 'h' && hasFold(attrs[k:], "href") {
			return true
		}
	}
	return false
}

// printIDAttrs are the attributes whose values are ids (or lists of ids),
// which printRewrite prefixes; href too, when it is a fragment.
var printIDAttrs = [...]string{"id", "for", "aria-labelledby", "aria-describedby", "aria-controls", "headers"}

// printAttrFirst marks the first letters of printIDAttrs and href.
var printAttrFirst = func() (t [256]bool) {
	for _, a := range printIDAttrs {
		t[a[0]] = true
	}
	t['h'] = true
	return t
}()

// hasFold: b starts with s (lower case ASCII), in any letter case.
func hasFold(b []byte, s string) bool {
	if len(b) < len(s) {
		return false
	}
	for j := 0; j < len(s); j++ {
		c := b[j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[j] {
			return false
		}
	}
	return true
}

// printBodyMin is printFragment from the minified body instead of the body
// itself: minifying printBody's output gives the same bytes as rewriting
// the minified body and minifying only the tags printBody changes, which
// the minifier writes the same way wherever they stand (FuzzPrintBodyMin
// compares both ways). A lesson's page minifies its body as a region
// anyway, so /print/ reuses that instead of minifying every body twice.
// Code blocks are jumped over as printBodyCode does: those at blocks
// (where the minifier's fast path wrote them), else those minCodeBlocks
// finds. m must be the minified form of a body converted without raw HTML.
func printBodyMin(min *output.Minifier, m []byte, blocks [][2]int, prefix string, shift int) ([]byte, error) {
	s := string(m)
	if blocks == nil {
		blocks = minCodeBlocks(s)
	}
	body, code := maskCode(s, blocks)
	var out bytes.Buffer
	out.Grow(len(m) + len(m)/8)
	var err error
	printTags(&out, body, prefix, shift, code, func(tok *html.Token) {
		if err == nil {
			err = appendMinTag(&out, min, tok)
		}
	})
	return out.Bytes(), err
}

// appendMinTag writes a tag printBody changed as the minifier writes it:
// directly when each attribute value is plain (unquoted) or plain with
// spaces or "=" (in double quotes), else through the minifier.
func appendMinTag(out *bytes.Buffer, min *output.Minifier, tok *html.Token) error {
	simple := tok.Type != html.SelfClosingTagToken
	for _, a := range tok.Attr {
		simple = simple && a.Namespace == "" && attrKind(a.Key) == attrPlain &&
			(a.Val == "" && a.Key == "open" || attrKind(a.Val) != attrOther)
	}
	if !simple {
		t, err := min.Minify(printOut, []byte(tok.String()))
		if err != nil {
			return fmt.Errorf("minify: %w", err)
		}
		out.Write(t)
		return nil
	}
	out.WriteByte('<')
	if tok.Type == html.EndTagToken {
		out.WriteByte('/')
	}
	out.WriteString(tok.Data)
	for _, a := range tok.Attr {
		out.WriteByte(' ')
		out.WriteString(a.Key)
		switch {
		case a.Val == "":
		case attrKind(a.Val) == attrPlain:
			out.WriteByte('=')
			out.WriteString(a.Val)
		default:
			out.WriteString(`="`)
			out.WriteString(a.Val)
			out.WriteByte('"')
		}
	}
	out.WriteByte('>')
	return nil
}

const (
	attrPlain  = iota // letters, digits and - _ . : / #: written as they are
	attrQuoted        // that and spaces or "=", in double quotes
	attrOther         // anything else: left to the minifier
)

// attrKind tells how the minifier writes an attribute name or value.
func attrKind(s string) int {
	kind := attrPlain
	if s == "" {
		return attrOther
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '#':
		case c == ' ' || c == '=':
			kind = attrQuoted
		default:
			return attrOther
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return attrOther // the minifier may trim or collapse them
	}
	return kind
}

// printRewrite makes printBody's changes to a tag and reports whether it
// changed anything.
func printRewrite(tok *html.Token, prefix string, shift int) bool {
	changed := false
	if lvl := headingLevel(tok.DataAtom); lvl > 0 {
		n := min(lvl+shift, 6)
		tok.Data = "h" + strconv.Itoa(n)
		tok.DataAtom = 0
		changed = true
	}
	if tok.Type == html.EndTagToken {
		return changed
	}
	for i, a := range tok.Attr {
		switch a.Key { // printIDAttrs and href: printTags reads these
		case "id", "for":
			tok.Attr[i].Val = prefix + a.Val
			changed = true
		case "aria-labelledby", "aria-describedby", "aria-controls", "headers":
			f := strings.Fields(a.Val)
			for j := range f {
				f[j] = prefix + f[j]
			}
			tok.Attr[i].Val = strings.Join(f, " ")
			changed = true
		case "href":
			if strings.HasPrefix(a.Val, "#") && len(a.Val) > 1 {
				tok.Attr[i].Val = "#" + prefix + a.Val[1:]
				changed = true
			}
		}
	}
	if tok.DataAtom == atom.Details {
		open := false
		for _, a := range tok.Attr {
			open = open || a.Key == "open"
		}
		if !open {
			tok.Attr = append(tok.Attr, html.Attribute{Key: "open"})
			changed = true
		}
	}
	return changed
}

// maskCode returns body with each block replaced by codeMarker(i), and
// the blocks: printTags reads the body in one pass and writes each block
// back where its marker stands.
func maskCode(body string, blocks [][2]int) (string, []string) {
	if len(blocks) == 0 {
		return body, nil
	}
	var masked strings.Builder
	masked.Grow(len(body) - codeLen(blocks) + len(blocks)*len(codeMarker(len(blocks))))
	code := make([]string, len(blocks))
	at := 0
	for i, bl := range blocks {
		masked.WriteString(body[at:bl[0]])
		masked.WriteString(codeMarker(i))
		code[i] = body[bl[0]:bl[1]]
		at = bl[1]
	}
	masked.WriteString(body[at:])
	return masked.String(), code
}

// codeMarker stands for code block i in the body printBodyCode reads: a
// comment no converted body holds otherwise (without raw HTML, the only
// comments are goldmark's "raw HTML omitted").
func codeMarker(i int) string { return "<!--lectern-code:" + strconv.Itoa(i) + "-->" }

func codeMarkerIndex(raw []byte) (int, bool) {
	s, ok := strings.CutPrefix(string(raw), "<!--lectern-code:")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "-->")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// writeCoursePages renders /matrix/, /path/ and /print/.
func (b *builder) writeCoursePages(buf *bytes.Buffer) error {
	if m, key := b.matrix(); m != nil && b.lay.Has("matrix") {
		v := b.genView("matrix", "Roles and skills", "/matrix/")
		v.Description = "Which lessons teach each skill, for each role."
		v.Matrix = m
		if err := b.execute(buf, "matrix", v, key, "the matrix page", "matrix/index.html"); err != nil {
			return err
		}
	}
	if len(b.c.Lessons) > 0 && b.lay.Has("path") {
		lp, key := b.learningPath()
		v := b.genView("path", "Learning path", "/path/")
		v.Description = "The order to take the lessons in: each lesson after the lessons it builds on."
		v.Path = lp
		if err := b.execute(buf, "path", v, key, "the learning path page", "path/index.html"); err != nil {
			return err
		}
	}
	if len(b.c.Lessons) > 0 && b.lay.Has("print") {
		if err := b.writePrint(buf); err != nil {
			return err
		}
	}
	return nil
}
