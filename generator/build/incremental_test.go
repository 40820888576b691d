package build_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// edit is one change an author makes; it returns the paths it touched.
type edit struct {
	name  string
	apply func(fsys fstest.MapFS, r *rand.Rand) []string
}

func lessonPaths(fsys fstest.MapFS) []string {
	var out []string
	for p := range fsys {
		if strings.HasPrefix(p, "content/") && strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "_index.md") && strings.Count(p, "/") == 2 {
			out = append(out, p)
		}
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func pick(fsys fstest.MapFS, r *rand.Rand) string {
	ls := lessonPaths(fsys)
	if len(ls) == 0 { // every lesson was deleted: start again
		p := "content/01-module-1/01-lesson-1.md"
		fsys[p] = &fstest.MapFile{Data: []byte("---\ntitle: Lesson again\ntags: [t1]\n---\n## Intro\n\nAgain.\n")}
		return p
	}
	return ls[r.Intn(len(ls))]
}

func replaceIn(fsys fstest.MapFS, p, old, new string) {
	fsys[p] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys[p].Data), old, new, 1))}
}

var edits = []edit{
	{"body", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		fsys[p] = &fstest.MapFile{Data: append(bytes.Clone(fsys[p].Data), []byte(fmt.Sprintf("\nA new paragraph %d with more words to read.\n", r.Int()))...)}
		return []string{p}
	}},
	{"title", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		replaceIn(fsys, p, "title: ", fmt.Sprintf("title: Renamed %d ", r.Intn(100)))
		return []string{p}
	}},
	{"weight", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		replaceIn(fsys, p, "---\n", fmt.Sprintf("---\nweight: %d\n", r.Intn(20)))
		return []string{p}
	}},
	{"add", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := fmt.Sprintf("content/%02d-module-%d/%02d-extra-%d.md", 1, 1, 50+r.Intn(40), r.Intn(1000))
		fsys[p] = &fstest.MapFile{Data: []byte("---\ntitle: Extra\ntags: [extra]\n---\n## Extra\n\nSee [the first](01-lesson-1.md#intro).\n")}
		return []string{p}
	}},
	{"delete", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		delete(fsys, p)
		return []string{p}
	}},
	{"rename", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		q := strings.TrimSuffix(p, ".md") + "-moved.md"
		fsys[q] = fsys[p]
		delete(fsys, p)
		return []string{p, q}
	}},
	{"draft", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		replaceIn(fsys, p, "---\n", "---\ndraft: true\n")
		return []string{p}
	}},
	{"broken front matter", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		replaceIn(fsys, p, "---\n", "---\nweight: [\n")
		return []string{p}
	}},
	{"module title", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := fmt.Sprintf("content/%02d-module-%d/_index.md", 2, 2)
		fsys[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Module two v%d\n---\nIntro.\n", r.Intn(100)))}
		return []string{p}
	}},
	{"new module folder", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := fmt.Sprintf("content/09-late-%d/01-first.md", r.Intn(100))
		fsys[p] = &fstest.MapFile{Data: []byte("---\ntitle: Late first\n---\nLate.\n")}
		return []string{p[:strings.LastIndexByte(p, '/')]}
	}},
	{"layout", func(fsys fstest.MapFS, r *rand.Rand) []string {
		fsys["layouts/partials/footer-end.html"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("<p>footer %d</p>", r.Intn(100)))}
		return []string{"layouts/partials/footer-end.html"}
	}},
	{"css", func(fsys fstest.MapFS, r *rand.Rand) []string {
		fsys["assets/css/extra.css"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("p{margin:%dpx}", r.Intn(100)))}
		return []string{"assets/css/extra.css"}
	}},
	{"static", func(fsys fstest.MapFS, r *rand.Rand) []string {
		fsys["static/robots-extra.txt"] = &fstest.MapFile{Data: []byte(fmt.Sprint(r.Int()))}
		return []string{"static/robots-extra.txt"}
	}},
	{"resource", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := "content/01-module-1/diagram.svg"
		fsys[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d"/>`, r.Intn(100)))}
		return []string{p}
	}},
	{"site.yaml", func(fsys fstest.MapFS, r *rand.Rand) []string {
		fsys["site.yaml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("title: Determinism %d\nbaseURL: https://example.org/sub/\n", r.Intn(100)))}
		return []string{"site.yaml"}
	}},
	{"prerequisite cycle", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := "content/01-module-1/01-lesson-1.md"
		if _, ok := fsys[p]; !ok {
			return nil
		}
		replaceIn(fsys, p, "---\n", "---\nprerequisites: [module-1/lesson-3]\n")
		return []string{p}
	}},
	{"border title", func(fsys fstest.MapFS, r *rand.Rand) []string {
		// The last lesson of a module is the previous lesson of the next module's first.
		ls := lessonPaths(fsys)
		for i := 0; i+1 < len(ls); i++ {
			if dir(ls[i]) != dir(ls[i+1]) {
				replaceIn(fsys, ls[i], "title: ", fmt.Sprintf("title: Border %d ", r.Intn(100)))
				return []string{ls[i]}
			}
		}
		return nil
	}},
	{"nothing", func(fstest.MapFS, *rand.Rand) []string { return nil }},
	// Body edits that change what other pages' checks find.
	{"heading renamed", func(fsys fstest.MapFS, r *rand.Rand) []string {
		// Other lessons link to /module-1/lesson-1/#intro.
		p := "content/01-module-1/01-lesson-1.md"
		if _, ok := fsys[p]; !ok {
			p = pick(fsys, r)
		}
		if bytes.Contains(fsys[p].Data, []byte("## Intro")) {
			replaceIn(fsys, p, "## Intro", "## Start")
		} else {
			replaceIn(fsys, p, "## Start", "## Intro")
		}
		return []string{p}
	}},
	{"broken link in body", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		if bytes.Contains(fsys[p].Data, []byte("[gone](")) {
			replaceIn(fsys, p, "[gone](missing.md)", "gone")
		} else {
			replaceIn(fsys, p, "## Intro", "## Intro\n\nSee [gone](missing.md) and [a fragment](#nowhere).")
		}
		return []string{p}
	}},
	{"long body", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		fsys[p] = &fstest.MapFile{Data: append(bytes.Clone(fsys[p].Data), []byte("\n"+strings.Repeat("word ", 4100)+"\n")...)}
		return []string{p}
	}},
	{"standalone page", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := "content/about.md"
		fsys[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: About %d\n---\nAbout this course.\n", r.Intn(100)))}
		return []string{p}
	}},
	{"body links to the standalone page and the resource", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		if bytes.Contains(fsys[p].Data, []byte("[about](")) {
			replaceIn(fsys, p, "[about](/about/) and diagram.svg", "")
		} else {
			replaceIn(fsys, p, "## Intro", "## Intro\n\n[about](/about/) and diagram.svg")
		}
		return []string{p}
	}},
	{"home body", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := "content/_index.md"
		fsys[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Home\n---\nWelcome %d. See [the intro](/module-1/lesson-1/#intro).\n", r.Intn(100)))}
		return []string{p}
	}},
	{"same bytes saved", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		fsys[p] = &fstest.MapFile{Data: bytes.Clone(fsys[p].Data)}
		return []string{p}
	}},
	{"url clash", func(fsys fstest.MapFS, r *rand.Rand) []string {
		// A second file takes lesson 1.1's URL and loses it (the first
		// source path wins); when it exists, its body is edited: a patch
		// of a page that is not in the output.
		p := "content/01-module-1/97-lesson-1.md"
		if f, ok := fsys[p]; ok {
			fsys[p] = &fstest.MapFile{Data: append(bytes.Clone(f.Data), []byte(fmt.Sprintf("\nClash paragraph %d.\n", r.Int()))...)}
		} else {
			fsys[p] = &fstest.MapFile{Data: []byte("---\ntitle: Clash\n---\nClash body.\n")}
		}
		return []string{p}
	}},
	{"url clash, every claimant edited", func(fsys fstest.MapFS, r *rand.Rand) []string {
		var out []string
		for _, p := range []string{"content/01-module-1/01-lesson-1.md", "content/01-module-1/97-lesson-1.md", "content/01-module-1/98-lesson-1.md"} {
			f, ok := fsys[p]
			if !ok {
				if !strings.Contains(p, "/9") {
					continue // renamed or deleted by an earlier edit
				}
				f = &fstest.MapFile{Data: []byte("---\ntitle: Clash too\n---\nClash.\n")}
			}
			fsys[p] = &fstest.MapFile{Data: append(bytes.Clone(f.Data), []byte(fmt.Sprintf("\nEdited %d.\n", r.Int()))...)}
			out = append(out, p)
		}
		return out
	}},
	{"tags", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		replaceIn(fsys, p, "tags: [", fmt.Sprintf("tags: [new-%d, ", r.Intn(3)))
		return []string{p}
	}},
	{"slug", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p := pick(fsys, r)
		replaceIn(fsys, p, "---\n", fmt.Sprintf("---\nslug: custom-%d\n", r.Intn(4)))
		return []string{p}
	}},
	{"module folder renamed", func(fsys fstest.MapFS, r *rand.Rand) []string {
		from := dir(dir(pick(fsys, r)))
		to := from + fmt.Sprintf("-moved-%d", r.Intn(100))
		for p, f := range fsys {
			if strings.HasPrefix(p, from+"/") {
				fsys[to+strings.TrimPrefix(p, from)] = f
				delete(fsys, p)
			}
		}
		return []string{from, to}
	}},
	{"module folder deleted", func(fsys fstest.MapFS, r *rand.Rand) []string {
		ls := lessonPaths(fsys)
		if len(ls) < 8 {
			return nil // keep a course to edit
		}
		from := dir(ls[len(ls)-1])
		for p := range fsys {
			if strings.HasPrefix(p, from+"/") {
				delete(fsys, p)
			}
		}
		return []string{from}
	}},
	{"layout deleted", func(fsys fstest.MapFS, r *rand.Rand) []string {
		delete(fsys, "layouts/partials/footer-end.html")
		return []string{"layouts/partials/footer-end.html"}
	}},
	{"css deleted", func(fsys fstest.MapFS, r *rand.Rand) []string {
		delete(fsys, "assets/css/extra.css")
		return []string{"assets/css/extra.css"}
	}},
	{"title from the body", bodyTitle},
	{"title from the body again", bodyTitle},
	{"two bodies", func(fsys fstest.MapFS, r *rand.Rand) []string {
		p, q := pick(fsys, r), pick(fsys, r)
		for _, x := range []string{p, q} {
			fsys[x] = &fstest.MapFile{Data: append(bytes.Clone(fsys[x].Data), []byte(fmt.Sprintf("\n## Added %d\n\nText.\n", r.Int()))...)}
		}
		return []string{p, q}
	}},
}

// bodyTitle adds a lesson whose title, from its body's "# Heading",
// duplicates another's in its module (a warning at the heading's line), or
// when it exists moves that line down.
func bodyTitle(fsys fstest.MapFS, r *rand.Rand) []string {
	p := "content/03-module-3/90-dup.md"
	if _, ok := fsys[p]; ok {
		replaceIn(fsys, p, "# Lesson 3.1", "\n# Lesson 3.1")
	} else {
		fsys[p] = &fstest.MapFile{Data: []byte("---\nduration: 5m\n---\n# Lesson 3.1\n\nSame title.\n")}
	}
	return []string{p}
}

func dir(p string) string { return p[:strings.LastIndexByte(p, '/')] }

type snapshot struct {
	files  map[string][]byte
	diags  string
	counts string // Result's
}

func runOnce(t *testing.T, b *build.Builder, fsys fstest.MapFS, changed []string) (snapshot, *build.Result) {
	t.Helper()
	s, res, _ := runInto(t, b, fsys, changed, output.NewMem())
	return s, res
}

// runInto is runOnce writing to mem; ok is false when the build made no site.
func runInto(t *testing.T, b *build.Builder, fsys fstest.MapFS, changed []string, mem *output.Mem) (s snapshot, res *build.Result, ok bool) {
	t.Helper()
	res, err := b.Run(context.Background(), build.Options{
		Root: fsys, Theme: lectern.Theme(), Sink: mem, Drafts: true, Partial: true, Changed: changed,
	})
	s = snapshot{files: map[string][]byte{}}
	if err != nil {
		s.diags = "FATAL " + err.Error()
		return s, res, false
	}
	for _, p := range mem.Paths() {
		s.files[p], _ = mem.Get(p)
	}
	s.diags = res.Errors.Error() + "\n" + res.Warnings.Error()
	s.counts = fmt.Sprintf("%d pages, %d files, %d bytes", res.Pages, res.Files, res.Bytes)
	return s, res, true
}

func compare(t *testing.T, step string, got, want snapshot) {
	t.Helper()
	if got.diags != want.diags {
		t.Fatalf("%s: diagnostics differ\nincremental:\n%s\nfresh:\n%s", step, got.diags, want.diags)
	}
	for p, w := range want.files {
		if g, ok := got.files[p]; !ok {
			t.Fatalf("%s: incremental build lacks %s", step, p)
		} else if !bytes.Equal(g, w) {
			t.Fatalf("%s: %s differs from a fresh build\n%s", step, p, diffBytes(w, g))
		}
	}
	for p := range got.files {
		if _, ok := want.files[p]; !ok {
			t.Fatalf("%s: incremental build has stale %s", step, p)
		}
	}
	if got.counts != want.counts {
		t.Fatalf("%s: counts differ: incremental %s, fresh %s", step, got.counts, want.counts)
	}
}

func diffBytes(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("fresh:       …%s…\nincremental: …%s…", want[lo:min(len(want), i+80)], got[lo:min(len(got), i+80)])
}

// TestIncrementalEqualsFresh applies random sequences of edits (bodies,
// titles, order, adds, deletes, renames, drafts, broken files, layouts, CSS,
// static files, site.yaml…) and after each one compares the Builder's
// incremental output with a fresh build's, byte for byte. Each sequence runs
// three times: telling the Builder nothing, telling it what changed, and
// telling it what changed with each site's sink following the last good one
// as the dev server does (body edits are then patches: see patch.go).
func TestIncrementalEqualsFresh(t *testing.T) {
	seeds := 5
	steps := 16
	if testing.Short() {
		seeds, steps = 2, 8
	}
	// Seed -1 walks every edit once, in order, so each kind is always covered.
	for seed := -1; seed < seeds; seed++ {
		for _, mode := range []string{"tell", "silent", "follow"} {
			tell, follow := mode != "silent", mode == "follow"
			t.Run(fmt.Sprintf("seed=%d/%s", seed, mode), func(t *testing.T) {
				r := rand.New(rand.NewSource(int64(seed)))
				fsys := course(3, 5)
				inc := new(build.Builder)
				good := output.NewMem() // the last site that was usable
				_, _, ok := runInto(t, inc, fsys, nil, good)
				if !ok {
					t.Fatal("the first build failed")
				}
				patches := 0
				n := steps
				if seed < 0 {
					n = len(edits)
				}
				for step := 0; step < n; step++ {
					e := edits[r.Intn(len(edits))]
					if seed < 0 {
						if step >= len(edits) {
							break
						}
						e = edits[step]
					}
					changed := e.apply(fsys, r)
					if !tell {
						changed = nil
					} else if changed == nil {
						changed = []string{}
					}
					var got snapshot
					if follow {
						mem := output.NewMemLike(good)
						var ok bool
						got, _, ok = runInto(t, inc, fsys, changed, mem)
						if mem.Carried() {
							patches++
						}
						if ok {
							good = mem
						}
					} else {
						got, _ = runOnce(t, inc, fsys, changed)
					}
					want, _ := runOnce(t, new(build.Builder), fsys, nil)
					compare(t, fmt.Sprintf("step %d (%s)", step, e.name), got, want)
				}
				if follow && seed < 0 && patches < 8 {
					t.Errorf("%d runs were patches, want one per body edit", patches)
				}
			})
		}
	}
}

// TestBodyEditRerendersOnePage checks that the memo works: after a body edit
// that changes neither the page's summary nor its links, only that page is
// rendered again (and /print/, which holds every body: made anew on request).
func TestBodyEditRerendersOnePage(t *testing.T) {
	fsys := course(3, 5)
	b := new(build.Builder)
	_, first := runOnce(t, b, fsys, nil)
	if first.Rendered != first.Pages {
		t.Fatalf("first run rendered %d of %d pages", first.Rendered, first.Pages)
	}
	p := "content/02-module-2/03-lesson-3.md"
	fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("## Intro"), []byte("## Intro\n\nOne more short line."), 1)}
	_, res := runOnce(t, b, fsys, []string{p})
	if res.Rendered != 2 {
		t.Errorf("a body edit re-rendered %d pages, want 2 (the lesson and /print/)", res.Rendered)
	}
	_, res = runOnce(t, b, fsys, []string{})
	if res.Rendered != 0 {
		t.Errorf("a run without changes re-rendered %d pages, want 0", res.Rendered)
	}
}

// TestTitleEditRerendersWhatShowsIt: a lesson's new title re-renders the
// pages that show it (its module's, whose sidebar lists it, its neighbours,
// the lists), not the whole site, also when the site's layouts are copies
// of the theme's with "Course" in their text (only an action reading
// .Site.Course makes every page depend on every title).
func TestTitleEditRerendersWhatShowsIt(t *testing.T) {
	fsys := course(4, 6)
	for _, name := range []string{"partials/sidebar.html", "_default/home.html"} {
		data, err := fs.ReadFile(lectern.Theme(), "layouts/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("Course")) {
			t.Fatalf("the theme's %s no longer says Course: pick another file for this test", name)
		}
		fsys["layouts/"+name] = &fstest.MapFile{Data: data}
	}
	b := new(build.Builder)
	runOnce(t, b, fsys, nil)
	p := "content/02-module-2/03-lesson-3.md"
	replaceIn(fsys, p, "title: ", "title: Renamed ")
	_, res := runOnce(t, b, fsys, []string{p})
	// Module 2's 6 lessons and page, lessons 2.2 and 2.4 among them, the
	// home page, the learning path, /print/ and the lesson's term pages.
	if res.Rendered > 16 {
		t.Errorf("a title edit re-rendered %d of %d pages", res.Rendered, res.Pages)
	}
	t.Logf("a title edit re-rendered %d of %d pages", res.Rendered, res.Pages)
	fsys["layouts/partials/footer-end.html"] = &fstest.MapFile{Data: []byte(`{{len .Site.Course.Lessons}}`)}
	runOnce(t, b, fsys, []string{"layouts/partials/footer-end.html"})
	replaceIn(fsys, p, "title: ", "title: Again ")
	if _, res = runOnce(t, b, fsys, []string{p}); res.Rendered != res.Pages {
		t.Errorf("with a layout reading .Site.Course, a title edit re-rendered %d of %d pages, want all", res.Rendered, res.Pages)
	}
}
