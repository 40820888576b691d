package build_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// TestMatrixCellsAndPathDrawingAreBounded checks the limits that keep the
// generated pages readable on big courses: a matrix cell lists six lessons
// and counts the rest; /path/ draws its SVG only up to 300 lessons.
func TestMatrixCellsAndPathDrawingAreBounded(t *testing.T) {
	site := func(lessons int) fstest.MapFS {
		fsys := fstest.MapFS{
			"site.yaml":              {Data: []byte("title: Bounds\n")},
			"content/01-m/_index.md": {Data: []byte("---\ntitle: M\n---\n")},
		}
		for i := 1; i <= lessons; i++ {
			fsys[fmt.Sprintf("content/01-m/%03d-l%d.md", i, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
				"---\ntitle: Lesson %d\nduration: 5m\nroles: [Developer]\nskills: [SQL]\n---\nText.\n", i))}
		}
		return fsys
	}
	build1 := func(lessons int) *output.Mem {
		mem := output.NewMem()
		if _, err := build.Run(context.Background(), build.Options{Root: site(lessons), Theme: lectern.Theme(), Sink: mem, NoMinify: true}); err != nil {
			t.Fatalf("%d lessons: %v", lessons, err)
		}
		return mem
	}
	small := build1(8)
	matrix, _ := small.Get("matrix/index.html")
	if n := strings.Count(string(matrix), `<li><a href="/m/`); n != 6 {
		t.Errorf("the cell lists %d lessons, want 6", n)
	}
	if !strings.Contains(string(matrix), ">2 more</a>") {
		t.Error("the cell does not count the 2 lessons it leaves out")
	}
	if path, _ := small.Get("path/index.html"); !strings.Contains(string(path), "<svg") {
		t.Error("/path/ of 8 lessons has no drawing")
	}
	if path, _ := build1(301).Get("path/index.html"); strings.Contains(string(path), "<svg") {
		t.Error("/path/ of 301 lessons has a drawing; want the list only")
	}
}
