package build_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/internal/sitetest"
	"github.com/lectern/lectern/generator/output"
)

// TestRepoSiteBuildsClean builds the repository's own course (site.yaml and
// content/ at the repo root) with no errors and no warnings, then checks
// every page: it parses, has one <h1>, no skipped heading levels, unique ids,
// alt on images, and every link inside the site leads to a file and id that exist.
func TestRepoSiteBuildsClean(t *testing.T) {
	for _, base := range []string{"", "https://user.github.io/backend-course/"} {
		t.Run("base="+base, func(t *testing.T) {
			mem := output.NewMem()
			res, err := build.Run(context.Background(), build.Options{
				Root: os.DirFS("../.."), Theme: lectern.Theme(), Sink: mem, BaseURL: base,
			})
			if err != nil {
				t.Fatalf("the bundled course does not build:\n%v", err)
			}
			for _, w := range res.Warnings {
				t.Errorf("warning: %v", w)
			}
			if len(res.Course.Lessons) < 3 {
				t.Fatalf("only %d lessons", len(res.Course.Lessons))
			}
			exists := func(p string) bool { _, ok := mem.Get(p); return ok }
			idCache := map[string]map[string]bool{}
			ids := func(p string) map[string]bool {
				if m, ok := idCache[p]; ok {
					return m
				}
				data, _ := mem.Get(p)
				idCache[p] = sitetest.IDs(data)
				return idCache[p]
			}
			pages := 0
			for _, p := range mem.Paths() {
				if !strings.HasSuffix(p, ".html") {
					continue
				}
				pages++
				data, _ := mem.Get(p)
				for _, problem := range sitetest.CheckHTML(p, data, res.Config.BasePath(), exists, ids) {
					t.Error(problem)
				}
			}
			if pages < len(res.Course.All) {
				t.Errorf("%d HTML files for %d pages", pages, len(res.Course.All))
			}
		})
	}
}
