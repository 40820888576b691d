//go:build linux

package output

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment of the helper process of TestKillDuringCommit.
const (
	envKillDest = "LECTERN_OUTPUT_KILL_DEST"
	envKillSite = "LECTERN_OUTPUT_KILL_SITE"
	envKillGen  = "LECTERN_OUTPUT_KILL_GEN"
)

// genCount is how many files build generation gen writes, its "gen" marker
// included; it varies so a mix of two trees shows in the count.
func genCount(gen int) int { return 100 + gen%5*40 }

func writeGen(d *Dir, gen int) error {
	if err := d.Write("gen", []byte(strconv.Itoa(gen))); err != nil {
		return err
	}
	for i := 1; i < genCount(gen); i++ {
		p := fmt.Sprintf("m%02d/l%03d/index.html", i%10, i)
		if err := d.Write(p, fmt.Appendf(nil, "gen %d file %d\n", gen, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkGen verifies that dest holds exactly one generation's complete tree
// and returns that generation.
func checkGen(dest string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dest, "gen"))
	if err != nil {
		return 0, err
	}
	gen, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, fmt.Errorf("gen marker %q: %v", b, err)
	}
	prefix := fmt.Appendf(nil, "gen %d ", gen)
	files := 0
	err = filepath.WalkDir(dest, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || de.Name() == ManifestName || de.Name() == "gen" {
			files++
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && !bytes.HasPrefix(b, prefix) {
			err = fmt.Errorf("%s belongs to another build: %q", p, b)
		}
		return err
	})
	if err != nil {
		return gen, err
	}
	files = 0
	filepath.WalkDir(dest, func(p string, de fs.DirEntry, err error) error {
		if err == nil && !de.IsDir() && de.Name() != ManifestName {
			files++
		}
		return nil
	})
	if files != genCount(gen) {
		return gen, fmt.Errorf("generation %d has %d files, want %d", gen, files, genCount(gen))
	}
	m, err := readManifest(dest)
	if err != nil || len(m) != files {
		return gen, fmt.Errorf("manifest lists %d files (%v), want %d", len(m), err, files)
	}
	return gen, nil
}

// TestKillHelper is the child process of TestKillDuringCommit: it builds and
// commits generation after generation until it is killed.
func TestKillHelper(t *testing.T) {
	dest := os.Getenv(envKillDest)
	if dest == "" {
		t.Skip("helper process of TestKillDuringCommit")
	}
	gen, _ := strconv.Atoi(os.Getenv(envKillGen))
	fmt.Println("ready")
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); gen++ {
		d, err := OpenDir(DirOptions{Dest: dest, SiteRoot: os.Getenv(envKillSite)})
		if err != nil {
			t.Fatal(err)
		}
		if err := writeGen(d, gen); err != nil {
			t.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		fmt.Println("committed")
	}
}

// runHelper starts TestKillHelper at generation gen and kills it after
// delay, or after commits builds when delay is an int. It returns the times at
// which the helper said it was ready and had committed.
func runHelper[D time.Duration | int](t *testing.T, dest, site string, gen int, delay D) ([]time.Time, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKillDest+"="+dest, envKillSite+"="+site, envKillGen+"="+strconv.Itoa(gen))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan time.Time)
	var out bytes.Buffer
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if sc.Text() == "ready" || sc.Text() == "committed" {
				lines <- time.Now()
			}
		}
	}()
	var times []time.Time
	ready, ok := <-lines
	if !ok {
		cmd.Wait()
		return nil, fmt.Errorf("helper did not start:\n%s%s", out.Bytes(), stderr.Bytes())
	}
	times = append(times, ready)
	switch delay := any(delay).(type) {
	case time.Duration:
		time.Sleep(delay)
	case int:
		for len(times) <= delay {
			tm, ok := <-lines
			if !ok {
				break
			}
			times = append(times, tm)
		}
	}
	cmd.Process.Kill()
	for tm := range lines {
		times = append(times, tm)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		return nil, fmt.Errorf("helper ended by itself (%v):\n%s%s", err, out.Bytes(), stderr.Bytes())
	}
	return times, nil
}

// TestKillDuringCommit kills a process that builds and commits in a loop at
// random moments, and checks that the destination always holds one whole
// build and that the next OpenDir clears what the killed process left.
func TestKillDuringCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	w := newWorld(t)
	dest := w.public()

	probeA, probeB := filepath.Join(w.base, "probe-a"), filepath.Join(w.base, "probe-b")
	os.Mkdir(probeA, 0o755)
	os.Mkdir(probeB, 0o755)
	if err := exchange(probeA, probeB); errors.Is(err, errExchangeUnsupported) {
		t.Skip("this file system has no RENAME_EXCHANGE; without it a gap is expected")
	} else if err != nil {
		t.Fatal(err)
	}

	d, err := OpenDir(w.opts(dest))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeGen(d, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}

	// Calibrate: how long does the helper take per build on this machine
	// (the race detector slows it several times)?
	period := time.Second
	if lines, err := runHelper(t, dest, w.site, 1000, 4); err != nil {
		t.Fatal(err)
	} else {
		period = lines[len(lines)-1].Sub(lines[1]) / time.Duration(len(lines)-2)
	}

	seen := map[int]bool{}
	withLeftovers := 0
	start := time.Now()
	iter := 0
	for ; time.Since(start) < 5*time.Second && iter < 200; iter++ {
		// Kill at a random moment within the first two or three builds:
		// while writing, committing or removing the previous tree.
		if _, err := runHelper(t, dest, w.site, (iter+2)*1000, rand.N(5*period/2)); err != nil {
			t.Fatal(err)
		}
		gen, err := checkGen(dest)
		if err != nil {
			t.Fatalf("after kill %d: %v", iter, err)
		}
		seen[gen] = true
		if leftovers(t, dest) != nil {
			withLeftovers++
		}
		d, err := OpenDir(w.opts(dest))
		if err != nil {
			t.Fatalf("after kill %d: %v", iter, err)
		}
		if l := leftovers(t, dest); len(l) != 1 || filepath.Join(w.site, l[0]) != d.tmp {
			t.Fatalf("after kill %d, OpenDir left %q beside dest, want only its own temporary folder", iter, l)
		}
		if err := d.Abort(); err != nil {
			t.Fatal(err)
		}
		if l := leftovers(t, dest); l != nil {
			t.Fatalf("leftovers after Abort: %q", l)
		}
	}
	t.Logf("%d kills, %v per build; %d distinct generations seen; %d left leftovers", iter, period, len(seen), withLeftovers)
	if len(seen) < 2 {
		t.Errorf("the helper never committed before being killed; the test proves nothing")
	}
	entries, _ := os.ReadDir(w.site)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "content layouts public" {
		t.Errorf("site root holds %s, want content layouts public", got)
	}
}
