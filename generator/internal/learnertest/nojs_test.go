package learnertest

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestNoJavaScript reads a lesson with JavaScript off: the text, the
// sidebar and the previous/next links work, each quiz answer can be opened
// (a <details>), and the controls that need a script (search, theme,
// complete, quiz check, drawer button) are not shown. On a phone the sidebar
// follows the content instead of hiding in a drawer nobody can open.
func TestNoJavaScript(t *testing.T) {
	s := getSite(t)
	ctx := newTab(t)
	do(t, ctx, "disable JavaScript", call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	setViewport(t, ctx, desktop)
	open(t, ctx, s, quizLesson)
	if eval[bool](t, ctx, `document.documentElement.classList.contains("js")`) {
		t.Fatal("scripts ran although JavaScript is disabled: the test is broken")
	}

	if n := eval[int](t, ctx, `(document.querySelector("main .content")||{innerText:""}).innerText.length`); n < 2000 {
		t.Errorf("the lesson shows %d characters of text in main .content without JavaScript", n)
	}
	if !eval[bool](t, ctx, visibleJS("main h1")) {
		t.Error("the lesson's h1 is not visible without JavaScript")
	}
	if n := eval[int](t, ctx, `Array.from(document.querySelectorAll("#sidebar a[href]")).filter(function(a){return a.checkVisibility({visibilityProperty:true})}).length`); n < 10 {
		t.Errorf("%d sidebar links are visible without JavaScript", n)
	}

	// Hidden: every control that only works with a script.
	for _, sel := range []string{".theme-toggle", ".complete-toggle", ".complete", ".nav-toggle", ".nav-expand", ".search-open", "form.quiz .quiz-check", "form.quiz .quiz-actions"} {
		if eval[bool](t, ctx, `Array.from(document.querySelectorAll(`+jsString(sel)+`)).some(function(e){return e.checkVisibility({visibilityProperty:true})})`) {
			t.Errorf("%s is shown without JavaScript, where it cannot work", sel)
		}
	}
	// The search partial must not leave an open dialog or a stray field.
	if eval[bool](t, ctx, `Array.from(document.querySelectorAll("dialog, input")).some(function(e){return e.closest(".search") && e.checkVisibility({visibilityProperty:true})})`) {
		t.Error("part of the search UI is visible without JavaScript")
	}

	// The quiz: every question's answer is in a <details> the learner can open.
	qs := eval[int](t, ctx, `document.querySelectorAll("form.quiz .quiz-question").length`)
	if qs == 0 {
		t.Fatal("no quiz questions on the lesson")
	}
	summaries := eval[int](t, ctx, `Array.from(document.querySelectorAll("form.quiz .quiz-question > details.quiz-answer > summary")).filter(function(s){return s.checkVisibility()}).length`)
	if summaries != qs {
		t.Fatalf("%d of %d questions show a summary to open their answer without JavaScript", summaries, qs)
	}
	if eval[bool](t, ctx, `Array.from(document.querySelectorAll("form.quiz .quiz-explanation")).some(function(e){return e.checkVisibility()})`) {
		t.Error("quiz explanations are visible before the learner opens them")
	}
	do(t, ctx, "open the first answer", chromedp.Click(chromedp.CSS("form.quiz .quiz-question details.quiz-answer > summary"), chromedp.NodeVisible))
	waitFor(t, ctx, "the first answer opens", `(function(){var d=document.querySelector("form.quiz details.quiz-answer");return d.open&&d.querySelector(".quiz-explanation").checkVisibility()&&d.querySelector(".quiz-solution").checkVisibility()})()`,
		`document.querySelector("form.quiz details.quiz-answer").outerHTML.slice(0, 300)`)

	// A sidebar link works.
	follow(t, ctx, "follow a sidebar link", chromedp.Click(chromedp.CSS(`#sidebar a[href="`+s.path(nextLesson)+`"]`), chromedp.NodeVisible))
	if p := eval[string](t, ctx, `location.pathname`); p != s.path(nextLesson) {
		t.Fatalf("the sidebar link opened %s, want %s", p, s.path(nextLesson))
	}

	// Previous and next.
	prev := eval[string](t, ctx, attrJS(".prevnext a[rel=prev]", "href"))
	next := eval[string](t, ctx, attrJS(".prevnext a[rel=next]", "href"))
	if prev != s.path(quizLesson) || next == "" {
		t.Fatalf("on %s: previous %q (want %s), next %q", s.path(nextLesson), prev, s.path(quizLesson), next)
	}
	follow(t, ctx, "next", chromedp.Click(chromedp.CSS(".prevnext a[rel=next]"), chromedp.NodeVisible))
	if p := eval[string](t, ctx, `location.pathname`); p != next {
		t.Errorf("Next opened %s, want %s", p, next)
	}
	follow(t, ctx, "previous", chromedp.Click(chromedp.CSS(".prevnext a[rel=prev]"), chromedp.NodeVisible))
	if p := eval[string](t, ctx, `location.pathname`); p != s.path(nextLesson) {
		t.Errorf("Previous opened %s, want %s", p, s.path(nextLesson))
	}

	// A phone: the sidebar is in the page, not in a closed drawer.
	setViewport(t, ctx, phone)
	open(t, ctx, s, quizLesson)
	if !eval[bool](t, ctx, visibleJS("#sidebar")) {
		t.Error("at 375 px without JavaScript the sidebar is not visible (a drawer that cannot open)")
	}
	if n := eval[int](t, ctx, `document.documentElement.scrollWidth`); n > int(phone.width) {
		t.Errorf("at %d px without JavaScript the page is %d px wide: it scrolls sideways", phone.width, n)
	}
	if vis := eval[bool](t, ctx, visibleJS(".nav-toggle")); vis {
		t.Error("at 375 px without JavaScript the Contents button is shown but cannot work")
	}
}
