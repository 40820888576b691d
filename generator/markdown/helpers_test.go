package markdown

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lectern/lectern/generator/diag"
)

func mustNew(t testing.TB, o Options) *Converter {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// site is a fake Resolver: a few pages and files of a course.
type site map[string][2]string // path as written → href, target

var testSite = site{
	"../02-apis/01-rest.md": {"/apis/rest/", "apis/rest"},
	"/apis/rest/":           {"/apis/rest/", "apis/rest"},
	"intro.md":              {"/basics/intro/", "basics/intro"},
	"my notes.md":           {"/basics/my-notes/", "basics/my-notes"},
	"diagram.svg":           {"/basics/intro/diagram.svg", ""},
	"slides.pdf":            {"/basics/slides.pdf", ""},
	"y.md":                  {"/y/", "y"},
}

func (s site) Resolve(path string, image bool) (string, string, error) {
	if v, ok := s[path]; ok {
		return v[0], v[1], nil
	}
	if image {
		return "", "", fmt.Errorf("image %q not found", path)
	}
	return "", "", fmt.Errorf("link to %q: no such page", path)
}

// pos turns a Diag or Ref offset into "line:col".
func pos(src string, off int) string {
	l, c := diag.At([]byte(src), off)
	return fmt.Sprintf("%d:%d", l, c)
}

func diagStrings(src string, d *Doc) []string {
	var out []string
	for _, g := range d.Diags {
		sev := "error"
		if g.Warning {
			sev = "warning"
		}
		out = append(out, fmt.Sprintf("%s %s: %s", pos(src, g.Offset), sev, g.Msg))
	}
	return out
}

// fence swaps ~~~ for ``` so code fences can sit in raw strings.
func fence(s string) string { return strings.ReplaceAll(s, "~~~", "```") }

func checkHTML(t *testing.T, html string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
	for _, w := range notWant {
		if strings.Contains(html, w) {
			t.Errorf("unexpected %q in\n%s", w, html)
		}
	}
}
