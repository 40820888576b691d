// Command lectern builds course sites from Markdown. main only parses flags
// and dispatches; the work is in package generator/... .
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/output"
)

// Exit codes.
const (
	exitOK      = 0
	exitContent = 1 // content, template or check errors
	exitUsage   = 2 // usage errors, refused destinations, I/O failures
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: its flags are defined by setup, run does the work
// and returns the exit code, so deferred calls still run.
type command struct {
	name  string
	usage string
	short string
	run   func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"build", "lectern build [--source DIR] [--dest DIR] [--drafts] [--base-url URL] [--no-minify] [--quiet] [--json]", "build the site into public/", runBuild},
		{"serve", "lectern serve [--source DIR] [--bind 127.0.0.1] [--port N] [--open] [--no-drafts]", "preview the site, rebuilding and reloading on every save", runServe},
		{"version", "lectern version", "print the version", runVersion},
		{"help", "lectern help [COMMAND]", "show help", nil},
		// check and new come in later issues.
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if c.name == "help" {
			return runHelp(args[1:], stdout, stderr)
		}
		return c.run(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "lectern: unknown command %q\n", name)
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "lectern builds course sites from Markdown.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w, "\nRun `lectern help COMMAND` for a command's flags.")
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			fmt.Fprintln(stdout, "usage: "+c.usage)
			if c.run != nil && c.name != "version" {
				c.run([]string{"-h"}, stdout, stdout)
			}
			return exitOK
		}
	}
	fmt.Fprintf(stderr, "lectern help: unknown command %q\n", args[0])
	return exitUsage
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: lectern version")
		return exitUsage
	}
	fmt.Fprintln(stdout, "lectern "+version())
	return exitOK
}

// version is the module version and VCS revision from the build info.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	return v + " " + bi.GoVersion
}

func runBuild(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "site folder (holding site.yaml)")
	dest := fs.String("dest", "", "output folder (default: site.yaml output.dir, else public)")
	drafts := fs.Bool("drafts", false, "include drafts")
	baseURL := fs.String("base-url", "", "override site.yaml baseURL, e.g. https://user.github.io/course/")
	noMinify := fs.Bool("no-minify", false, "write readable, unminified output")
	quiet := fs.Bool("quiet", false, "print errors only")
	asJSON := fs.Bool("json", false, "print one JSON summary object on stdout")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	start := time.Now()
	root, ok := siteRoot("build", *source, stderr)
	if !ok {
		return exitUsage
	}
	site := os.DirFS(root)
	cfg, err := config.Load(site)
	if err != nil {
		printDiags(stderr, err)
		return exitContent
	}
	outDir := *dest
	if outDir == "" {
		outDir = cfg.Output.Dir
		if !filepath.IsAbs(outDir) {
			outDir = filepath.Join(root, filepath.FromSlash(outDir))
		}
	}
	protect := []string{}
	for _, d := range []string{"content", "layouts", "assets", "static"} {
		protect = append(protect, filepath.Join(root, d))
	}
	dir, err := output.OpenDir(output.DirOptions{Dest: outDir, SiteRoot: root, Protect: protect})
	if err != nil {
		fmt.Fprintf(stderr, "lectern build: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := build.Options{
		Root:     site,
		Theme:    lectern.Theme(),
		Config:   cfg,
		Sink:     dir,
		Drafts:   *drafts,
		BaseURL:  *baseURL,
		NoMinify: *noMinify,
	}
	if e, err := sourceDateEpoch(); err != nil {
		_ = dir.Abort()
		fmt.Fprintf(stderr, "lectern build: %v\n", err)
		return exitUsage
	} else {
		opts.Epoch = e
	}
	if cfg.Lastmod == "git" {
		if opts.Lastmod, err = build.GitLastmod(ctx, root); err != nil {
			_ = dir.Abort()
			fmt.Fprintf(stderr, "lectern build: site.yaml says `lastmod: git`, but %v\n", err)
			return exitUsage
		}
	}
	res, err := build.Run(ctx, opts)
	if err != nil {
		_ = dir.Abort()
		var l diag.List
		if errors.As(err, &l) {
			printDiags(stderr, l)
			summary(stdout, stderr, res, start, dir.Dest(), *quiet, *asJSON, false)
			return exitContent
		}
		fmt.Fprintf(stderr, "lectern build: %v\n", err)
		return exitUsage
	}
	if err := dir.Commit(); err != nil {
		fmt.Fprintf(stderr, "lectern build: %v\n", err)
		return exitUsage
	}
	if !*quiet {
		printDiags(stderr, res.Warnings)
	}
	summary(stdout, stderr, res, start, dir.Dest(), *quiet, *asJSON, true)
	return exitOK
}

// parseFlags parses a subcommand's flags; !ok means return code now (0 after -h).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lectern %s: unexpected argument %q (everything is a flag)\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}

// siteRoot makes --source absolute and checks that it is a folder.
func siteRoot(cmd, source string, stderr io.Writer) (string, bool) {
	root, err := filepath.Abs(source)
	if err != nil {
		fmt.Fprintf(stderr, "lectern %s: %v\n", cmd, err)
		return "", false
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "lectern %s: --source %s is not a folder\n", cmd, source)
		return "", false
	}
	return root, true
}

// printDiags prints one diagnostic per line, sorted.
func printDiags(w io.Writer, err error) {
	var l diag.List
	if !errors.As(err, &l) {
		var c diag.Collector
		c.Add(err)
		l = c.List()
	}
	l.Sort()
	for _, e := range l {
		fmt.Fprintln(w, e.Error())
	}
}

func summary(stdout, stderr io.Writer, res *build.Result, start time.Time, dest string, quiet, asJSON, ok bool) {
	elapsed := time.Since(start)
	if asJSON {
		var errs, warns int
		if res != nil {
			warns = len(res.Warnings)
		}
		out := map[string]any{
			"ok":         ok,
			"pages":      res.Pages,
			"files":      res.Files,
			"bytes":      res.Bytes,
			"warnings":   warns,
			"errors":     errs,
			"durationMs": elapsed.Milliseconds(),
			"dest":       dest,
		}
		enc := json.NewEncoder(stdout)
		_ = enc.Encode(out)
		return
	}
	if quiet || !ok || !isTerminal(stdout) {
		return
	}
	fmt.Fprintf(stdout, "built %d pages, %d files (%s) in %s → %s\n", res.Pages, res.Files, size(res.Bytes), elapsed.Round(time.Millisecond), dest)
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (reproducible-builds.org).
func sourceDateEpoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
	}
	return time.Unix(n, 0).UTC(), nil
}
