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
			ps = append(ps, b.problem(b.Line, "no language after the fence: write ```go, ```sql, ```text, …"))
			continue
		}
		switch b.Check {
		case "", "parse", "skip":
		case "compile":
			if b.Kind() != "go" {
				ps = append(ps, b.problem(b.Line, "check=compile is for Go programs only"))
			}
		default:
			ps = append(ps, b.problem(b.Line, "check=%s: want check=compile, check=parse or check=skip", b.Check))
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
			ps = append(ps, b.problem(b.FileLine(line), "does not parse as a Go file, declarations or statements (mark it {check=skip} and say why in the prose if it is not meant to): %s", msg))
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
	return line, fmt.Sprintf("line %d:%d: %s", best.Pos.Line, max(best.Pos.Column, 1), best.Msg)
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
			ps = append(ps, b.problem(b.FileLine(line), "check=compile: does not parse: line %d: %v", line, err))
			continue
		}
		if f.Name.Name != "main" || !hasMain(f) {
			ps = append(ps, b.problem(b.Line, "check=compile needs a whole program: package main with func main (or use check=parse)"))
			continue
		}
		progs = append(progs, b)
	}
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
	cmd := exec.CommandContext(ctx, goCmd, "vet", "./...")
	cmd.Dir = mod
	// Only the standard library may be used: no network, no workspace, no
	// flags from the caller's environment, no toolchain switch.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off", "GOTOOLCHAIN=local", "GO111MODULE=on")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return ps, nil
	}
	if ctx.Err() != nil {
		return ps, ctx.Err()
	}
	found := false
	for _, l := range strings.Split(string(out), "\n") {
		m := vetLineRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		line, _ := strconv.Atoi(m[2])
		if i >= len(progs) {
			continue
		}
		found = true
		b := progs[i]
		ps = append(ps, b.problem(b.FileLine(line), "go vet: line %d:%s: %s", line, m[3], strings.TrimSpace(m[4])))
	}
	if !found {
		return ps, fmt.Errorf("go vet failed without naming a block (%v):\n%s", err, out)
	}
	return ps, nil
}

// vetLineRE finds "b003/main.go:12:5: msg" in go vet's output, whatever the
// path in front (./, vet: …).
var vetLineRE = regexp.MustCompile(`\bb(\d{3,})[/\\]main\.go:(\d+)(:\d+)?: (.*)$`)

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
