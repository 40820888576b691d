// Package corpus generates a deterministic, course-like site for benchmarks:
// lectern's site.yaml and a content/ tree of modules and lessons that both
// lectern and the Hugo twin site (bench/hugo-site) build.
//
// Layout (under the output folder):
//
//	site.yaml                               title and baseURL
//	content/_index.md                       home page
//	content/module-NN/_index.md             one per module
//	content/module-NN/lesson-NNN.md         Lessons in total, spread evenly over modules
//
// Every file has YAML front matter (title, weight, description, tags, draft:
// false). Lesson bodies are ~600-1200 words and mix h2/h3 headings,
// paragraphs with emphasis and inline code, bullet and numbered lists, one
// GFM table, one or two fenced code blocks (go, python, sql, bash),
// blockquotes and internal links to other lessons (absolute pretty URLs:
// /module-NN/lesson-NNN/, which lectern checks).
//
// On top of that mix, which is the team's shared benchmark generator's byte
// for byte (Options.Plain gives exactly that), about half of the lessons get
// a callout in lectern's syntax (> [!NOTE], [!TIP], … or an [!EXERCISE] with
// a nested [!HINT] and [!SOLUTION], whose solution may hold a javascript or
// yaml block), and about a third end with a ```quiz block of one to three
// valid questions. These extras come from a second random stream and are
// spliced in after a lesson is written, so the base content, and so the
// numbers measured on it, stay comparable with the shared generator's.
// Hugo renders the extras as a plain blockquote and a code block.
//
// Output is a pure function of Options: same options, same bytes. Stdlib only.
package corpus

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Options say what to generate.
type Options struct {
	Lessons int   // number of lessons, at least 1
	Modules int   // number of modules; 0 = max(1, Lessons/50), i.e. ~50 lessons per module
	Seed    int64 // random seed
	// Plain leaves out callouts and quizzes: the content is then the shared
	// generator's (../shared/bench/gencorpus.go) byte for byte.
	Plain bool
}

// Stats describe a generated corpus.
type Stats struct {
	Lessons, Modules int
	Callouts         int   // callouts (an exercise with its hint and solution counts once)
	Quizzes          int   // quiz blocks
	Questions        int   // quiz questions
	CodeBlocks       int   // fenced code blocks other than quizzes
	LessonBytes      int64 // bytes of lesson Markdown
}

// BaseURL is the corpus's baseURL, the same as the Hugo twin site's.
const BaseURL = "https://course.example.org/"

// siteYAML is the corpus's site.yaml: everything else is lectern's default
// (minify on, highlighting with the default styles).
const siteYAML = "title: Course\nbaseURL: " + BaseURL + "\n"

var (
	words = strings.Fields(`
	the a an of to in for on with by from as at into over under between through about
	data function value type variable loop index array slice map channel goroutine query
	table column row index schema server client request response handler route cache
	build compile test module package import export interface struct method pointer error
	result output input stream buffer file path directory process thread memory disk
	network socket protocol header body token parser lexer tree node graph edge vertex
	algorithm complexity sort search merge partition hash key record field constraint
	transaction commit rollback lock latency throughput benchmark profile trace metric
	student lesson exercise example concept pattern practice review summary question
	answer step idea approach method technique tool library framework language syntax
	simple complex fast slow small large common useful important careful clear explicit
	implicit robust fragile correct wrong careful first second next last final main
	we you it this that these those each every some many most few several often usually
	always never sometimes then when while because although however therefore instead
	returns reads writes creates updates deletes checks compares stores loads sends
	receives runs starts stops handles passes fails works changes uses needs makes
	shows explains describes defines calls builds tests measures computes`)

	topics = []string{
		"Variables and Types", "Control Flow", "Functions", "Error Handling", "Collections",
		"Concurrency Basics", "Channels", "Testing", "Benchmarks", "Profiling",
		"Relational Modeling", "Joins", "Indexes", "Transactions", "Query Planning",
		"Shell Pipelines", "Processes", "File Systems", "Networking", "HTTP Servers",
		"Parsing", "Recursion", "Sorting", "Hash Tables", "Trees", "Graphs",
		"Dynamic Programming", "Caching", "Logging", "Deployment", "Packaging", "Interfaces",
	}
	moduleNames = []string{
		"Foundations", "Data Structures", "Databases", "Systems Programming", "Web Development",
		"Algorithms", "Software Testing", "Operations", "Concurrency", "Tooling",
	}
	tagPool = []string{
		"go", "python", "sql", "bash", "beginner", "intermediate", "advanced", "exercise",
		"theory", "practice", "performance", "testing", "databases", "web", "cli", "algorithms",
		"data-structures", "concurrency", "security", "debugging",
	}
	langs = []string{"go", "python", "sql", "bash"}

	// calloutTypes are the boxes of lectern's callout syntax; EXERCISE is
	// written with a nested HINT and SOLUTION.
	calloutTypes = []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "EXERCISE"}
	// solutionLangs are the languages of code blocks in exercise solutions,
	// beyond the four of the base mix.
	solutionLangs = []string{"javascript", "yaml"}
)

// gen is one random stream over the course's shape.
type gen struct {
	r       *rand.Rand
	modules int
	perMod  []int // lessons in module i

	lessonNo  int // the lesson being written: its number within its module, and its weight
	codeWords int // whitespace-separated tokens inside fenced code of the current lesson
}

func (g *gen) word() string { return words[g.r.Intn(len(words))] }

func (g *gen) words(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.word())
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *gen) title() string {
	return fmt.Sprintf("%s: %s %s", topics[g.r.Intn(len(topics))], capitalize(g.word()), g.words(2+g.r.Intn(3)))
}

// sentence returns a sentence of 8-20 words with occasional inline markup.
// It returns the text and the number of words it holds.
func (g *gen) sentence() (string, int) {
	n := 8 + g.r.Intn(13)
	parts := make([]string, n)
	for i := range parts {
		w := g.word()
		switch x := g.r.Intn(40); {
		case x == 0:
			w = "*" + w + "*"
		case x == 1:
			w = "**" + w + "**"
		case x == 2:
			w = "`" + w + "()`"
		case x == 3:
			w = "`" + w + "_" + g.word() + "`"
		}
		parts[i] = w
	}
	parts[0] = capitalize(parts[0])
	return strings.Join(parts, " ") + ".", n
}

func (g *gen) lessonURL() string {
	m := g.r.Intn(g.modules)
	l := g.r.Intn(g.perMod[m])
	return fmt.Sprintf("/module-%02d/lesson-%03d/", m+1, l+1)
}

// paragraph writes 3-6 sentences, sometimes with an internal link; returns words written.
func (g *gen) paragraph(b *strings.Builder) int {
	n := 3 + g.r.Intn(4)
	wc := 0
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		s, c := g.sentence()
		b.WriteString(s)
		wc += c
		if g.r.Intn(6) == 0 {
			fmt.Fprintf(b, " See [%s](%s) for details.", g.words(2+g.r.Intn(2)), g.lessonURL())
			wc += 5
		}
	}
	b.WriteString("\n\n")
	return wc
}

func (g *gen) list(b *strings.Builder, ordered bool) int {
	n := 3 + g.r.Intn(4)
	wc := 0
	for i := 0; i < n; i++ {
		k := 4 + g.r.Intn(10)
		item := capitalize(g.words(k))
		if g.r.Intn(4) == 0 {
			item += " (`" + g.word() + "`)"
		}
		if g.r.Intn(5) == 0 {
			item += " — see [" + g.words(2) + "](" + g.lessonURL() + ")"
		}
		if ordered {
			fmt.Fprintf(b, "%d. %s\n", i+1, item)
		} else {
			fmt.Fprintf(b, "- %s\n", item)
		}
		wc += k
	}
	b.WriteString("\n")
	return wc
}

func (g *gen) table(b *strings.Builder) int {
	cols := 3 + g.r.Intn(2)
	rows := 3 + g.r.Intn(4)
	wc := 0
	hdr := make([]string, cols)
	sep := make([]string, cols)
	for i := range hdr {
		hdr[i] = capitalize(g.word())
		sep[i] = "---"
	}
	if g.r.Intn(2) == 0 {
		sep[cols-1] = "--:"
	}
	b.WriteString("| " + strings.Join(hdr, " | ") + " |\n")
	b.WriteString("| " + strings.Join(sep, " | ") + " |\n")
	for r := 0; r < rows; r++ {
		cells := make([]string, cols)
		for c := range cells {
			switch {
			case c == 0:
				cells[c] = "`" + g.word() + "`"
			case c == cols-1:
				cells[c] = fmt.Sprintf("%d", g.r.Intn(10000))
			default:
				cells[c] = g.words(1 + g.r.Intn(3))
			}
			wc++
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n")
	return wc
}

func (g *gen) ident() string {
	return g.word() + capitalize(g.word())
}

func (g *gen) code(b *strings.Builder, lang string) {
	start := b.Len()
	defer func() { g.codeWords += len(strings.Fields(b.String()[start:])) }()
	fmt.Fprintf(b, "```%s\n", lang)
	n := 6 + g.r.Intn(14)
	switch lang {
	case "go":
		fn := g.ident()
		fmt.Fprintf(b, "func %s(items []string, limit int) (map[string]int, error) {\n", fn)
		b.WriteString("\tcounts := make(map[string]int, len(items))\n")
		for i := 0; i < n; i++ {
			switch g.r.Intn(4) {
			case 0:
				fmt.Fprintf(b, "\tif len(items) > limit {\n\t\treturn nil, fmt.Errorf(\"%s: too many items (%%d)\", len(items))\n\t}\n", g.word())
			case 1:
				fmt.Fprintf(b, "\tfor i, %s := range items {\n\t\tcounts[%s] += i // %s\n\t}\n", g.word(), g.word(), g.words(3))
			case 2:
				fmt.Fprintf(b, "\t%s := strings.TrimSpace(items[%d])\n", g.ident(), g.r.Intn(10))
			default:
				fmt.Fprintf(b, "\tcounts[\"%s\"] = %d\n", g.word(), g.r.Intn(1000))
			}
		}
		b.WriteString("\treturn counts, nil\n}\n")
	case "python":
		fmt.Fprintf(b, "def %s(rows, limit=%d):\n", strings.ToLower(g.word()+"_"+g.word()), g.r.Intn(100))
		fmt.Fprintf(b, "    \"\"\"%s.\"\"\"\n", capitalize(g.words(6)))
		b.WriteString("    result = {}\n")
		for i := 0; i < n; i++ {
			switch g.r.Intn(3) {
			case 0:
				fmt.Fprintf(b, "    for %s in rows:\n        result[%s] = result.get(%s, 0) + 1\n", g.word(), "'"+g.word()+"'", "'"+g.word()+"'")
			case 1:
				fmt.Fprintf(b, "    if len(rows) > limit:  # %s\n        raise ValueError(\"%s\")\n", g.words(3), g.words(3))
			default:
				fmt.Fprintf(b, "    %s = [x * %d for x in range(%d)]\n", g.word(), g.r.Intn(9)+1, g.r.Intn(100))
			}
		}
		b.WriteString("    return result\n")
	case "sql":
		t1, t2 := g.word()+"s", g.word()+"s"
		fmt.Fprintf(b, "CREATE TABLE %s (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,\n  score REAL DEFAULT 0\n);\n\n", t1)
		for i := 0; i < n/3+1; i++ {
			fmt.Fprintf(b, "SELECT a.name, COUNT(*) AS n\nFROM %s a\nJOIN %s b ON b.%s_id = a.id\nWHERE a.score > %d\nGROUP BY a.name\nORDER BY n DESC\nLIMIT %d;\n", t1, t2, g.word(), g.r.Intn(100), g.r.Intn(50)+1)
		}
	case "bash":
		b.WriteString("#!/usr/bin/env bash\nset -euo pipefail\n")
		for i := 0; i < n; i++ {
			switch g.r.Intn(4) {
			case 0:
				fmt.Fprintf(b, "for f in ./%s/*.txt; do\n  wc -l \"$f\" | sort -n\ndone\n", g.word())
			case 1:
				fmt.Fprintf(b, "grep -rn '%s' . | head -n %d\n", g.word(), g.r.Intn(20)+1)
			case 2:
				fmt.Fprintf(b, "export %s=\"%s\"  # %s\n", strings.ToUpper(g.word()), g.word(), g.words(3))
			default:
				fmt.Fprintf(b, "if [ -d \"%s\" ]; then\n  echo \"%s\"\nfi\n", g.word(), g.words(4))
			}
		}
	}
	b.WriteString("```\n\n")
}

func (g *gen) quote(b *strings.Builder) int {
	s, c := g.sentence()
	s2, c2 := g.sentence()
	fmt.Fprintf(b, "> **Note:** %s %s\n\n", s, s2)
	return c + c2 + 1
}

func (g *gen) tags() []string {
	n := 2 + g.r.Intn(3)
	seen := map[int]bool{}
	var out []string
	for len(out) < n {
		i := g.r.Intn(len(tagPool))
		if !seen[i] {
			seen[i] = true
			out = append(out, tagPool[i])
		}
	}
	return out
}

func frontMatter(b *strings.Builder, title string, weight int, desc string, tags []string) {
	b.WriteString("---\n")
	fmt.Fprintf(b, "title: %q\n", title)
	fmt.Fprintf(b, "weight: %d\n", weight)
	fmt.Fprintf(b, "description: %q\n", desc)
	b.WriteString("tags:\n")
	for _, t := range tags {
		fmt.Fprintf(b, "  - %s\n", t)
	}
	b.WriteString("draft: false\n---\n\n")
}

// extras is what a lesson gets on top of the base mix, drawn from the
// second stream before the lesson is written.
type extras struct {
	callout    bool
	calloutSec int // the section after whose first paragraph the callout goes
	quiz       bool
}

// lesson writes one lesson. x is the extras' stream (nil: none); st counts
// what was written.
func (g *gen) lesson(x *gen, st *Stats) string {
	var ex extras
	if x != nil {
		ex = extras{callout: x.r.Intn(2) == 0, calloutSec: 1 + x.r.Intn(3), quiz: x.r.Intn(3) == 0}
	}
	var b strings.Builder
	frontMatter(&b, g.title(), g.lessonNo, capitalize(g.words(10+g.r.Intn(8)))+".", g.tags())
	bodyStart := b.Len()
	// prose words written so far (code blocks excluded)
	prose := func() int { return len(strings.Fields(b.String()[bodyStart:])) - g.codeWords }
	g.codeWords = 0
	// the closing summary adds ~30-90 words; aim the body so the total lands in 600-1200.
	target := 560 + g.r.Intn(521)
	g.paragraph(&b)

	// Where the extras go: byte offsets into b, spliced in at the end so
	// that the base stream (and its word counts) is the shared generator's.
	calloutAt, quizAt := -1, -1

	// Fixed elements placed in random sections: one table, one or two code blocks, one or two quotes.
	codeBlocks := 1 + g.r.Intn(2)
	st.CodeBlocks += codeBlocks
	quotes := 1 + g.r.Intn(2)
	tableDone := false
	for sec := 1; prose() < target || !tableDone || codeBlocks > 0; sec++ {
		fmt.Fprintf(&b, "## %s %s\n\n", capitalize(g.word()), g.words(2+g.r.Intn(3)))
		g.paragraph(&b)
		if sec == ex.calloutSec {
			calloutAt = b.Len()
		}
		if prose() < target {
			switch g.r.Intn(3) {
			case 0:
				g.list(&b, false)
			case 1:
				g.list(&b, true)
			}
		}
		if !tableDone && (sec >= 2 || prose() > target/2) {
			g.table(&b)
			tableDone = true
		}
		if codeBlocks > 0 && (g.r.Intn(2) == 0 || prose() >= target) {
			g.code(&b, langs[g.r.Intn(len(langs))])
			codeBlocks--
		}
		if prose() < target && g.r.Intn(2) == 0 {
			fmt.Fprintf(&b, "### %s %s\n\n", capitalize(g.word()), g.words(2+g.r.Intn(2)))
			g.paragraph(&b)
		}
		if quotes > 0 && g.r.Intn(3) == 0 {
			g.quote(&b)
			quotes--
		}
	}
	for ; quotes > 0; quotes-- {
		g.quote(&b)
	}
	if calloutAt < 0 {
		calloutAt = b.Len() // fewer sections than calloutSec: before the summary
	}
	quizAt = b.Len()
	b.WriteString("## Summary\n\n")
	g.list(&b, false)
	fmt.Fprintf(&b, "Next, continue with [the following lesson](%s) or review [%s](%s).\n", g.lessonURL(), g.words(2), g.lessonURL())

	s := b.String()
	if x == nil || !ex.callout && !ex.quiz {
		return s
	}
	var callout, quiz strings.Builder
	if ex.callout {
		x.callout(&callout, st)
	}
	if ex.quiz {
		x.quiz(&quiz, st)
	}
	return s[:calloutAt] + callout.String() + s[calloutAt:quizAt] + quiz.String() + s[quizAt:]
}

// quoted prefixes every line of s with p ("> "), leaving empty lines as
// p without its trailing space, as authors write them.
func quoted(s, p string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = strings.TrimRight(p, " ")
		} else {
			lines[i] = p + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// callout writes a callout in lectern's syntax: a NOTE, TIP, IMPORTANT,
// WARNING or CAUTION box (sometimes with its own title and a list), or an
// EXERCISE holding a HINT and a SOLUTION as nested callouts.
func (g *gen) callout(b *strings.Builder, st *Stats) {
	st.Callouts++
	typ := calloutTypes[g.r.Intn(len(calloutTypes))]
	var body strings.Builder
	header := "[!" + typ + "]"
	if typ == "EXERCISE" || g.r.Intn(3) == 0 {
		header += " " + capitalize(g.words(2+g.r.Intn(3)))
		if g.r.Intn(4) == 0 {
			header += " `" + g.word() + "`"
		}
	}
	body.WriteString(header + "\n")
	s, _ := g.sentence()
	body.WriteString(s)
	if g.r.Intn(2) == 0 {
		s, _ = g.sentence()
		body.WriteString(" " + s)
	}
	body.WriteString("\n")
	if typ != "EXERCISE" {
		if g.r.Intn(3) == 0 {
			body.WriteString("\n")
			var l strings.Builder
			g.list(&l, false)
			body.WriteString(strings.TrimSuffix(l.String(), "\n"))
		}
		b.WriteString(quoted(body.String(), "> ") + "\n")
		return
	}
	// The exercise: a hint and a solution, nested, with a ">" line between parts.
	var hint, sol strings.Builder
	s, _ = g.sentence()
	hint.WriteString("[!HINT]\n" + s + "\n")
	sol.WriteString("[!SOLUTION]")
	if g.r.Intn(2) == 0 {
		sol.WriteString(" " + capitalize(g.words(2)))
	}
	sol.WriteString("\n")
	s, _ = g.sentence()
	sol.WriteString(s + "\n")
	if g.r.Intn(2) == 0 {
		st.CodeBlocks++
		sol.WriteString("\n")
		g.solutionCode(&sol, solutionLangs[g.r.Intn(len(solutionLangs))])
	}
	body.WriteString("\n" + quoted(hint.String(), "> ") + "\n" + quoted(sol.String(), "> "))
	b.WriteString(quoted(body.String(), "> ") + "\n")
}

// solutionCode writes a short block in one of solutionLangs.
func (g *gen) solutionCode(b *strings.Builder, lang string) {
	fmt.Fprintf(b, "```%s\n", lang)
	n := 2 + g.r.Intn(4)
	switch lang {
	case "javascript":
		fmt.Fprintf(b, "function %s(items) {\n  const counts = new Map();\n", g.ident())
		for i := 0; i < n; i++ {
			switch g.r.Intn(3) {
			case 0:
				fmt.Fprintf(b, "  for (const %s of items) {\n    counts.set(%s, (counts.get(%s) ?? 0) + 1);\n  }\n", g.word(), g.word(), g.word())
			case 1:
				fmt.Fprintf(b, "  if (items.length > %d) throw new Error(`%s: ${items.length}`); // %s\n", g.r.Intn(100), g.words(2), g.words(3))
			default:
				fmt.Fprintf(b, "  const %s = items.filter((x) => x !== \"%s\").map((x) => x.length * %d);\n", g.ident(), g.word(), g.r.Intn(9)+1)
			}
		}
		b.WriteString("  return counts;\n}\n")
	case "yaml":
		fmt.Fprintf(b, "name: %s\non: [push]\njobs:\n  %s:\n    runs-on: ubuntu-latest\n    steps:\n", g.words(2), g.word())
		for i := 0; i < n; i++ {
			fmt.Fprintf(b, "      - name: %s\n        run: %s ./%s/...\n        timeout-minutes: %d  # %s\n", capitalize(g.words(2)), g.word(), g.word(), g.r.Intn(30)+1, g.words(2))
		}
	}
	b.WriteString("```\n")
}

// quiz writes a ```quiz block of one to three questions, each with three or
// four distinct options, one or more of them correct, and usually an
// explanation that links to another lesson.
func (g *gen) quiz(b *strings.Builder, st *Stats) {
	st.Quizzes++
	b.WriteString("## Check your understanding\n\n```quiz\n")
	n := 1 + g.r.Intn(3)
	for q := 0; q < n; q++ {
		st.Questions++
		if q > 0 {
			b.WriteString("\n")
		}
		multi := g.r.Intn(3) == 0
		fmt.Fprintf(b, "? Which %s %s %s?\n", g.word(), g.words(2+g.r.Intn(4)), g.word())
		if multi {
			b.WriteString("  Choose all that apply.\n")
		}
		opts := 3 + g.r.Intn(2)
		correct := map[int]bool{g.r.Intn(opts): true}
		if multi {
			for len(correct) < 2 {
				correct[g.r.Intn(opts)] = true
			}
		}
		seen := map[string]bool{}
		for i := 0; i < opts; i++ {
			var text string
			for text == "" || seen[text] {
				switch g.r.Intn(3) {
				case 0:
					text = "`" + g.word() + "()`"
				default:
					text = capitalize(g.words(1 + g.r.Intn(4)))
				}
			}
			seen[text] = true
			box := " "
			if correct[i] {
				box = "x"
			}
			fmt.Fprintf(b, "- [%s] %s\n", box, text)
		}
		if g.r.Intn(4) != 0 {
			s, _ := g.sentence()
			fmt.Fprintf(b, "> %s See [%s](%s).\n", s, g.words(2), g.lessonURL())
		}
	}
	b.WriteString("```\n\n")
}

func (g *gen) moduleIndex(mod int) string {
	var b strings.Builder
	name := moduleNames[(mod-1)%len(moduleNames)]
	frontMatter(&b, fmt.Sprintf("Module %d: %s", mod, name), mod, capitalize(g.words(12))+".", g.tags())
	g.paragraph(&b)
	g.list(&b, false)
	g.paragraph(&b)
	return b.String()
}

// Generate makes the corpus and hands each file to emit, in a fixed order,
// with a slash path relative to the corpus folder ("site.yaml",
// "content/module-01/lesson-001.md").
func Generate(opts Options, emit func(path string, data []byte) error) (Stats, error) {
	n := opts.Lessons
	if n < 1 {
		return Stats{}, errors.New("corpus: need at least 1 lesson")
	}
	m := opts.Modules
	if m <= 0 {
		m = max(1, n/50)
	}
	m = min(m, n)
	st := Stats{Lessons: n, Modules: m}
	g := &gen{r: rand.New(rand.NewSource(opts.Seed)), modules: m, perMod: make([]int, m)}
	for i := 0; i < n; i++ {
		g.perMod[i%m]++
	}
	var x *gen
	if !opts.Plain {
		// The extras' stream: its own seed, the course's shape.
		x = &gen{r: rand.New(rand.NewSource(opts.Seed ^ 0x5eedca11)), modules: m, perMod: g.perMod}
	}

	if err := emit("site.yaml", []byte(siteYAML)); err != nil {
		return st, err
	}
	var home strings.Builder
	frontMatter(&home, "Course Home", 0, "All modules of the course.", []string{"course"})
	home.WriteString("Welcome to the course. Pick a module below.\n")
	if err := emit("content/_index.md", []byte(home.String())); err != nil {
		return st, err
	}
	for mod := 1; mod <= m; mod++ {
		dir := fmt.Sprintf("content/module-%02d/", mod)
		if err := emit(dir+"_index.md", []byte(g.moduleIndex(mod))); err != nil {
			return st, err
		}
		for les := 1; les <= g.perMod[mod-1]; les++ {
			g.lessonNo = les
			s := g.lesson(x, &st)
			st.LessonBytes += int64(len(s))
			if err := emit(fmt.Sprintf("%slesson-%03d.md", dir, les), []byte(s)); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// Write generates the corpus into dir: it replaces dir/content and
// dir/site.yaml and leaves anything else in dir alone.
func Write(dir string, opts Options) (Stats, error) {
	if err := os.RemoveAll(filepath.Join(dir, "content")); err != nil {
		return Stats{}, err
	}
	return Generate(opts, func(p string, data []byte) error {
		return writeFile(filepath.Join(dir, filepath.FromSlash(p)), data)
	})
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if _, err := w.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Fingerprint identifies the generator's code: a hash of a small corpus
// with extras, which changes whenever the generator's output does. Caches of
// generated corpora are keyed by it, so they never outlive a change.
func Fingerprint() string {
	h := sha256.New()
	files := map[string][]byte{}
	_, _ = Generate(Options{Lessons: 12, Modules: 2, Seed: 1}, func(p string, data []byte) error {
		files[p] = data
		return nil
	})
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(files[p]))
		h.Write(files[p])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Cached returns a folder holding the corpus for opts, in the shared cache
// below os.TempDir() ("lectern-bench/corpus-n1000-seed1-<fingerprint>"),
// generating it first when it is not there. The folder name holds the
// generator's Fingerprint, so a changed generator never reuses an old
// corpus. Safe for concurrent callers, in one process or many: a corpus is
// written to a temporary folder and renamed into place.
func Cached(opts Options) (string, error) {
	parent := filepath.Join(os.TempDir(), "lectern-bench")
	name := fmt.Sprintf("corpus-n%d-seed%d", opts.Lessons, opts.Seed)
	if opts.Modules > 0 {
		name += fmt.Sprintf("-m%d", opts.Modules)
	}
	if opts.Plain {
		name += "-plain"
	}
	dir := filepath.Join(parent, name+"-"+Fingerprint())
	if _, err := os.Stat(filepath.Join(dir, "site.yaml")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-"+name+"-")
	if err != nil {
		return "", err
	}
	if _, err := Write(tmp, opts); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		// Another process may have won the race: its corpus is the same.
		if _, serr := os.Stat(filepath.Join(dir, "site.yaml")); serr == nil {
			return dir, nil
		}
		return "", err
	}
	return dir, nil
}
