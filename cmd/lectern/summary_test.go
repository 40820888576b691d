package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// summaryKeys are the keys of `build --json`, in order: the shape is the
// same whatever happened.
var summaryKeys = []string{"ok", "dest", "pages", "files", "assets", "bytes", "errors", "warnings", "errorList", "warningList", "durationMs"}

// decodeSummary checks that stdout is exactly one JSON object with every
// key, and decodes it.
func decodeSummary(t *testing.T, stdout string) buildSummary {
	t.Helper()
	if strings.Count(stdout, "\n") != 1 {
		t.Fatalf("want one line of JSON, got:\n%s", stdout)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	tok, _ := dec.Token()
	if tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", stdout)
	}
	var keys []string
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if (k == "errorList" || k == "warningList") && !bytes.HasPrefix(v, []byte("[")) {
			t.Errorf("%s is %s, want a list", k, v)
		}
	}
	if !reflect.DeepEqual(keys, summaryKeys) {
		t.Errorf("keys %v, want %v", keys, summaryKeys)
	}
	var s buildSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBuildJSONCountsWarningsAndErrors(t *testing.T) {
	files := map[string]string{
		"site.yaml":            "title: JSON\nbaseURL: https://example.org/course/\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\nSee [B](02-b.md).\n",
		"content/01-m/02-b.md": "---\ntitle: B\n---\nSee [C](03-c.md).\n",
		"content/01-m/03-c.md": "---\ntitle: C\n---\n> [!FOO]\n> odd\n",
	}
	root := writeSite(t, files)

	code, stdout, stderr := runCLI(t, "build", "--source", root, "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	s := decodeSummary(t, stdout)
	if !s.OK || s.Pages < 4 || s.Files <= s.Pages || s.Assets == 0 || s.Bytes == 0 || s.Dest != filepath.Join(root, "public") {
		t.Errorf("summary %+v", s)
	}
	if s.Warnings != 1 || len(s.WarningList) != 1 || s.WarningList[0].File != "content/01-m/03-c.md" || s.WarningList[0].Line != 4 ||
		s.WarningList[0].Severity != "warning" || s.WarningList[0].Check != "unknown-callout" {
		t.Errorf("warnings: %d %+v", s.Warnings, s.WarningList)
	}
	if !strings.Contains(stderr, "content/01-m/03-c.md:4:") {
		t.Errorf("the warning is not on stderr too:\n%s", stderr)
	}

	// Two errors and the warning: exit 1, errors counted and listed, sorted.
	files["content/01-m/01-a.md"] = "---\ntitle: A\n---\nSee [C](04-d.md) and [E](05-e.md).\n"
	root = writeSite(t, files)
	code, stdout, _ = runCLI(t, "build", "--source", root, "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	s = decodeSummary(t, stdout)
	if s.OK || s.Errors != 2 || len(s.ErrorList) != 2 || s.Warnings != 1 || s.Pages != 0 || s.Files != 0 {
		t.Errorf("summary %+v", s)
	}
	if len(s.ErrorList) == 2 && (s.ErrorList[0].Col > s.ErrorList[1].Col || !strings.Contains(s.ErrorList[0].Message, "04-d.md") || s.ErrorList[0].Severity != "error") {
		t.Errorf("errors: %+v", s.ErrorList)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote public/")
	}
}

func TestBuildJSONWithoutUsableSiteYAML(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"missing": {"content/01-m/01-a.md": "---\ntitle: A\n---\n"},
		"invalid": {"site.yaml": "titel: x\n", "content/01-m/01-a.md": "---\ntitle: A\n---\n"},
	} {
		t.Run(name, func(t *testing.T) {
			root := writeSite(t, files)
			code, stdout, stderr := runCLI(t, "build", "--source", root, "--json")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			s := decodeSummary(t, stdout)
			if s.OK || s.Errors == 0 || s.ErrorList[0].File != "site.yaml" {
				t.Errorf("summary %+v", s)
			}
			if !strings.Contains(stderr, "site.yaml") {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}

func TestBuildJSONOnUsageErrors(t *testing.T) {
	root := writeSite(t, goodSite)
	for name, args := range map[string][]string{
		"refused destination": {"--dest", "/"},
		"no such source":      {"--source", filepath.Join(root, "nope")},
	} {
		t.Run(name, func(t *testing.T) {
			full := append([]string{"build", "--json", "--source", root}, args...)
			code, stdout, _ := runCLI(t, full...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			s := decodeSummary(t, stdout)
			if s.OK || s.Errors != 1 || s.ErrorList[0].File != "" || s.ErrorList[0].Message == "" {
				t.Errorf("summary %+v", s)
			}
		})
	}
}

func TestProgressIsThrottledAndCleared(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, start: time.Now()}
	p.update(1, 10) // in the first second: nothing
	if b.Len() != 0 {
		t.Errorf("progress shown before a second passed: %q", b.String())
	}
	p.start = time.Now().Add(-2 * time.Second)
	for i := 1; i <= 9; i++ {
		p.update(i, 10) // within 100 ms: only the first shows
	}
	p.update(10, 10) // the last always shows
	p.update(5, 10)  // late, out-of-order updates never go back
	p.clear()
	if got, want := b.String(), "\rrendering 1/10 pages\rrendering 10/10 pages\r\033[K"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var nilProgress *progress
	nilProgress.clear() // no progress on a non-terminal: must not panic
}

func TestFormatVersion(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}
	for _, c := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3 go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: rev}, "(devel) 0123456789ab+dirty go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261121133731-0123456789ab+dirty"}, Settings: rev}, "v0.0.0-20261121133731-0123456789ab+dirty go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8"}, "(devel) go1.26.8"},
	} {
		if got := formatVersion(&c.bi); got != c.want {
			t.Errorf("formatVersion(%v) = %q, want %q", c.bi.Main.Version, got, c.want)
		}
	}
}

// TestInstalledBinaryPrintsRevision builds the command as `go install` would
// (with VCS stamping forced on: some machines set GOFLAGS=-buildvcs=false)
// and checks that `lectern version` names the checkout's revision.
func TestInstalledBinaryPrintsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	out, err := exec.Command(gitPath, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not in a git checkout")
	}
	rev := strings.TrimSpace(string(out))[:12]
	bin := filepath.Join(t.TempDir(), "lectern")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "lectern ") || !strings.Contains(string(got), rev) || !strings.Contains(string(got), " go1.") {
		t.Errorf("lectern version = %q, want the revision %s and the Go version", got, rev)
	}
}
