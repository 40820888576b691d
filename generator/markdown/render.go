package markdown

import (
	"bytes"
	"net/url"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer writes lectern's own nodes, and task list checkboxes with an
// accessible name. Links, images, headings and everything else stay with
// goldmark's renderer (which filters dangerous URLs).
type nodeRenderer struct {
	hl *highlighter
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCodeBlock, r.codeBlock)
	reg.Register(kindCallout, r.callout)
	reg.Register(kindCalloutTitle, r.calloutTitle)
	reg.Register(kindAnchor, r.anchor)
	reg.Register(kindQuiz, r.quiz)
	reg.Register(east.KindTaskCheckBox, r.taskCheckBox)
}

func (r *nodeRenderer) codeBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*codeBlock)
	var code bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		s := lines.At(i)
		code.Write(s.Value(src))
	}
	r.hl.write(w, n, code.String())
	return ast.WalkSkipChildren, nil
}

// callout writes
//
//	<div class="callout callout-note" role="note"><p class="callout-title">Note</p>…</div>
//	<details class="callout callout-hint"><summary>Hint</summary>…</details>
//
// role="note" rather than <aside>: an <aside> is a complementary landmark,
// and axe wants landmarks top-level and uniquely named, which a page with
// two notes inside <main> cannot be.
func (r *nodeRenderer) callout(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	k := node.(*callout).kind
	switch {
	case entering && k.details:
		_, _ = w.WriteString(`<details class="callout callout-` + k.name + "\">\n")
	case entering:
		_, _ = w.WriteString(`<div class="callout callout-` + k.name + "\" role=\"note\">\n")
	case k.details:
		_, _ = w.WriteString("</details>\n")
	default:
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) calloutTitle(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	k := node.Parent().(*callout).kind
	if entering {
		if k.details {
			_, _ = w.WriteString("<summary>")
		} else {
			_, _ = w.WriteString(`<p class="callout-title">`)
		}
		if !node.HasChildren() {
			_, _ = w.WriteString(k.title)
		}
		return ast.WalkContinue, nil
	}
	if k.details {
		_, _ = w.WriteString("</summary>\n")
	} else {
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkContinue, nil
}

// anchor writes a heading's self-link. The visible "#" means nothing to a
// screen reader, so the link is named by aria-label (axe's link-name).
func (r *nodeRenderer) anchor(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*anchor)
	label := "Link to this section"
	if n.label != "" {
		label = "Link to section: " + n.label
	}
	_, _ = w.WriteString(` <a class="anchor" href="#`)
	_, _ = w.Write(util.EscapeHTML([]byte((&url.URL{Fragment: n.id}).EscapedFragment())))
	_, _ = w.WriteString(`" aria-label="`)
	_, _ = w.Write(util.EscapeHTML([]byte(label)))
	_, _ = w.WriteString(`">#</a>`)
	return ast.WalkContinue, nil
}

// taskCheckBox is goldmark's checkbox plus the aria-label set by the
// transformer: a form control needs an accessible name (axe's "label").
func (r *nodeRenderer) taskCheckBox(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.TaskCheckBox)
	if n.IsChecked {
		_, _ = w.WriteString(`<input checked="" disabled="" type="checkbox"`)
	} else {
		_, _ = w.WriteString(`<input disabled="" type="checkbox"`)
	}
	if v, ok := n.AttributeString("aria-label"); ok {
		_, _ = w.WriteString(` aria-label="`)
		_, _ = w.Write(util.EscapeHTML([]byte(attrString(v))))
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString("> ")
	return ast.WalkContinue, nil
}
