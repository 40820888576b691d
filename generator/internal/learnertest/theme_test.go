package learnertest

import (
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// earlyTheme records html[data-theme] at the moment <body> enters the DOM
// (before anything of the page is painted) and at DOMContentLoaded.
const earlyTheme = `(function(){
  window.__lecternTheme = {body: "(no body seen)", dcl: "(no DOMContentLoaded)"};
  var seen = false;
  function look(){
    if (!seen && document.body) { seen = true; window.__lecternTheme.body = document.documentElement.getAttribute("data-theme") || ""; }
    return seen;
  }
  new MutationObserver(function(_, o){ if (look()) o.disconnect(); }).observe(document, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", function(){ look(); window.__lecternTheme.dcl = document.documentElement.getAttribute("data-theme") || ""; });
})()`

const bodyBg = `getComputedStyle(document.body).backgroundColor`

// TestDarkMode: the theme toggle switches a light page to dark, says so
// (aria-pressed), and the choice survives a reload without a flash of the
// light theme (data-theme is set before <body> is parsed). With the
// system in dark mode and no choice stored, pages are dark from the start.
func TestDarkMode(t *testing.T) {
	s := getSite(t)

	t.Run("toggle", func(t *testing.T) {
		ctx := newTab(t)
		setViewport(t, ctx, desktop)
		setScheme(t, ctx, "light")
		do(t, ctx, "watch data-theme", call(page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: earlyTheme}))
		open(t, ctx, s, quizLesson)
		waitFor(t, ctx, "the theme toggle is shown", visibleJS(".theme-toggle"), `(document.querySelector(".theme-toggle")||{outerHTML:"(none)"}).outerHTML`)
		if l := luminance(eval[string](t, ctx, bodyBg)); l < 0.5 {
			t.Fatalf("with the system light, body background %s is not light", eval[string](t, ctx, bodyBg))
		}
		if p := eval[string](t, ctx, `document.querySelector(".theme-toggle").getAttribute("aria-pressed")`); p != "false" {
			t.Errorf("light page: .theme-toggle aria-pressed=%q, want false", p)
		}
		do(t, ctx, "toggle dark mode", chromedp.Click(chromedp.CSS(".theme-toggle"), chromedp.NodeVisible))
		waitFor(t, ctx, `html[data-theme="dark"] after the click`, `document.documentElement.getAttribute("data-theme") === "dark"`,
			`document.documentElement.outerHTML.slice(0, 200)`)
		if p := eval[string](t, ctx, `document.querySelector(".theme-toggle").getAttribute("aria-pressed")`); p != "true" {
			t.Errorf("dark page: .theme-toggle aria-pressed=%q, want true", p)
		}
		waitFor(t, ctx, "the body turns dark", `(function(){var m=`+bodyBg+`.match(/\d+(\.\d+)?/g).map(Number);return m[0]+m[1]+m[2] < 3*80})()`, bodyBg)

		do(t, ctx, "reload", chromedp.Reload())
		early := eval[map[string]string](t, ctx, `window.__lecternTheme`)
		if early["body"] != "dark" || early["dcl"] != "dark" {
			t.Errorf(`after a reload html[data-theme] was %q when <body> was parsed and %q at DOMContentLoaded; want "dark" both times (set by an inline script in <head>, so the light theme never flashes)`, early["body"], early["dcl"])
		}
		if l := luminance(eval[string](t, ctx, bodyBg)); l > 0.1 || l < 0 {
			t.Errorf("after a reload the body background is %s, want dark", eval[string](t, ctx, bodyBg))
		}
		waitFor(t, ctx, "after a reload the toggle is pressed", `document.querySelector(".theme-toggle").getAttribute("aria-pressed") === "true"`,
			`document.querySelector(".theme-toggle").outerHTML`)

		// And back to light.
		do(t, ctx, "toggle light mode", chromedp.Click(chromedp.CSS(".theme-toggle"), chromedp.NodeVisible))
		waitFor(t, ctx, "light again", `document.documentElement.getAttribute("data-theme") === "light" && document.querySelector(".theme-toggle").getAttribute("aria-pressed") === "false"`,
			`document.documentElement.getAttribute("data-theme") + " " + document.querySelector(".theme-toggle").outerHTML`)
		if l := luminance(eval[string](t, ctx, bodyBg)); l < 0.5 {
			t.Errorf("toggled back to light, body background is %s", eval[string](t, ctx, bodyBg))
		}
	})

	t.Run("system dark", func(t *testing.T) {
		ctx := newTab(t)
		setViewport(t, ctx, desktop)
		setScheme(t, ctx, "dark")
		open(t, ctx, s, quizLesson)
		if l := luminance(eval[string](t, ctx, bodyBg)); l > 0.1 || l < 0 {
			t.Errorf("with the system dark and no stored choice, body background is %s, want dark", eval[string](t, ctx, bodyBg))
		}
		waitFor(t, ctx, "the toggle says dark mode is on", visibleJS(".theme-toggle")+` && document.querySelector(".theme-toggle").getAttribute("aria-pressed") === "true"`,
			`(document.querySelector(".theme-toggle")||{outerHTML:"(none)"}).outerHTML`)
		// The toggle overrides the system: light.
		do(t, ctx, "toggle", chromedp.Click(chromedp.CSS(".theme-toggle"), chromedp.NodeVisible))
		waitFor(t, ctx, "the toggle turns the page light", `document.documentElement.getAttribute("data-theme") === "light"`,
			`document.documentElement.getAttribute("data-theme")`)
		if l := luminance(eval[string](t, ctx, bodyBg)); l < 0.5 {
			t.Errorf("system dark, toggled to light: body background is %s", eval[string](t, ctx, bodyBg))
		}
	})
}
