package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestBuildIgnoresEnvironment builds the bundled course with the lectern
// binary twice, from two checkouts at different paths, under different time
// zones, locales and GOMAXPROCS, and with the same SOURCE_DATE_EPOCH: the
// outputs must be byte-identical. (Directory order and worker scheduling are
// shuffled by TestBuildIsDeterministic in generator/build.)
func TestBuildIgnoresEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the course twice in subprocesses")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "lectern")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	envs := [][]string{
		{"TZ=UTC", "LANG=C", "LC_ALL=C", "GOMAXPROCS=1"},
		{"TZ=Pacific/Chatham", "LANG=tr_TR.UTF-8", "LC_ALL=tr_TR.UTF-8", "GOMAXPROCS=4"},
	}
	var outs []map[string]string
	for i, env := range envs {
		// A checkout at another path, with a space in it.
		src := filepath.Join(tmp, fmt.Sprintf("checkout %d", i), "course")
		for _, d := range []string{"content", "layouts", "assets"} {
			copyTree(t, filepath.Join(repo, d), filepath.Join(src, d))
		}
		data, err := os.ReadFile(filepath.Join(repo, "site.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "site.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(tmp, fmt.Sprintf("out-%d", i), "public")
		cmd := exec.Command(bin, "build", "--quiet", "--source", src, "--dest", dest)
		cmd.Env = append(os.Environ(), append(env, "SOURCE_DATE_EPOCH=1767225600")...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("build under %v: %v\n%s", env, err, stderr.String())
		}
		outs = append(outs, snapshot(t, dest))
	}
	a, b := outs[0], outs[1]
	if len(a) != len(b) {
		t.Errorf("%d files under %v, %d under %v", len(a), envs[0], len(b), envs[1])
	}
	diffs := 0
	for p, x := range a {
		if y, ok := b[p]; !ok || x != y {
			if diffs++; diffs <= 5 {
				t.Errorf("%s differs between %v and %v", p, envs[0], envs[1])
			}
		}
	}
	if len(a) < 100 {
		t.Errorf("only %d files: the course did not build as expected", len(a))
	}
}
