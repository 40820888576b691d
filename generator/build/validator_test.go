package build_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/output"
)

// vnuJar finds the Nu HTML Checker (npm package vnu-jar): $LECTERN_VNU_JAR, or
// the place .ci/run installs it. In CI a missing checker is a failure.
func vnuJar(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("LECTERN_VNU_JAR")}
	if cache, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(cache, "lectern-ci", "node_modules", "vnu-jar", "build", "dist", "vnu.jar"))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err == nil {
			if _, err := exec.LookPath("java"); err == nil {
				return c
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("the Nu HTML Checker is required in CI: .ci/run installs vnu-jar and Java; set LECTERN_VNU_JAR to vnu.jar")
	}
	t.Skip("Nu HTML Checker not found (run .ci/run once, or set LECTERN_VNU_JAR to vnu.jar; Java 11+ needed)")
	return ""
}

// TestRepoSiteIsValidHTML has the Nu HTML Checker (the W3C validator) judge
// every page of the bundled course, minified as published.
func TestRepoSiteIsValidHTML(t *testing.T) {
	jar := vnuJar(t)
	mem := output.NewMem()
	if _, err := build.Run(context.Background(), build.Options{Root: os.DirFS("../.."), Theme: lectern.Theme(), Sink: mem}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range mem.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		data, _ := mem.Get(p)
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("java", "-jar", jar, "--skip-non-html", "--exit-zero-always", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("vnu: %v\n%s", err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("the Nu HTML Checker reports:\n%s", strings.ReplaceAll(s, "file:"+dir, ""))
	}
}
