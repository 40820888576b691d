// Command lectern builds course sites from Markdown. main only parses flags
// and dispatches; the work is in package generator/... .
package main

import (
	"bytes"
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
	"strings"
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
	if len(os.Args) > 1 && (os.Args[1] == "build" || os.Args[1] == "check") {
		tuneGC() // one build per process
	}
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
		{"check", "lectern check [--source DIR] [--format text|json|github] [--strict]", "build in memory and report every error and warning", runCheck},
		{"new", "lectern new site DIR | lectern new lesson [--source DIR] content/MODULE/LESSON.md", "create a new site, or a lesson with its front matter", runNew},
		{"version", "lectern version", "print the version", runVersion},
		{"help", "lectern help [COMMAND]", "show help", nil},
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
	return formatVersion(bi)
}

// formatVersion prints "v1.2.3 go1.26.8" for a released module,
// "(devel) 0123456789ab+dirty go1.26.8" for a build from a checkout, and the
// pseudo-version Go derives from the checkout when it holds the revision
// already ("v0.0.0-20261121133731-0123456789ab+dirty go1.26.8").
func formatVersion(bi *debug.BuildInfo) string {
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
	if rev != "" && !strings.Contains(v, rev) {
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
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to this file (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "write an allocation profile of the build to this file (for go tool pprof)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	stopProfiles, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		fmt.Fprintf(stderr, "lectern build: %v\n", err)
		return exitUsage
	}
	defer func() {
		if err := stopProfiles(); err != nil {
			fmt.Fprintf(stderr, "lectern build: %v\n", err)
		}
	}()
	r := &buildReport{stdout: stdout, stderr: stderr, start: time.Now(), quiet: *quiet, asJSON: *asJSON}
	if *dest != "" {
		r.dest, _ = filepath.Abs(*dest)
	}
	if *baseURL != "" {
		// A flag with a bad value is a usage error, found before any work.
		if err := new(config.Site).SetBaseURL(*baseURL); err != nil {
			return r.usageError(err)
		}
	}
	var msg bytes.Buffer
	root, ok := siteRoot("build", *source, &msg)
	if !ok {
		return r.usageError(errors.New(strings.TrimPrefix(strings.TrimSpace(msg.String()), "lectern build: ")))
	}
	site := os.DirFS(root)
	cfg, err := config.Load(site)
	if err != nil {
		return r.contentErrors(err, nil)
	}
	outDir := *dest
	if outDir == "" {
		outDir = cfg.Output.Dir
		if !filepath.IsAbs(outDir) {
			outDir = filepath.Join(root, filepath.FromSlash(outDir))
		}
	}
	r.dest = outDir
	protect := []string{}
	for _, d := range []string{"content", "layouts", "assets", "static"} {
		protect = append(protect, filepath.Join(root, d))
	}
	dir, err := output.OpenDir(output.DirOptions{Dest: outDir, SiteRoot: root, Protect: protect})
	if err != nil {
		return r.usageError(err)
	}
	r.dest = dir.Dest()
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
	var prog *progress
	if !*quiet && !*asJSON && isTerminal(stderr) {
		prog = &progress{w: stderr, start: r.start}
		opts.Progress = prog.update
	}
	if e, err := sourceDateEpoch(); err != nil {
		_ = dir.Abort()
		return r.usageError(err)
	} else {
		opts.Epoch = e
	}
	if cfg.Lastmod == "git" {
		if opts.Lastmod, err = build.GitLastmod(ctx, root); err != nil {
			_ = dir.Abort()
			return r.usageError(fmt.Errorf("site.yaml says `lastmod: git`, but %v", err))
		}
	}
	res, err := build.Run(ctx, opts)
	prog.clear()
	if err != nil {
		_ = dir.Abort()
		var l diag.List
		if errors.As(err, &l) {
			return r.contentErrors(l, res)
		}
		return r.usageError(err)
	}
	if err := dir.Commit(); err != nil {
		return r.usageError(err)
	}
	if !*quiet {
		printDiags(stderr, res.Warnings)
	}
	r.summary(res)
	return exitOK
}

// buildReport prints how a build ended: diagnostics on stderr, and the
// summary line on a terminal, or with --json one summary object on stdout
// whatever happened.
type buildReport struct {
	stdout, stderr io.Writer
	start          time.Time
	quiet, asJSON  bool
	dest           string
}

// buildSummary is the object `lectern build --json` prints. Pages, files,
// assets and bytes describe what was written: all 0 when the build failed.
type buildSummary struct {
	OK          bool       `json:"ok"`
	Dest        string     `json:"dest"`
	Pages       int        `json:"pages"`
	Files       int        `json:"files"`
	Assets      int        `json:"assets"`
	Bytes       int64      `json:"bytes"`
	Errors      int        `json:"errors"`
	Warnings    int        `json:"warnings"`
	ErrorList   []jsonDiag `json:"errorList"`
	WarningList []jsonDiag `json:"warningList"`
	DurationMs  int64      `json:"durationMs"`
}

// jsonDiag is one diagnostic, with the fields of `lectern check --format
// json`. Line and col are 0 when unknown; file is "" for errors that belong
// to no file (a refused destination, I/O); check names the site.yaml check
// that found it, if any.
type jsonDiag struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Check    string `json:"check"`
	Message  string `json:"message"`
}

func jsonDiags(l diag.List) []jsonDiag {
	out := make([]jsonDiag, 0, len(l))
	for _, e := range l {
		out = append(out, jsonDiag{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Severity: e.Severity.String(), Check: e.Check, Message: e.Err.Error()})
	}
	return out
}

// usageError reports an error that is not the content's (exit 2).
func (r *buildReport) usageError(err error) int {
	fmt.Fprintf(r.stderr, "lectern build: %v\n", err)
	r.json(false, nil, diag.List{&diag.Error{Err: err}}, nil)
	return exitUsage
}

// contentErrors reports content, layout or configuration errors (exit 1).
func (r *buildReport) contentErrors(err error, res *build.Result) int {
	l := diag.ListOf(err)
	printDiags(r.stderr, l)
	warns := l.Warnings()
	if res != nil && len(warns) == 0 {
		warns = res.Warnings
	}
	r.json(false, nil, l.Errors(), warns)
	return exitContent
}

func (r *buildReport) summary(res *build.Result) {
	if r.asJSON {
		r.json(true, res, nil, res.Warnings)
		return
	}
	if r.quiet || !isTerminal(r.stdout) {
		return
	}
	elapsed := time.Since(r.start)
	fmt.Fprintf(r.stdout, "built %d pages, %d files (%s) in %s → %s\n", res.Pages, res.Files, size(res.Bytes), elapsed.Round(time.Millisecond), r.dest)
}

func (r *buildReport) json(ok bool, res *build.Result, errs, warns diag.List) {
	if !r.asJSON {
		return
	}
	errs.Sort()
	warns.Sort()
	s := buildSummary{
		OK:          ok,
		Dest:        r.dest,
		Errors:      len(errs),
		Warnings:    len(warns),
		ErrorList:   jsonDiags(errs),
		WarningList: jsonDiags(warns),
		DurationMs:  time.Since(r.start).Milliseconds(),
	}
	if ok && res != nil {
		s.Pages, s.Files, s.Assets, s.Bytes = res.Pages, res.Files, len(res.Assets), res.Bytes
	}
	enc := json.NewEncoder(r.stdout)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
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
	for _, e := range diag.ListOf(err) {
		fmt.Fprintln(w, e.Error())
	}
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
