package learnertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeViolation is one rule that failed, as axe.run reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
		HTML           string `json:"html"`
	} `json:"nodes"`
}

var axeSource struct {
	once sync.Once
	js   string
	err  error
}

// runAxe injects axe-core into the page (once per document) and runs the
// WCAG 2.0/2.1 A and AA rules on the whole document.
func runAxe(t *testing.T, ctx context.Context, file string) []axeViolation {
	t.Helper()
	axeSource.once.Do(func() {
		b, err := os.ReadFile(file)
		axeSource.js, axeSource.err = string(b), err
	})
	if axeSource.err != nil {
		t.Fatal(axeSource.err)
	}
	if !eval[bool](t, ctx, `typeof window.axe === "object"`) {
		do(t, ctx, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeSource.js))
	}
	c, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	raw, err := chromedp.Run(c, chromedp.Evaluate[[]byte](`axe.run(document, {
		runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
		resultTypes: ["violations"]
	}).then(function(r){ return r.violations.map(function(v){ return {
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(function(n){ return {target: n.target, failureSummary: n.failureSummary, html: n.html}; })
	}; }); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatalf("axe.run result: %v", err)
	}
	return vs
}

// axeReport collects violations over several runs of one page and prints
// each (rule, element) once with the modes it failed in.
type axeReport struct {
	order []string
	items map[string]*axeItem
}

type axeItem struct {
	rule, impact, help, target, html string
	modes                            []string
	summaries                        []string
}

func (r *axeReport) add(mode string, vs []axeViolation) {
	if r.items == nil {
		r.items = map[string]*axeItem{}
	}
	for _, v := range vs {
		for _, n := range v.Nodes {
			var parts []string
			for _, x := range n.Target {
				parts = append(parts, fmt.Sprint(x))
			}
			target := strings.Join(parts, " >> ")
			key := v.ID + "\x00" + target
			it := r.items[key]
			if it == nil {
				html := n.HTML
				if len(html) > 160 {
					html = html[:160] + "…"
				}
				it = &axeItem{rule: v.ID, impact: v.Impact, help: v.Help, target: target, html: html}
				r.items[key] = it
				r.order = append(r.order, key)
			}
			if !slices.Contains(it.modes, mode) {
				it.modes = append(it.modes, mode)
			}
			s := strings.Join(strings.Fields(n.FailureSummary), " ")
			if !slices.Contains(it.summaries, s) {
				it.summaries = append(it.summaries, s)
			}
		}
	}
}

func (r *axeReport) String() string {
	var b strings.Builder
	for _, k := range r.order {
		it := r.items[k]
		fmt.Fprintf(&b, "\n  %s (%s): %s\n    element: %s\n    html: %s\n    in: %s\n", it.rule, it.impact, it.help, it.target, it.html, strings.Join(it.modes, ", "))
		for _, s := range it.summaries {
			fmt.Fprintf(&b, "    %s\n", s)
		}
	}
	return b.String()
}

// trimPrint keeps the print page's header, contents and first module with
// its first two lessons: the whole course (1.7 MB of HTML) takes axe over a
// minute, and the lessons' own pages are checked anyway.
const trimPrint = `(function(){
  var secs = document.querySelectorAll("main section.print-module, main section.print-lesson");
  for (var i = 3; i < secs.length; i++) secs[i].remove();
  return document.querySelectorAll("*").length;
})()`

// nextFrames waits for two animation frames, so that a change of viewport
// or colour scheme is applied before axe judges colours and layout.
func nextFrames(t *testing.T, ctx context.Context) {
	t.Helper()
	step(t, ctx, "wait two frames", chromedp.Evaluate[bool](`new Promise(function(r){requestAnimationFrame(function(){requestAnimationFrame(function(){r(true)})})})`, chromedp.EvalAwaitPromise))
}

// axePages samples every kind of page the theme renders.
var axePages = []struct{ name, rel, prepare string }{
	{"home", "", ""},
	{"module", quizModule, ""},
	{"lesson with quiz and exercise", quizLesson, ""},
	{"lesson with code and callouts", codeLesson, ""},
	{"glossary", "glossary/", ""},
	{"taxonomy", "skills/", ""},
	{"term", "skills/http/", ""},
	{"matrix", "matrix/", ""},
	{"path", "path/", ""},
	{"print (first module)", "print/", trimPrint},
	{"404", "no-such-page/", ""},
}

// TestAxe has axe-core judge a sample of pages against WCAG 2.1 A and AA,
// in light and dark mode, on a desktop and a 375 px phone; then a lesson
// with its quiz checked (feedback shown) and a page with the search dialog
// open. Every violation is listed with its rule, impact, element and
// axe's summary of what fails.
func TestAxe(t *testing.T) {
	file := axeJS(t)
	s := getSite(t)
	for _, p := range axePages {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ctx := newTab(t)
			var rep axeReport
			// Each scheme gets a fresh load, light on a desktop and dark on
			// a phone, then the other width without reloading (the media
			// queries apply at once): half the loads and axe injections.
			// The print page loads once: it is 1.7 MB.
			modes := []struct {
				scheme string
				vps    []viewport
			}{{"light", []viewport{desktop, phone}}, {"dark", []viewport{phone, desktop}}}
			for i, m := range modes {
				setScheme(t, ctx, m.scheme)
				for j, vp := range m.vps {
					setViewport(t, ctx, vp)
					if j == 0 && (i == 0 || p.prepare == "") {
						open(t, ctx, s, p.rel)
						if p.prepare != "" {
							if n := eval[int](t, ctx, p.prepare); n > 5000 {
								t.Fatalf("%s still has %d elements after trimming: too many for axe (has its markup changed?)", s.path(p.rel), n)
							}
						}
					} else {
						nextFrames(t, ctx)
					}
					rep.add(m.scheme+"/"+vp.name, runAxe(t, ctx, file))
				}
			}
			if len(rep.order) > 0 {
				t.Errorf("axe finds %d problems on %s:%s", len(rep.order), s.path(p.rel), rep.String())
			}
		})
	}

	t.Run("quiz checked", func(t *testing.T) {
		t.Parallel()
		ctx := newTab(t)
		setViewport(t, ctx, desktop)
		var rep axeReport
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, ctx, scheme)
			open(t, ctx, s, quizLesson)
			waitFor(t, ctx, "the quiz script enables the quiz", visibleJS("form.quiz .quiz-check"), `document.querySelector("form.quiz .quiz-actions").outerHTML`)
			// The first option of every question: in this quiz some are right, some wrong.
			ids := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("form.quiz .quiz-question")).map(function(q){return q.querySelector("input").id})`)
			for _, id := range ids {
				do(t, ctx, "choose "+id, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`), chromedp.NodeVisible))
			}
			do(t, ctx, "check", chromedp.Click(chromedp.CSS("form.quiz .quiz-check"), chromedp.NodeVisible))
			waitFor(t, ctx, "feedback shows", `document.querySelector("form.quiz .quiz-result").textContent !== "" && !!document.querySelector("form.quiz .quiz-verdict:not([hidden])")`, "")
			do(t, ctx, "scroll to the quiz", chromedp.ScrollIntoView(chromedp.CSS("form.quiz")))
			rep.add(scheme+"/desktop", runAxe(t, ctx, file))
		}
		if len(rep.order) > 0 {
			t.Errorf("axe finds %d problems on %s with the quiz checked:%s", len(rep.order), s.path(quizLesson), rep.String())
		}
	})

	t.Run("search open", func(t *testing.T) {
		t.Parallel()
		partial, err := os.ReadFile(filepath.Join(repoRoot, "layouts", "partials", "search.html"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}`).ReplaceAllString(string(partial), "")) == "" {
			t.Skip("layouts/partials/search.html is a placeholder: no search UI to check")
		}
		ctx := newTab(t)
		setViewport(t, ctx, desktop)
		var rep axeReport
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, ctx, scheme)
			open(t, ctx, s, quizLesson)
			waitFor(t, ctx, "the search button is shown", visibleJS(".search-open"), `(document.querySelector(".search-open")||{outerHTML:"(no .search-open)"}).outerHTML`)
			do(t, ctx, "open the search", chromedp.Click(chromedp.CSS(".search-open"), chromedp.NodeVisible))
			waitFor(t, ctx, "the dialog opens with the focus in its field", `!!document.querySelector("dialog[open]") && document.activeElement && document.activeElement.matches("dialog[open] input")`,
				`(document.querySelector("dialog")||{outerHTML:"(no dialog)"}).outerHTML.slice(0, 300)`)
			do(t, ctx, "type a query", chromedp.KeyEvent("http"))
			waitFor(t, ctx, "the search answers", `(document.querySelector("dialog[open] [role=status]")||{textContent:""}).textContent.trim() !== "" && !/Loading/.test(document.querySelector("dialog[open] [role=status]").textContent)`,
				`document.querySelector("dialog[open] [role=status]").textContent`)
			if n := eval[int](t, ctx, `Array.from(document.querySelectorAll("dialog[open] a")).filter(function(a){return a.checkVisibility()}).length`); n == 0 {
				t.Errorf("%s: searching for \"http\" lists no results; the dialog says %q", scheme, eval[string](t, ctx, `document.querySelector("dialog[open] [role=status]").textContent`))
			}
			rep.add(scheme+"/desktop", runAxe(t, ctx, file))
		}
		if len(rep.order) > 0 {
			t.Errorf("axe finds %d problems with the search dialog open:%s", len(rep.order), rep.String())
		}
	})
}
