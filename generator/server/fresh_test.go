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
	"time"

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
	if d := memDiff(got, want); d != "" {
		t.Fatalf("%s: %s", label, d)
	}
}

// memDiff says how the served site got first differs from a fresh build's
// want, or returns "" when they are the same.
func memDiff(got, want *output.Mem) string {
	gp, wp := got.Paths(), want.Paths()
	if fmt.Sprint(gp) != fmt.Sprint(wp) {
		return fmt.Sprintf("served paths differ from a fresh build's\nserved: %v\nfresh:  %v", gp, wp)
	}
	for _, p := range wp {
		g, _ := got.Get(p)
		w, _ := want.Get(p)
		if !bytes.Equal(g, w) {
			return p + " differs from a fresh build"
		}
	}
	return ""
}

// TestWatchedSiteEqualsFreshBuild goes through the real watcher: it makes
// every kind of change on disk (lesson bodies, titles, new, deleted and
// renamed lessons, module folders renamed and deleted, layouts, stylesheets
// and static files added, changed and deleted, site.yaml, editor saves) and
// after each waits until the served site equals a fresh build's, byte for
// byte, with the same errors; it fails if it never does.
func TestWatchedSiteEqualsFreshBuild(t *testing.T) {
	root := loadSite(t, 3, 4)
	s := New(Options{Root: root, Theme: lectern.Theme(), Drafts: true, BaseURL: "http://127.0.0.1:4747/"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	defer func() { cancel(); <-done }()
	<-s.Built()

	write := func(rel, data string) { writeFiles(t, root, map[string]string{rel: data}) }
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	move := func(from, to string) {
		if err := os.Rename(filepath.Join(root, filepath.FromSlash(from)), filepath.Join(root, filepath.FromSlash(to))); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(rel string) {
		if err := os.RemoveAll(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []struct {
		what string
		do   func()
	}{
		{"body", func() { write("content/01-m1/02-l2.md", read("content/01-m1/02-l2.md")+"\nMore.\n") }},
		{"title", func() {
			write("content/01-m1/03-l3.md", strings.Replace(read("content/01-m1/03-l3.md"), "title: ", "title: New ", 1))
		}},
		{"atomic save", func() { saveAtomically(t, root, "content/02-m2/01-l1.md", lessonText("Saved", 3)) }},
		{"add", func() { write("content/02-m2/09-extra.md", lessonText("Extra", 4)) }},
		{"rename", func() { move("content/02-m2/09-extra.md", "content/02-m2/10-extra.md") }},
		{"delete", func() { remove("content/02-m2/10-extra.md") }},
		{"broken link", func() { write("content/03-m3/01-l1.md", read("content/03-m3/01-l1.md")+"\n[gone](gone.md)\n") }},
		{"fix it", func() {
			write("content/03-m3/01-l1.md", strings.Replace(read("content/03-m3/01-l1.md"), "[gone](gone.md)", "", 1))
		}},
		{"module folder renamed", func() { move("content/03-m3", "content/04-m4") }},
		{"module folder deleted", func() { remove("content/04-m4") }},
		{"layout added", func() { write("layouts/partials/footer-end.html", "<p>Footer note.</p>") }},
		{"layout changed", func() { write("layouts/partials/footer-end.html", "<p>Another note.</p>") }},
		{"layout deleted", func() { remove("layouts/partials/footer-end.html") }},
		{"stylesheet changed", func() { write("assets/css/main.css", "body{color:navy}") }},
		{"stylesheet added", func() { write("assets/css/extra.css", "p{margin:0}") }},
		{"stylesheet deleted", func() { remove("assets/css/extra.css") }},
		{"static file", func() { write("static/robots-extra.txt", "x") }},
		{"site.yaml", func() { write("site.yaml", "title: Load again\n") }},
		{"broken front matter", func() { write("content/01-m1/01-l1.md", "---\ntitle: [\n---\nx\n") }},
		{"new module", func() { write("content/05-m5/01-a.md", lessonText("Late", 5)) }},
	} {
		c.do()
		label := fmt.Sprintf("change %d (%s)", i, c.what)
		deadline := time.Now().Add(10 * time.Second)
		for {
			want, wantErrs := freshBuild(t, root)
			s.mu.RLock()
			served, errs := s.site.files, fmt.Sprint(s.errs)
			s.mu.RUnlock()
			same := errs == wantErrs
			if same && want != nil {
				same = memDiff(served, want) == ""
			}
			if same {
				break
			}
			if time.Now().After(deadline) {
				if errs != wantErrs {
					t.Fatalf("%s: the overlay shows\n%s\na fresh build finds\n%s", label, errs, wantErrs)
				}
				compareMem(t, label, served, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
