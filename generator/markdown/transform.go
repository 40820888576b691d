package markdown

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// stateKey finds the per-call state in a parser.Context. Like goldmark's own
// keys it is created once: the key is an index, not state.
var stateKey = parser.NewContextKey()

// state is everything one Convert call knows; the transformer gets it from the
// parser.Context, so the Converter itself stays read-only.
type state struct {
	src      []byte
	resolver Resolver
	doc      *Doc
	unsafe   bool
	inline   goldmark.Markdown // quiz texts: inline syntax only
	ids      *idSet            // the page's ids, once headings have theirs
	quizzes  []*quiz           // in document order

	// One error each is enough for a page (see limits.go).
	nestingReported, linksReported, definitionsReported bool
}

func (st *state) errorf(off int, format string, args ...any) {
	st.doc.Diags = append(st.doc.Diags, Diag{Offset: st.clamp(off), Msg: fmt.Sprintf(format, args...)})
}

func (st *state) warnf(off int, format string, args ...any) {
	st.doc.Diags = append(st.doc.Diags, Diag{Offset: st.clamp(off), Warning: true, Msg: fmt.Sprintf(format, args...)})
}

// checkf records a warning that site.yaml's `checks` can turn into an error or off.
func (st *state) checkf(check string, off int, format string, args ...any) {
	st.doc.Diags = append(st.doc.Diags, Diag{Offset: st.clamp(off), Warning: true, Check: check, Msg: fmt.Sprintf(format, args...)})
}

func (st *state) clamp(off int) int {
	return max(0, min(off, len(st.src)))
}

// transformer is the one goldmark AST transformer of lectern: callouts, code
// block options, quizzes, heading ids and anchors, link and image rewriting,
// ids.
type transformer struct{}

func (transformer) Transform(root *ast.Document, _ text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return
	}
	st.transform(root)
}

func (st *state) transform(root *ast.Document) {
	// Callouts first: they move nodes around, and the walk below then sees
	// the final tree (including callouts nested in callouts).
	var quotes []*ast.Blockquote
	walk(root, func(n ast.Node) {
		if q, ok := n.(*ast.Blockquote); ok {
			quotes = append(quotes, q)
		}
	})
	for _, q := range quotes {
		st.callout(q)
	}

	var (
		headings []*ast.Heading
		codes    []ast.Node
	)
	walk(root, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			codes = append(codes, n)
		case *east.Table:
			// Wide tables scroll sideways on phones; a keyboard user
			// must be able to focus them to scroll (axe's
			// scrollable-region-focusable), as with code blocks.
			n.SetAttributeString("tabindex", []byte("0"))
		default:
			st.inlineNode(n)
		}
	})
	for _, n := range codes {
		if f, ok := n.(*ast.FencedCodeBlock); ok && string(f.Language(st.src)) == "quiz" {
			st.quiz(f)
			continue
		}
		st.codeBlock(n)
	}
	st.headings(root, headings)
	st.headingLevels(root, headings)
	st.quizIDs() // after headings: a heading keeps its id, a quiz steps around it
	st.collectIDs(root)
}

// inlineNode rewrites links and images and reports dropped raw HTML; it is
// also called on the inline trees of quizzes.
func (st *state) inlineNode(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		// goldmark's Linkify parser splits "aaa     \n" into "aaa  "
		// and an empty text holding the line break, and the spaces
		// reach the output ("aaa  <br>"); CommonMark drops them.
		if !n.IsRaw() && (n.HardLineBreak() || n.SoftLineBreak()) {
			n.Segment = n.Segment.TrimRightSpace(st.src)
			for t := n; t.Segment.IsEmpty(); {
				prev, ok := t.PreviousSibling().(*ast.Text)
				if !ok || prev.IsRaw() {
					break
				}
				prev.Segment = prev.Segment.TrimRightSpace(st.src)
				t = prev
			}
		}
	case *ast.Link:
		st.linkText(n)
		st.link(n, &n.Destination, false)
	case *ast.Image:
		st.image(n)
	case *east.TaskCheckBox:
		st.taskCheckBox(n)
	case *ast.RawHTML:
		isComment := n.Segments.Len() > 0 && bytes.HasPrefix(st.src[n.Segments.At(0).Start:], []byte("<!--"))
		if !st.unsafe && !isComment {
			st.rawHTMLWarning(n.Pos())
		}
	case *ast.HTMLBlock:
		if !st.unsafe && n.HTMLBlockType != ast.HTMLBlockType2 {
			st.rawHTMLWarning(n.Pos())
		}
	}
}

// rawHTMLWarning tells authors why their HTML vanished. HTML comments are
// left out silently: authors use them for notes to themselves.
func (st *state) rawHTMLWarning(off int) {
	st.checkf(CheckRawHTML, off, "raw HTML left out of the page (set markdown.unsafe: true in site.yaml to keep it)")
}

// walk calls f on every node in document order. It is iterative, so deeply
// nested input cannot exhaust the stack.
func walk(root ast.Node, f func(ast.Node)) {
	n := root
	for n != nil {
		f(n)
		if c := n.FirstChild(); c != nil {
			n = c
			continue
		}
		for n != root && n.NextSibling() == nil {
			n = n.Parent()
		}
		if n == root {
			return
		}
		n = n.NextSibling()
	}
}

// nodeOffset is where n starts in the body: goldmark ≥ 1.8 records it for
// links ('[' or '!'). STYLE.md warns that positions may run past the true
// column after a tab inside a container, so the offset is clamped and, when
// it does not point at one of want, moved back to the nearest one on the
// same line (a tab expands to at most 3 extra columns).
func (st *state) nodeOffset(n ast.Node, want string) int {
	return st.offsetNear(n.Pos(), want)
}

// offsetNear is off, clamped, or the nearest byte of want before it on its
// line (see nodeOffset).
func (st *state) offsetNear(off int, want string) int {
	off = st.clamp(off)
	if off < len(st.src) && bytes.IndexByte([]byte(want), st.src[off]) >= 0 {
		return off
	}
	for i := off - 1; i >= 0 && i >= off-4 && st.src[i] != '\n'; i-- {
		if bytes.IndexByte([]byte(want), st.src[i]) >= 0 {
			return i
		}
	}
	return off
}

// taskCheckBox gives a task list checkbox an accessible name (axe's "label"
// rule): the text of its item.
func (st *state) taskCheckBox(n *east.TaskCheckBox) {
	var b bytes.Buffer
	for s := n.NextSibling(); s != nil; s = s.NextSibling() {
		b.WriteString(plainText(s, st.src))
	}
	label := collapseSpace(b.String())
	if label == "" {
		label = "Task"
	}
	n.SetAttributeString("aria-label", []byte(label))
}
