package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// calloutKind is one kind of callout: its class suffix, default title and
// whether it renders as a collapsed <details>.
type calloutKind struct {
	name    string // "note": class "callout callout-note"
	title   string // "Note"
	details bool   // HINT and SOLUTION: collapsed <details>
}

// calloutKinds are GitHub's five alerts plus lectern's three.
var calloutKinds = map[string]calloutKind{
	"note":      {"note", "Note", false},
	"tip":       {"tip", "Tip", false},
	"important": {"important", "Important", false},
	"warning":   {"warning", "Warning", false},
	"caution":   {"caution", "Caution", false},
	"exercise":  {"exercise", "Exercise", false},
	"hint":      {"hint", "Hint", true},
	"solution":  {"solution", "Solution", true},
}

// calloutMarkerRE matches the first line of a callout: "[!TIP]", optionally
// followed by a title.
var calloutMarkerRE = regexp.MustCompile(`^\[!([A-Za-z]+)\](?:[ \t]|$)`)

// callout is a blockquote that starts with a [!KIND] marker. Its first child
// is a calloutTitle; the rest is the blockquote's body.
type callout struct {
	ast.BaseBlock
	kind calloutKind
}

// calloutTitle holds the inline nodes of a custom title; with no children
// the kind's own title is shown.
type calloutTitle struct {
	ast.BaseBlock
}

var (
	kindCallout      = ast.NewNodeKind("LecternCallout")
	kindCalloutTitle = ast.NewNodeKind("LecternCalloutTitle")
)

func (n *callout) Kind() ast.NodeKind      { return kindCallout }
func (n *calloutTitle) Kind() ast.NodeKind { return kindCalloutTitle }

func (n *callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Kind": n.kind.name}, nil)
}

func (n *calloutTitle) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// callout replaces q by a callout node when its first line is a marker.
// An unknown marker leaves the blockquote as it is, with a warning.
func (st *state) callout(q *ast.Blockquote) {
	p, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return
	}
	line := p.Lines().At(0)
	val := bytes.TrimRight(line.Value(st.src), " \t\r\n")
	m := calloutMarkerRE.FindSubmatchIndex(val)
	if m == nil {
		return
	}
	name := strings.ToLower(string(val[m[2]:m[3]]))
	kind, known := calloutKinds[name]
	markerEnd := line.Start + m[3] + 1 // just after ']'
	lineEnd := line.Start + len(val)

	// The marker must be plain text: "[!NOTE](x.md)" is a link, and
	// "[!NOTE]" with a "[!note]: …" definition is a reference link.
	for c := p.FirstChild(); c != nil && inlineStart(c) < markerEnd; c = c.NextSibling() {
		if _, isText := c.(*ast.Text); !isText {
			return
		}
	}
	if !known {
		st.checkf(CheckUnknownCallout, line.Start, "unknown callout type %q, rendered as a blockquote (known: NOTE, TIP, IMPORTANT, WARNING, CAUTION, EXERCISE, HINT, SOLUTION)", val[m[2]-2:m[3]+1])
		return
	}

	title := &calloutTitle{}
	endOfLine := false
	for c := p.FirstChild(); c != nil && !endOfLine; {
		next := c.NextSibling()
		if inlineStart(c) >= lineEnd {
			break
		}
		t, isText := c.(*ast.Text)
		if isText {
			endOfLine = t.SoftLineBreak() || t.HardLineBreak()
		}
		switch {
		case isText && t.Segment.Stop <= markerEnd: // all marker
			p.RemoveChild(p, c)
		default:
			if isText && t.Segment.Start < markerEnd { // "] Title"
				t.Segment = t.Segment.WithStart(markerEnd)
			}
			if isText && endOfLine {
				t.SetSoftLineBreak(false)
				t.SetHardLineBreak(false)
			}
			p.RemoveChild(p, c)
			title.AppendChild(title, c)
		}
		c = next
	}
	trimTitle(title, st.src)
	if p.FirstChild() == nil {
		q.RemoveChild(q, p)
	}

	n := &callout{kind: kind}
	n.SetPos(q.Pos())
	n.SetBlankPreviousLines(q.HasBlankPreviousLines())
	n.AppendChild(n, title)
	for c := q.FirstChild(); c != nil; {
		next := c.NextSibling()
		n.AppendChild(n, c) // AppendChild detaches c from q
		c = next
	}
	q.Parent().ReplaceChild(q.Parent(), q, n)
}

// inlineStart is where an inline node starts in the body.
func inlineStart(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	return n.Pos()
}

// trimTitle drops the blanks around a custom title; a title of blanks only
// is no title.
func trimTitle(title *calloutTitle, src []byte) {
	for {
		t, ok := title.FirstChild().(*ast.Text)
		if !ok {
			break
		}
		t.Segment = t.Segment.TrimLeftSpace(src)
		if t.Segment.Len() > 0 {
			break
		}
		title.RemoveChild(title, t)
	}
	for {
		t, ok := title.LastChild().(*ast.Text)
		if !ok {
			break
		}
		t.Segment = t.Segment.TrimRightSpace(src)
		if t.Segment.Len() > 0 {
			break
		}
		title.RemoveChild(title, t)
	}
}
