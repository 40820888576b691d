package main

import (
	"encoding/json"
	"github.com/lectern/lectern/generator/course"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hasCommand reports whether the CLI has a subcommand.
func hasCommand(name string) bool {
	for _, c := range commands() {
		if c.name == name {
			return true
		}
	}
	return false
}

func TestNewSiteBuildsWithoutErrorsOrWarnings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "go-course")
	code, stdout, stderr := runCLI(t, "new", "site", dir)
	if code != 0 {
		t.Fatalf("new site: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"site.yaml", "content/_index.md", "content/01-getting-started/_index.md", "layouts/README.md", "cd " + dir, "lectern serve"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output does not mention %q:\n%s", want, stdout)
		}
	}
	files := snapshot(t, dir)
	if !strings.Contains(files["site.yaml"], "title: Go course\n") {
		t.Errorf("site.yaml does not take its title from the folder name:\n%s", files["site.yaml"])
	}
	if files[".gitignore"] == "" {
		t.Errorf(".gitignore missing: %v", keys(files))
	}
	lesson := files["content/01-getting-started/02-quizzes-and-exercises.md"]
	for _, want := range []string{"```quiz", "[!EXERCISE]", "[!HINT]", "[!SOLUTION]"} {
		if !strings.Contains(lesson, want) {
			t.Errorf("the second lesson lacks %s", want)
		}
	}
	// Every Markdown file has the fields a style check looks for.
	for name, data := range files {
		if !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, "layouts/") {
			continue
		}
		fields := []string{"title:", "description:", "objectives:"}
		if !strings.HasSuffix(name, "_index.md") {
			fields = append(fields, "duration:", "roles:", "skills:", "tags:")
		}
		for _, f := range fields {
			if !strings.Contains(data, "\n"+f) {
				t.Errorf("%s: no %s", name, f)
			}
		}
	}

	code, stdout, stderr = runCLI(t, "build", "--source", dir, "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("build of the new site: exit %d, stderr:\n%s", code, stderr)
	}
	var sum buildSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if !sum.OK || sum.Errors != 0 || sum.Warnings != 0 || sum.Pages < 5 {
		t.Errorf("summary: %+v", sum)
	}
	out := snapshot(t, filepath.Join(dir, "public"))
	if !strings.Contains(out["getting-started/quizzes-and-exercises/index.html"], "data-quiz") {
		t.Errorf("the quiz was not rendered")
	}
	for name := range out {
		if strings.Contains(strings.ToLower(name), "readme") {
			t.Errorf("layouts/README.md leaked into the output as %s", name)
		}
	}

	// `lectern check` lands in the same issue (another change): once the CLI
	// has it, the new site must pass it in strict mode too.
	if !hasCommand("check") {
		t.Log("TODO(issue 8): no `check` command yet; run `check --strict` here once it exists")
		return
	}
	if code, stdout, stderr := runCLI(t, "check", "--source", dir, "--strict"); code != 0 {
		t.Errorf("check --strict on the new site: exit %d\n%s%s", code, stdout, stderr)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestNewSiteIsDeterministic(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "site"), filepath.Join(t.TempDir(), "site")
	for _, d := range []string{a, b} {
		if code, _, stderr := runCLI(t, "new", "site", d); code != 0 {
			t.Fatal(stderr)
		}
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	if len(sa) != len(sb) {
		t.Fatalf("%d files, then %d", len(sa), len(sb))
	}
	for p, data := range sa {
		if sb[p] != data {
			t.Errorf("%s differs between two runs", p)
		}
	}
}

func TestNewSiteRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "new", "site", dir)
	if code != 2 || !strings.Contains(stderr, "not empty") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if files := snapshot(t, dir); len(files) != 1 {
		t.Errorf("the folder was changed: %v", keys(files))
	}
	// An empty existing folder is fine.
	empty := t.TempDir()
	if code, _, stderr := runCLI(t, "new", "site", empty); code != 0 {
		t.Errorf("empty folder: exit %d, %s", code, stderr)
	}
	// A file is not a folder.
	if code, _, _ := runCLI(t, "new", "site", filepath.Join(dir, "notes.txt")); code != 2 {
		t.Errorf("a file as DIR: exit %d, want 2", code)
	}
	for _, args := range [][]string{{"new"}, {"new", "site"}, {"new", "site", "a", "b"}, {"new", "course", "x"}, {"new", "lesson"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("lectern %v: exit %d, want 2", args, code)
		}
	}
}

func TestNewLessonUsesPrefixOrNextWeight(t *testing.T) {
	root := writeSite(t, map[string]string{
		"site.yaml":                     "title: T\nbaseURL: https://example.org/\n",
		"content/01-m/01-a.md":          "---\ntitle: A\n---\n",
		"content/01-m/02-b.md":          "---\ntitle: B\n---\n",
		"content/02-w/intro.md":         "---\ntitle: Intro\nweight: 10\n---\n",
		"content/02-w/more.md":          "---\ntitle: More\nweight: 20\n---\n",
		"content/02-w/03-sub/_index.md": "---\ntitle: Sub\n---\n",
	})
	// Siblings with prefixes only: no weight is written.
	code, stdout, stderr := runCLI(t, "new", "lesson", "--source", root, "content/01-m/03-auth-and-sessions.md")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(root, "content/01-m/03-auth-and-sessions.md"))
	if !strings.Contains(string(data), "title: Auth and sessions\n") || strings.Contains(string(data), "\nweight:") {
		t.Errorf("lesson:\n%s", data)
	}
	if !strings.Contains(stdout, "numeric prefix 3") || !strings.Contains(stdout, "m/auth-and-sessions") {
		t.Errorf("output does not explain the order or the reference:\n%s", stdout)
	}

	// Siblings with weights 10, 20 (and a sub-module numbered 3): the next is 30.
	code, stdout, stderr = runCLI(t, "new", "lesson", "content/02-w/04-last.md", "--source", root)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, _ = os.ReadFile(filepath.Join(root, "content/02-w/04-last.md"))
	if !strings.Contains(string(data), "\nweight: 30 ") || !strings.Contains(stdout, "weight: 30") {
		t.Errorf("want weight 30:\n%s\n%s", data, stdout)
	}

	// A prefix a sibling has too is pointed out.
	_, stdout, _ = runCLI(t, "new", "lesson", "--source", root, "content/01-m/02-again.md")
	if !strings.Contains(stdout, "02-b.md has too") {
		t.Errorf("output does not mention the shared prefix:\n%s", stdout)
	}

	// A new module folder gets an _index.md.
	code, stdout, stderr = runCLI(t, "new", "lesson", "--source", root, "content/03-apis/01-rest/01-verbs.md")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, p := range []string{"content/03-apis/_index.md", "content/03-apis/01-rest/_index.md"} {
		if !strings.Contains(stdout, "Created "+p) {
			t.Errorf("output does not mention %s:\n%s", p, stdout)
		}
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Error(err)
		}
	}

	// The new files build, without errors or warnings.
	code, stdout, stderr = runCLI(t, "build", "--source", root, "--json")
	var sum buildSummary
	_ = json.Unmarshal([]byte(stdout), &sum)
	if code != 0 || sum.Warnings != 0 {
		t.Fatalf("build: exit %d, %+v\n%s", code, sum, stderr)
	}
	html, _ := os.ReadFile(filepath.Join(root, "public/apis/rest/verbs/index.html"))
	if !strings.Contains(string(html), "Verbs") {
		t.Errorf("the new lesson is not built")
	}
}

func TestNewLessonRefusals(t *testing.T) {
	root := writeSite(t, map[string]string{
		"site.yaml":            "title: T\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\n",
	})
	cases := map[string]string{
		"content/01-m/01-a.md":   "exists already",
		"content/intro.md":       "standalone page",
		"lessons/01-m/02-b.md":   "under content/",
		"content/../x/02-b.md":   "under content/",
		"content/01-m/02-b.txt":  ".md",
		"content/01-m/_index.md": "module's own page",
		"content/.hidden/a.md":   "hidden",
	}
	for file, want := range cases {
		code, _, stderr := runCLI(t, "new", "lesson", "--source", root, file)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stderr %q (want %q)", file, code, stderr, want)
		}
	}
	// Not a site folder.
	if code, _, stderr := runCLI(t, "new", "lesson", "--source", t.TempDir(), "content/01-m/02-b.md"); code != 2 || !strings.Contains(stderr, "site.yaml") {
		t.Errorf("no site.yaml: exit %d, %q", code, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "content/01-m/01-a.md")); string(data) != "---\ntitle: A\n---\n" {
		t.Errorf("an existing lesson was overwritten")
	}
	if files := snapshot(t, root); len(files) != 2 {
		t.Errorf("refusals wrote files: %v", keys(files))
	}
}

func TestTitleFromName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"03-auth", "Auth"},
		{"02-rest-apis", "Rest apis"},
		{"intro", "Intro"},
		{"10_wrap_up", "Wrap up"},
		{"ünicode-names", "Ünicode names"},
	} {
		if got := course.TitleFromName(c.in); got != c.want {
			t.Errorf("titleFromName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"Auth", "Auth"},
		{"Note: read this", `"Note: read this"`},
		{"yes", `"yes"`},
		{"1.5", `"1.5"`},
		{"# hash", `"# hash"`},
	} {
		if got := yamlString(c.in); got != c.want {
			t.Errorf("yamlString(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
