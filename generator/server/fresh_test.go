package server

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/output"
)

// TestServedSiteEqualsFreshBuild edits, adds, renames and deletes files of
// a site on disk in random orders, tells the server what changed as the
// watcher does, and after each rebuild compares the site it serves (before
// the reload script is injected) with a fresh build's, byte for byte, and
// its error list with the fresh build's. Body edits are patches (the
// server's sites follow each other), so both ways of rebuilding are covered.
func TestServedSiteEqualsFreshBuild(t *testing.T) {
	seeds, steps := 4, 25
	if testing.Short() {
		seeds, steps = 2, 12
	}
	for seed := 0; seed < seeds; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewSource(int64(seed)))
			root := loadSite(t, 3, 4)
			s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true, BaseURL: "http://127.0.0.1:4747/"})
			if !s.Rebuild(context.Background(), nil) {
				t.Fatal("first build failed")
			}
			patches := 0
			for step := 0; step < steps; step++ {
				what, changed := randomEdit(t, root, r, step)
				s.Rebuild(context.Background(), changed)
				s.mu.RLock()
				served, errs := s.site.files, s.errs
				s.mu.RUnlock()
				if served.Carried() {
					patches++
				}
				want, wantErrs := freshBuild(t, root)
				label := fmt.Sprintf("step %d (%s)", step, what)
				if got := fmt.Sprint(errs); got != wantErrs {
					t.Fatalf("%s: the overlay shows\n%s\na fresh build finds\n%s", label, got, wantErrs)
				}
				if want == nil {
					continue // no site: the server keeps the last good one
				}
				compareMem(t, label, served, want)
			}
			if patches == 0 {
				t.Error("no rebuild was a patch")
			}
		})
	}
}

// randomEdit changes the site on disk and returns what it did and the
// paths the watcher would report.
func randomEdit(t *testing.T, root string, r *rand.Rand, step int) (string, []string) {
	t.Helper()
	var lessons []string
	_ = filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && d.Name() != "_index.md" {
			rel, _ := filepath.Rel(root, p)
			lessons = append(lessons, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(lessons)
	p := lessons[r.Intn(len(lessons))]
	full := filepath.Join(root, filepath.FromSlash(p))
	old, _ := os.ReadFile(full)
	write := func(rel, data string) {
		writeFiles(t, root, map[string]string{rel: data})
	}
	switch k := r.Intn(10); {
	case k < 4:
		write(p, string(old)+fmt.Sprintf("\nMore text %d, see [part](#part).\n", step))
		return "body", []string{p}
	case k == 4:
		write(p, strings.Replace(string(old), "## Part", fmt.Sprintf("## Part %d", step), 1))
		return "heading", []string{p}
	case k == 5:
		write(p, string(old)+"\n[gone](nowhere.md)\n")
		return "broken link", []string{p}
	case k == 6:
		write(p, strings.Replace(string(old), "title: ", fmt.Sprintf("title: T%d ", step), 1))
		return "title", []string{p}
	case k == 7:
		q := fmt.Sprintf("content/02-m2/%02d-new-%d.md", 10+step, step)
		write(q, lessonText(fmt.Sprint("New ", step), step))
		return "add", []string{q}
	case k == 8 && len(lessons) > 3:
		if err := os.Remove(full); err != nil {
			t.Fatal(err)
		}
		return "delete", []string{p}
	default:
		q := strings.TrimSuffix(p, ".md") + "-r.md"
		if err := os.Rename(full, filepath.Join(root, filepath.FromSlash(q))); err != nil {
			t.Fatal(err)
		}
		return "rename", []string{p, q}
	}
}

// freshBuild builds the site as serve does, from nothing; errs prints the
// errors as the overlay shows them.
func freshBuild(t *testing.T, root string) (*output.Mem, string) {
	t.Helper()
	fresh := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true, BaseURL: "http://127.0.0.1:4747/"})
	mem := output.NewMem()
	res, err := new(build.Builder).Run(context.Background(), build.Options{
		Root: fresh.fsys, Theme: lectern.Theme(), Sink: mem, Drafts: true, BaseURL: "http://127.0.0.1:4747/", Partial: true,
	})
	if err != nil {
		return nil, fmt.Sprint(fresh.errorViews(diag.ListOf(err)))
	}
	return mem, fmt.Sprint(fresh.errorViews(res.Errors))
}

func compareMem(t *testing.T, label string, got, want *output.Mem) {
	t.Helper()
	gp, wp := got.Paths(), want.Paths()
	if fmt.Sprint(gp) != fmt.Sprint(wp) {
		t.Fatalf("%s: served paths differ from a fresh build's\nserved: %v\nfresh:  %v", label, gp, wp)
	}
	for _, p := range wp {
		g, _ := got.Get(p)
		w, _ := want.Get(p)
		if !bytes.Equal(g, w) {
			t.Fatalf("%s: %s differs from a fresh build", label, p)
		}
	}
}
