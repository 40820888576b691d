package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkSite has one error (a broken link) and two warnings (a skipped
// heading level, vague link text), in two files.
var checkSite = map[string]string{
	"site.yaml":            "title: Check\nbaseURL: https://example.org/\n",
	"content/01-m/01-a.md": "---\ntitle: A\n---\nSee [B](02-b.md) and [the C lesson](03-c.md).\n",
	"content/01-m/02-b.md": "---\ntitle: B\n---\n## Part\n\n#### Detail, with: 100% \"more\"\n\nGo [here](01-a.md).\n",
}

func TestCheckFormats(t *testing.T) {
	root := writeSite(t, checkSite)
	tests := []struct {
		format, stdout, stderr string
	}{
		{
			format: "text",
			stdout: `content/01-m/01-a.md:4:22: broken link "03-c.md": there is no content/01-m/03-c.md
content/01-m/02-b.md:6:1: warning: heading level skipped: h4 after h2 (use h3 here: screen readers navigate by heading level)
content/01-m/02-b.md:8:4: warning: link text "here" says nothing about where the link goes: name the target instead
`,
			stderr: "1 error, 2 warnings\n",
		},
		{
			format: "json",
			stdout: `{"file":"content/01-m/01-a.md","line":4,"col":22,"severity":"error","check":"","message":"broken link \"03-c.md\": there is no content/01-m/03-c.md"}
{"file":"content/01-m/02-b.md","line":6,"col":1,"severity":"warning","check":"heading-skip","message":"heading level skipped: h4 after h2 (use h3 here: screen readers navigate by heading level)"}
{"file":"content/01-m/02-b.md","line":8,"col":4,"severity":"warning","check":"link-text","message":"link text \"here\" says nothing about where the link goes: name the target instead"}
`,
		},
		{
			format: "github",
			stdout: `::error file=content/01-m/01-a.md,line=4,col=22::broken link "03-c.md": there is no content/01-m/03-c.md
::warning file=content/01-m/02-b.md,line=6,col=1,title=lectern heading-skip::heading level skipped: h4 after h2 (use h3 here: screen readers navigate by heading level)
::warning file=content/01-m/02-b.md,line=8,col=4,title=lectern link-text::link text "here" says nothing about where the link goes: name the target instead
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--source", root, "--format", tt.format)
			if code != exitContent {
				t.Errorf("exit %d, want 1 (an error)", code)
			}
			if stdout != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.stdout)
			}
			if stderr != tt.stderr {
				t.Errorf("stderr: %q, want %q", stderr, tt.stderr)
			}
		})
	}
	// Every json line is one object.
	_, stdout, _ := runCLI(t, "check", "--source", root, "--format", "json")
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var f map[string]any
		if err := json.Unmarshal([]byte(line), &f); err != nil || len(f) != 6 {
			t.Errorf("not a finding object: %q (%v)", line, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Errorf("check wrote public/ (stat: %v)", err)
	}
}

func TestCheckExitCodes(t *testing.T) {
	clean := writeSite(t, map[string]string{
		"site.yaml":              "title: C\nbaseURL: https://example.org/\n",
		"content/01-m/01-a.md":   "---\ntitle: A\n---\n## Part\n\n![A chart](chart.png)\n",
		"content/01-m/chart.png": "png",
	})
	warnOnly := writeSite(t, map[string]string{
		"site.yaml":            "title: W\nbaseURL: https://example.org/\n",
		"content/01-m/01-a.md": "---\ntitle: A\n---\n#### Deep\n",
	})
	errs := writeSite(t, checkSite)
	for _, tt := range []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{"--source", clean}, exitOK},
		{"clean strict", []string{"--source", clean, "--strict"}, exitOK},
		{"warnings", []string{"--source", warnOnly}, exitOK},
		{"warnings strict", []string{"--source", warnOnly, "--strict"}, exitContent},
		{"warnings strict json", []string{"--source", warnOnly, "--strict", "--format", "json"}, exitContent},
		{"errors", []string{"--source", errs}, exitContent},
		{"bad format", []string{"--source", clean, "--format", "xml"}, exitUsage},
		{"unknown flag", []string{"--source", clean, "--fix"}, exitUsage},
		{"argument", []string{clean}, exitUsage},
		{"missing source", []string{"--source", filepath.Join(clean, "nope")}, exitUsage},
		{"help", []string{"-h"}, exitOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"check"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
		})
	}
	code, stdout, stderr := runCLI(t, "check", "--source", clean)
	if code != 0 || stdout != "" || stderr != "0 errors, 0 warnings\n" {
		t.Errorf("clean site: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestCheckReportsSiteYAMLErrors(t *testing.T) {
	root := writeSite(t, map[string]string{
		"site.yaml":         "title: X\nchecks:\n  link-text: loud\n",
		"content/_index.md": "---\ntitle: Home\n---\n",
	})
	code, stdout, _ := runCLI(t, "check", "--source", root, "--format", "github")
	want := "::error file=site.yaml,line=3,col=14::checks.link-text: expected error, warning or off, got the string \"loud\"\n"
	if code != exitContent || stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", code, stdout, want)
	}
}

func TestGitHubEscaping(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100% done", "100%25 done", "100%25 done"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"x: y, z", "x: y, z", "x%3A y%2C z"},
		{"%0A", "%250A", "%250A"},
	} {
		if got := ghData(tt.in); got != tt.data {
			t.Errorf("ghData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := ghProperty(tt.in); got != tt.prop {
			t.Errorf("ghProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}
