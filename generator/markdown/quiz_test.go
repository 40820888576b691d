package markdown

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestQuizSingleChoice pins the whole markup of a one-question quiz.
func TestQuizSingleChoice(t *testing.T) {
	src := fence("~~~quiz\n? Which HTTP method should never change server state?\n- [ ] POST\n- [x] GET\n- [ ] PATCH\n" +
		"> GET is defined as safe: caches and crawlers repeat it freely.\n~~~\n")
	d := mustNew(t, Options{}).Convert([]byte(src), nil)
	want := `<form class="quiz" id="quiz-1" data-quiz autocomplete="off">
<fieldset class="quiz-question">
<legend>Which HTTP method should never change server state?</legend>
<ul class="quiz-options">
<li class="quiz-option"><input type="radio" name="q1" value="1" id="quiz-1-q1-1"><label for="quiz-1-q1-1">POST</label></li>
<li class="quiz-option"><input type="radio" name="q1" value="2" id="quiz-1-q1-2" data-correct><label for="quiz-1-q1-2">GET</label></li>
<li class="quiz-option"><input type="radio" name="q1" value="3" id="quiz-1-q1-3"><label for="quiz-1-q1-3">PATCH</label></li>
</ul>
<details class="quiz-answer">
<summary>Show the answer</summary>
<p class="quiz-solution"><strong>Correct answer:</strong> GET</p>
<div class="quiz-explanation">
<p>GET is defined as safe: caches and crawlers repeat it freely.</p>
</div>
</details>
</fieldset>
<div class="quiz-actions" hidden><button type="submit" class="quiz-check" disabled>Check answers</button> <button type="reset" class="quiz-retry" hidden disabled>Try again</button></div>
<p class="quiz-result" aria-live="polite"></p>
</form>
`
	if string(d.HTML) != want {
		t.Errorf("got\n%s\nwant\n%s", d.HTML, want)
	}
	if len(d.Diags) != 0 {
		t.Errorf("diags: %+v", d.Diags)
	}
	if ids := []string{"quiz-1", "quiz-1-q1-1", "quiz-1-q1-2", "quiz-1-q1-3"}; !reflect.DeepEqual(d.IDs, ids) {
		t.Errorf("ids: got %q, want %q", d.IDs, ids)
	}
}

func TestQuizMarkup(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		in      string
		want    []string
		notWant []string
		diags   []string
	}{
		{name: "several correct options make checkboxes",
			in: "? Which are idempotent? (choose all that apply)\n- [x] `GET`\n- [X] `PUT`\n- [ ] `POST`\n> Repeat freely.\n",
			want: []string{
				`<input type="checkbox" name="q1" value="1" id="quiz-1-q1-1" data-correct><label for="quiz-1-q1-1"><code>GET</code></label>`,
				`<input type="checkbox" name="q1" value="2" id="quiz-1-q1-2" data-correct>`,
				`<input type="checkbox" name="q1" value="3" id="quiz-1-q1-3"><label`,
				"<div class=\"quiz-solution\">\n<p><strong>Correct answers:</strong></p>\n<ul>\n<li><code>GET</code></li>\n<li><code>PUT</code></li>\n</ul>\n</div>",
			},
			notWant: []string{`type="radio"`}},
		{name: "one question per fieldset, names per question",
			in: "? A\n- [x] 1\n- [ ] 2\n\n? B\n- [ ] 1\n- [x] 2\n",
			want: []string{`<legend>A</legend>`, `<legend>B</legend>`, `name="q1" value="1" id="quiz-1-q1-1" data-correct>`,
				`name="q2" value="2" id="quiz-1-q2-2" data-correct>`}},
		{name: "inline markdown everywhere",
			in: "? Is *this* `code` [REST](../02-apis/01-rest.md)?\n- [x] **yes** ~~no~~\n- [ ] <https://go.dev>\n> See [the verbs](/apis/rest/#verbs) and _why_.\n",
			want: []string{`<legend>Is <em>this</em> <code>code</code> <a href="/apis/rest/">REST</a>?</legend>`,
				`<label for="quiz-1-q1-1"><strong>yes</strong> <del>no</del></label>`,
				`<a href="https://go.dev">https://go.dev</a></label>`,
				`<p>See <a href="/apis/rest/#verbs">the verbs</a> and <em>why</em>.</p>`}},
		{name: "script in an option is dropped or escaped",
			in: "? Q <b>bold</b>\n- [x] <script>alert(1)</script>\n- [ ] `<script>` & \"quotes\"\n> <img src=x onerror=alert(1)>\n",
			want: []string{`<label for="quiz-1-q1-1"><!-- raw HTML omitted -->alert(1)<!-- raw HTML omitted --></label>`,
				`<code>&lt;script&gt;</code> &amp; &quot;quotes&quot;`},
			notWant: []string{"<script", "<b>", "<img"},
			diags: []string{
				"1:5 warning: raw HTML left out of the page (set markdown.unsafe: true in site.yaml to keep it)",
				"1:12 warning: raw HTML left out of the page (set markdown.unsafe: true in site.yaml to keep it)",
				"2:7 warning: raw HTML left out of the page (set markdown.unsafe: true in site.yaml to keep it)",
				"2:23 warning: raw HTML left out of the page (set markdown.unsafe: true in site.yaml to keep it)",
				"4:3 warning: raw HTML left out of the page (set markdown.unsafe: true in site.yaml to keep it)",
			}},
		{name: "raw HTML kept when unsafe", opts: Options{Unsafe: true},
			in: "? Q\n- [x] <kbd>Ctrl</kbd>\n", want: []string{`<label for="quiz-1-q1-1"><kbd>Ctrl</kbd></label>`}},
		{name: "javascript links neutralised", in: "? Q\n- [x] [x](javascript:alert(1))\n",
			want: []string{`<a href="">x</a>`}},
		{name: "typographer", opts: Options{Typographer: true}, in: "? \"Don't\" -- why...\n- [x] a\n",
			want: []string{"<legend>&ldquo;Don&rsquo;t&rdquo; &ndash; why&hellip;</legend>"}},
		{name: "question over several lines",
			in:   "? A long question\nthat goes on.\n- [x] a\n",
			want: []string{"<legend>A long question\nthat goes on.</legend>"}},
		{name: "explanation lines join, lone > splits paragraphs",
			in:   "? Q\n- [x] a\n> one\n> two\n>\n> three\n",
			want: []string{"<div class=\"quiz-explanation\">\n<p>one\ntwo</p>\n<p>three</p>\n</div>"}},
		{name: "no explanation: the answer alone",
			in:      "? Q\n- [x] a\n- [ ] b\n",
			want:    []string{"<summary>Show the answer</summary>\n<p class=\"quiz-solution\"><strong>Correct answer:</strong> a</p>\n</details>"},
			notWant: []string{"quiz-explanation"}},
		{name: "blank lines and indentation around lines",
			in:   "\n\n?   Q  \n  - [ ]   a\n\t- [x] b\t\n  >  why\n\n\n",
			want: []string{"<legend>Q</legend>", `<label for="quiz-1-q1-1">a</label>`, `<label for="quiz-1-q1-2">b</label>`, "<p>why</p>"}},
		{name: "other bullets", in: "? Q\n* [ ] a\n+ [x] b\n", want: []string{`<label for="quiz-1-q1-2">b</label>`}},
		{name: "question without blank line after an explanation",
			in: "? A\n- [x] a\n> x\n? B\n- [x] b\n", want: []string{"<legend>A</legend>", "<legend>B</legend>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fence("~~~quiz\n" + tt.in + "~~~\n")
			d := mustNew(t, tt.opts).Convert([]byte(src), testSite)
			checkHTML(t, string(d.HTML), tt.want, tt.notWant)
			// Positions are relative to tt.in, whose line 1 is the block's first line.
			var got []string
			for _, s := range diagStrings(src, d) {
				var l, c int
				var rest string
				if _, err := fmt.Sscanf(s, "%d:%d", &l, &c); err != nil {
					t.Fatal(err)
				}
				_, rest, _ = strings.Cut(s, " ")
				got = append(got, fmt.Sprintf("%d:%d %s", l-1, c, rest))
			}
			if !reflect.DeepEqual(got, tt.diags) {
				t.Errorf("diags: got %q, want %q", got, tt.diags)
			}
		})
	}
}

// TestQuizErrors checks every diagnostic with its exact line:col in the body.
func TestQuizErrors(t *testing.T) {
	const forms = `a quiz line is a question ("? text"), an option ("- [ ] text", or "- [x] text" for a correct one), an explanation ("> text") or blank`
	tests := []struct {
		name  string
		in    string
		diags []string
	}{
		{name: "no options", in: "Intro.\n\n~~~quiz\n? Which HTTP method should never change server state?\n\n? B\n- [x] b\n~~~\n",
			diags: []string{`4:1 error: quiz: question "Which HTTP method should never…" has no options: add lines such as "- [ ] wrong" and "- [x] right" under it`}},
		{name: "no correct option", in: "~~~quiz\n? A\n- [x] a\n\n? Which HTTP method should never change server state?\n- [ ] POST\n- [ ] GET\n~~~\n",
			diags: []string{`5:1 error: quiz: question "Which HTTP method should never…" has no correct option: mark one with [x]`}},
		{name: "question text after a broken option", in: "~~~quiz\n? See [x](#part)\n- [x]\nmore\n~~~\n",
			diags: []string{
				`2:1 error: quiz: question "See [x](#part)" has no options: add lines such as "- [ ] wrong" and "- [x] right" under it`,
				`3:1 error: quiz: empty option in question "See [x](#part)": write its text after the box, as in "- [ ] text"`,
				`4:1 error: quiz: cannot read "more": ` + forms}},
		{name: "option before any question", in: "~~~quiz\n- [x] a\n? Q\n- [x] b\n~~~\n",
			diags: []string{`2:1 error: quiz: option outside a question: put options right under their "? question" line, with no blank line between`}},
		{name: "option after a blank line", in: "~~~quiz\n? Q\n- [x] a\n\n- [ ] b\n~~~\n",
			diags: []string{`5:1 error: quiz: option outside a question: put options right under their "? question" line, with no blank line between`}},
		{name: "explanation before any question", in: "~~~quiz\n> why\n\n? Q\n- [x] a\n~~~\n",
			diags: []string{`2:1 error: quiz: explanation outside a question: put "> " lines right after the options of their question`}},
		{name: "explanation before the options", in: "~~~quiz\n? Q\n> why\n- [x] a\n~~~\n",
			diags: []string{`3:1 error: quiz: explanation before the options of question "Q": put the "> " lines after the options`}},
		{name: "option after the explanation", in: "~~~quiz\n? Q\n- [x] a\n> why\n- [ ] b\n~~~\n",
			diags: []string{`5:1 error: quiz: option after the explanation of question "Q": put every option before the "> " lines`}},
		{name: "unknown line", in: "~~~quiz\n? Q\n- [x] a\nsomething else\n~~~\n",
			diags: []string{`4:1 error: quiz: cannot read "something else": ` + forms}},
		{name: "unknown line before any question", in: "~~~quiz\nQ without mark\n? Q\n- [x] a\n~~~\n",
			diags: []string{`2:1 error: quiz: cannot read "Q without mark": ` + forms}},
		{name: "option without a box", in: "~~~quiz\n? Q\n- a\n- [x] b\n~~~\n",
			diags: []string{`3:1 error: quiz: option without a box: write "- [ ] text", or "- [x] text" for a correct one`}},
		{name: "box without a space", in: "~~~quiz\n? Q\n- [x] a\n- []b\n~~~\n",
			diags: []string{`4:1 error: quiz: option without a box: write "- [ ] text", or "- [x] text" for a correct one`}},
		{name: "empty question", in: "~~~quiz\n?\n- [x] a\n\n?   \n- [x] b\n~~~\n",
			diags: []string{`2:1 error: quiz: empty question: write the question after "? "`, `5:1 error: quiz: empty question: write the question after "? "`}},
		{name: "empty option", in: "~~~quiz\n? Q\n- [x]\n- [x] b\n~~~\n",
			diags: []string{`3:1 error: quiz: empty option in question "Q": write its text after the box, as in "- [ ] text"`}},
		{name: "duplicate options", in: "~~~quiz\n? Q\n- [x] `a`  b\n- [ ] c\n- [ ] `a` b\n~~~\n",
			diags: []string{"5:1 warning: quiz: option \"`a` b\" appears twice in question \"Q\": remove one"}},
		{name: "empty block", in: "Text.\n\n  ~~~quiz\n\n  ~~~\n",
			diags: []string{`3:3 error: quiz: empty quiz block: add a question ("? text") with its options ("- [ ] text", and "- [x] text" for a correct one)`}},
		{name: "empty block at the end of the page", in: "~~~quiz",
			diags: []string{`1:1 error: quiz: empty quiz block: add a question ("? text") with its options ("- [ ] text", and "- [x] text" for a correct one)`}},
		{name: "broken links in every part", in: "~~~quiz\n? See [q](nope.md)\n- [x] é [o](gone.md)\n> Read ![i](nope.png) [e](missing.md).\n~~~\n",
			diags: []string{`2:7 error: link to "nope.md": no such page`, `3:9 error: link to "gone.md": no such page`,
				`4:8 error: image "nope.png" not found`, `4:23 error: link to "missing.md": no such page`}},
		{name: "errors in a quote", in: "> ~~~quiz\n> ? Q\n> - [ ] a\n>  oops\n> ~~~\n",
			diags: []string{`2:3 error: quiz: question "Q" has no correct option: mark one with [x]`, `4:3 error: quiz: cannot read "oops": ` + forms}},
		{name: "errors in a list item", in: "- Item\n\n  ~~~quiz\n  ? Q\n  - [ ] [x](nope.md)\n  ~~~\n",
			diags: []string{`4:3 error: quiz: question "Q" has no correct option: mark one with [x]`, `5:9 error: link to "nope.md": no such page`}},
		{name: "CRLF lines", in: "~~~quiz\r\n? Q\r\n- [ ] a\r\n> why\r\n~~~\r\n",
			diags: []string{`2:1 error: quiz: question "Q" has no correct option: mark one with [x]`}},
	}
	c := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fence(tt.in)
			d := c.Convert([]byte(src), testSite)
			if got := diagStrings(src, d); !reflect.DeepEqual(got, tt.diags) {
				t.Errorf("diags:\ngot  %q\nwant %q", got, tt.diags)
			}
		})
	}
}

// TestQuizIDs: ids are unique on the page, quizzes step around headings
// (which keep theirs), and every id is in Doc.IDs in document order.
func TestQuizIDs(t *testing.T) {
	src := fence("## Quiz 1\n\n~~~quiz\n? A\n- [x] a\n- [ ] b\n~~~\n\n## Quiz 1 q1 2\n\n" +
		"~~~quiz\n? B\n- [x] a\n~~~\n\n## Other {#quiz-2}\n\n[to the quiz](#quiz-2-1)\n")
	d := mustNew(t, Options{}).Convert([]byte(src), nil)
	wantIDs := []string{"quiz-1", "quiz-1-1", "quiz-1-q1-1", "quiz-1-q1-2-1", "quiz-1-q1-2", "quiz-2-1", "quiz-2-q1-1", "quiz-2"}
	if !reflect.DeepEqual(d.IDs, wantIDs) {
		t.Errorf("ids:\ngot  %q\nwant %q", d.IDs, wantIDs)
	}
	checkHTML(t, string(d.HTML), []string{
		`<h2 id="quiz-1">`, `<form class="quiz" id="quiz-1-1"`, `<h2 id="quiz-1-q1-2">`,
		`id="quiz-1-q1-2-1"><label for="quiz-1-q1-2-1">b</label>`, `<form class="quiz" id="quiz-2-1"`, `<h2 id="quiz-2">`,
	}, nil)
	html := string(d.HTML)
	for _, id := range d.IDs {
		if n := strings.Count(html, ` id="`+id+`"`); n != 1 {
			t.Errorf("id %q written %d times", id, n)
		}
	}
	ids := slices.Clone(d.IDs)
	slices.Sort(ids)
	if len(slices.Compact(ids)) != len(d.IDs) {
		t.Errorf("duplicate ids in %q", d.IDs)
	}
	if len(d.Diags) != 0 {
		t.Errorf("diags: %+v", d.Diags)
	}
}

// TestQuizRefs: fragments in quiz links are checked like body links, at the
// link's offset.
func TestQuizRefs(t *testing.T) {
	src := fence("~~~quiz\n? See [this](#setup)\n- [x] [REST](../02-apis/01-rest.md#verbs)\n> Also [that](intro.md#x).\n~~~\n")
	d := mustNew(t, Options{}).Convert([]byte(src), testSite)
	var refs []string
	for _, r := range d.Refs {
		refs = append(refs, fmt.Sprintf("%s %s#%s", pos(src, r.Offset), r.Target, r.Fragment))
	}
	want := []string{"2:7 #setup", "3:7 apis/rest#verbs", "4:8 basics/intro#x"}
	if !reflect.DeepEqual(refs, want) {
		t.Errorf("refs: got %q, want %q", refs, want)
	}
	// A question's text is rendered once: a line after a broken option
	// does not replace it (its links stay in the HTML, as in Refs).
	src = fence("~~~quiz\n? See [this](#setup)\n- [x]\nmore\n~~~\n")
	d = mustNew(t, Options{}).Convert([]byte(src), testSite)
	if len(d.Refs) != 1 || !strings.Contains(string(d.HTML), `href="#setup"`) {
		t.Errorf("refs %+v, HTML:\n%s", d.Refs, d.HTML)
	}
}

// TestQuizOnlyForQuizFences: other languages, and "quiz" as a later word,
// stay code blocks.
func TestQuizOnlyForQuizFences(t *testing.T) {
	for _, in := range []string{"~~~quizzes\n? Q\n~~~\n", "~~~text quiz\n? Q\n~~~\n", "    ? Q\n    - [x] a\n"} {
		d := mustNew(t, Options{}).Convert([]byte(fence(in)), nil)
		checkHTML(t, string(d.HTML), []string{"<pre"}, []string{"<form"})
	}
}

func TestQuizPathological(t *testing.T) {
	n := 5000
	inputs := map[string]string{
		"many questions": "~~~quiz\n" + strings.Repeat("? Q\n- [x] a\n- [ ] a\n> e\n\n", n) + "~~~\n",
		"many options":   "~~~quiz\n? Q\n" + strings.Repeat("- [ ] same\n", n) + "~~~\n",
		"long lines":     "~~~quiz\n? " + strings.Repeat("*a* [b](y.md) ", n) + "\n- [x] " + strings.Repeat("`c` ", n) + "\n~~~\n",
		"many quizzes":   strings.Repeat("~~~quiz\n? Q\n- [x] a\n~~~\n\n", 1000),
		"unclosed":       "~~~quiz\n" + strings.Repeat("? Q\n", n),
	}
	limit := 2 * time.Second
	if raceEnabled {
		limit *= 10
	}
	c := mustNew(t, Options{Typographer: true})
	for name, in := range inputs {
		start := time.Now()
		d := c.Convert([]byte(fence(in)), testSite)
		if el := time.Since(start); el > limit {
			t.Errorf("%s: %v", name, el)
		}
		for _, g := range d.Diags {
			if strings.Contains(g.Msg, "internal error") {
				t.Errorf("%s: %s", name, g.Msg)
			}
		}
	}
}

func TestQuizQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Q", `"Q"`},
		{"Which HTTP method should never change server state?", `"Which HTTP method should never…"`},
		{"Ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé", `"Ünïcödé ünïcödé ünïcödé…"`},
		{strings.Repeat("x", 40), `"` + strings.Repeat("x", 30) + `…"`},
	}
	for _, tt := range tests {
		if got := quizQuote(tt.in); got != tt.want {
			t.Errorf("quizQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
