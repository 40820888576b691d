package sitetest

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/lectern/lectern/generator/markdown"
)

// BundledBodies converts the body of every Markdown file of the bundled
// course (contentDir: the repository's content/, relative to the test) with
// the default converter and no link resolution, for tests that compare two
// ways of reading real pages. It fails t when the course has fewer than min
// files.
func BundledBodies(t testing.TB, contentDir string, min int) []string {
	t.Helper()
	conv, err := markdown.New(markdown.Options{Typographer: true})
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	err = fs.WalkDir(os.DirFS(contentDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		src, err := os.ReadFile(path.Join(contentDir, p))
		if err != nil {
			return err
		}
		if _, body, ok := strings.Cut(string(src), "\n---\n"); ok {
			bodies = append(bodies, string(conv.Convert([]byte(body), nil).HTML))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the bundled course: %v", err)
	}
	if len(bodies) < min {
		t.Fatalf("only %d pages in %s: is the bundled course there?", len(bodies), contentDir)
	}
	return bodies
}
