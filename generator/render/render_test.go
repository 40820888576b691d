package render

import (
	"bytes"
	"html/template"
	"maps"
	"strings"
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute:                 "5 min",
		90 * time.Minute:                "1 h 30 min",
		2 * time.Hour:                   "2 h",
		25*time.Minute + 10*time.Second: "26 min",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func sources(files map[string]string, builtin bool) []Source {
	var out []Source
	for name, data := range files {
		out = append(out, Source{Name: name, Data: []byte(data), BuiltIn: builtin})
	}
	return out
}

func TestExecutionErrorNamesNestedPartial(t *testing.T) {
	l, err := Parse(sources(map[string]string{
		"_default/baseof.html":  `<main>{{block "main" .}}{{end}}</main>`,
		"_default/lesson.html":  `{{define "main"}}{{template "partials/outer.html" .}}{{end}}`,
		"partials/outer.html":   "<div>\n{{template \"partials/inner.html\" .}}</div>",
		"partials/inner.html":   "<p>\n  {{.Missing}}</p>",
		"_default/minimal.html": `plain {{.}}`,
	}, false), nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = l.Execute(&buf, "lesson", struct{ Title string }{"x"})
	want := "layouts/partials/inner.html:2:4: at <.Missing>: can't evaluate field Missing in type struct { Title string }"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	buf.Reset()
	if err := l.Execute(&buf, "minimal", 7); err != nil || buf.String() != "plain 7" {
		t.Errorf("a layout without define runs on its own: %q %v", buf.String(), err)
	}
}

func TestParseErrorsAreReportedOncePerFile(t *testing.T) {
	_, err := Parse(sources(map[string]string{
		"_default/baseof.html": `{{block "main" .}}{{end}}`,
		"_default/lesson.html": "{{define \"main\"}}\n{{if .X}}\n{{end}}",
		"_default/page.html":   "{{define \"main\"}}{{nosuchfunc .}}{{end}}",
	}, true), template.FuncMap{})
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{
		// text/template gives a line only: the column is that of the token
		// the message quotes, else of the line's first action.
		"layouts/_default/lesson.html (built-in theme):3:1: unexpected EOF",
		`layouts/_default/page.html (built-in theme):1:20: function "nosuchfunc" not defined`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestEscapingErrorsSurfaceAtParse(t *testing.T) {
	_, err := Parse(sources(map[string]string{
		"_default/baseof.html": `{{block "main" .}}{{end}}`,
		"_default/lesson.html": `{{define "main"}}<a href="{{if .X}}">{{end}}x</a>{{end}}`,
	}, false), nil)
	if err == nil || !strings.Contains(err.Error(), "layouts/_default/lesson.html") {
		t.Errorf("escaping error not reported with its file: %v", err)
	}
}

func TestMissingBaseIsAnError(t *testing.T) {
	_, err := Parse(sources(map[string]string{"_default/lesson.html": "x"}, false), nil)
	if err == nil || !strings.Contains(err.Error(), "layouts/_default/baseof.html: missing") {
		t.Errorf("got %v", err)
	}
}

// TestPartialCached: a partial runs once per build for each list of keys,
// the result is the partial's HTML (not escaped again), and a new Site (a
// new build) starts with an empty cache.
func TestPartialCached(t *testing.T) {
	var site *Site
	l := countingLayouts(t, &site, map[string]string{
		"_default/lesson.html": `{{define "main"}}{{range .}}[{{partialCached "partials/p.html" . .}}]{{end}}{{end}}`,
		"partials/p.html":      `<b>{{.}} {{count}}</b>`,
	})
	render := func() string { return execute(t, l, "lesson", []string{"a", "b<", "a", "b<"}) }
	site = &Site{}
	site.UseLayouts(l, false)
	if got, want := render(), "[<b>a 1</b>][<b>b&lt; 2</b>][<b>a 1</b>][<b>b&lt; 2</b>]"; got != want {
		t.Errorf("first build:\n got %s\nwant %s", got, want)
	}
	if got, want := render(), "[<b>a 1</b>][<b>b&lt; 2</b>][<b>a 1</b>][<b>b&lt; 2</b>]"; got != want {
		t.Errorf("same build again:\n got %s\nwant %s", got, want)
	}
	site = &Site{}
	site.UseLayouts(l, false)
	if got, want := render(), "[<b>a 3</b>][<b>b&lt; 4</b>][<b>a 3</b>][<b>b&lt; 4</b>]"; got != want {
		t.Errorf("next build:\n got %s\nwant %s", got, want)
	}
}

// countingLayouts parses layouts (with a baseof that shows block "main")
// with a build's template functions, reading the site from *site, and
// count, which returns 1, 2, 3… on successive calls.
func countingLayouts(t *testing.T, site **Site, layouts map[string]string) *Layouts {
	t.Helper()
	runs := 0
	funcs := Funcs(func() *Site { return *site }, func(string) (string, bool) { return "", false })
	funcs["count"] = func() int { runs++; return runs }
	files := map[string]string{"_default/baseof.html": `{{block "main" .}}{{end}}`}
	maps.Copy(files, layouts)
	l, err := Parse(sources(files, false), funcs)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// execute renders layout with data.
func execute(t *testing.T, l *Layouts, layout string, data any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := l.Execute(&buf, layout, data); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// keyed is an element of a partialCachedEach list.
type keyed struct{ Name, Key string }

func (k keyed) CacheKey() string { return k.Key }

// TestPartialCachedEach: each element with a key runs the partial once per
// build, elements with an empty key run every time, and the results are
// joined as a range over the list would join them.
func TestPartialCachedEach(t *testing.T) {
	var site *Site
	l := countingLayouts(t, &site, map[string]string{
		"_default/lesson.html": `{{define "main"}}[{{partialCachedEach "partials/p.html" .}}]{{end}}`,
		"_default/page.html":   `{{define "main"}}{{partialCachedEach "partials/p.html" "not a list"}}{{end}}`,
		"_default/module.html": `{{define "main"}}{{partialCachedEach "partials/p.html" .}}{{end}}`,
		"partials/p.html":      `<b>{{.Name}} {{count}}</b>`,
	})
	list := []keyed{{"a", "a"}, {"b<", ""}, {"a", "a"}, {"c", "c"}}
	render := func() string { return execute(t, l, "lesson", list) }
	site = &Site{}
	site.UseLayouts(l, false)
	if got, want := render(), "[<b>a 1</b><b>b&lt; 2</b><b>a 1</b><b>c 3</b>]"; got != want {
		t.Errorf("first build:\n got %s\nwant %s", got, want)
	}
	if got, want := render(), "[<b>a 1</b><b>b&lt; 4</b><b>a 1</b><b>c 3</b>]"; got != want {
		t.Errorf("same build again (b, without a key, runs again):\n got %s\nwant %s", got, want)
	}
	var buf bytes.Buffer
	if err := l.Execute(&buf, "page", nil); err == nil || !strings.Contains(err.Error(), "is not a list") {
		t.Errorf("a string for the list: %v", err)
	}
	if err := l.Execute(&buf, "module", []string{"x"}); err == nil || !strings.Contains(err.Error(), "no CacheKey method") {
		t.Errorf("elements without CacheKey: %v", err)
	}
}

func TestSiteReads(t *testing.T) {
	theme := sources(map[string]string{
		"_default/baseof.html":  `<main>{{block "main" .}}{{end}}</main>`,
		"_default/home.html":    `{{define "main"}}{{range .Site.Course.Modules}}{{.}}{{end}}{{end}}`,
		"partials/sidebar.html": `<nav aria-label="Course">Course contents</nav>`,
	}, true)
	for site, want := range map[string]bool{
		"":                            false, // the theme alone: not the site's
		`Course contents {{.Title}}`:  false,
		`{{/* .Course */}}{{.Title}}`: false,
		`{{.Site.Course.Modules}}`:    true,
		`{{with .Site}}{{with .Course}}{{.}}{{end}}{{end}}`:                   true,
		`{{$s := .Site}}{{$s.Course}}`:                                        true,
		`{{$.Site.Course}}`:                                                   true,
		`{{(.Site).Course}}`:                                                  true,
		`{{if .X}}{{else}}{{template "partials/x.html" .Site.Course}}{{end}}`: true,
		`{{range $i, $m := .Site.Course.Modules}}{{$i}}{{end}}`:               true,
	} {
		srcs := append([]Source(nil), theme...)
		if site != "" {
			srcs = append(srcs,
				Source{Name: "_default/lesson.html", Data: []byte(`{{define "main"}}` + site + `{{end}}`)},
				Source{Name: "partials/x.html", Data: []byte(`x`)})
		}
		l, err := Parse(srcs, template.FuncMap{})
		if err != nil {
			t.Fatalf("%s: %v", site, err)
		}
		if got := l.SiteReads("Course"); got != want {
			t.Errorf("site layout %s: SiteReads(Course) = %v, want %v", site, got, want)
		}
	}
	// A site partial counts as much as a layout.
	l, err := Parse(append(sources(map[string]string{"partials/extra.html": `{{.Site.Course}}`}, false), theme...), template.FuncMap{})
	if err != nil {
		t.Fatal(err)
	}
	if !l.SiteReads("Course") {
		t.Error("a site partial reading .Site.Course was missed")
	}
}
