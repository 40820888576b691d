package markdown

import (
	"bytes"
	"reflect"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// goldmark's time grows with the square of the input in a few places; the
// guards below keep lectern's time linear by treating what lies beyond a
// limit as text, with an error where the limit was reached. Real pages
// stay far below every limit, and below them goldmark parses exactly as
// before (the CommonMark spec test and the site fixtures hold that).

// maxNesting is how deep lists, block quotes and footnotes may nest. For
// every line goldmark walks all open containers, and for every new level it
// looks at the rest of the line again (is it a thematic break?), so 40,000
// nested lists on one line took 8 s. Real pages rarely go past 5 levels.
const maxNesting = 100

// A paragraph's link parsing may cost linkWorkPerByte units per byte of the
// paragraph, plus linkWorkBase (a unit is about one byte scanned, a few
// nanoseconds). goldmark scans ahead from every "](" to the end of the
// destination and, when no link comes of a "[…]", looks for the label's line
// from the paragraph's last line back; unclosed openers ("[a](" repeated) or a long
// paragraph of brackets that are not links (a pasted log of "[INFO]" lines)
// make that quadratic: 20,000 "[a](" took 3.5 s. Paragraphs of real pages use
// less than one unit per byte.
const (
	linkWorkPerByte = 64
	linkWorkBase    = 1 << 16
)

// maxDefinitionLines is the longest paragraph in which link reference
// definitions ("[a]: /url") are looked for: goldmark removes each definition
// it finds by copying the rest of the paragraph's lines, so a paragraph of
// 40,000 definitions took 2.3 s. Longer paragraphs keep their text as it is.
const maxDefinitionLines = 5000

// limits is a parser option that puts the guards around goldmark's own
// parsers. It rewrites the parser's configuration, so it must be added after
// the extensions (goldmark.New applies them last), and before the first Parse.
type limits struct{}

var (
	containerParsers = map[reflect.Type]bool{
		reflect.TypeOf(parser.NewBlockquoteParser()):       true,
		reflect.TypeOf(parser.NewListParser()):             true,
		reflect.TypeOf(extension.NewFootnoteBlockParser()): true,
	}
	linkParserType = reflect.TypeOf(parser.NewLinkParser())
)

func (limits) SetParserOption(c *parser.Config) {
	for i, v := range c.BlockParsers {
		if bp, ok := v.Value.(parser.BlockParser); ok && containerParsers[reflect.TypeOf(bp)] {
			c.BlockParsers[i].Value = nestingGuard{bp}
		}
	}
	for i, v := range c.ParagraphTransformers {
		if v.Value == parser.LinkReferenceParagraphTransformer {
			c.ParagraphTransformers[i].Value = definitionGuard{parser.LinkReferenceParagraphTransformer}
		}
	}
	for i, v := range c.InlineParsers {
		if ip, ok := v.Value.(parser.InlineParser); ok && reflect.TypeOf(ip) == linkParserType {
			c.InlineParsers[i].Value = linkGuard{ip}
		}
	}
}

// nestingGuard wraps a parser of containers (lists, block quotes, footnote
// definitions): a container that would sit deeper than maxNesting is not
// opened, so its marker and the rest of the line become text (a paragraph,
// or the continuation of one), as if the marker were not one.
type nestingGuard struct{ parser.BlockParser }

func (g nestingGuard) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, pos := reader.Position()
	n, s := g.BlockParser.Open(parent, reader, pc)
	if n == nil || nestingDepth(parent) < maxNesting {
		return n, s
	}
	reader.SetPosition(line, pos)
	if st, _ := pc.Get(stateKey).(*state); st != nil && !st.nestingReported {
		st.nestingReported = true
		_, seg := reader.PeekLine()
		off := seg.Start + max(pc.BlockOffset()-seg.Padding, 0)
		st.errorf(st.offsetNear(off, "-+*>[0123456789"),
			"lists, block quotes and footnotes nested more than %d deep: this marker and the rest of its line are shown as text; nest them less deeply", maxNesting)
	}
	return nil, parser.NoChildren
}

// nestingDepth counts the containers n is in, n included, up to maxNesting.
func nestingDepth(n ast.Node) int {
	d := 0
	for ; n != nil && d < maxNesting; n = n.Parent() {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList, east.KindFootnote:
			d++
		}
	}
	return d
}

// linkGuard wraps goldmark's link parser ("[", "![" and "]") with a budget
// of work per paragraph. Once it is spent, the rest of the paragraph's
// brackets are text: goldmark's CloseBlock turns the openers still pending
// into text too.
type linkGuard struct{ parser.InlineParser }

// linkBudgetKey finds the linkBudget of a parse in its parser.Context.
var linkBudgetKey = parser.NewContextKey()

// linkBudget is the work left for the links of the paragraph being parsed.
type linkBudget struct {
	block   ast.Node // the paragraph (heading, table cell…) it belongs to
	lines   int      // the block's line count
	left    int
	spent   bool
	openers []opener // "[" and "![" that goldmark holds open, innermost last
	reader  countingReader
}

type opener struct{ start, line int }

// countingReader counts how far goldmark's link parser moves through the
// text, also when it then gives up and goes back: a destination is scanned
// by advancing over it.
type countingReader struct {
	text.Reader
	n int
}

func (r *countingReader) Advance(n int) {
	r.n += n
	r.Reader.Advance(n)
}

func budgetFor(block ast.Node, pc parser.Context) *linkBudget {
	b, _ := pc.Get(linkBudgetKey).(*linkBudget)
	if b == nil {
		b = &linkBudget{}
		pc.Set(linkBudgetKey, b)
	}
	if b.block != block {
		lines := block.Lines()
		size := 0
		for i := range lines.Len() {
			seg := lines.At(i)
			size += seg.Stop - seg.Start
		}
		*b = linkBudget{block: block, lines: lines.Len(), left: linkWorkPerByte*size + linkWorkBase, openers: b.openers[:0]}
	}
	return b
}

func (g linkGuard) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	b := budgetFor(parent, pc)
	if b.spent {
		return nil
	}
	line, seg := block.PeekLine()
	if b.left < 0 {
		b.spent = true
		if st, _ := pc.Get(stateKey).(*state); st != nil && !st.linksReported {
			st.linksReported = true
			st.errorf(seg.Start, "too many brackets that make no link in this paragraph for lectern to parse in time: from here on its [ and ] are shown as text; escape them as \\[ and \\], or put code and logs in a code block")
		}
		return nil
	}
	if line[0] != ']' {
		l, _ := block.Position()
		n := g.InlineParser.Parse(parent, block, pc)
		if n != nil {
			b.openers = append(b.openers, opener{start: seg.Start, line: l})
		}
		return n
	}
	if len(b.openers) == 0 {
		return g.InlineParser.Parse(parent, block, pc)
	}
	// goldmark takes the innermost opener whatever comes of it. Its cost:
	// what it scans ahead (counted), the nodes since the opener it looks
	// through for links, and when no link comes of it, the lookup of the
	// label, which walks the lines from the paragraph's last to the opener's.
	o := b.openers[len(b.openers)-1]
	b.openers = b.openers[:len(b.openers)-1]
	b.reader = countingReader{Reader: block}
	n := g.InlineParser.Parse(parent, &b.reader, pc)
	cost := b.reader.n + seg.Start - o.start
	b.reader = countingReader{}
	if n == nil {
		cost += b.lines - o.line
		// A "<destination>" without its ">" is scanned to the end of the
		// line without advancing.
		if len(line) > 1 && line[1] == '(' {
			if i := skipBlanks(line, 2); i < len(line) && line[i] == '<' {
				cost += len(line) - i
			}
		}
	}
	b.left -= cost
	return n
}

func skipBlanks(line []byte, i int) int {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i
}

func (g linkGuard) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if cb, ok := g.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
	if b, _ := pc.Get(linkBudgetKey).(*linkBudget); b != nil {
		b.block = nil
	}
}

// definitionGuard skips the search for link reference definitions in a
// paragraph longer than maxDefinitionLines, with an error at its start.
type definitionGuard struct{ parser.ParagraphTransformer }

func (g definitionGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	first := lines.At(0)
	if lines.Len() <= maxDefinitionLines || !startsDefinition(first.Value(reader.Source())) {
		// Definitions come first in a paragraph: without one at the start,
		// goldmark stops at once.
		g.ParagraphTransformer.Transform(node, reader, pc)
		return
	}
	if st, _ := pc.Get(stateKey).(*state); st != nil && !st.definitionsReported {
		st.definitionsReported = true
		st.errorf(lines.At(0).Start, "a paragraph of %d lines: lectern looks for link reference definitions ([name]: url) in paragraphs of up to %d lines; separate them with blank lines", lines.Len(), maxDefinitionLines)
	}
}

// startsDefinition: the line opens a link reference definition, "[label]:"
// after at most three spaces (a label over several lines is not looked for).
func startsDefinition(line []byte) bool {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	if i >= len(line) || line[i] != '[' {
		return false
	}
	end := bytes.IndexByte(line[i:], ']')
	return end > 1 && i+end+1 < len(line) && line[i+end+1] == ':'
}
