package coursecheck

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/diag"
)

// The brief's controlled vocabulary, spelled exactly so.
var (
	Roles  = []string{"Back-end developer", "Back-end engineer", "Software architect", "Full-stack developer"}
	Skills = []string{"HTTP", "APIs", "Databases", "Architecture", "Security", "Testing", "Performance",
		"Debugging", "Observability", "Collaboration", "Front-end basics", "Languages and frameworks"}
)

// Limits from the brief.
const (
	MinWords, MaxWords           = 600, 1500
	MaxDescription               = 200
	MinObjectives, MaxObjectives = 2, 4
	MinQuestions, MaxQuestions   = 3, 5
)

var (
	tagRE      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	calloutRE  = regexp.MustCompile(`^\[!([A-Za-z]+)\]`)
	markerWord = regexp.MustCompile(`^\[![A-Za-z]+\]$`)
)

// lessonKeys are the front matter keys of a lesson, in the brief's order.
var lessonKeys = []string{"title", "description", "duration", "objectives", "roles", "skills", "tags", "prerequisites"}

// Lint checks the lessons' and module pages' front matter and structure.
func Lint(pages []*Page) []Problem {
	var ps []Problem
	lessons := map[string]*Page{} // by reference "module/lesson"
	modules := map[string]bool{}  // module folders with an _index.md
	var lessonPages []*Page
	for _, pg := range pages {
		switch content.KindOf(pg.Path) {
		case content.KindLesson:
			lessons[LessonRef(pg.Path)] = pg
			lessonPages = append(lessonPages, pg)
		case content.KindModule:
			modules[path.Dir(pg.Path)] = true
		}
	}
	for _, pg := range pages {
		switch content.KindOf(pg.Path) {
		case content.KindLesson:
			ps = append(ps, lintLesson(pg, lessons)...)
		case content.KindModule:
			ps = append(ps, lintModule(pg)...)
		}
	}
	missing := map[string]bool{}
	for _, pg := range lessonPages {
		if dir := path.Dir(pg.Path); !modules[dir] && !missing[dir] {
			missing[dir] = true
			ps = append(ps, Problem{File: dir + "/_index.md", What: "module", Msg: "missing: every module folder needs an _index.md (title, description, objectives)"})
		}
	}
	ps = append(ps, prerequisiteCycles(lessonPages, lessons)...)
	return ps
}

// LessonRef is how prerequisites name a lesson: folder and file name without
// numeric prefixes, "foundations/how-a-request-travels".
func LessonRef(p string) string {
	rel := strings.TrimPrefix(p, content.Dir+"/")
	dir, name := path.Split(rel)
	name = strings.TrimSuffix(name, path.Ext(name))
	var segs []string
	for _, d := range strings.Split(strings.Trim(dir, "/"), "/") {
		if d != "" {
			segs = append(segs, course.Segment(d))
		}
	}
	return strings.Join(append(segs, course.Segment(name)), "/")
}

type linter struct {
	pg   *Page
	what string
	ps   []Problem
}

func (l *linter) at(line int, format string, args ...any) {
	l.ps = append(l.ps, Problem{File: l.pg.Path, Line: line, What: l.what, Msg: fmt.Sprintf(format, args...)})
}

// key is the file line of a front matter key's value (1 when absent).
func (l *linter) key(k string) int {
	if p, ok := l.pg.File.Meta.Pos[k]; ok && p.Line > 0 {
		return p.Line
	}
	return 1
}

func (l *linter) diags() bool {
	for _, d := range l.pg.Diags {
		sev := ""
		if d.Severity == diag.SevWarning {
			sev = "warning: "
		}
		l.at(d.Pos.Line, "%s%v", sev, d.Err)
	}
	return l.pg.File != nil
}

func (l *linter) titleAndDescription() {
	m := l.pg.File.Meta
	if l.pg.File.TitleFromBody || strings.TrimSpace(m.Title) == "" {
		l.at(1, "front matter: title is missing")
	}
	switch n := utf8.RuneCountInString(m.Description); {
	case n == 0:
		l.at(1, "front matter: description is missing")
	case n > MaxDescription:
		l.at(l.key("description"), "front matter: description has %d characters (at most %d)", n, MaxDescription)
	}
	if n := len(m.Objectives); n < MinObjectives || n > MaxObjectives {
		l.at(l.key("objectives"), "front matter: objectives: %d given, want %d–%d", n, MinObjectives, MaxObjectives)
	}
}

func lintModule(pg *Page) []Problem {
	l := &linter{pg: pg, what: "module"}
	if l.diags() {
		l.titleAndDescription()
	}
	return l.ps
}

func lintLesson(pg *Page, lessons map[string]*Page) []Problem {
	l := &linter{pg: pg, what: "lesson"}
	if !l.diags() {
		return l.ps
	}
	l.titleAndDescription()
	m := pg.File.Meta
	if _, ok := m.Pos["duration"]; !ok {
		l.at(1, "front matter: duration is missing (like `duration: 20m`)")
	} else if m.Duration <= 0 || m.Duration%(5*time.Minute) != 0 {
		l.at(l.key("duration"), "front matter: duration %v is not a positive multiple of 5 minutes", m.Duration)
	}
	l.vocabulary("roles", Roles, 1, 3)
	l.vocabulary("skills", Skills, 1, 3)
	tags := m.Terms["tags"]
	if _, ok := m.Pos["tags"]; !ok {
		l.at(1, "front matter: tags are missing")
	} else if len(tags) < 2 || len(tags) > 5 {
		l.at(l.key("tags"), "front matter: tags: %d given, want 2–5", len(tags))
	}
	for _, t := range tags {
		if !tagRE.MatchString(t.Value) {
			l.at(t.Pos.Line, "front matter: tag %q: use lowercase words joined by dashes", t.Value)
		}
	}
	for k := range m.Params {
		l.at(l.key(k), "front matter: unknown key %q (a lesson has %s)", k, strings.Join(lessonKeys, ", "))
	}
	for _, r := range m.Prerequisites {
		if _, ok := lessons[r.Value]; !ok {
			l.at(r.Pos.Line, "front matter: prerequisite %q names no lesson (write folder/file without numeric prefixes, like foundations/how-a-request-travels)", r.Value)
		}
	}
	l.body()
	return l.ps
}

func (l *linter) vocabulary(key string, allowed []string, lo, hi int) {
	vals := l.pg.File.Meta.Terms[key]
	if _, ok := l.pg.File.Meta.Pos[key]; !ok {
		l.at(1, "front matter: %s are missing", key)
		return
	}
	if len(vals) < lo || len(vals) > hi {
		l.at(l.key(key), "front matter: %s: %d given, want %d–%d", key, len(vals), lo, hi)
	}
	for _, v := range vals {
		if !slices.Contains(allowed, v.Value) {
			l.at(v.Pos.Line, "front matter: %s: %q is not in the controlled vocabulary (%s)", key, v.Value, strings.Join(allowed, ", "))
		}
	}
}

// body checks headings, prose length, the exercise and the quiz.
func (l *linter) body() {
	pg := l.pg
	src := pg.Body
	var prose strings.Builder
	level := 1
	var exercise, quizHeading *ast.Heading
	var quizzes []*ast.FencedCodeBlock
	var lastH2 string
	_ = ast.Walk(pg.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			if f, ok := n.(*ast.FencedCodeBlock); ok && entering && string(f.Language(src)) == "quiz" {
				quizzes = append(quizzes, f)
				if lastH2 != "Check your understanding" {
					l.at(pg.line(fencePos(f)), "the quiz block must be in the `## Check your understanding` section")
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Heading:
			if !entering {
				break
			}
			text := inlineText(n, src)
			line := pg.line(blockStart(n))
			switch {
			case n.Level == 1:
				l.at(line, "`# %s`: no level-1 heading in the body (the title is the page's h1); use `## `", text)
			case n.Level > level+1:
				l.at(line, "heading `%s %s` skips a level (after an h%d comes at most an h%d)", strings.Repeat("#", n.Level), text, level, level+1)
			}
			level = n.Level
			if n.Level == 2 && n.Parent() == pg.Root {
				lastH2 = text
				switch text {
				case "Exercise":
					exercise = n
				case "Check your understanding":
					quizHeading = n
				}
			}
		case *ast.Text:
			if entering {
				prose.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					prose.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				prose.Write(n.Value)
			}
		}
		if !entering && n.Type() == ast.TypeBlock {
			prose.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})

	words := 0
	for _, w := range strings.Fields(prose.String()) {
		if !markerWord.MatchString(w) {
			words++
		}
	}
	if words < MinWords || words > MaxWords {
		l.at(pg.BodyLine, "%d words of prose outside code and quiz blocks, want %d–%d", words, MinWords, MaxWords)
	}

	if exercise == nil {
		l.at(0, "no `## Exercise` section")
	} else {
		l.exercise(exercise)
	}
	switch {
	case len(quizzes) == 0:
		l.at(0, "no ```quiz block (3–5 questions under `## Check your understanding`)")
	case len(quizzes) > 1:
		l.at(pg.line(fencePos(quizzes[1])), "a second quiz block: a lesson has one quiz")
	}
	for _, q := range quizzes {
		l.quiz(q)
	}
	if exercise != nil && quizHeading != nil && blockStart(exercise) > blockStart(quizHeading) {
		l.at(pg.line(blockStart(exercise)), "the exercise comes after the quiz: put `## Exercise` before `## Check your understanding`")
	}
}

// exercise looks for an [!EXERCISE] callout holding a [!SOLUTION] callout
// in the section that heading h opens.
func (l *linter) exercise(h *ast.Heading) {
	src := l.pg.Body
	found := false
	for n := h.NextSibling(); n != nil; n = n.NextSibling() {
		if hh, ok := n.(*ast.Heading); ok && hh.Level <= 2 {
			break
		}
		q, ok := n.(*ast.Blockquote)
		if !ok || !strings.EqualFold(calloutKind(q, src), "exercise") {
			continue
		}
		found = true
		solution := false
		_ = ast.Walk(q, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if cq, ok := c.(*ast.Blockquote); ok && entering && c != q && strings.EqualFold(calloutKind(cq, src), "solution") {
				solution = true
			}
			return ast.WalkContinue, nil
		})
		if !solution {
			l.at(l.pg.line(blockStart(q)), "the [!EXERCISE] callout has no nested `> > [!SOLUTION]` callout")
		}
	}
	if !found {
		l.at(l.pg.line(blockStart(h)), "the Exercise section has no `> [!EXERCISE]` callout")
	}
}

// calloutKind is "note" for a blockquote opening with "[!NOTE]", else "".
func calloutKind(q *ast.Blockquote, src []byte) string {
	p, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return ""
	}
	line := p.Lines().At(0)
	m := calloutRE.FindSubmatch(line.Value(src))
	if m == nil {
		return ""
	}
	return strings.ToLower(string(m[1]))
}

type question struct {
	line             int // file line of "? "
	text             string
	options, correct int
	explanation      int // lines of explanation
	inExplanation    bool
}

// quiz checks a ```quiz block's format.
func (l *linter) quiz(f *ast.FencedCodeBlock) {
	fence := l.pg.line(fencePos(f))
	var code bytes.Buffer
	for i := 0; i < f.Lines().Len(); i++ {
		seg := f.Lines().At(i)
		code.Write(seg.Value(l.pg.Body))
	}
	var qs []*question
	var cur *question
	blank := true
	for i, raw := range strings.Split(strings.TrimRight(code.String(), "\n"), "\n") {
		line := fence + 1 + i
		s := strings.TrimRight(raw, " \t")
		switch {
		case s == "":
			cur, blank = nil, true
			continue
		case strings.HasPrefix(s, "? "):
			if !blank && len(qs) > 0 {
				l.at(line, "quiz: put a blank line before each question")
			}
			cur = &question{line: line, text: s[2:]}
			qs = append(qs, cur)
		case strings.HasPrefix(s, "- [ ] ") || strings.HasPrefix(s, "- [x] "):
			switch {
			case cur == nil:
				l.at(line, "quiz: an option outside a question (a question starts with `? `)")
			case cur.inExplanation:
				l.at(line, "quiz: an option after the explanation")
			default:
				cur.options++
				if s[3] == 'x' {
					cur.correct++
				}
			}
		case s == ">" || strings.HasPrefix(s, "> "):
			switch {
			case cur == nil:
				l.at(line, "quiz: an explanation outside a question")
			case cur.options == 0:
				l.at(line, "quiz: the explanation comes before the options")
			default:
				cur.inExplanation = true
				if strings.TrimSpace(s[1:]) != "" {
					cur.explanation++
				}
			}
		case cur != nil && cur.options == 0:
			cur.text += " " + s // the question goes on
		default:
			l.at(line, "quiz: %q is not a question (`? `), an option (`- [ ] `, `- [x] `) or an explanation (`> `)", s)
		}
		blank = false
	}
	if n := len(qs); n < MinQuestions || n > MaxQuestions {
		l.at(fence, "quiz: %d questions, want %d–%d", n, MinQuestions, MaxQuestions)
	}
	for _, q := range qs {
		if q.options < 2 {
			l.at(q.line, "quiz: %d option(s), want at least 2", q.options)
		}
		if q.correct == 0 {
			l.at(q.line, "quiz: no option is marked correct with `- [x]`")
		}
		if q.explanation == 0 {
			l.at(q.line, "quiz: no explanation (a line starting with `> ` after the options)")
		}
		if q.correct > 1 && !strings.Contains(strings.ToLower(q.text), "choose all that apply") {
			l.at(q.line, "quiz: %d correct options: say \"(choose all that apply)\" in the question", q.correct)
		}
	}
}

// prerequisiteCycles reports each cycle once.
func prerequisiteCycles(lessonPages []*Page, lessons map[string]*Page) []Problem {
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	var ps []Problem
	var visit func(ref string, stack []string)
	visit = func(ref string, stack []string) {
		colour[ref] = grey
		pg := lessons[ref]
		if pg.File != nil {
			for _, r := range pg.File.Meta.Prerequisites {
				if _, ok := lessons[r.Value]; !ok {
					continue
				}
				switch colour[r.Value] {
				case grey:
					i := slices.Index(stack, r.Value)
					cycle := append(slices.Clone(stack[i:]), ref, r.Value)
					ps = append(ps, Problem{File: pg.Path, Line: r.Pos.Line, What: "lesson",
						Msg: "front matter: prerequisites form a cycle: " + strings.Join(cycle, " → ")})
				case white:
					visit(r.Value, append(stack, ref))
				}
			}
		}
		colour[ref] = black
	}
	refs := make([]string, 0, len(lessonPages))
	for _, pg := range lessonPages {
		refs = append(refs, LessonRef(pg.Path))
	}
	sort.Strings(refs)
	for _, r := range refs {
		if colour[r] == white {
			visit(r, nil)
		}
	}
	return ps
}

// inlineText is the plain text of a block's inline content.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// blockStart is the byte offset of a block's first line.
func blockStart(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	if n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	return 0
}
