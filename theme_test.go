package lectern

import (
	"io/fs"
	"slices"
	"testing"
)

// TestThemeEmbedsEveryFile guards the go:embed pattern: without "all:",
// layouts/_default/ (a name starting with _) silently vanishes from the binary.
func TestThemeEmbedsEveryFile(t *testing.T) {
	var got []string
	err := fs.WalkDir(Theme(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			got = append(got, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"layouts/_default/baseof.html", "layouts/_default/home.html", "layouts/_default/module.html",
		"layouts/_default/lesson.html", "layouts/_default/page.html", "layouts/_default/taxonomy.html",
		"layouts/_default/term.html", "layouts/_default/404.html",
		"layouts/partials/head-end.html", "layouts/partials/footer-end.html",
		"assets/css/main.css", "assets/js/main.js", "assets/favicon.svg",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("the built-in theme lacks %s (have %v)", want, got)
		}
	}
}
