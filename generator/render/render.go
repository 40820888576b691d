// Package render turns the course into HTML with html/template layouts. The
// site's layouts/ override the built-in theme file by file. Layouts get typed
// views (Site, Page), never untyped maps; template errors name the layout file,
// its line and column, and the page being rendered.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
	"time"
	"unicode/utf8"

	"github.com/lectern/lectern/generator/diag"
)

// LayoutDir is the layouts folder, in the site and in the theme.
const LayoutDir = "layouts"

const baseName = "_default/baseof.html"

// Layouts is the parsed template set: one clone of the base per page layout.
type Layouts struct {
	sets     map[string]*template.Template // by layout name ("lesson")
	partials *template.Template            // the base set, for partialCached
	src      map[string][]byte             // layout sources by name, for error columns
	origin   map[string]string             // template name → "layouts/…" or "layouts/… (built-in theme)"
	useBase  map[string]bool
	theme    map[string]bool // files of the built-in theme, or with its bytes
}

// Source is a layout file and where it came from.
type Source struct {
	Name    string // below layouts/: "_default/lesson.html"
	Data    []byte
	BuiltIn bool
	// SameAsTheme: a site file with the built-in theme file's bytes (the
	// build knows what the theme's files read; see SiteReads).
	SameAsTheme bool
}

// CollectSources reads layouts/ from the theme and then the site; a site file
// replaces the theme file of the same name. The result is sorted by name.
// Symbolic links are never followed (one could pull a file from outside the
// site into every page): each is skipped with a warning.
func CollectSources(theme, site fs.FS) ([]Source, diag.List, error) {
	byName := map[string]Source{}
	var warns diag.List
	for i, fsys := range []fs.FS{theme, site} {
		if fsys == nil {
			continue
		}
		err := fs.WalkDir(fsys, LayoutDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == LayoutDir {
					return fs.SkipDir // no layouts/ folder: nothing to override
				}
				return err
			}
			if d.Type()&fs.ModeSymlink != 0 {
				warns = append(warns, diag.Warnf(diag.Pos{File: p}, "symbolic link skipped: copy the file instead"))
				return nil
			}
			if d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			name := strings.TrimPrefix(p, LayoutDir+"/")
			prev, ok := byName[name]
			byName[name] = Source{Name: name, Data: data, BuiltIn: i == 0, SameAsTheme: ok && prev.BuiltIn && bytes.Equal(prev.Data, data)}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	out := make([]Source, 0, len(byName))
	for _, s := range byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, warns, nil
}

// Parse builds the template set: the base layout and partials go into every
// clone; each other layout in _default/ gets its own clone, so each can define
// "main" without clashing. Everything is parsed before the first Execute.
func Parse(sources []Source, funcs template.FuncMap) (*Layouts, error) {
	l := &Layouts{sets: map[string]*template.Template{}, origin: map[string]string{}, useBase: map[string]bool{}, src: map[string][]byte{}, theme: map[string]bool{}}
	var errs diag.List
	for _, s := range sources {
		o := LayoutDir + "/" + s.Name
		if s.BuiltIn {
			o += " (built-in theme)"
		}
		l.origin[s.Name] = o
		l.src[s.Name] = s.Data
		if s.BuiltIn || s.SameAsTheme {
			l.theme[s.Name] = true
		}
	}
	base := template.New("lectern").Funcs(funcs)
	var layouts []Source
	hasBase := false
	for _, s := range sources {
		switch {
		case s.Name == baseName:
			hasBase = true
			fallthrough
		case strings.HasPrefix(s.Name, "partials/"):
			if _, err := base.New(s.Name).Parse(string(s.Data)); err != nil {
				errs = append(errs, l.templateError(err))
			}
		case strings.HasPrefix(s.Name, "_default/"):
			layouts = append(layouts, s)
		}
	}
	if !hasBase {
		errs = append(errs, diag.Errorf(diag.Pos{File: LayoutDir + "/" + baseName}, "missing: the base layout is required"))
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	for _, s := range layouts {
		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.New(s.Name).Parse(string(s.Data)); err != nil {
			errs = append(errs, l.templateError(err))
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(s.Name, "_default/"), ".html")
		l.sets[name] = set
		l.useBase[name] = bytes.Contains(s.Data, []byte(`define "main"`))
	}
	// Escaping errors show up only at Execute time, on every page at once;
	// surface them now, once per layout.
	for _, name := range l.Names() {
		if err := escapeCheck(l.sets[name], l.entry(name)); err != nil {
			errs = append(errs, l.templateError(err))
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	l.partials = base
	return l, nil
}

// escapeCheck makes html/template escape the tree reachable from entry: it
// executes into a writer that fails at the first byte, so nothing really runs.
func escapeCheck(set *template.Template, entry string) error {
	err := set.ExecuteTemplate(failWriter{}, entry, nil)
	var te *template.Error
	if errors.As(err, &te) {
		return err
	}
	return nil
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errStop }

var errStop = errors.New("stop")

func (l *Layouts) entry(layout string) string {
	if l.useBase[layout] {
		return baseName
	}
	return "_default/" + layout + ".html"
}

// SiteReads reports whether a layout or partial of the site names field
// anywhere in its actions: .Course, .Site.Course, $.Course, $site.Course,
// (…).Course. Text outside actions ("Course contents") does not count, nor
// do the built-in theme's files and site files with the same bytes.
func (l *Layouts) SiteReads(field string) bool {
	seen := map[*parse.Tree]bool{}
	sets := make([]*template.Template, 0, len(l.sets)+1)
	for _, name := range l.Names() {
		sets = append(sets, l.sets[name])
	}
	if l.partials != nil {
		sets = append(sets, l.partials)
	}
	for _, set := range sets {
		for _, t := range set.Templates() {
			tr := t.Tree
			if tr == nil || tr.Root == nil || seen[tr] {
				continue
			}
			seen[tr] = true
			if _, ok := l.origin[tr.ParseName]; !ok || l.theme[tr.ParseName] {
				continue
			}
			if names(tr.Root, field) {
				return true
			}
		}
	}
	return false
}

// names reports whether field is an identifier in the tree below n.
func names(n parse.Node, field string) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if names(c, field) {
				return true
			}
		}
	case *parse.ActionNode:
		return names(n.Pipe, field)
	case *parse.IfNode:
		return names(&n.BranchNode, field)
	case *parse.RangeNode:
		return names(&n.BranchNode, field)
	case *parse.WithNode:
		return names(&n.BranchNode, field)
	case *parse.BranchNode:
		return names(n.Pipe, field) || names(n.List, field) || n.ElseList != nil && names(n.ElseList, field)
	case *parse.TemplateNode:
		return n.Pipe != nil && names(n.Pipe, field)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if names(c, field) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if names(a, field) {
				return true
			}
		}
	case *parse.FieldNode:
		return slices.Contains(n.Ident, field)
	case *parse.VariableNode:
		return len(n.Ident) > 1 && slices.Contains(n.Ident[1:], field)
	case *parse.ChainNode:
		return slices.Contains(n.Field, field) || names(n.Node, field)
	}
	return false
}

// Has reports whether a page layout exists ("lesson", or a front matter `layout:` name).
func (l *Layouts) Has(name string) bool { _, ok := l.sets[name]; return ok }

// Names lists the page layouts, sorted.
func (l *Layouts) Names() []string {
	out := make([]string, 0, len(l.sets))
	for k := range l.sets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Execute renders a page with a layout into buf. An error is a *diag.Error at
// the layout's file:line:col; the caller adds which page was being rendered
// (one broken layout fails every page: callers report it once).
func (l *Layouts) Execute(buf *bytes.Buffer, layout string, data any) error {
	set, ok := l.sets[layout]
	if !ok {
		return diag.Errorf(diag.Pos{File: LayoutDir + "/_default/" + layout + ".html"}, "no such layout")
	}
	if err := set.ExecuteTemplate(buf, l.entry(layout), data); err != nil {
		return l.templateError(err)
	}
	return nil
}

var tmplErrRE = regexp.MustCompile(`^(?:html/)?template: ?([^:]+):(\d+)(?::(\d+))?: (.*)$`)

// templateError turns a text/template or html/template error into a diagnostic
// at the layout file's line and column.
func (l *Layouts) templateError(err error) *diag.Error {
	msg := err.Error()
	if m := tmplErrRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		text := m[4]
		// html/template repeats the location inside the message.
		text = strings.TrimPrefix(text, "executing \""+m[1]+"\" ")
		if col == 0 {
			col = l.guessColumn(m[1], line, text)
		}
		return diag.Errorf(diag.Pos{File: l.file(m[1]), Line: line, Col: col}, "%s", text)
	}
	return diag.Errorf(diag.Pos{File: LayoutDir}, "%s", msg)
}

// quotedRE finds what a parse error quotes: 'x', "x" or `x`.
var quotedRE = regexp.MustCompile("'([^']+)'|\"([^\"]+)\"|`([^`]+)`")

// guessColumn gives a column to a parse error, which text/template reports
// with a line only: where the token it quotes first appears in an action on
// that line, else where the line's first action starts, else 1.
func (l *Layouts) guessColumn(name string, line int, msg string) int {
	src, ok := l.src[name]
	if !ok || line < 1 {
		return 1
	}
	lines := bytes.Split(src, []byte("\n"))
	if line > len(lines) {
		return 1
	}
	text := lines[line-1]
	action := bytes.Index(text, []byte("{{"))
	if action < 0 {
		return 1
	}
	if m := quotedRE.FindStringSubmatch(msg); m != nil {
		tok := m[1] + m[2] + m[3]
		if i := bytes.Index(text[action:], []byte(tok)); i >= 0 {
			return 1 + utf8.RuneCount(text[:action+i])
		}
	}
	return 1 + utf8.RuneCount(text[:action])
}

func (l *Layouts) file(name string) string {
	if o, ok := l.origin[name]; ok {
		return o
	}
	return path.Join(LayoutDir, name)
}

// FormatDuration writes a duration for readers: "25 min", "1 h 30 min".
func FormatDuration(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
