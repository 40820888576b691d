package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeSite writes files (slash paths → contents) under a new temp folder.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var goodSite = map[string]string{
	"site.yaml":             "title: CLI\nbaseURL: https://example.org/course/\n",
	"content/01-m/01-a.md":  "---\ntitle: A\n---\nSee [B](02-b.md).\n",
	"content/01-m/02-b.md":  "---\ntitle: B\n---\n## Part\n",
	"static/CNAME":          "example.org\n",
	"content/01-m/data.txt": "data\n",
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// snapshot reads every file below dir into a map.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			m[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBuildWritesSiteAndExitsZero(t *testing.T) {
	root := writeSite(t, goodSite)
	code, stdout, stderr := runCLI(t, "build", "--source", root, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" || stderr != "" {
		t.Errorf("--quiet printed %q / %q", stdout, stderr)
	}
	files := snapshot(t, filepath.Join(root, "public"))
	for _, p := range []string{"index.html", "m/a/index.html", "m/b/index.html", "CNAME", "m/data.txt", "sitemap.xml", "feed.xml", "robots.txt", "404.html", ".lectern-manifest"} {
		if _, ok := files[p]; !ok {
			t.Errorf("public/%s missing", p)
		}
	}
	if !strings.Contains(files["m/a/index.html"], `href=/course/m/b/`) {
		t.Errorf("link not rewritten with the base path:\n%s", files["m/a/index.html"])
	}
	for name, data := range files {
		if strings.Contains(name, "lectern-tmp") {
			t.Errorf("temporary file left: %s", name)
		}
		// The dev server's live-reload script is injected by serve only.
		if strings.Contains(data, "/__lectern/") || strings.Contains(data, "EventSource") {
			t.Errorf("public/%s has the dev server's reload script", name)
		}
	}
}

func TestFailedBuildLeavesPreviousOutputIntact(t *testing.T) {
	root := writeSite(t, goodSite)
	if code, _, stderr := runCLI(t, "build", "--source", root); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	before := snapshot(t, filepath.Join(root, "public"))
	// Break a link: the build must fail with exit 1, name the place, and leave public/ alone.
	if err := os.WriteFile(filepath.Join(root, "content/01-m/01-a.md"), []byte("---\ntitle: A\n---\nSee [C](03-c.md).\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "build", "--source", root)
	if code != 1 {
		t.Fatalf("broken build: exit %d, want 1\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "content/01-m/01-a.md:4:5: broken link") {
		t.Errorf("stderr does not name the link's position:\n%s", stderr)
	}
	after := snapshot(t, filepath.Join(root, "public"))
	if len(before) != len(after) {
		t.Fatalf("public/ changed: %d files before, %d after", len(before), len(after))
	}
	for p, data := range before {
		if after[p] != data {
			t.Errorf("public/%s changed after a failed build", p)
		}
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.Contains(e.Name(), "lectern-") {
			t.Errorf("leftover beside the destination: %s", e.Name())
		}
	}
}

func TestRebuildRemovesDeletedPages(t *testing.T) {
	root := writeSite(t, goodSite)
	if code, _, stderr := runCLI(t, "build", "--source", root); code != 0 {
		t.Fatal(stderr)
	}
	if err := os.WriteFile(filepath.Join(root, "content/01-m/01-a.md"), []byte("---\ntitle: A\n---\nNo links.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "content/01-m/02-b.md")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "build", "--source", root); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "public/m/b/index.html")); !os.IsNotExist(err) {
		t.Errorf("deleted lesson still in public/: %v", err)
	}
}

func TestDangerousDestinationsAreRefused(t *testing.T) {
	root := writeSite(t, goodSite)
	home := t.TempDir()
	t.Setenv("HOME", home)
	foreign := filepath.Join(t.TempDir(), "mine")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "thesis.tex"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	withGit := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(withGit, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"filesystem root":     "/",
		"home folder":         home,
		"site root":           root,
		"parent of the site":  filepath.Dir(root),
		"content folder":      filepath.Join(root, "content"),
		"inside content":      filepath.Join(root, "content", "out"),
		"static folder":       filepath.Join(root, "static"),
		"folder with .git":    withGit,
		"folder with foreign": foreign,
	}
	for name, dest := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "build", "--source", root, "--dest", dest)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, "refusing") {
				t.Errorf("stderr does not say why:\n%s", stderr)
			}
		})
	}
	if data, err := os.ReadFile(filepath.Join(foreign, "thesis.tex")); err != nil || string(data) != "precious" {
		t.Errorf("foreign file touched: %q %v", data, err)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"build", "--no-such-flag"},
		{"build", "extra-arg"},
		{"build", "--source", "/does/not/exist"},
		{"build", "--base-url", "ftp://example.org/"},
		{"version", "x"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("lectern %v: exit %d, want 2", args, code)
		}
	}
}

func TestBadBaseURLIsAUsageError(t *testing.T) {
	root := writeSite(t, goodSite)
	code, _, stderr := runCLI(t, "build", "--source", root, "--base-url", "ftp://example.org/")
	if code != 2 || !strings.Contains(stderr, "lectern build: --base-url") {
		t.Errorf("exit %d, stderr %q; want 2 and a message naming --base-url", code, stderr)
	}
}

func TestContentErrorsExitOneAndAreSorted(t *testing.T) {
	files := map[string]string{
		"site.yaml":            "title: Bad\nbaseURL: https://example.org/\n",
		"content/01-m/02-b.md": "---\ntitle: B\nweight: x\n---\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\n[x](nope.md)\n",
	}
	root := writeSite(t, files)
	code, _, stderr := runCLI(t, "build", "--source", root)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	// Every error of the run, sorted: a bad field does not hide a broken link.
	want := "content/01-m/01-a.md:4:1: broken link \"nope.md\": there is no content/01-m/nope.md\n" +
		"content/01-m/02-b.md:3:9: weight: expected an integer, got the string \"x\"\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Errorf("a failed first build created public/")
	}
}

func TestBuildJSONSummary(t *testing.T) {
	root := writeSite(t, goodSite)
	code, stdout, stderr := runCLI(t, "build", "--source", root, "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var got struct {
		OK    bool  `json:"ok"`
		Pages int   `json:"pages"`
		Files int   `json:"files"`
		Bytes int64 `json:"bytes"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if !got.OK || got.Pages < 4 || got.Files <= got.Pages || got.Bytes == 0 {
		t.Errorf("summary %+v", got)
	}
}

func TestVersionPrintsSomething(t *testing.T) {
	code, stdout, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "lectern ") {
		t.Errorf("exit %d, %q", code, stdout)
	}
}

func TestSourceDateEpochDatesTheFeed(t *testing.T) {
	root := writeSite(t, goodSite)
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01T00:00:00Z
	if code, _, stderr := runCLI(t, "build", "--source", root); code != 0 {
		t.Fatal(stderr)
	}
	feed, err := os.ReadFile(filepath.Join(root, "public/feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(feed), "<updated>2026-01-01T00:00:00Z</updated>") {
		t.Errorf("feed not dated by SOURCE_DATE_EPOCH:\n%s", feed)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if code, _, _ := runCLI(t, "build", "--source", root); code != 2 {
		t.Errorf("a malformed SOURCE_DATE_EPOCH must be a usage error, got exit %d", code)
	}
}

func TestLastmodFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	files := map[string]string{}
	for k, v := range goodSite {
		files[k] = v
	}
	files["site.yaml"] += "lastmod: git\n"
	root := writeSite(t, files)
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("2026-03-01T10:00:00Z", "init", "-q")
	git("2026-03-01T10:00:00Z", "add", ".")
	git("2026-03-01T10:00:00Z", "commit", "-q", "-m", "first")
	if err := os.WriteFile(filepath.Join(root, "content/01-m/02-b.md"), []byte("---\ntitle: B\n---\n## Part\n\nMore.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("2026-04-02T12:00:00Z", "commit", "-q", "-am", "second")
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "build", "--source", root, "--dest", out); code != 0 {
		t.Fatal(stderr)
	}
	sitemap, _ := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	for _, want := range []string{
		"<loc>https://example.org/course/m/a/</loc><lastmod>2026-03-01T10:00:00Z</lastmod>",
		"<loc>https://example.org/course/m/b/</loc><lastmod>2026-04-02T12:00:00Z</lastmod>",
	} {
		if !strings.Contains(string(sitemap), want) {
			t.Errorf("sitemap lacks %s:\n%s", want, sitemap)
		}
	}
}

// TestBuildProfiles: --cpuprofile and --memprofile write pprof files (gzip
// streams); a profile that cannot be created is a usage error.
func TestBuildProfiles(t *testing.T) {
	root := writeSite(t, goodSite)
	cpu, mem := filepath.Join(t.TempDir(), "cpu.prof"), filepath.Join(t.TempDir(), "mem.prof")
	code, _, stderr := runCLI(t, "build", "--source", root, "--quiet", "--cpuprofile", cpu, "--memprofile", mem)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, f := range []string{cpu, mem} {
		data, err := os.ReadFile(f)
		if err != nil || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s: not a pprof profile (%d bytes, %v)", f, len(data), err)
		}
	}
	code, _, stderr = runCLI(t, "build", "--source", root, "--quiet", "--cpuprofile", filepath.Join(root, "no", "such", "cpu.prof"))
	if code != exitUsage || !strings.Contains(stderr, "cpu profile:") {
		t.Errorf("exit %d, stderr %q: want exit %d naming the cpu profile", code, stderr, exitUsage)
	}
}
