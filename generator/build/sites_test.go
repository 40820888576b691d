package build_test

import (
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/internal/sitetest"
	"github.com/lectern/lectern/generator/output"
)

var update = flag.Bool("update", false, "rewrite want/ sections in testdata/*.txtar")

// TestSites builds every fixture in testdata/ and compares the output with its
// want/ sections (see generator/internal/sitetest and testdata/README.md).
func TestSites(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			site := sitetest.Load(t, path)
			out := buildFixture(t, site)
			site.Check(t, out, *update)
		})
	}
}

func buildFixture(t *testing.T, site *sitetest.Site) sitetest.Output {
	t.Helper()
	mem := output.NewMem()
	opts := build.Options{
		Root:     site.FS,
		Theme:    lectern.Theme(),
		Sink:     mem,
		NoMinify: true,
	}
	for k, v := range site.Options {
		switch k {
		case "drafts":
			opts.Drafts = true
		case "minify":
			opts.NoMinify = false
		case "base-url":
			opts.BaseURL = v
		default:
			t.Fatalf("unknown option %q", k)
		}
	}
	res, err := build.Run(context.Background(), opts)
	out := sitetest.Output{Files: map[string][]byte{}}
	var l diag.List
	switch {
	case errors.As(err, &l):
		for _, e := range l {
			out.Diags = append(out.Diags, e.Error())
		}
	case err != nil:
		t.Fatalf("build failed without diagnostics: %v", err)
	default:
		for _, w := range res.Warnings {
			out.Diags = append(out.Diags, w.Error())
		}
		for _, p := range mem.Paths() {
			data, _ := mem.Get(p)
			out.Files[p] = data
		}
	}
	return out
}
