package learnertest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// dialogs answers every window.confirm/alert of the tab with the current
// choice and records their messages.
type dialogs struct {
	mu       sync.Mutex
	accept   bool
	messages []string
}

func handleDialogs(t *testing.T, ctx context.Context) *dialogs {
	t.Helper()
	d := &dialogs{}
	err := chromedp.Listen(ctx, func(ev any) {
		e, ok := ev.(*page.EventJavascriptDialogOpening)
		if !ok {
			return
		}
		d.mu.Lock()
		d.messages = append(d.messages, e.Message)
		accept := d.accept
		d.mu.Unlock()
		// A listener must not send commands: answer from another goroutine.
		go func() {
			_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
				return err
			}))
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *dialogs) set(accept bool) {
	d.mu.Lock()
	d.accept = accept
	d.mu.Unlock()
}

func (d *dialogs) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.messages)
}

// TestProgress marks a lesson complete and follows what the learner sees:
// the pressed button survives a reload, the sidebar ticks the lesson and
// counts it in its module and in the course, the module page and the home
// page count it, the home page offers to continue with the last lesson
// opened, and "Reset my progress" (after a confirm) forgets it all.
func TestProgress(t *testing.T) {
	s := getSite(t)
	ctx := newTab(t)
	setViewport(t, ctx, desktop)
	dlg := handleDialogs(t, ctx)
	lesson := s.path(quizLesson)

	open(t, ctx, s, quizLesson)
	waitFor(t, ctx, "the complete button is shown", visibleJS(".complete-toggle"),
		`(document.querySelector(".complete-toggle")||{}).outerHTML`)
	if p := eval[string](t, ctx, `document.querySelector(".complete-toggle").getAttribute("aria-pressed")`); p != "false" {
		t.Fatalf("a fresh lesson's .complete-toggle has aria-pressed=%q, want false", p)
	}
	do(t, ctx, "mark as complete", chromedp.Click(chromedp.CSS(".complete-toggle"), chromedp.NodeVisible))
	waitFor(t, ctx, "the button is pressed", `document.querySelector(".complete-toggle").getAttribute("aria-pressed") === "true"`,
		`document.querySelector(".complete-toggle").outerHTML`)

	sidebarItem := `document.querySelector(` + jsString(`#sidebar li[data-lesson-url="`+lesson+`"]`) + `)`
	moduleNav := `(function(){var c=document.querySelector(` + jsString(`#sidebar li[data-module="`+s.path(quizModule)+`"] > a .nav-count`) + `);return c?c.textContent.trim():"(no .nav-count)"})()`
	courseText := func(scope string) string {
		return `(function(){var e=document.querySelector(` + jsString(scope+" .progress-course [data-progress-text]") + `);return e&&e.checkVisibility()?e.textContent.trim():"(no visible .progress-course [data-progress-text])"})()`
	}
	checkLesson := func(when string) {
		t.Helper()
		waitFor(t, ctx, when+": still pressed", `document.querySelector(".complete-toggle").getAttribute("aria-pressed") === "true"`,
			`document.querySelector(".complete-toggle").outerHTML`)
		if cls := eval[string](t, ctx, `(`+sidebarItem+`||{className:"(missing)"}).className`); !strings.Contains(" "+cls+" ", " is-done ") {
			t.Errorf("%s: the sidebar item li[data-lesson-url=%q] has class %q, want is-done", when, lesson, cls)
		}
		if c := eval[string](t, ctx, moduleNav); c != fmt.Sprintf("1/%d", s.lessons(quizModule)) {
			t.Errorf("%s: the sidebar counts %q for the module, want 1/%d", when, c, s.lessons(quizModule))
		}
		want := fmt.Sprintf("1 of %d", s.lessons(""))
		if c := eval[string](t, ctx, courseText("#sidebar")); !strings.HasPrefix(c, want) {
			t.Errorf("%s: the sidebar's course progress says %q, want it to start %q", when, c, want)
		}
	}
	checkLesson("after the click")

	do(t, ctx, "reload", chromedp.Reload())
	checkLesson("after a reload")

	// The module page counts the lesson.
	open(t, ctx, s, quizModule)
	waitFor(t, ctx, "the module page's progress", `(function(){var e=document.querySelector(".progress-module [data-progress-text]");return e&&e.checkVisibility()&&e.textContent.indexOf(`+jsString(fmt.Sprintf("1 of %d", s.lessons(quizModule)))+`)===0})()`,
		`(document.querySelector(".progress-module")||{outerHTML:"(no .progress-module)"}).outerHTML`)

	// Open another lesson: it becomes the one to continue with.
	open(t, ctx, s, nextLesson)
	title := eval[string](t, ctx, `document.querySelector("h1").textContent.trim()`)
	open(t, ctx, s, "")
	waitFor(t, ctx, "the home page shows .resume", visibleJS(".resume"), `(document.querySelector(".resume")||{outerHTML:"(no .resume)"}).outerHTML`)
	link := eval[[]string](t, ctx, `(function(){var a=document.querySelector(".resume-link a");return a?[a.getAttribute("href"),a.textContent.trim(),String(a.checkVisibility()),a.closest(".resume-link").textContent]:["","","false",""]})()`)
	if link[0] != s.path(nextLesson) && link[0] != s.url(nextLesson) {
		t.Errorf(".resume-link a points to %q, want the last lesson opened, %s", link[0], s.path(nextLesson))
	}
	if link[1] != title || link[2] != "true" {
		t.Errorf(".resume-link a says %q (visible %s), want %q visible", link[1], link[2], title)
	}
	if !strings.Contains(link[3], "Continue where you left off") {
		t.Errorf(".resume-link says %q, want it to contain \"Continue where you left off\"", link[3])
	}
	want := fmt.Sprintf("1 of %d", s.lessons(""))
	if c := eval[string](t, ctx, courseText(".resume")); !strings.HasPrefix(c, want) {
		t.Errorf("the home page's course progress says %q, want it to start %q", c, want)
	}

	// Reset: dismissing the confirm keeps everything, accepting clears it.
	dlg.set(false)
	do(t, ctx, "reset, then cancel", chromedp.Click(chromedp.CSS(".progress-reset"), chromedp.NodeVisible))
	if dlg.count() != 1 {
		t.Fatalf(".progress-reset opened %d dialogs, want one confirm", dlg.count())
	}
	if n := eval[int](t, ctx, `Object.keys(localStorage).filter(function(k){return k.indexOf("lectern:progress:")===0}).length`); n == 0 {
		t.Error("dismissing the reset confirm still cleared the progress")
	}
	dlg.set(true)
	do(t, ctx, "reset, then accept", chromedp.Click(chromedp.CSS(".progress-reset"), chromedp.NodeVisible))
	waitFor(t, ctx, "reset hides .resume", `document.querySelector(".resume").hidden || !document.querySelector(".resume").checkVisibility()`,
		`document.querySelector(".resume").outerHTML`)
	if keys := eval[string](t, ctx, `Object.keys(localStorage).filter(function(k){return k.indexOf("lectern:progress:")===0||k.indexOf("lectern:last:")===0}).join(", ")`); keys != "" {
		t.Errorf("after the reset localStorage still holds %s", keys)
	}

	open(t, ctx, s, quizLesson)
	waitFor(t, ctx, "after the reset the lesson is not complete", visibleJS(".complete-toggle")+` && document.querySelector(".complete-toggle").getAttribute("aria-pressed") === "false"`,
		`document.querySelector(".complete-toggle").outerHTML`)
	if cls := eval[string](t, ctx, sidebarItem+`.className`); strings.Contains(" "+cls+" ", " is-done ") {
		t.Errorf("after the reset the sidebar item still has class %q", cls)
	}
	if c := eval[string](t, ctx, moduleNav); c != fmt.Sprintf("0/%d", s.lessons(quizModule)) {
		t.Errorf("after the reset the sidebar counts %q for the module, want 0/%d", c, s.lessons(quizModule))
	}
}
