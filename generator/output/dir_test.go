package output

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// world is a temporary layout: base/home is $HOME, base/w/site the site root.
type world struct {
	base, home, site string
}

func newWorld(t *testing.T) world {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := world{base: base, home: filepath.Join(base, "home"), site: filepath.Join(base, "w", "site")}
	for _, d := range []string{w.home, filepath.Join(w.site, "content"), filepath.Join(w.site, "layouts")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", w.home)
	t.Setenv("USERPROFILE", w.home)
	return w
}

func (w world) opts(dest string) DirOptions {
	return DirOptions{
		Dest:     dest,
		SiteRoot: w.site,
		Protect: []string{
			filepath.Join(w.site, "content"), filepath.Join(w.site, "layouts"),
			filepath.Join(w.site, "assets"), filepath.Join(w.site, "static"),
		},
	}
}

func (w world) public() string { return filepath.Join(w.site, "public") }

// build writes files through a Dir and commits it.
func build(t *testing.T, opts DirOptions, files map[string]string) *Dir {
	t.Helper()
	d, err := OpenDir(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := d.Write(p, []byte(files[p])); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	return d
}

// snapshot maps every entry under dir to its content ("<dir>" for folders,
// "-> target" for symbolic links).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case de.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			snap[rel] = "-> " + target
			return err
		case de.IsDir():
			snap[rel] = "<dir>"
		default:
			b, err := os.ReadFile(p)
			snap[rel] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// leftovers lists the temporary or old folders beside dest.
func leftovers(t *testing.T, dest string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dest))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.Contains(e.Name(), leftoverInfix) {
			names = append(names, e.Name())
		}
	}
	return names
}

// siteFiles is what dest should hold after a build that wrote files.
func siteFiles(files map[string]string) map[string]string {
	want := map[string]string{".": "<dir>"}
	var paths []string
	for p, data := range files {
		want[filepath.FromSlash(p)] = data
		paths = append(paths, p)
		for dir := filepath.Dir(p); dir != "."; dir = filepath.Dir(dir) {
			want[filepath.FromSlash(dir)] = "<dir>"
		}
	}
	slices.Sort(paths)
	want[ManifestName] = manifestHeader + "\n" + strings.Join(paths, "\n") + "\n"
	return want
}

func TestOpenDirRefuses(t *testing.T) {
	w := newWorld(t)
	theme := filepath.Join(w.base, "theme")
	writeTree(t, w.base, map[string]string{
		"w/site/public-file":             "x",
		"w/site/repo/.git/HEAD":          "ref: refs/heads/main\n",
		"w/site/mine/notes.txt":          "mine",
		"w/site/many/a":                  "",
		"w/site/many/b":                  "",
		"w/site/many/c/d":                "",
		"w/site/many/e":                  "",
		"w/site/many/f":                  "",
		"w/site/many/g":                  "",
		"w/site/many/h":                  "",
		"w/site/partial/index.html":      "built",
		"w/site/partial/extra.txt":       "mine",
		"w/site/partial/" + ManifestName: manifestHeader + "\nindex.html\n",
		"w/site/badman/" + ManifestName:  "my own list\n",
		"w/site/newer/" + ManifestName:   "# lectern-manifest v9\n",
		"theme/layouts/base.html":        "",
	})
	if err := os.Symlink(filepath.Join(w.site, "content"), filepath.Join(w.base, "to-content")); err != nil {
		t.Fatal(err)
	}
	root := "/"
	if runtime.GOOS == "windows" {
		root = filepath.VolumeName(w.base) + `\`
	}
	tests := []struct {
		name, dest string
		protect    []string
		want       string
	}{
		{"root", root, nil, "filesystem root"},
		{"home", w.home, nil, "it is your home folder"},
		{"home ancestor", w.base, nil, "contains your home folder"},
		{"site root", w.site, nil, "it is the site root"},
		{"site root via dot dot", filepath.Join(w.site, "content", ".."), nil, "it is the site root"},
		{"site ancestor", filepath.Join(w.base, "w"), nil, "contains the site root"},
		{"content", filepath.Join(w.site, "content"), nil, "which holds the site's sources"},
		{"inside content", filepath.Join(w.site, "content", "public"), nil, "it is inside"},
		{"inside missing static", filepath.Join(w.site, "static", "x", "y"), nil, "it is inside"},
		{"inside protect elsewhere", filepath.Join(theme, "out"), []string{theme}, "it is inside " + theme},
		{"contains protect", w.base + string(filepath.Separator) + "theme-parent", []string{filepath.Join(w.base, "theme-parent", "theme")}, "contains " + filepath.Join(w.base, "theme-parent", "theme")},
		{"symlink to content", filepath.Join(w.base, "to-content"), nil, "resolves to " + filepath.Join(w.site, "content")},
		{"not a folder", filepath.Join(w.site, "public-file"), nil, "is not a folder"},
		{"under a file", filepath.Join(w.site, "public-file", "x"), nil, "cannot resolve"},
		{"git", filepath.Join(w.site, "repo"), nil, "holds .git"},
		{"foreign", filepath.Join(w.site, "mine"), nil, "has no .lectern-manifest, so lectern did not write 1 of the files or folders in it: notes.txt;"},
		{"many foreign", filepath.Join(w.site, "many"), nil, "7 of the files or folders in it: a, b, c/, e, f and 2 more"},
		{"not in manifest", filepath.Join(w.site, "partial"), nil, "does not list 1 of the files or folders in it: extra.txt;"},
		{"foreign manifest", filepath.Join(w.site, "badman"), nil, "not written by lectern"},
		{"newer manifest", filepath.Join(w.site, "newer"), nil, "format this version of lectern does not know"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := w.opts(tt.dest)
			opts.Protect = append(opts.Protect, tt.protect...)
			before := snapshot(t, w.base)
			d, err := OpenDir(opts)
			if err == nil {
				d.Abort()
				t.Fatalf("OpenDir(%s) succeeded, want a refusal containing %q", tt.dest, tt.want)
			}
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("OpenDir(%s) = %v (%T), want a *RefusedError", tt.dest, err, err)
			}
			if !strings.Contains(re.Reason, tt.want) {
				t.Errorf("reason = %q, want it to contain %q", re.Reason, tt.want)
			}
			if !strings.Contains(err.Error(), re.Dest) || !filepath.IsAbs(re.Dest) {
				t.Errorf("error %q does not name the absolute destination %q", err, re.Dest)
			}
			if after := snapshot(t, w.base); !maps.Equal(before, after) {
				t.Errorf("a refused OpenDir changed the file system")
			}
		})
	}
}

func TestOpenDirOptions(t *testing.T) {
	w := newWorld(t)
	if _, err := OpenDir(DirOptions{SiteRoot: w.site}); err == nil {
		t.Error("OpenDir without Dest succeeded")
	}
	if _, err := OpenDir(DirOptions{Dest: w.public()}); err == nil {
		t.Error("OpenDir without SiteRoot succeeded")
	}
}

func TestDirNewDest(t *testing.T) {
	for _, nested := range []bool{false, true} {
		t.Run(fmt.Sprint("nested=", nested), func(t *testing.T) {
			w := newWorld(t)
			dest := w.public()
			if nested {
				dest = filepath.Join(w.base, "out", "deep", "public")
			}
			files := map[string]string{"index.html": "<p>home", "a/b/index.html": "b", "assets/x.css": "a{}"}
			d := build(t, w.opts(dest), files)
			if d.Dest() != dest {
				t.Errorf("Dest() = %q, want %q", d.Dest(), dest)
			}
			if got, want := snapshot(t, dest), siteFiles(files); !maps.Equal(got, want) {
				t.Errorf("dest = %q\nwant %q", got, want)
			}
			if l := leftovers(t, dest); l != nil {
				t.Errorf("leftovers after Commit: %q", l)
			}
			if runtime.GOOS != "windows" {
				info, err := os.Stat(filepath.Join(dest, "a", "b", "index.html"))
				if err != nil || info.Mode().Perm()&^0o022 != 0o644&^0o022 {
					t.Errorf("file mode = %v, %v; want 0644 less umask", info.Mode(), err)
				}
			}
		})
	}
}

func TestDirRelativeDest(t *testing.T) {
	w := newWorld(t)
	t.Chdir(w.site)
	d := build(t, w.opts("public/"), map[string]string{"index.html": "x"})
	if d.Dest() != w.public() {
		t.Errorf("Dest() = %q, want %q", d.Dest(), w.public())
	}
}

func TestDirReplaces(t *testing.T) {
	for _, atomic := range []bool{true, false} {
		t.Run(fmt.Sprint("exchange=", atomic), func(t *testing.T) {
			w := newWorld(t)
			writeTree(t, w.site, map[string]string{"site.yaml": "title: x", "content/a.md": "# A", "public-notes.txt": "keep"})
			first := map[string]string{"index.html": "one", "old/index.html": "gone soon", "a/old.css": "gone"}
			build(t, w.opts(w.public()), first)
			if err := os.Chmod(w.public(), 0o750); err != nil {
				t.Fatal(err)
			}
			outside := snapshot(t, w.base)
			for p := range snapshot(t, w.public()) {
				delete(outside, filepath.Join("w", "site", "public", p))
			}

			second := map[string]string{"index.html": "two", "a/new.css": "new", "b/index.html": "b"}
			d, err := OpenDir(w.opts(w.public()))
			if err != nil {
				t.Fatal(err)
			}
			if !atomic {
				d.exchange = func(a, b string) error { return errExchangeUnsupported }
			}
			for p, data := range second {
				if err := d.Write(p, []byte(data)); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Commit(); err != nil {
				t.Fatal(err)
			}
			if got, want := snapshot(t, w.public()), siteFiles(second); !maps.Equal(got, want) {
				t.Errorf("dest = %q\nwant %q", got, want)
			}
			after := snapshot(t, w.base)
			for p := range snapshot(t, w.public()) {
				delete(after, filepath.Join("w", "site", "public", p))
			}
			if !maps.Equal(outside, after) {
				t.Errorf("files outside the destination changed:\nbefore %q\nafter  %q", outside, after)
			}
			if runtime.GOOS != "windows" {
				if info, err := os.Stat(w.public()); err != nil || info.Mode().Perm() != 0o750 {
					t.Errorf("dest mode = %v, %v; want 0750 kept", info.Mode(), err)
				}
			}
			if err := d.Commit(); err == nil {
				t.Error("a second Commit succeeded")
			}
			if err := d.Abort(); err != nil {
				t.Errorf("Abort after Commit = %v, want nil", err)
			}
			if err := d.Write("late.html", nil); err == nil {
				t.Error("Write after Commit succeeded")
			}
		})
	}
}

func TestDirEmptyDest(t *testing.T) {
	w := newWorld(t)
	if err := os.Mkdir(w.public(), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"index.html": "x"}
	build(t, w.opts(w.public()), files)
	if got, want := snapshot(t, w.public()), siteFiles(files); !maps.Equal(got, want) {
		t.Errorf("dest = %q\nwant %q", got, want)
	}
}

func TestDirAbort(t *testing.T) {
	w := newWorld(t)
	build(t, w.opts(w.public()), map[string]string{"index.html": "old", "x/y.html": "y"})
	before := snapshot(t, w.base)
	d, err := OpenDir(w.opts(w.public()))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"index.html", "z/index.html"} {
		if err := d.Write(p, []byte("new")); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, w.base); !maps.Equal(before, after) {
		t.Errorf("Abort changed the file system:\nbefore %q\nafter  %q", before, after)
	}
	if err := d.Abort(); err != nil {
		t.Errorf("second Abort = %v", err)
	}
	if err := d.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if err := d.Write("late.html", nil); err == nil {
		t.Error("Write after Abort succeeded")
	}
}

func TestDirCommitRechecks(t *testing.T) {
	w := newWorld(t)
	build(t, w.opts(w.public()), map[string]string{"index.html": "old"})
	d, err := OpenDir(w.opts(w.public()))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write("index.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, w.public(), map[string]string{"notes.txt": "added while building"})
	before := snapshot(t, w.base)
	var re *RefusedError
	if err := d.Commit(); !errors.As(err, &re) || !strings.Contains(re.Reason, "notes.txt") {
		t.Fatalf("Commit = %v, want a refusal naming notes.txt", err)
	}
	after := snapshot(t, w.base)
	for p := range after {
		if strings.Contains(p, leftoverInfix) {
			delete(after, p)
		}
	}
	for p := range before {
		if strings.Contains(p, leftoverInfix) {
			delete(before, p)
		}
	}
	if !maps.Equal(before, after) {
		t.Errorf("refused Commit changed the destination")
	}
	if l := leftovers(t, w.public()); l != nil {
		t.Errorf("leftovers after refused Commit: %q", l)
	}
}

func TestDirWriteConflicts(t *testing.T) {
	w := newWorld(t)
	d, err := OpenDir(w.opts(w.public()))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	sinkConflicts(t, d)
}

func TestDirSymlinkedDest(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	w := newWorld(t)
	real := filepath.Join(w.base, "srv", "www")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, w.public()); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"index.html": "x"}
	d := build(t, w.opts(w.public()), files)
	if d.Dest() != real {
		t.Errorf("Dest() = %q, want the resolved %q", d.Dest(), real)
	}
	if info, err := os.Lstat(w.public()); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v, %v", info.Mode(), err)
	}
	if got, want := snapshot(t, real), siteFiles(files); !maps.Equal(got, want) {
		t.Errorf("link target = %q\nwant %q", got, want)
	}

	// A destination that does not exist yet, below a linked parent.
	if err := os.Symlink(filepath.Join(w.base, "srv"), filepath.Join(w.base, "srv-link")); err != nil {
		t.Fatal(err)
	}
	d = build(t, w.opts(filepath.Join(w.base, "srv-link", "new", "public")), files)
	if want := filepath.Join(w.base, "srv", "new", "public"); d.Dest() != want {
		t.Errorf("Dest() = %q, want %q", d.Dest(), want)
	}
}

func TestDirCleansLeftovers(t *testing.T) {
	w := newWorld(t)
	marker := map[string]string{ManifestName: manifestHeader + "\n"}
	parent := w.site
	stale := map[string]bool{ // name -> removed by OpenDir
		".public.lectern-tmp-0123456789abcdef": true,  // marked
		".public.lectern-old-fedcba9876543210": true,  // marked
		".public.lectern-tmp-00000000000000aa": true,  // empty
		".public.lectern-tmp-0123":             false, // short
		".public.lectern-tmp-0123456789ABCDEF": false, // not our hex
		".public.lectern-new-0123456789abcdef": false, // not our kind
		".public.lectern-tmp-1111111111111111": false, // unmarked, not empty
		".other.lectern-tmp-0123456789abcdef":  false, // another destination's
	}
	for name, removed := range stale {
		dir := filepath.Join(parent, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		switch {
		case name == ".public.lectern-tmp-00000000000000aa":
		case name == ".public.lectern-tmp-1111111111111111":
			writeTree(t, dir, map[string]string{"mine.txt": "x"})
		case removed || strings.HasPrefix(name, ".other") || strings.HasSuffix(name, "0123"):
			writeTree(t, dir, marker)
			writeTree(t, dir, map[string]string{"a/b/index.html": "x"})
		}
	}
	// A file with a leftover's name is not ours either.
	writeTree(t, parent, map[string]string{".public.lectern-old-2222222222222222": "file"})

	d, err := OpenDir(w.opts(w.public()))
	if err != nil {
		t.Fatal(err)
	}
	for name, removed := range stale {
		_, err := os.Lstat(filepath.Join(parent, name))
		if gone := errors.Is(err, fs.ErrNotExist); gone != removed {
			t.Errorf("%s: removed = %v, want %v", name, gone, removed)
		}
	}
	if _, err := os.Lstat(filepath.Join(parent, ".public.lectern-old-2222222222222222")); err != nil {
		t.Errorf("a file named like a leftover was removed: %v", err)
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
}

func TestDirConcurrentWrites(t *testing.T) {
	w := newWorld(t)
	d, err := OpenDir(w.opts(w.public()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				p := fmt.Sprintf("m%d/l%02d/index.html", i%5, g*100+i)
				if err := d.Write(p, []byte(p)); err != nil {
					t.Error(err)
				}
				mu.Lock()
				want[p] = p
				mu.Unlock()
				if err := d.Write("shared/index.html", nil); err != nil && !strings.Contains(err.Error(), "twice") {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	want["shared/index.html"] = ""
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, w.public()); !maps.Equal(got, siteFiles(want)) {
		t.Errorf("dest has %d entries, want %d", len(got), len(siteFiles(want)))
	}
}

func TestManifestDeterministic(t *testing.T) {
	w := newWorld(t)
	paths := []string{"b/index.html", "a.css", "index.html", "a/z.html", "a-b.js"}
	var manifests []string
	for _, order := range [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}} {
		d, err := OpenDir(w.opts(w.public()))
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range order {
			if err := d.Write(paths[i], nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(w.public(), ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		manifests = append(manifests, string(b))
	}
	want := manifestHeader + "\na-b.js\na.css\na/z.html\nb/index.html\nindex.html\n"
	for _, m := range manifests {
		if m != want {
			t.Errorf("manifest = %q, want %q", m, want)
		}
	}
}

func TestDirCommitAfterFailedWrite(t *testing.T) {
	w := newWorld(t)
	build(t, w.opts(w.public()), map[string]string{"index.html": "old"})
	before := snapshot(t, w.public())
	d, err := OpenDir(w.opts(w.public()))
	if err != nil {
		t.Fatal(err)
	}
	// Sabotage the temporary folder so that a write fails.
	writeTree(t, d.tmp, map[string]string{"x": "in the way"})
	if err := d.Write("x/index.html", nil); err == nil {
		t.Fatal("Write through a file succeeded")
	}
	if err := d.Commit(); err == nil || !strings.Contains(err.Error(), "a write failed") {
		t.Errorf("Commit = %v, want a refusal to publish after a failed write", err)
	}
	if after := snapshot(t, w.public()); !maps.Equal(before, after) {
		t.Errorf("dest changed after a failed build")
	}
	if l := leftovers(t, w.public()); l != nil {
		t.Errorf("leftovers: %q", l)
	}
}
