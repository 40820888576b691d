package markdown

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// anchor is the self-link lectern appends to every heading.
type anchor struct {
	ast.BaseInline
	id    string
	label string // the heading's plain text
}

var kindAnchor = ast.NewNodeKind("LecternAnchor")

func (n *anchor) Kind() ast.NodeKind { return kindAnchor }

func (n *anchor) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"ID": n.id}, nil)
}

// idSet hands out unique ids: a taken base gets "-1", "-2", … as goldmark's
// generator does.
type idSet struct {
	taken map[string]bool
	next  map[string]int // last suffix handed out per base: linear on many equal headings
}

func (s *idSet) unique(base string) string {
	id := base
	if s.taken[id] {
		for i := s.next[base] + 1; ; i++ {
			id = base + "-" + strconv.Itoa(i)
			if !s.taken[id] {
				s.next[base] = i
				break
			}
		}
	}
	s.taken[id] = true
	return id
}

// headings gives every heading an id and an anchor and records it in the Doc.
//
// Explicit ids ({#id}) are reserved first, wherever they are in the page, so
// an automatic id steps around an explicit one whether it comes before or
// after it ("## Intro" + "## Other {#intro}" → "intro-1" and "intro"). Two
// equal explicit ids are an error; the second is renamed so the HTML stays
// valid.
func (st *state) headings(root ast.Node, hs []*ast.Heading) {
	ids := &idSet{taken: map[string]bool{}, next: map[string]int{}}
	st.ids = ids // quizzes take theirs next (quizIDs)
	for _, id := range footnoteIDs(root) {
		ids.taken[id] = true
	}
	walk(root, func(n ast.Node) {
		v, ok := n.AttributeString("id")
		if !ok {
			return
		}
		id := attrString(v)
		if id == "" {
			if _, isHeading := n.(*ast.Heading); !isHeading {
				n.SetAttributeString("id", []byte(ids.unique("id")))
			}
			return // a heading gets an automatic id below
		}
		if strings.ContainsFunc(id, unicode.IsSpace) {
			st.errorf(n.Pos(), "id %q contains white space", id)
			id = strings.Join(strings.Fields(id), "-")
		}
		if ids.taken[id] {
			st.errorf(n.Pos(), "duplicate id %q: an earlier element of this page has it too", id)
		}
		n.SetAttributeString("id", []byte(ids.unique(id)))
	})
	for _, h := range hs {
		label := collapseSpace(plainText(h, st.src))
		var id string
		if v, ok := h.AttributeString("id"); ok && attrString(v) != "" {
			id = attrString(v)
		} else {
			id = ids.unique(slugify(label))
			h.SetAttributeString("id", []byte(id))
		}
		st.doc.Headings = append(st.doc.Headings, Heading{Level: h.Level, ID: id, Text: label})
		h.AppendChild(h, &anchor{id: id, label: label})
	}
}

// collectIDs lists every id attribute of the output in document order.
func (st *state) collectIDs(root ast.Node) {
	walk(root, func(n ast.Node) {
		if id, ok := footnoteID(n); ok {
			st.doc.IDs = append(st.doc.IDs, id)
		}
		if q, ok := n.(*quiz); ok {
			st.doc.IDs = append(st.doc.IDs, q.allIDs()...)
		}
		if v, ok := n.AttributeString("id"); ok {
			if id := attrString(v); id != "" {
				st.doc.IDs = append(st.doc.IDs, id)
			}
		}
	})
}

func footnoteIDs(root ast.Node) []string {
	var out []string
	walk(root, func(n ast.Node) {
		if id, ok := footnoteID(n); ok {
			out = append(out, id)
		}
	})
	return out
}

// footnoteID is the id goldmark's footnote renderer writes for n (we set no
// id prefix): "fnref:1", "fnref1:1" for a second reference, "fn:1".
func footnoteID(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *east.FootnoteLink:
		ref := ""
		if n.RefIndex > 0 {
			ref = strconv.Itoa(n.RefIndex)
		}
		return "fnref" + ref + ":" + strconv.Itoa(n.Index), true
	case *east.Footnote:
		return "fn:" + strconv.Itoa(n.Index), true
	}
	return "", false
}

// attrString turns a goldmark attribute value ([]byte, string, float64, bool)
// into a string.
func attrString(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}
