package learnertest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focusedJS describes the focused element: "button.nav-expand", "a /path/",
// "main#main", "body"...; with "|sidebar" when it is inside the sidebar
// and "|ring" when it shows a focus outline.
const focusedJS = `(function(){
  var e = document.activeElement;
  if (!e || e === document.body) return "body";
  var d = e.tagName.toLowerCase();
  if (d === "a") d += " " + e.getAttribute("href");
  else if (e.id) d += "#" + e.id;
  else if (e.classList.length) d += "." + e.classList[0];
  if (e.closest("#sidebar")) d += "|sidebar";
  var cs = getComputedStyle(e);
  if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) d += "|ring";
  return d;
})()`

// sidebarOrderJS lists the sidebar's rendered links and buttons in document
// order, described as focusedJS does (without the suffixes).
const sidebarOrderJS = `Array.from(document.querySelectorAll("#sidebar a[href], #sidebar button")).filter(function(e){
  var r = e.getBoundingClientRect(); return e.checkVisibility({visibilityProperty: true}) && r.width > 0 && r.height > 0;
}).map(function(e){
  var d = e.tagName.toLowerCase();
  if (d === "a") return d + " " + e.getAttribute("href");
  return d + (e.id ? "#" + e.id : e.classList.length ? "." + e.classList[0] : "");
})`

func press(t *testing.T, ctx context.Context, what, key string) {
	t.Helper()
	do(t, ctx, what, chromedp.KeyEvent(key))
}

// TestSidebarKeyboard: a keyboard user can skip to the content, walk the
// sidebar in order (including the button that folds the current module),
// fold and unfold it with Enter and Space, and follow a link with Enter. On
// a phone the Contents button opens the sidebar as a drawer, and Escape
// closes it and gives the focus back to the button.
func TestSidebarKeyboard(t *testing.T) {
	s := getSite(t)
	ctx := newTab(t)
	setViewport(t, ctx, desktop)
	open(t, ctx, s, quizLesson)
	waitFor(t, ctx, "main.js shows .nav-expand", visibleJS("#sidebar .nav-expand"), `(document.querySelector(".nav-expand")||{outerHTML:"(no .nav-expand)"}).outerHTML`)

	// The skip link comes first and moves the focus to the content.
	press(t, ctx, "Tab", kb.Tab)
	first := eval[[]string](t, ctx, `(function(){var e=document.activeElement;var r=e.getBoundingClientRect();return [e.className, e.textContent.trim(), e.getAttribute("href")||"", String(r.top>=0&&r.bottom<=innerHeight&&e.checkVisibility())]})()`)
	if first[0] != "skip-link" || first[1] != "Skip to content" || first[3] != "true" {
		t.Fatalf("the first Tab focuses class=%q text=%q (visible on screen: %s); want the visible skip link \"Skip to content\"", first[0], first[1], first[3])
	}
	press(t, ctx, "Enter on the skip link", kb.Enter)
	waitFor(t, ctx, "the skip link moves the focus to <main>", `document.activeElement === document.querySelector("main")`, focusedJS)

	// Tab from the top through the sidebar: every link and button, in order.
	do(t, ctx, "start over", chromedp.Navigate(s.url(quizLesson)))
	waitFor(t, ctx, "main.js ran", visibleJS("#sidebar .nav-expand"), "")
	want := eval[[]string](t, ctx, sidebarOrderJS)
	var got []string
	rings := true
	for i := 0; i < 80; i++ {
		press(t, ctx, "Tab", kb.Tab)
		f := eval[string](t, ctx, focusedJS)
		base, _, _ := strings.Cut(f, "|")
		if strings.Contains(f, "|sidebar") {
			got = append(got, base)
			if !strings.Contains(f, "|ring") && rings {
				rings = false
				t.Errorf("keyboard focus on %s in the sidebar shows no outline", base)
			}
		} else if len(got) > 0 {
			break // left the sidebar
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Tab through the sidebar visits:\n  %s\nwant every link and button in order:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// The current module: its toggle, its page, then its lessons in order.
	mod := s.path(quizModule)
	lessons := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(`+jsString(`#sidebar li[data-module="`+mod+`"] li[data-lesson-url] > a`)+`)).map(function(a){return "a "+a.getAttribute("href")})`)
	seq := append([]string{"button.nav-expand", "a " + mod}, lessons...)
	if len(lessons) != s.lessons(quizModule) || !strings.Contains("\n"+strings.Join(got, "\n")+"\n", "\n"+strings.Join(seq, "\n")+"\n") {
		t.Errorf("Tab does not reach the module's toggle, link and %d lessons in order (%s); it visits:\n  %s", s.lessons(quizModule), strings.Join(seq, ", "), strings.Join(got, "\n  "))
	}

	// Fold and unfold the current module from the keyboard.
	toggle := `document.querySelector(` + jsString(`#sidebar li[data-module="`+mod+`"] > .nav-expand`) + `)`
	list := `document.getElementById(` + toggle + `.getAttribute("aria-controls"))`
	state := `(function(){var b=` + toggle + `, l=` + list + `;return "aria-expanded=" + b.getAttribute("aria-expanded") + ", list " + (l ? (l.checkVisibility() ? "visible" : "hidden") : "missing")})()`
	if st := eval[string](t, ctx, state); st != "aria-expanded=true, list visible" {
		t.Fatalf("the current module's .nav-expand starts with %s; want expanded", st)
	}
	do(t, ctx, "focus .nav-expand", chromedp.Focus(chromedp.CSS(`#sidebar li[data-module="`+mod+`"] > .nav-expand`)))
	press(t, ctx, "Enter on .nav-expand", kb.Enter)
	waitFor(t, ctx, "Enter folds the module", state+` === "aria-expanded=false, list hidden"`, state)
	press(t, ctx, "Space on .nav-expand", " ")
	waitFor(t, ctx, "Space unfolds the module", state+` === "aria-expanded=true, list visible"`, state)
	press(t, ctx, "Space on .nav-expand", " ")
	waitFor(t, ctx, "Space folds the module", state+` === "aria-expanded=false, list hidden"`, state)
	press(t, ctx, "Enter on .nav-expand", kb.Enter)
	waitFor(t, ctx, "Enter unfolds the module", state+` === "aria-expanded=true, list visible"`, state)

	// Enter on a lesson link opens it: toggle, module, lesson 1, lesson 2.
	for range 3 {
		press(t, ctx, "Tab", kb.Tab)
	}
	target := "a " + s.path(nextLesson) + "|sidebar"
	if f := eval[string](t, ctx, focusedJS); !strings.HasPrefix(f, target) {
		t.Fatalf("three Tabs after the module toggle focus %s, want %s", f, target)
	}
	follow(t, ctx, "Enter on a sidebar link", chromedp.KeyEvent(kb.Enter))
	if p := eval[string](t, ctx, `location.pathname`); p != s.path(nextLesson) {
		t.Errorf("Enter on the sidebar link opened %s, want %s", p, s.path(nextLesson))
	}

	// On a phone the sidebar is a drawer behind the Contents button.
	t.Run("phone drawer", func(t *testing.T) {
		ctx := newTab(t)
		setViewport(t, ctx, phone)
		open(t, ctx, s, quizLesson)
		waitFor(t, ctx, "the .nav-toggle button is visible", visibleJS(".nav-toggle"), `(document.querySelector(".nav-toggle")||{outerHTML:"(none)"}).outerHTML`)
		drawer := `(function(){var b=document.querySelector(".nav-toggle"), s=document.getElementById("sidebar"), r=s.getBoundingClientRect();
			return "aria-expanded=" + b.getAttribute("aria-expanded") + ", sidebar " + (s.checkVisibility({visibilityProperty: true}) && r.right > 0 && r.left >= -1 && r.left < innerWidth ? "on screen" : "off screen")})()`
		if st := eval[string](t, ctx, drawer); st != "aria-expanded=false, sidebar off screen" {
			t.Errorf("before opening: %s; want the drawer closed", st)
		}
		do(t, ctx, "open the drawer", chromedp.Click(chromedp.CSS(".nav-toggle"), chromedp.NodeVisible))
		waitFor(t, ctx, "the drawer opens", drawer+` === "aria-expanded=true, sidebar on screen"`, drawer)
		if f := eval[string](t, ctx, focusedJS); !strings.Contains(f, "|sidebar") {
			t.Errorf("after opening the drawer the focus is on %s, want it inside the sidebar", f)
		}
		press(t, ctx, "Escape", kb.Escape)
		waitFor(t, ctx, "Escape closes the drawer", drawer+` === "aria-expanded=false, sidebar off screen"`, drawer)
		if f := eval[string](t, ctx, focusedJS); !strings.HasPrefix(f, "button.nav-toggle") {
			t.Errorf("after Escape the focus is on %s, want the .nav-toggle button", f)
		}
	})
}
