package main

import (
	"os"
	"strings"
	"testing"
)

// TestDeployDocShowsTheRepositoryWorkflow keeps the GitHub Pages recipe in
// docs/deploy.md equal to the workflow this repository runs (comments and
// blank lines aside), so the documented recipe is the one that is used.
func TestDeployDocShowsTheRepositoryWorkflow(t *testing.T) {
	wf, err := os.ReadFile("../../.github/workflows/pages.yml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "## GitHub Pages\n")
	if !ok {
		t.Fatal("docs/deploy.md has no GitHub Pages section")
	}
	_, block, ok := strings.Cut(after, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```\n")
	if !ok || !ok2 {
		t.Fatal("no yaml block in the GitHub Pages section")
	}
	norm := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
				out = append(out, strings.TrimRight(l, " "))
			}
		}
		return strings.Join(out, "\n")
	}
	if got, want := norm(block), norm(string(wf)); got != want {
		t.Errorf("docs/deploy.md's workflow differs from .github/workflows/pages.yml:\n--- doc\n%s\n--- file\n%s", got, want)
	}
}
