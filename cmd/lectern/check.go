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
	"strconv"
	"strings"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/diag"
)

// runCheck builds the site in memory, writing nothing, and reports every
// error and warning (docs/check.md). Findings go to stdout in the chosen
// format; the text format ends with a summary line on stderr, so stdout of
// json and github stays machine-readable.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "site folder (holding site.yaml)")
	format := fs.String("format", "text", "output format: text, json (one object per line) or github (Actions annotations)")
	strict := fs.Bool("strict", false, "fail on warnings too")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	var print func(io.Writer, diag.List)
	switch *format {
	case "text":
		print = printText
	case "json":
		print = printJSON
	case "github":
		print = printGitHub
	default:
		fmt.Fprintf(stderr, "lectern check: --format %q: want text, json or github\n", *format)
		return exitUsage
	}
	root, ok := siteRoot("check", *source, stderr)
	if !ok {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Partial: keep going after the first content errors, so that one run
	// finds them all; the sink drops every file.
	res, err := build.Run(ctx, build.Options{
		Root:    os.DirFS(root),
		Theme:   lectern.Theme(),
		Sink:    discardSink{},
		Partial: true,
	})
	var found diag.List
	var l diag.List
	switch {
	case errors.As(err, &l):
		found = l
	case err != nil:
		fmt.Fprintf(stderr, "lectern check: %v\n", err)
		return exitUsage
	default:
		found = append(append(found, res.Errors...), res.Warnings...)
	}
	found.Sort()
	print(stdout, found)
	errs, warns := len(found.Errors()), len(found.Warnings())
	if *format == "text" {
		fmt.Fprintln(stderr, countSummary(errs, warns))
	}
	if errs > 0 || *strict && warns > 0 {
		return exitContent
	}
	return exitOK
}

// discardSink is where `check` sends the built files.
type discardSink struct{}

func (discardSink) Write(string, []byte) error { return nil }

// countSummary says "1 error, 2 warnings".
func countSummary(errs, warns int) string {
	plural := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return strconv.Itoa(n) + " " + word + "s"
	}
	return plural(errs, "error") + ", " + plural(warns, "warning")
}

// printText prints what build prints: "path:line:col: msg", warnings
// marked "warning:".
func printText(w io.Writer, l diag.List) {
	for _, e := range l {
		fmt.Fprintln(w, e.Error())
	}
}

// printJSON prints one object per finding and line, with the fields of
// jsonDiag (shared with `build --json`).
func printJSON(w io.Writer, l diag.List) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range jsonDiags(l) {
		_ = enc.Encode(d)
	}
}

// printGitHub prints GitHub Actions workflow commands, which show as
// annotations on the files of a pull request.
func printGitHub(w io.Writer, l diag.List) {
	for _, e := range l {
		var props []string
		if e.Pos.File != "" {
			props = append(props, "file="+ghProperty(e.Pos.File))
			if e.Pos.Line > 0 {
				props = append(props, "line="+strconv.Itoa(e.Pos.Line))
				if e.Pos.Col > 0 {
					props = append(props, "col="+strconv.Itoa(e.Pos.Col))
				}
			}
		}
		if e.Check != "" {
			props = append(props, "title="+ghProperty("lectern "+e.Check))
		}
		cmd := "::" + e.Severity.String()
		if len(props) > 0 {
			cmd += " " + strings.Join(props, ",")
		}
		fmt.Fprintf(w, "%s::%s\n", cmd, ghData(e.Err.Error()))
	}
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
