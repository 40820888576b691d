package build

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/output"
)

// TestRegionsChangeNothing builds sites with partialCached regions
// minified apart (the default) and with every page minified whole, and
// compares every output byte for byte: the bundled course and a generated
// course of 60 modules, whose sidebars are large regions.
func TestRegionsChangeNothing(t *testing.T) {
	gen := fstest.MapFS{"site.yaml": {Data: []byte("title: Regions\nbaseURL: https://example.org/r/\n")}}
	gen["content/_index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Home\n---\nWelcome.\n")}
	for m := 1; m <= 60; m++ {
		gen[fmt.Sprintf("content/m%02d/_index.md", m)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: \"Module %d: <b>&amp;</b> \\\"quoted\\\"\"\n---\nAbout module %d.\n", m, m))}
		for l := 1; l <= 3; l++ {
			gen[fmt.Sprintf("content/m%02d/l%d.md", m, l)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
				"---\ntitle: Lesson %d.%d  spaced   title\ndraft: %v\n---\n## Part\n\nText with `code` and **bold**.\n\n```go\nfunc f() {}\n```\n",
				m, l, l == 3 && m%7 == 0))}
		}
	}
	sites := map[string]fs.FS{"generated": gen}
	if _, err := os.Stat("../../content"); err == nil {
		sites["bundled"] = os.DirFS("../..")
	}
	for name, root := range sites {
		t.Run(name, func(t *testing.T) {
			build := func(regions bool) *output.Mem {
				minifyRegions = regions
				defer func() { minifyRegions = true }()
				mem := output.NewMem()
				if _, err := Run(context.Background(), Options{Root: root, Theme: lectern.Theme(), Sink: mem, Drafts: true}); err != nil {
					t.Fatal(err)
				}
				return mem
			}
			var cuts, code int64
			regionsUsed = func(m *output.RegionMemo) { cuts, code = m.Cuts(), m.CodeBlocks() }
			defer func() { regionsUsed = nil }()
			cut := build(true)
			regionCuts, codeBlocks := cuts, code
			whole := build(false)
			pages := 0
			for _, p := range whole.Paths() {
				w, _ := whole.Get(p)
				c, ok := cut.Get(p)
				if !ok || !bytes.Equal(c, w) {
					t.Errorf("%s differs when regions are minified apart", p)
					continue
				}
				if strings.HasSuffix(p, ".html") {
					pages++
				}
			}
			if len(cut.Paths()) != len(whole.Paths()) {
				t.Errorf("%d files with regions, %d without", len(cut.Paths()), len(whole.Paths()))
			}
			// The regions must really have been cut out: on the generated
			// site, every page with a sidebar (all but home, 404, print,
			// matrix and the search-less ones).
			if name == "generated" && regionCuts < int64(pages)/2 {
				t.Errorf("only %d of %d pages were minified in pieces", regionCuts, pages)
			}
			// And the lessons' code blocks minified by the fast path: both
			// sites have code in their lessons.
			if codeBlocks == 0 {
				t.Error("no code block was minified apart")
			}
			t.Logf("%d pages compared, %d minified in pieces, %d code blocks apart", pages, regionCuts, codeBlocks)
		})
	}
}
