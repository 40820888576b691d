package markdown

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A quiz is a fenced block with the info string "quiz":
//
//	? Which HTTP method should never change server state?
//	- [ ] POST
//	- [x] GET
//	> GET is defined as safe: caches and crawlers repeat it freely.
//
// "? " starts a question (lines after it, before the first option, continue
// it); task-list items are its options, "[x]" marking the correct ones (one
// correct option makes a single-choice question, several a multiple-choice
// one); "> " lines after the options are the explanation (a lone ">" starts
// a new paragraph of it). Blank lines separate questions. The texts are
// inline Markdown, parsed in place in the body so links are resolved and
// every diagnostic has its exact offset.

// quiz replaces a ```quiz fenced block. Texts are rendered while the tree is
// transformed (links resolved, raw HTML dropped), so the renderer only writes.
type quiz struct {
	ast.BaseBlock
	id        string // form id, set by quizIDs
	questions []*quizQuestion
}

type quizQuestion struct {
	off         int    // body offset of the "?" line
	source      string // the question as written, for messages
	html        []byte // inline HTML
	options     []*quizOption
	correct     int
	explanation [][]byte // <p> contents, one per paragraph
}

type quizOption struct {
	html    []byte
	correct bool
	id      string // input id, set by quizIDs
}

var kindQuiz = ast.NewNodeKind("LecternQuiz")

func (n *quiz) Kind() ast.NodeKind { return kindQuiz }
func (n *quiz) IsRaw() bool        { return true }

func (n *quiz) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"ID": n.id, "Questions": strconv.Itoa(len(n.questions))}, nil)
}

// allIDs lists the ids the quiz writes, in document order.
func (n *quiz) allIDs() []string {
	if n.id == "" {
		return nil
	}
	ids := []string{n.id}
	for _, q := range n.questions {
		for _, o := range q.options {
			ids = append(ids, o.id)
		}
	}
	return ids
}

// quizOptionRE matches an option line: a task-list item "- [ ] text",
// "- [x] text" or "- [X] text" (any list bullet).
var quizOptionRE = regexp.MustCompile(`^[-*+][ \t]+\[([ xX])\](?:[ \t]+|$)`)

// quizFormsHint names the accepted line forms, for messages.
const quizFormsHint = `a quiz line is a question ("? text"), an option ("- [ ] text", or "- [x] text" for a correct one), an explanation ("> text") or blank`

// quiz parses a ```quiz block into a quiz node that replaces it.
func (st *state) quiz(f *ast.FencedCodeBlock) {
	firstDiag := len(st.doc.Diags)
	defer func() { // question-level errors are found late: keep line order
		slices.SortStableFunc(st.doc.Diags[firstDiag:], func(a, b Diag) int { return a.Offset - b.Offset })
	}()
	n := &quiz{}
	n.SetPos(f.Pos())
	n.SetBlankPreviousLines(f.HasBlankPreviousLines())

	var (
		cur           *quizQuestion
		qText         []text.Segment // the current question's lines
		explanation   [][]text.Segment
		inExplanation bool
		newParagraph  bool
		seen          map[string]bool // option texts of the current question
	)
	// The question's text is complete at its first other line: render it
	// then, so links and diagnostics come in document order.
	endText := func() {
		if cur != nil && qText != nil {
			st.questionText(cur, qText)
			qText = nil
		}
	}
	finish := func() {
		if cur == nil {
			return
		}
		endText()
		st.finishQuestion(cur, explanation)
		cur, explanation, inExplanation = nil, nil, false
	}
	lines := f.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		raw := st.src[seg.Start:seg.Stop]
		lead := len(raw) - len(bytes.TrimLeft(raw, " \t"))
		line := bytes.TrimRight(raw[lead:], " \t\r\n")
		at := seg.Start + lead // the line's first non-blank byte
		// rest is the segment of the line from byte k on, newline included,
		// so lines of one text join with a soft line break.
		rest := func(k int) text.Segment {
			for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
				k++
			}
			return text.NewSegment(at+k, seg.Stop)
		}
		switch {
		case len(line) == 0:
			finish()

		case line[0] == '?' && (len(line) == 1 || line[1] == ' ' || line[1] == '\t'):
			finish()
			cur = &quizQuestion{off: seg.Start, source: collapseSpace(string(line[1:]))}
			qText = []text.Segment{rest(1)}
			seen = map[string]bool{}
			n.questions = append(n.questions, cur)

		case quizOptionRE.Match(line):
			endText()
			m := quizOptionRE.FindSubmatchIndex(line)
			switch {
			case cur == nil:
				st.errorf(seg.Start, `quiz: option outside a question: put options right under their "? question" line, with no blank line between`)
				continue
			case inExplanation:
				st.errorf(seg.Start, `quiz: option after the explanation of question %s: put every option before the "> " lines`, quizQuote(cur.source))
				continue
			}
			body := line[m[1]:]
			if len(body) == 0 {
				st.errorf(seg.Start, `quiz: empty option in question %s: write its text after the box, as in "- [ ] text"`, quizQuote(cur.source))
				continue
			}
			o := &quizOption{correct: line[m[2]] != ' ', html: st.quizInline([]text.Segment{rest(m[1])})}
			if key := collapseSpace(string(body)); seen[key] {
				st.warnf(seg.Start, "quiz: option %s appears twice in question %s: remove one", quizQuote(key), quizQuote(cur.source))
			} else {
				seen[key] = true
			}
			if o.correct {
				cur.correct++
			}
			cur.options = append(cur.options, o)

		case line[0] == '>':
			endText()
			switch {
			case cur == nil:
				st.errorf(seg.Start, `quiz: explanation outside a question: put "> " lines right after the options of their question`)
				continue
			case len(cur.options) == 0:
				st.errorf(seg.Start, `quiz: explanation before the options of question %s: put the "> " lines after the options`, quizQuote(cur.source))
				continue
			}
			if !inExplanation || len(bytes.TrimSpace(line[1:])) == 0 {
				newParagraph = true
			}
			inExplanation = true
			if len(bytes.TrimSpace(line[1:])) == 0 {
				continue
			}
			if newParagraph {
				explanation = append(explanation, nil)
				newParagraph = false
			}
			k := len(explanation) - 1
			explanation[k] = append(explanation[k], rest(1))

		case quizBulletRE.Match(line):
			st.errorf(seg.Start, `quiz: option without a box: write "- [ ] text", or "- [x] text" for a correct one`)

		case cur != nil && len(cur.options) == 0 && qText != nil:
			// The question goes on, as a paragraph would (not after a
			// line that ended its text: that text is rendered, its links
			// recorded).
			qText = append(qText, text.NewSegment(at, seg.Stop))
			cur.source = collapseSpace(cur.source + " " + string(line))

		default:
			st.errorf(seg.Start, "quiz: cannot read %s: %s", quizQuote(string(line)), quizFormsHint)
		}
	}
	finish()

	if len(n.questions) == 0 && st.blank(f) {
		st.errorf(st.nodeOffset(f, "`~"), `quiz: empty quiz block: add a question ("? text") with its options ("- [ ] text", and "- [x] text" for a correct one)`)
	}
	if len(n.questions) > 0 {
		st.quizzes = append(st.quizzes, n)
	}
	f.Parent().ReplaceChild(f.Parent(), f, n)
}

// quizBulletRE matches a list item without a task box, a common slip.
var quizBulletRE = regexp.MustCompile(`^[-*+][ \t]`)

// blank reports whether a fenced block holds nothing but blank lines.
func (st *state) blank(f *ast.FencedCodeBlock) bool {
	lines := f.Lines()
	for i := range lines.Len() {
		if s := lines.At(i); !util.IsBlank(st.src[s.Start:s.Stop]) {
			return false
		}
	}
	return true
}

// questionText renders a question's text, or reports that it has none.
func (st *state) questionText(q *quizQuestion, lines []text.Segment) {
	if q.source == "" {
		st.errorf(q.off, `quiz: empty question: write the question after "? "`)
		return
	}
	q.html = st.quizInline(lines)
}

// finishQuestion checks a question once all its lines are read and renders
// its explanation.
func (st *state) finishQuestion(q *quizQuestion, explanation [][]text.Segment) {
	switch {
	case len(q.options) == 0:
		st.errorf(q.off, `quiz: question %s has no options: add lines such as "- [ ] wrong" and "- [x] right" under it`, quizQuote(q.source))
	case q.correct == 0:
		st.errorf(q.off, "quiz: question %s has no correct option: mark one with [x]", quizQuote(q.source))
	}
	for _, p := range explanation {
		q.explanation = append(q.explanation, st.quizInline(p))
	}
}

// quizInline parses segments of the body as one paragraph of inline
// Markdown and renders it without the <p>. Parsing the body itself (through
// a block reader over the segments) rather than a copy keeps every node's
// position in body offsets, so links are resolved and reported like any
// other link.
func (st *state) quizInline(segs []text.Segment) []byte {
	var lines text.Segments
	for _, s := range segs {
		lines.Append(s)
	}
	pc := parser.NewContext()
	pc.Set(stateKey, st) // for the errors of limits.go
	root := st.inline.Parser().Parse(text.NewBlockReader(st.src, &lines), parser.WithContext(pc))
	walk(root, st.inlineNode)
	var out bytes.Buffer
	for p := root.FirstChild(); p != nil; p = p.NextSibling() {
		var buf bytes.Buffer
		if err := st.inline.Renderer().Render(&buf, st.src, p); err != nil {
			st.errorf(segs[0].Start, "quiz: rendering: %v", err)
			continue
		}
		if out.Len() > 0 {
			out.WriteByte(' ')
		}
		b := bytes.TrimSpace(buf.Bytes())
		b = bytes.TrimPrefix(b, []byte("<p>"))
		b = bytes.TrimSuffix(b, []byte("</p>"))
		out.Write(b)
	}
	return out.Bytes()
}

// quizQuote quotes the start of a question or option for a message:
// "Which HTTP method should never…".
func quizQuote(s string) string {
	const max = 30 // runes
	if utf8.RuneCountInString(s) <= max {
		return strconv.Quote(s)
	}
	end, runes := 0, 0
	for end = range s {
		if runes == max {
			break
		}
		runes++
	}
	head := s[:end]
	if s[end] != ' ' { // mid-word: end at the word before, if that leaves enough
		if i := strings.LastIndexByte(head, ' '); i > len(head)/2 {
			head = head[:i]
		}
	}
	return strconv.Quote(strings.TrimRight(head, " ,.;:") + "…")
}

// quizIDs gives every quiz and option an id, after the headings took theirs:
// "quiz-1" for the first quiz of the page, "quiz-1-q2-3" for the third
// option of its second question. A taken id gets a suffix ("quiz-1-1").
func (st *state) quizIDs() {
	ids := st.ids
	if ids == nil { // headings not run: cannot happen, but keep ids unique among quizzes
		ids = &idSet{taken: map[string]bool{}, next: map[string]int{}}
	}
	for i, n := range st.quizzes {
		base := "quiz-" + strconv.Itoa(i+1)
		n.id = ids.unique(base)
		for j, q := range n.questions {
			for k, o := range q.options {
				o.id = ids.unique(base + "-q" + strconv.Itoa(j+1) + "-" + strconv.Itoa(k+1))
			}
		}
	}
}

// quiz writes a quiz as a form that works without JavaScript:
//
//	<form class="quiz" id="quiz-1" data-quiz autocomplete="off">
//	<fieldset class="quiz-question">
//	<legend>Which HTTP method …?</legend>
//	<ul class="quiz-options">
//	<li class="quiz-option"><input type="radio" name="q1" value="1" id="quiz-1-q1-1"><label for="quiz-1-q1-1">POST</label></li>
//	<li class="quiz-option"><input type="radio" name="q1" value="2" id="quiz-1-q1-2" data-correct><label for="quiz-1-q1-2">GET</label></li>
//	</ul>
//	<details class="quiz-answer">
//	<summary>Show the answer</summary>
//	<p class="quiz-solution"><strong>Correct answer:</strong> GET</p>
//	<div class="quiz-explanation">
//	<p>GET is defined as safe …</p>
//	</div>
//	</details>
//	</fieldset>
//	<div class="quiz-actions" hidden><button type="submit" class="quiz-check" disabled>Check answers</button> <button type="reset" class="quiz-retry" hidden disabled>Try again</button></div>
//	<p class="quiz-result" aria-live="polite"></p>
//	</form>
//
// Several correct options make checkboxes and a list of correct answers.
// The buttons are hidden and disabled until assets/js/quiz.js enables them:
// a disabled default button also stops Enter in a radio button from
// submitting the form (a GET of the page) when the script is not there.
func (r *nodeRenderer) quiz(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*quiz)
	if !entering || len(n.questions) == 0 {
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<form class="quiz" id="` + string(util.EscapeHTML([]byte(n.id))) + `" data-quiz autocomplete="off">` + "\n")
	for i, q := range n.questions {
		name := "q" + strconv.Itoa(i+1)
		kind := "radio"
		if q.correct > 1 {
			kind = "checkbox"
		}
		_, _ = w.WriteString("<fieldset class=\"quiz-question\">\n<legend>")
		_, _ = w.Write(q.html)
		_, _ = w.WriteString("</legend>\n")
		if len(q.options) > 0 {
			_, _ = w.WriteString("<ul class=\"quiz-options\">\n")
			for k, o := range q.options {
				id := string(util.EscapeHTML([]byte(o.id)))
				_, _ = w.WriteString(`<li class="quiz-option"><input type="` + kind + `" name="` + name + `" value="` + strconv.Itoa(k+1) + `" id="` + id + `"`)
				if o.correct {
					_, _ = w.WriteString(" data-correct")
				}
				_, _ = w.WriteString(`><label for="` + id + `">`)
				_, _ = w.Write(o.html)
				_, _ = w.WriteString("</label></li>\n")
			}
			_, _ = w.WriteString("</ul>\n")
		}
		if q.correct > 0 || len(q.explanation) > 0 {
			_, _ = w.WriteString("<details class=\"quiz-answer\">\n<summary>Show the answer</summary>\n")
			writeSolution(w, q)
			if len(q.explanation) > 0 {
				_, _ = w.WriteString("<div class=\"quiz-explanation\">\n")
				for _, p := range q.explanation {
					_, _ = w.WriteString("<p>")
					_, _ = w.Write(p)
					_, _ = w.WriteString("</p>\n")
				}
				_, _ = w.WriteString("</div>\n")
			}
			_, _ = w.WriteString("</details>\n")
		}
		_, _ = w.WriteString("</fieldset>\n")
	}
	_, _ = w.WriteString(`<div class="quiz-actions" hidden><button type="submit" class="quiz-check" disabled>Check answers</button>` +
		` <button type="reset" class="quiz-retry" hidden disabled>Try again</button></div>` + "\n" +
		`<p class="quiz-result" aria-live="polite"></p>` + "\n</form>\n")
	return ast.WalkSkipChildren, nil
}

// writeSolution writes the correct options, for readers without the script
// (and for print).
func writeSolution(w util.BufWriter, q *quizQuestion) {
	switch {
	case q.correct == 1:
		_, _ = w.WriteString(`<p class="quiz-solution"><strong>Correct answer:</strong> `)
		for _, o := range q.options {
			if o.correct {
				_, _ = w.Write(o.html)
			}
		}
		_, _ = w.WriteString("</p>\n")
	case q.correct > 1:
		_, _ = w.WriteString("<div class=\"quiz-solution\">\n<p><strong>Correct answers:</strong></p>\n<ul>\n")
		for _, o := range q.options {
			if o.correct {
				_, _ = w.WriteString("<li>")
				_, _ = w.Write(o.html)
				_, _ = w.WriteString("</li>\n")
			}
		}
		_, _ = w.WriteString("</ul>\n</div>\n")
	}
}
