package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"serve", "--bind", "not-an-ip"}, {"serve", "--source", "/does/not/exist"}, {"serve", "--nope"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("lectern %v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
}

// lecternBinary builds the command for tests that run it as a process.
func lecternBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lectern")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProcess is a running `lectern serve`.
type serveProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `lectern serve ARGS…` and waits for the URL it prints.
func startServe(t *testing.T, bin string, env []string, args ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(` at (http://\S+/) `).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	select {
	case p.url = <-urls:
	case err := <-p.done:
		t.Fatalf("lectern serve exited: %v\n%s", err, p.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("lectern serve printed no URL\n%s", p.stderr.String())
	}
	return p
}

// stop sends sig and checks that serve ends cleanly, saying so.
func (p *serveProcess) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("after %v: %v\n%s", sig, err, p.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after %v", sig)
	}
	if !strings.Contains(p.stderr.String(), "stopped") {
		t.Errorf("no goodbye after %v:\n%s", sig, p.stderr.String())
	}
}

func fetch(t *testing.T, url, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func serveSite(t *testing.T) string {
	t.Helper()
	return writeSite(t, map[string]string{
		"site.yaml":              "title: Served\nbaseURL: https://example.org/course/\n",
		"content/_index.md":      "---\ntitle: Home\n---\nWelcome.\n",
		"content/01-m/_index.md": "---\ntitle: M\n---\n",
		"content/01-m/01-a.md":   "---\ntitle: A\n---\nFirst text.\n",
		"content/01-m/02-d.md":   "---\ntitle: D\ndraft: true\n---\nDraft text.\n",
	})
}

// TestServeCommand runs `lectern serve` as a user does: the default port
// busy, drafts shown, an edit served, foreign Host headers refused, Ctrl-C;
// then --bind 0.0.0.0 (a warning, this machine's name accepted) with
// --port 0, --no-drafts and --open, stopped by SIGTERM.
func TestServeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs lectern")
	}
	bin := lecternBinary(t)
	site := serveSite(t)

	busy, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", defaultPort))
	if err == nil {
		defer busy.Close()
	}
	p := startServe(t, bin, nil, "--source", site)
	if err == nil && strings.Contains(p.url, fmt.Sprintf(":%d/", defaultPort)) {
		t.Errorf("served at %s, on the busy default port", p.url)
	}
	if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Errorf("URL %s: not loopback", p.url)
	}
	if code, b := fetch(t, p.url+"m/a/", ""); code != 200 || !strings.Contains(b, "First text.") {
		t.Errorf("lesson: %d %.200s", code, b)
	}
	if code, b := fetch(t, p.url+"m/d/", ""); code != 200 || !strings.Contains(b, `class="badge">Draft`) && !strings.Contains(b, `class=badge>Draft`) {
		t.Errorf("draft: %d, badge shown: %v", code, strings.Contains(b, "Draft"))
	}
	if code, _ := fetch(t, p.url+"m/a/", "evil.example"); code != 403 {
		t.Errorf("foreign Host: %d, want 403", code)
	}
	if err := os.WriteFile(filepath.Join(site, "content/01-m/01-a.md"), []byte("---\ntitle: A\n---\nSecond text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, b := fetch(t, p.url+"m/a/", ""); strings.Contains(b, "Second text.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the edit was never served\n%s", p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.stop(t, os.Interrupt)
	if strings.Contains(p.stderr.String(), "warning") {
		t.Errorf("a loopback server warned:\n%s", p.stderr.String())
	}

	// Exposed to the network, drafts hidden, a browser opened.
	var env []string
	opened := filepath.Join(t.TempDir(), "opened")
	if runtime.GOOS == "linux" {
		fake := t.TempDir()
		script := "#!/bin/sh\nprintf '%s' \"$1\" > " + opened + "\n"
		if err := os.WriteFile(filepath.Join(fake, "xdg-open"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		env = []string{"PATH=" + fake + string(os.PathListSeparator) + os.Getenv("PATH")}
	}
	p = startServe(t, bin, env, "--source", site, "--bind", "0.0.0.0", "--port", "0", "--no-drafts", "--open")
	if !strings.Contains(p.stderr.String(), "warning: listening on 0.0.0.0") {
		t.Errorf("no warning for --bind 0.0.0.0:\n%s", p.stderr.String())
	}
	if code, _ := fetch(t, p.url+"m/d/", ""); code != 404 {
		t.Errorf("--no-drafts: the draft answered %d", code)
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		port := p.url[strings.LastIndex(p.url, ":")+1 : len(p.url)-1]
		if code, _ := fetch(t, p.url+"m/a/", name+":"+port); code != 200 {
			t.Errorf("--bind 0.0.0.0: Host %s refused (%d)", name, code)
		}
	}
	if code, _ := fetch(t, p.url+"m/a/", "evil.example"); code != 403 {
		t.Errorf("--bind 0.0.0.0: foreign Host answered %d", code)
	}
	if runtime.GOOS == "linux" {
		deadline := time.Now().Add(5 * time.Second)
		for {
			if b, err := os.ReadFile(opened); err == nil {
				if string(b) != p.url {
					t.Errorf("--open opened %q, want %q", b, p.url)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Error("--open opened nothing")
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	p.stop(t, syscall.SIGTERM)
}

// TestServeHosts: on every interface the server accepts this machine's
// addresses, its name and name.local; on one address, that address and the
// name; on loopback only what --allow-host adds (loopback names are always
// accepted by the server itself).
func TestServeHosts(t *testing.T) {
	name, err := os.Hostname()
	if err != nil || name == "" {
		t.Skipf("no host name: %v", err)
	}
	has := func(hosts []string, h string) bool { return slices.Contains(hosts, h) }

	all := serveHosts(net.IPv4zero, "")
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !has(all, n.IP.String()) {
			t.Errorf("--bind 0.0.0.0: interface address %s not accepted (hosts %q)", n.IP, all)
		}
	}
	if !has(all, name) {
		t.Errorf("--bind 0.0.0.0: host name %q not accepted (hosts %q)", name, all)
	}
	if !strings.Contains(name, ".") && !has(all, name+".local") {
		t.Errorf("--bind 0.0.0.0: %q not accepted (hosts %q)", name+".local", all)
	}
	if v6 := serveHosts(net.IPv6unspecified, ""); !has(v6, name) || len(v6) != len(all) {
		t.Errorf("--bind :: accepts %q, --bind 0.0.0.0 %q", v6, all)
	}

	one := serveHosts(net.ParseIP("192.0.2.7"), " docs.example , ,lab")
	for _, h := range []string{"192.0.2.7", name, "docs.example", "lab"} {
		if !has(one, h) {
			t.Errorf("--bind 192.0.2.7 --allow-host ' docs.example , ,lab': %q not accepted (hosts %q)", h, one)
		}
	}
	if has(one, "") {
		t.Errorf("an empty name is accepted: %q", one)
	}

	if lo := serveHosts(net.ParseIP("127.0.0.1"), ""); len(lo) != 0 {
		t.Errorf("--bind 127.0.0.1 accepts more than loopback: %q", lo)
	}
	if lo := serveHosts(net.ParseIP("::1"), "lab"); !slices.Equal(lo, []string{"lab"}) {
		t.Errorf("--bind ::1 --allow-host lab: hosts %q, want [lab]", lo)
	}
}
