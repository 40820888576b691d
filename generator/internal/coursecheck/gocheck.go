package coursecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
)

// CheckOptions checks what every block's info string says: a language is
// named, check= is compile, parse or skip, and compile is only asked of Go.
func CheckOptions(blocks []Block) []Problem {
	var ps []Problem
	for _, b := range blocks {
		if b.Lang == "" {
			ps = append(ps, b.problem("no language after the fence: write ```go, ```sql, ```text, …"))
			continue
		}
		switch b.Check {
		case "", "parse", "skip":
		case "compile":
			if b.Kind() != "go" {
				ps = append(ps, b.problem("check=compile is for Go programs only"))
			}
		default:
			ps = append(ps, b.problem("check=%s: want check=compile, check=parse or check=skip", b.Check))
		}
	}
	return ps
}

func skipped(b Block) bool { return b.Check == "skip" }

// CheckGoParse checks that every Go block without check=compile or
// check=skip parses as a file, as declarations or as statements.
func CheckGoParse(blocks []Block) []Problem {
	var ps []Problem
	for _, b := range blocks {
		if b.Kind() != "go" || skipped(b) || b.Check == "compile" {
			continue
		}
		if line, msg := parseGo(b.Code); msg != "" {
			ps = append(ps, b.problemAt(line, "does not parse as a Go file, declarations or statements: %s (if it is not meant to, mark it {check=skip} and say why in the prose)", msg))
		}
	}
	return ps
}

// parseGo tries the three readings of a snippet on the same lines (the
// wrappers go on line 1, so line numbers stay true) and returns the error of
// the reading that got furthest: that is the one the writer meant.
func parseGo(code []byte) (line int, msg string) {
	src := string(code)
	type attempt struct{ prefix, suffix string }
	attempts := []attempt{{"", ""}, {"package p; ", ""}, {"package p; func _() { ", "\n}"}}
	if startsWithPackage(src) {
		attempts = attempts[:1]
	}
	var best scanner.Error
	for _, a := range attempts {
		fset := token.NewFileSet()
		_, err := parser.ParseFile(fset, "block.go", a.prefix+src+a.suffix, parser.SkipObjectResolution)
		if err == nil {
			return 0, ""
		}
		var list scanner.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			return 1, err.Error()
		}
		e := *list[0]
		if e.Pos.Line == 1 {
			e.Pos.Column -= len(a.prefix)
		}
		if best.Msg == "" || e.Pos.Line > best.Pos.Line || (e.Pos.Line == best.Pos.Line && e.Pos.Column > best.Pos.Column) {
			best = e
		}
	}
	line = min(best.Pos.Line, max(1, strings.Count(src, "\n")))
	return line, fmt.Sprintf("column %d: %s", max(best.Pos.Column, 1), best.Msg)
}

func startsWithPackage(src string) bool {
	s := token.NewFileSet().AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(s, []byte(src), nil, 0)
	_, tok, _ := sc.Scan()
	return tok == token.PACKAGE
}

// CheckGoCompile writes every check=compile block into its own package of
// one temporary module under tmp and runs a single `go vet ./...` over them.
func CheckGoCompile(ctx context.Context, goCmd, tmp string, blocks []Block) ([]Problem, error) {
	var ps []Problem
	var progs []Block
	var files []*ast.File
	var fsets []*token.FileSet
	for _, b := range blocks {
		if b.Kind() != "go" || b.Check != "compile" {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "main.go", b.Code, parser.SkipObjectResolution)
		if err != nil {
			var list scanner.ErrorList
			line := 1
			if errors.As(err, &list) && len(list) > 0 {
				line = list[0].Pos.Line
				err = errors.New(list[0].Msg)
			}
			ps = append(ps, b.problemAt(line, "check=compile: does not parse: %v", err))
			continue
		}
		if f.Name.Name != "main" || !hasMain(f) {
			ps = append(ps, b.problem("check=compile needs a whole program: package main with func main (or use check=parse)"))
			continue
		}
		progs = append(progs, b)
		files = append(files, f)
		fsets = append(fsets, fset)
	}
	if len(progs) == 0 {
		return ps, nil
	}
	// An import from outside the standard library makes the go command
	// refuse to load every package, so such blocks are reported here.
	std, err := stdPackages(ctx, goCmd)
	if err != nil {
		return ps, err
	}
	kept := progs[:0]
	for i, b := range progs {
		ok := true
		for _, imp := range files[i].Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !std[p] {
				ok = false
				ps = append(ps, b.problemAt(fsets[i].Position(imp.Pos()).Line, "imports %q: a check=compile program may use only the standard library", p))
			}
		}
		if ok {
			kept = append(kept, b)
		}
	}
	progs = kept
	if len(progs) == 0 {
		return ps, nil
	}
	mod := filepath.Join(tmp, "goblocks")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return ps, err
	}
	gomod := "module coursecheck.example/blocks\n"
	if v := goLangVersion(); v != "" {
		gomod += "\ngo " + v + "\n"
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return ps, err
	}
	for i, b := range progs {
		dir := filepath.Join(mod, fmt.Sprintf("b%03d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return ps, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), b.Code, 0o644); err != nil {
			return ps, err
		}
	}
	// One go vet for all: type errors (only the first of each package,
	// marked "vet: ") and the analyzers' findings. Packages with a type error
	// then go to one go build, which lists all their compile errors; it does
	// not link them, as they do not compile.
	seen := map[string]bool{}
	broken := map[int]bool{}
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir = mod
		cmd.Env = goEnv()
		out, err := cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		found := false
		for _, l := range strings.Split(string(out), "\n") {
			m := goErrorRE.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			i, _ := strconv.Atoi(m[1])
			line, _ := strconv.Atoi(m[2])
			if i >= len(progs) {
				continue
			}
			found = true
			if strings.HasPrefix(l, "vet: ") {
				broken[i] = true
			}
			msg := strings.TrimSpace(m[4])
			if key := m[1] + ":" + m[2] + ":" + msg; !seen[key] {
				seen[key] = true
				ps = append(ps, progs[i].problemAt(line, "go %s: %s", args[0], msg))
			}
		}
		if !found {
			return fmt.Errorf("go %s failed without naming a block (%v):\n%s", args[0], err, out)
		}
		return nil
	}
	if err := run("vet", "./..."); err != nil {
		return ps, err
	}
	if len(broken) > 0 {
		args := []string{"build", "-o", filepath.Join(tmp, "gobin") + string(filepath.Separator)}
		for i := range progs {
			if broken[i] {
				args = append(args, fmt.Sprintf("./b%03d", i))
			}
		}
		if err := run(args...); err != nil {
			return ps, err
		}
	}
	return ps, nil
}

// goErrorRE finds "b003/main.go:12:5: msg" in the go command's output,
// whatever comes in front (./, vet: …).
var goErrorRE = regexp.MustCompile(`\bb(\d{3,})[/\\]main\.go:(\d+)(:\d+)?: (.*)$`)

// goEnv is the environment of the go commands run on the blocks: only the
// standard library may be used, so no network, no workspace, no flags from
// the caller's environment, no toolchain switch.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off", "GOTOOLCHAIN=local", "GO111MODULE=on")
}

// stdPackages lists the standard library's import paths.
func stdPackages(ctx context.Context, goCmd string) (map[string]bool, error) {
	cmd := exec.CommandContext(ctx, goCmd, "list", "std")
	cmd.Env = goEnv()
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list std: %v", err)
	}
	std := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		std[p] = true
	}
	return std, nil
}

func hasMain(f *ast.File) bool {
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "main" {
			return true
		}
	}
	return false
}

// goLangVersion is "1.26" for the toolchain running the tests, so the blocks
// may use what the course's Go version has.
func goLangVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return ""
	}
	for _, p := range parts[:2] {
		if _, err := strconv.Atoi(p); err != nil {
			return ""
		}
	}
	return parts[0] + "." + parts[1]
}

// lineOf is the 1-based line of byte offset off in src.
func lineOf(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	return 1 + bytes.Count(src[:off], []byte("\n"))
}
