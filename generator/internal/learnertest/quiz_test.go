package learnertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// quizQuestion is what the built page says about one question.
type quizQuestion struct {
	Inputs  []string `json:"inputs"`  // ids of the options' inputs, in order
	Correct []bool   `json:"correct"` // which of them are correct (data-correct)
}

// quizPlan answers the lesson's quiz: questions in right get exactly their
// correct options, the others one wrong option. It returns the ids to click.
func quizPlan(t *testing.T, qs []quizQuestion, right map[int]bool) (clicks []string, score int) {
	t.Helper()
	for i, q := range qs {
		if right[i] {
			score++
			for j, id := range q.Inputs {
				if q.Correct[j] {
					clicks = append(clicks, id)
				}
			}
			continue
		}
		wrong := ""
		for j, id := range q.Inputs {
			if !q.Correct[j] {
				wrong = id
				break
			}
		}
		if wrong == "" {
			t.Fatalf("question %d has no wrong option to choose", i+1)
		}
		clicks = append(clicks, wrong)
	}
	return clicks, score
}

// TestQuiz answers a lesson's quiz as a learner does (clicking the labels),
// some answers right and some wrong, checks them, and expects: a verdict
// per question that matches, marks in words on the chosen and missed
// options, the explanations shown, the score in the live region, and the
// score kept in localStorage under the lesson's URL. "Try again" clears it
// all; a perfect second attempt updates the stored score and best.
func TestQuiz(t *testing.T) {
	s := getSite(t)
	ctx := newTab(t)
	setViewport(t, ctx, desktop)
	open(t, ctx, s, quizLesson)

	const form = `document.querySelector("form.quiz")`
	if !eval[bool](t, ctx, `!!`+form) {
		t.Fatalf("%s has no form.quiz", s.path(quizLesson))
	}
	// quiz.js shows the "Check answers" button; without it there is nothing to press.
	waitFor(t, ctx, "the quiz script enables the quiz (shows .quiz-actions with an enabled .quiz-check)",
		visibleJS("form.quiz .quiz-check")+` && !document.querySelector("form.quiz .quiz-check").disabled`,
		`"scripts: " + Array.from(document.scripts).map(function(s){return s.src||"(inline)"}).join(", ") + "; stylesheets: " + Array.from(document.querySelectorAll("link[rel=stylesheet]")).map(function(l){return l.getAttribute("href")}).join(", ") + "; .quiz-actions hidden=" + document.querySelector("form.quiz .quiz-actions").hidden`)
	// Before checking, the answers are out of sight.
	if n := eval[int](t, ctx, `Array.from(`+form+`.querySelectorAll(".quiz-answer")).filter(function(d){return d.checkVisibility()}).length`); n != 0 {
		t.Errorf("before checking, %d answers (.quiz-answer) are visible; want them hidden until the learner checks", n)
	}

	var qs []quizQuestion
	raw := eval[[]byte](t, ctx, `Array.from(`+form+`.querySelectorAll(".quiz-question")).map(function(q){
		var ins = Array.from(q.querySelectorAll(".quiz-option input"));
		return {inputs: ins.map(function(i){return i.id}), correct: ins.map(function(i){return i.hasAttribute("data-correct")})};
	})`)
	if err := json.Unmarshal(raw, &qs); err != nil {
		t.Fatal(err)
	}
	if len(qs) < 3 {
		t.Fatalf("the quiz has %d questions; the test needs 3 or more", len(qs))
	}
	// Questions 1, 3 and 4 right (1 is multiple choice), the others wrong.
	right := map[int]bool{0: true, 2: true, 3: true}
	clicks, score := quizPlan(t, qs, right)
	for _, id := range clicks {
		do(t, ctx, "choose "+id, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`), chromedp.NodeVisible))
	}
	if n := eval[int](t, ctx, form+`.querySelectorAll("input:checked").length`); n != len(clicks) {
		t.Fatalf("after clicking %d labels, %d inputs are checked", len(clicks), n)
	}
	do(t, ctx, "check the answers", chromedp.Click(chromedp.CSS("form.quiz .quiz-check"), chromedp.NodeVisible))

	want := fmt.Sprintf("%d of %d correct", score, len(qs))
	waitFor(t, ctx, "the score in the live region",
		`(function(){var r=document.querySelector("form.quiz [aria-live]");return r&&r.textContent.indexOf(`+jsString(want)+`)>=0})()`,
		`(document.querySelector("form.quiz [aria-live]")||{}).textContent`)
	if live := eval[string](t, ctx, `(function(){var r=document.querySelector("form.quiz .quiz-result");return r?r.getAttribute("aria-live")||"":"(no .quiz-result)"})()`); live != "polite" {
		t.Errorf(`.quiz-result has aria-live=%q, want "polite"`, live)
	}

	// Per question: the verdict, the marks, the explanation.
	type fb struct {
		Verdict, VerdictClass string
		VerdictVisible        bool
		AnswerVisible         bool
		AnswerOpen            bool
		Explanation           bool
		Marks                 []string
	}
	var got []fb
	raw = eval[[]byte](t, ctx, `Array.from(`+form+`.querySelectorAll(".quiz-question")).map(function(q){
		var v = q.querySelector(".quiz-verdict"), a = q.querySelector(".quiz-answer"), x = q.querySelector(".quiz-explanation");
		return {
			Verdict: v ? v.textContent.trim() : "", VerdictClass: v ? v.className : "", VerdictVisible: !!v && v.checkVisibility(),
			AnswerVisible: !!a && a.checkVisibility(), AnswerOpen: !!a && a.open,
			Explanation: !!x && x.checkVisibility() && x.getBoundingClientRect().height > 0,
			Marks: Array.from(q.querySelectorAll(".quiz-option")).map(function(o){
				var m = o.querySelector(".quiz-mark");
				return o.className + "|" + (m && m.checkVisibility() ? m.textContent.trim() : "");
			})
		};
	})`)
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	chosen := map[string]bool{}
	for _, id := range clicks {
		chosen[id] = true
	}
	for i, q := range got {
		n := i + 1
		wantVerdict, wantClass := "Not quite.", "is-wrong"
		if right[i] {
			wantVerdict, wantClass = "Correct.", "is-right"
		}
		if !q.VerdictVisible || q.Verdict != wantVerdict || !strings.Contains(q.VerdictClass, wantClass) {
			t.Errorf("question %d: verdict %q (class %q, visible %v), want %q visible with class %s", n, q.Verdict, q.VerdictClass, q.VerdictVisible, wantVerdict, wantClass)
		}
		if !q.AnswerVisible || !q.AnswerOpen || !q.Explanation {
			t.Errorf("question %d: after checking, the answer is visible=%v open=%v, explanation visible=%v; want all true", n, q.AnswerVisible, q.AnswerOpen, q.Explanation)
		}
		for j, m := range q.Marks {
			class, text, _ := strings.Cut(m, "|")
			picked, correct := chosen[qs[i].Inputs[j]], qs[i].Correct[j]
			var wantC, wantT string
			switch {
			case picked && correct:
				wantC, wantT = "is-right", "Your answer: correct"
			case picked:
				wantC, wantT = "is-wrong", "Your answer: wrong"
			case correct:
				wantC, wantT = "is-missed", "Correct answer"
			}
			if wantC == "" {
				if text != "" || strings.Contains(class, "is-") {
					t.Errorf("question %d option %d (neither chosen nor correct): class %q, mark %q; want no mark", n, j+1, class, text)
				}
				continue
			}
			if !strings.Contains(class, wantC) || !strings.HasSuffix(text, wantT) {
				t.Errorf("question %d option %d: class %q, mark %q; want class %s and a visible mark %q", n, j+1, class, text, wantC, wantT)
			}
		}
	}

	// The score is kept for this lesson, and the lesson says so.
	key := "lectern:progress:" + s.path(quizLesson)
	checkStored := func(wantScore, wantBest int) {
		t.Helper()
		js := `localStorage.getItem(` + jsString(key) + `) || ""`
		var stored struct {
			Quiz map[string]struct{ Score, Total, Best int } `json:"quiz"`
		}
		rawStored := eval[string](t, ctx, js)
		if rawStored == "" {
			t.Fatalf("localStorage has no %q after checking the quiz; keys: %s", key, eval[string](t, ctx, `Object.keys(localStorage).join(", ")`))
		}
		if err := json.Unmarshal([]byte(rawStored), &stored); err != nil {
			t.Fatalf("localStorage %q = %s: %v", key, rawStored, err)
		}
		q, ok := stored.Quiz["0"]
		if !ok || q.Score != wantScore || q.Total != len(qs) || q.Best != wantBest {
			t.Errorf("localStorage %q = %s; want quiz[\"0\"] score %d, total %d, best %d", key, rawStored, wantScore, len(qs), wantBest)
		}
	}
	checkStored(score, score)
	if st := eval[string](t, ctx, `(document.querySelector(".complete-status")||{}).textContent||""`); !strings.Contains(st, fmt.Sprintf("%d of %d", score, len(qs))) {
		t.Errorf(".complete-status says %q; want the last quiz result %d of %d", st, score, len(qs))
	}

	// Try again: marks, verdicts and choices go; the answers hide again.
	do(t, ctx, "try again", chromedp.Click(chromedp.CSS("form.quiz .quiz-retry"), chromedp.NodeVisible))
	waitFor(t, ctx, "Try again clears the quiz",
		form+`.querySelectorAll("input:checked").length === 0 && !`+form+`.querySelector(".quiz-mark") && Array.from(`+form+`.querySelectorAll(".quiz-verdict, .quiz-answer")).every(function(e){return !e.checkVisibility()}) && `+form+`.querySelector(".quiz-result").textContent === ""`,
		`"checked=" + `+form+`.querySelectorAll("input:checked").length + " marks=" + `+form+`.querySelectorAll(".quiz-mark").length + " result=" + `+form+`.querySelector(".quiz-result").textContent`)

	all := map[int]bool{}
	for i := range qs {
		all[i] = true
	}
	clicks, _ = quizPlan(t, qs, all)
	for _, id := range clicks {
		do(t, ctx, "choose "+id, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`), chromedp.NodeVisible))
	}
	do(t, ctx, "check again", chromedp.Click(chromedp.CSS("form.quiz .quiz-check"), chromedp.NodeVisible))
	want = fmt.Sprintf("%d of %d correct", len(qs), len(qs))
	waitFor(t, ctx, "the perfect score", `document.querySelector("form.quiz [aria-live]").textContent.indexOf(`+jsString(want)+`)>=0`,
		`document.querySelector("form.quiz [aria-live]").textContent`)
	checkStored(len(qs), len(qs))
}
