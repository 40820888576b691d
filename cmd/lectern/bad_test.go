package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/tools/txtar"
)

var updateBad = flag.Bool("update-bad", false, "rewrite want/errors and want/exit in testdata/bad/*.txtar")

// The bad-input corpus (testdata/bad/README.md) runs through the CLI, as a
// user would meet it: `lectern build` over a destination that holds a good
// earlier build. Whatever the input, the build ends within seconds and
// without a panic, says every problem as path:line:col, leaves the previous
// site byte for byte (or, when it passes, writes nothing outside the
// destination and no live script), and stays within a memory bound.

const (
	badDefaultTimeout = 15 * time.Second
	badMaxHeap        = 512 << 20 // peak heap growth during one build
	badSecret         = "LECTERN-OUTSIDE-SECRET"
)

func TestBadInputCorpus(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/bad/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in testdata/bad: %v", err)
	}
	good := goodBuild(t)
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			// Not parallel: each case measures the heap and the time of its build.
			runBadCase(t, p, good)
		})
	}
}

// goodBuild builds goodSite once; each case copies the result into its
// destination, so every bad build meets a previous site it must keep.
func goodBuild(t *testing.T) string {
	t.Helper()
	root := writeSite(t, goodSite)
	dest := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runCLI(t, "build", "--source", root, "--dest", dest); code != 0 {
		t.Fatalf("good build: exit %d\n%s", code, stderr)
	}
	return dest
}

type badCase struct {
	path    string
	archive *txtar.Archive
	files   map[string][]byte // the site, after the options' edits
	steps   [][]string        // options, split into fields
	exit    int
	errors  string
	timeout time.Duration
	linear  bool
	crlf    bool
	gens    []genSpec
}

type genSpec struct {
	path, kind string
	n          int
}

func loadBadCase(t *testing.T, path string) *badCase {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &badCase{path: path, archive: a, files: map[string][]byte{}, exit: 1, timeout: badDefaultTimeout}
	for _, f := range a.Files {
		switch f.Name {
		case "options":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if fields := splitFields(t, line); len(fields) > 0 {
					c.steps = append(c.steps, fields)
				}
			}
		case "want/errors":
			c.errors = string(f.Data)
		case "want/exit":
			c.exit, err = strconv.Atoi(strings.TrimSpace(string(f.Data)))
			if err != nil {
				t.Fatalf("want/exit: %v", err)
			}
		default:
			c.files[f.Name] = f.Data
		}
	}
	for _, s := range c.steps {
		switch s[0] {
		case "linear":
			c.linear = true
		case "crlf-bom":
			c.crlf = true
		case "timeout":
			sec, err := strconv.Atoi(arg(t, s, 1))
			if err != nil {
				t.Fatalf("timeout: %v", err)
			}
			c.timeout = time.Duration(sec) * time.Second
		case "gen":
			n, err := strconv.Atoi(arg(t, s, 3))
			if err != nil {
				t.Fatalf("gen: %v", err)
			}
			c.gens = append(c.gens, genSpec{path: s[1], kind: s[2], n: n})
		}
	}
	return c
}

func arg(t *testing.T, fields []string, i int) string {
	t.Helper()
	if i >= len(fields) {
		t.Fatalf("option %q: missing argument %d", strings.Join(fields, " "), i)
	}
	return fields[i]
}

// splitFields splits an option line into words; a word may be a Go string
// literal, so that bytes a txtar file cannot hold well (NUL, invalid UTF-8,
// decomposed Unicode) can be written as escapes.
func splitFields(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" || line[0] == '#' {
			return out
		}
		if line[0] == '"' {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				t.Fatalf("option %q: %v", line, err)
			}
			s, _ := strconv.Unquote(q)
			out = append(out, s)
			line = line[len(q):]
			continue
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		out = append(out, line[:end])
		line = line[end:]
	}
}

// writeCase lays out a work folder: site/ (the fixture with the options
// applied, generated files at scale), out/public (a copy of the good build)
// and outside/ (a secret that links in the site point at).
func (c *badCase) writeCase(t *testing.T, good string, scale float64) (work, site, dest string) {
	t.Helper()
	work = t.TempDir()
	site = filepath.Join(work, "site")
	dest = filepath.Join(work, "out", "public")
	files := map[string][]byte{}
	for k, v := range c.files {
		files[k] = bytes.Clone(v)
	}
	for _, g := range c.gens {
		text := generate(t, g.kind, int(float64(g.n)*scale))
		if bytes.Contains(files[g.path], []byte("@GEN@")) {
			files[g.path] = bytes.Replace(files[g.path], []byte("@GEN@"), bytes.TrimSuffix(text, []byte("\n")), 1)
		} else {
			files[g.path] = append(files[g.path], text...)
		}
	}
	var links [][2]string
	for _, s := range c.steps {
		switch s[0] {
		case "replace": // replace PATH OLD NEW
			p := arg(t, s, 1)
			if !bytes.Contains(files[p], []byte(arg(t, s, 2))) {
				t.Fatalf("replace: %q not in %s", s[2], p)
			}
			files[p] = bytes.ReplaceAll(files[p], []byte(s[2]), []byte(arg(t, s, 3)))
		case "rename": // rename PATH NEWPATH
			p, q := arg(t, s, 1), arg(t, s, 2)
			files[q] = files[p]
			delete(files, p)
		case "no-final-newline": // no-final-newline PATH
			p := arg(t, s, 1)
			files[p] = bytes.TrimSuffix(files[p], []byte("\n"))
		case "symlink": // symlink PATH TARGET; @outside/ names the folder beside the site
			links = append(links, [2]string{arg(t, s, 1), arg(t, s, 2)})
		case "linear", "crlf-bom", "timeout", "gen":
		default:
			t.Fatalf("unknown option %q", s[0])
		}
	}
	for p, data := range files {
		full := filepath.Join(site, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(work, "outside")
	if err := os.MkdirAll(filepath.Join(outside, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"secret.md", "secret.html", "dir/secret.css"} {
		data := "---\ntitle: " + badSecret + "\n---\n" + badSecret + "\n"
		if err := os.WriteFile(filepath.Join(outside, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range links {
		target := l[1]
		if rest, ok := strings.CutPrefix(target, "@outside/"); ok {
			target = filepath.Join(outside, filepath.FromSlash(rest))
		}
		full := filepath.Join(site, filepath.FromSlash(l[0]))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Skipf("cannot create symbolic links here: %v", err)
		}
	}
	copyTree(t, good, dest)
	return work, site, dest
}

// generate makes the large or deeply nested inputs that are not committed.
func generate(t *testing.T, kind string, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	switch kind {
	case "open-brackets": // 50k [
		b.WriteString(strings.Repeat("[", n))
	case "emphasis": // *_*_*_…
		b.WriteString(strings.Repeat("*_", n))
	case "unclosed-links": // [a]( [a]( …: goldmark scans ahead from each one
		b.WriteString(strings.Repeat("[a](", n))
	case "log-lines": // a pasted log: n lines of "[INFO] …", one paragraph
		b.WriteString(strings.Repeat("[INFO] request served\n", n))
	case "definitions": // n link reference definitions in one paragraph
		b.WriteString(strings.Repeat("[a]: /x\n", n))
	case "nested-lists": // - - - - x: n lists, each inside the last
		b.WriteString(strings.Repeat("- ", n) + "x")
	case "nested-quotes":
		b.WriteString(strings.Repeat("> ", n) + "x")
	case "paragraphs": // n bytes of ordinary prose in paragraphs
		para := "Lorem ipsum *dolor* sit amet, `consectetur` adipiscing elit, sed do [eiusmod](https://example.org/) tempor.\n\n"
		for b.Len() < n {
			b.WriteString(para)
		}
	case "yaml-deep": // x: [[[…]]] in a front matter line
		b.WriteString("x: " + strings.Repeat("[", n) + strings.Repeat("]", n))
	case "yaml-deep-maps":
		b.WriteString("x: " + strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n))
	case "yaml-deep-dashes": // - - - … 1: block lists, each inside the last
		b.WriteString(strings.Repeat("- ", n) + "1")
	case "toml-deep":
		b.WriteString("x = " + strings.Repeat("[", n) + strings.Repeat("]", n))
	default:
		t.Fatalf("unknown generator %q", kind)
	}
	b.WriteString("\n")
	return b.Bytes()
}

func runBadCase(t *testing.T, path string, good string) {
	c := loadBadCase(t, path)
	var baseline, quarter time.Duration
	if c.linear {
		baseline = c.timedBuild(t, good, 0)
		quarter = c.timedBuild(t, good, 0.25)
	}
	work, site, dest := c.writeCase(t, good, 1)
	before := hashTree(t, work)

	b := buildInProcess(t, c.timeout, "build", "--source", site, "--dest", dest)
	stderr := strings.ReplaceAll(b.stderr, work, "$WORK")
	t.Logf("exit %d in %v, peak heap +%d MB, allocated %d MB", b.code, b.elapsed.Round(time.Millisecond), b.peakHeap>>20, b.allocated>>20)

	if *updateBad {
		c.update(t, b.code, stderr)
	} else {
		if b.code != c.exit {
			t.Errorf("exit %d, want %d; stderr:\n%s", b.code, c.exit, stderr)
		}
		if stderr != c.errors {
			t.Errorf("stderr:\n%s\nwant (want/errors):\n%s", stderr, c.errors)
		}
	}
	if b.peakHeap > badMaxHeap {
		t.Errorf("the heap grew by %d MB during the build (bound %d MB)", b.peakHeap>>20, badMaxHeap>>20)
	}
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, "content/") && !strings.HasPrefix(line, "layouts/") &&
			!strings.HasPrefix(line, "assets/") && !strings.HasPrefix(line, "static/") && !strings.HasPrefix(line, "site.yaml") {
			t.Errorf("diagnostic names no site file: %q", line)
		}
	}

	after := hashTree(t, work)
	if b.code != 0 {
		diffTrees(t, "the work folder (site, previous public/, outside/)", before, after)
	} else {
		outsideDest := func(m map[string]string) map[string]string {
			out := map[string]string{}
			for k, v := range m {
				if !strings.HasPrefix(k, "out/public/") {
					out[k] = v
				}
			}
			return out
		}
		diffTrees(t, "everything but the destination", outsideDest(before), outsideDest(after))
		checkSiteOutput(t, dest, good)
	}

	if c.linear {
		// Time beyond a build without the generated text, at n/4 and at n:
		// linear growth gives about 4, quadratic 16. Builds that stay fast
		// whatever the size pass, as timer noise dominates them.
		full := b.elapsed
		superlinear := func() bool {
			grow, small := full-baseline, quarter-baseline
			return grow > 300*time.Millisecond && float64(grow) > 10*float64(max(small, 30*time.Millisecond))
		}
		// Other test packages share the machine and can slow one build
		// down: a case fails only when every one of three measurements
		// says it grows faster than linearly.
		for try := 0; try < 2 && superlinear(); try++ {
			t.Logf("build time: %v without the generated text, %v at n/4, %v at n: measuring again", baseline.Round(time.Millisecond), quarter.Round(time.Millisecond), full.Round(time.Millisecond))
			baseline, quarter, full = c.timedBuild(t, good, 0), c.timedBuild(t, good, 0.25), c.timedBuild(t, good, 1)
		}
		t.Logf("build time: %v without the generated text, %v at n/4, %v at n", baseline.Round(time.Millisecond), quarter.Round(time.Millisecond), full.Round(time.Millisecond))
		if superlinear() {
			t.Errorf("build time grows faster than linearly: +%v at n/4, +%v at n", quarter-baseline, full-baseline)
		}
	}
	if c.crlf && b.code == 0 {
		c.checkCRLF(t, good, dest, stderr)
	}
}

func (c *badCase) timedBuild(t *testing.T, good string, scale float64) time.Duration {
	t.Helper()
	_, site, dest := c.writeCase(t, good, scale)
	b := buildInProcess(t, c.timeout, "build", "--source", site, "--dest", dest)
	return b.elapsed
}

// checkCRLF builds the site again with CRLF line ends and a byte order mark
// in every Markdown file: output and diagnostics must be the same.
func (c *badCase) checkCRLF(t *testing.T, good, lfDest, lfStderr string) {
	t.Helper()
	work, site, dest := c.writeCase(t, good, 1)
	err := filepath.WalkDir(filepath.Join(site, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		data = append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...)
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := buildInProcess(t, c.timeout, "build", "--source", site, "--dest", dest)
	if stderr := strings.ReplaceAll(b.stderr, work, "$WORK"); b.code != 0 || stderr != lfStderr {
		t.Errorf("CRLF + BOM: exit %d, stderr:\n%s\nwant exit 0 and:\n%s", b.code, stderr, lfStderr)
	}
	diffTrees(t, "CRLF + BOM output against LF output", hashTree(t, lfDest), hashTree(t, dest))
}

func (c *badCase) update(t *testing.T, code int, stderr string) {
	t.Helper()
	a := c.archive
	set := func(name, data string) {
		for i := range a.Files {
			if a.Files[i].Name == name {
				a.Files[i].Data = []byte(data)
				return
			}
		}
		a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
	}
	set("want/errors", stderr)
	if code != 1 {
		set("want/exit", strconv.Itoa(code)+"\n")
	} else {
		for i := range a.Files {
			if a.Files[i].Name == "want/exit" {
				a.Files = append(a.Files[:i], a.Files[i+1:]...)
				break
			}
		}
	}
	if err := os.WriteFile(c.path, txtar.Format(a), 0o644); err != nil {
		t.Fatal(err)
	}
}

type buildOutcome struct {
	code               int
	stderr             string
	elapsed            time.Duration
	peakHeap           uint64 // most live heap above the level before the build
	allocated          uint64 // bytes allocated during the build
	panicked, finished bool
}

// buildInProcess runs the CLI in this process under a deadline, turning a
// panic into a test failure, and samples the live heap while it runs.
func buildInProcess(t *testing.T, timeout time.Duration, args ...string) buildOutcome {
	t.Helper()
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	base, alloc0 := sample[0].Value.Uint64(), sample[1].Value.Uint64()

	type result struct {
		code   int
		stderr string
		panic  any
		stack  []byte
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		var res result
		defer func() {
			if r := recover(); r != nil {
				res.panic = r
				buf := make([]byte, 64<<10)
				res.stack = buf[:runtime.Stack(buf, false)]
			}
			done <- res
		}()
		var out, errb bytes.Buffer
		res.code = run(args, &out, &errb)
		res.stderr = errb.String()
	}()
	var peak uint64
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for {
		select {
		case res := <-done:
			elapsed := time.Since(start)
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
			}
			if res.panic != nil {
				t.Fatalf("panic: %v\n%s", res.panic, res.stack)
			}
			var grew uint64
			if peak > base {
				grew = peak - base
			}
			return buildOutcome{code: res.code, stderr: res.stderr, elapsed: elapsed, peakHeap: grew, allocated: sample[1].Value.Uint64() - alloc0, finished: true}
		case <-tick.C:
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
			}
		case <-deadline:
			t.Fatalf("lectern %s did not finish within %v", strings.Join(args, " "), timeout)
		}
	}
}

// hashTree maps every path below dir to a digest of what it is: a folder, a
// link and its target, or a file's contents. Links are never followed.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			m[rel] = "link " + target
		case d.IsDir():
			m[rel+"/"] = "dir"
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			m[rel] = hex.EncodeToString(sum[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func diffTrees(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var diffs []string
	for p, v := range before {
		if w, ok := after[p]; !ok {
			diffs = append(diffs, "removed "+p)
		} else if w != v {
			diffs = append(diffs, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			diffs = append(diffs, "added "+p)
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		if len(diffs) > 20 {
			diffs = append(diffs[:20], fmt.Sprintf("… and %d more", len(diffs)-20))
		}
		t.Errorf("%s changed:\n  %s", what, strings.Join(diffs, "\n  "))
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkSiteOutput checks a passing build's output: no file carries the
// secret that links in the site point at, and no HTML page holds a live
// script other than the theme's own (those of the good build).
func checkSiteOutput(t *testing.T, dest, good string) {
	t.Helper()
	themeScripts := map[string]bool{}
	for p, data := range readTree(t, good) {
		if strings.HasSuffix(p, ".html") {
			for _, s := range liveScripts(t, p, data, nil) {
				themeScripts[s] = true
			}
		}
	}
	for p, data := range readTree(t, dest) {
		if bytes.Contains(data, []byte(badSecret)) {
			t.Errorf("%s holds a file from outside the site (a followed link)", p)
		}
		if strings.HasSuffix(p, ".html") {
			for _, s := range liveScripts(t, p, data, themeScripts) {
				t.Errorf("%s: live script: %s", p, s)
			}
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// themeScriptRE matches the theme's script files: fingerprinted, below the
// site's own assets/ folder.
var themeScriptRE = regexp.MustCompile(`^/([\w.-]+/)*assets/js/[\w-]+\.[0-9a-f]+\.js$`)

// urlAttrs are the attributes whose value a browser may navigate to or load.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true, "poster": true, "data": true, "background": true, "srcset": true, "cite": true}

// liveScripts lists what in an HTML page could run script: <script>
// elements (those in allowed excepted, by their rendering), event handler
// attributes, javascript:, vbscript: and data:text/html URLs, frames and
// objects. Allowed holds the texts of the theme's inline scripts; with allowed
// nil it lists the texts of inline scripts and nothing else.
func liveScripts(t *testing.T, name string, page []byte, allowed map[string]bool) []string {
	t.Helper()
	// The tokenizer, not html.Parse: the parser refuses pages nested more
	// than 512 elements deep, which pathological Markdown produces. Both
	// decode attributes alike.
	z := html.NewTokenizer(bytes.NewReader(page))
	var out []string
	var script *html.Token // the open <script>, until its text is read
	flush := func(text string) {
		src := tokenAttr(script, "src")
		switch {
		case allowed == nil && src == "":
			out = append(out, text)
		case allowed == nil:
		case src == "" && allowed[text]:
		case src != "" && text == "" && themeScriptRE.MatchString(src):
		default:
			out = append(out, script.String()+text)
		}
		script = nil
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("%s: %v", name, z.Err())
			}
			break
		}
		tok := z.Token()
		if script != nil {
			text := ""
			if tt == html.TextToken {
				text = tok.Data
			}
			flush(text)
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		if tok.Data == "script" {
			script = &tok
			if tt == html.SelfClosingTagToken {
				flush("")
			}
		}
		if allowed == nil {
			continue
		}
		switch tok.Data {
		case "iframe", "frame", "object", "embed", "base":
			out = append(out, tok.String())
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if a.Namespace != "" {
				key = a.Namespace + ":" + key
			}
			refresh := key == "content" && strings.Contains(strings.ToLower(tokenAttr(&tok, "http-equiv")), "refresh")
			if strings.HasPrefix(key, "on") || (urlAttrs[key] || refresh) && dangerousURL(a.Val) {
				out = append(out, tok.String())
			}
		}
	}
	if script != nil {
		flush("")
	}
	return out
}

func tokenAttr(tok *html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// dangerousURL reports whether a (decoded) attribute value is a script URL
// in the eyes of a browser, which drops whitespace and control characters
// inside the scheme and ignores case. A meta refresh's "0; url=…" counts too.
func dangerousURL(v string) bool {
	v = norm.NFKC.String(v)
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, v)
	if i := strings.Index(v, "url="); i >= 0 {
		v = strings.Trim(v[i+len("url="):], `'"`)
	}
	for _, s := range []string{"javascript:", "vbscript:", "data:text/html", "data:image/svg", "data:application/xhtml"} {
		if strings.HasPrefix(v, s) || strings.Contains(v, ","+s) {
			return true
		}
	}
	return false
}

// TestLiveScriptsFindsScripts keeps the corpus's XSS check honest: every
// way of running script below must be found, the theme's own scripts not.
func TestLiveScriptsFindsScripts(t *testing.T) {
	theme := map[string]bool{"init()": true}
	ok := `<!doctype html><script>init()</script><script src="/c/assets/js/main.0123abcd.js" defer></script>` +
		`<a href="/x/">x</a><a href="https://example.org/javascript:">y</a><img src="data:image/png;base64,AA==">`
	if got := liveScripts(t, "ok", []byte(ok), theme); len(got) != 0 {
		t.Errorf("theme page flagged: %q", got)
	}
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<script src="https://evil.example/x.js"></script>`,
		`<svg><script>alert(1)</script></svg>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="JaVaScRiPt:alert(1)">`,
		`<a href="java&#9;script:alert(1)">`,
		`<a href=" &#x0A;javascript:alert(1)">`,
		`<a href="javascript&colon;alert(1)">`,
		`<iframe src="data:text/html,<script>alert(1)</script>"></iframe>`,
		`<meta http-equiv="refresh" content="0; url=javascript:alert(1)">`,
		`<form><button formaction="javascript:alert(1)">`,
	} {
		if got := liveScripts(t, "bad", []byte(bad), theme); len(got) == 0 {
			t.Errorf("not flagged: %s", bad)
		}
	}
}
