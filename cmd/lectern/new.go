package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/lectern/lectern/generator/course"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"unicode"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"golang.org/x/text/unicode/norm"
)

// newSiteFS is the scaffold `lectern new site` writes. Files ending in .tmpl
// are text/templates with [[ ]] delimiters (Markdown and layouts use {{ }});
// "dot-" at the start of a name stands for "." (a .gitignore here would apply
// to this repository).
//
//go:embed all:newsite
var newSiteFS embed.FS

const newSiteRoot = "newsite"

func runNew(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintln(stdout, "  site DIR     create a new site in DIR (which must not exist, or be empty)")
		fmt.Fprintln(stdout, "  lesson FILE  create a lesson, e.g. content/02-apis/03-auth.md, from the site folder")
		fmt.Fprintln(stdout, "               (or with --source DIR); FILE is relative to the site folder")
		return exitOK
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: lectern new site DIR | lectern new lesson [--source DIR] content/MODULE/LESSON.md")
		return exitUsage
	}
	switch args[0] {
	case "site":
		return runNewSite(args[1:], stdout, stderr)
	case "lesson":
		return runNewLesson(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "lectern new: unknown kind %q: use `lectern new site DIR` or `lectern new lesson content/MODULE/LESSON.md`\n", args[0])
	return exitUsage
}

func runNewSite(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("new site", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprintln(stderr, "usage: lectern new site DIR") }
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fset.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: lectern new site DIR")
		return exitUsage
	}
	dir := fset.Arg(0)
	abs, err := filepath.Abs(dir)
	if err != nil {
		fmt.Fprintf(stderr, "lectern new site: %v\n", err)
		return exitUsage
	}
	if entries, err := os.ReadDir(abs); err == nil {
		if len(entries) > 0 {
			fmt.Fprintf(stderr, "lectern new site: refusing %s: it exists and is not empty (it holds %s); name a new folder, or an empty one\n", dir, entries[0].Name())
			return exitUsage
		}
	} else if st, serr := os.Stat(abs); serr == nil && !st.IsDir() {
		fmt.Fprintf(stderr, "lectern new site: refusing %s: it is a file, not a folder\n", dir)
		return exitUsage
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "lectern new site: %v\n", err)
		return exitUsage
	}
	data := struct{ Title string }{yamlString(course.TitleFromName(filepath.Base(abs)))}
	files, err := scaffold(data)
	if err != nil {
		fmt.Fprintf(stderr, "lectern new site: %v\n", err) // a broken embedded template: a bug
		return exitUsage
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		fmt.Fprintf(stderr, "lectern new site: %v\n", err)
		return exitUsage
	}
	for _, f := range files {
		full := filepath.Join(abs, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			fmt.Fprintf(stderr, "lectern new site: %v\n", err)
			return exitUsage
		}
		// O_EXCL: never overwrite, even if something appeared meanwhile.
		if err := writeNew(full, f.data); err != nil {
			fmt.Fprintf(stderr, "lectern new site: %v\n", err)
			return exitUsage
		}
	}
	fmt.Fprintf(stdout, "Created a new site in %s:\n", dir)
	for _, f := range files {
		fmt.Fprintf(stdout, "  %s\n", f.path)
	}
	fmt.Fprintf(stdout, "\nNext:\n  cd %s\n  lectern serve      # preview at http://127.0.0.1:4747/, reloads on save\n  lectern build      # write the site to public/\n", shellQuote(dir))
	fmt.Fprintln(stdout, "Set baseURL in site.yaml to where the site will be published before you deploy it.")
	return exitOK
}

type newFile struct {
	path string // slash path in the new site
	data []byte
}

// scaffold renders the embedded site, sorted by path.
func scaffold(data any) ([]newFile, error) {
	var files []newFile
	err := fs.WalkDir(newSiteFS, newSiteRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := newSiteFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, newSiteRoot+"/")
		dir, name := path.Split(rel)
		name = strings.TrimPrefix(name, "dot-")
		if name != path.Base(rel) {
			name = "." + name
		}
		if strings.HasSuffix(name, ".tmpl") {
			name = strings.TrimSuffix(name, ".tmpl")
			t, err := template.New(rel).Delims("[[", "]]").Option("missingkey=error").Parse(string(src))
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := t.Execute(&b, data); err != nil {
				return err
			}
			src = b.Bytes()
		}
		files = append(files, newFile{path: dir + name, data: src})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return files, err
}

// writeNew creates a file that must not exist yet.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var plainYAML = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} ,()'._/-]*$`)

// yamlString writes s as a YAML scalar: plain when that is safe, else
// double-quoted (JSON strings are valid YAML).
func yamlString(s string) string {
	if plainYAML.MatchString(s) && !strings.HasSuffix(s, " ") {
		switch strings.ToLower(s) {
		case "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~":
		default:
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				return s
			}
		}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// shellQuote quotes a path for the "cd" hint when it needs it.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./~+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runNewLesson(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("new lesson", flag.ContinueOnError)
	fset.SetOutput(stderr)
	source := fset.String("source", ".", "site folder (holding site.yaml)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: lectern new lesson [--source DIR] content/MODULE/LESSON.md")
		fset.PrintDefaults()
	}
	// Accept the flag after the file too: `lectern new lesson content/a/b.md --source x`.
	var file string
	rest := args
	for {
		if err := fset.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fset.NArg() == 0 {
			break
		}
		if file != "" {
			fmt.Fprintf(stderr, "lectern new lesson: one file at a time (got %q and %q)\n", file, fset.Arg(0))
			return exitUsage
		}
		file, rest = fset.Arg(0), fset.Args()[1:]
	}
	if file == "" {
		fset.Usage()
		return exitUsage
	}
	root, ok := siteRoot("new lesson", *source, stderr)
	if !ok {
		return exitUsage
	}
	if _, err := os.Stat(filepath.Join(root, config.FileName)); err != nil {
		fmt.Fprintf(stderr, "lectern new lesson: %s has no %s: run this in a site folder, or pass --source DIR\n", *source, config.FileName)
		return exitUsage
	}
	rel, msg := lessonPath(root, file)
	if msg != "" {
		fmt.Fprintf(stderr, "lectern new lesson: refusing %s: %s\n", file, msg)
		return exitUsage
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Lstat(full); err == nil {
		fmt.Fprintf(stderr, "lectern new lesson: refusing %s: it exists already; pick another name\n", rel)
		return exitUsage
	}
	cfg, err := config.Load(os.DirFS(root))
	if err != nil {
		cfg = config.Default() // only read for sibling front matter; build reports site.yaml's errors
	}

	// Create missing module folders, each with an _index.md, so that the
	// new module's page has a title, a description and objectives to edit.
	var created []string
	dir := path.Dir(rel)
	var missing []string
	for d := dir; d != content.Dir; d = path.Dir(d) {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(d))); err == nil {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			fmt.Fprintf(stderr, "lectern new lesson: %v\n", err)
			return exitUsage
		}
		idx := d + "/_index.md"
		if err := writeNew(filepath.Join(root, filepath.FromSlash(idx)), moduleTemplate(path.Base(d))); err != nil {
			fmt.Fprintf(stderr, "lectern new lesson: %v\n", err)
			return exitUsage
		}
		created = append(created, idx)
	}

	order := lessonOrder(root, rel, cfg)
	name := strings.TrimSuffix(path.Base(rel), ".md")
	if err := writeNew(full, lessonTemplate(course.TitleFromName(name), course.TitleFromName(path.Base(dir)), order)); err != nil {
		fmt.Fprintf(stderr, "lectern new lesson: %v\n", err)
		return exitUsage
	}
	for _, c := range created {
		fmt.Fprintf(stdout, "Created %s (a new module: edit its title, description and objectives)\n", c)
	}
	fmt.Fprintf(stdout, "Created %s\n", rel)
	ref := lessonRef(rel)
	fmt.Fprintf(stdout, "  URL /%s/; other lessons name it in prerequisites as %s\n", ref, ref)
	fmt.Fprintf(stdout, "  order: %s\n", order.explain)
	fmt.Fprintln(stdout, "Edit its front matter (description, duration, objectives, roles, skills, tags), then run `lectern serve` to see it.")
	return exitOK
}

// lessonPath checks a lesson path given on the command line and returns it
// as a clean slash path from the site root, or why it is refused.
func lessonPath(root, file string) (string, string) {
	p := file
	if filepath.IsAbs(p) {
		r, err := filepath.Rel(root, p)
		if err != nil {
			return "", "it is not inside the site folder " + root
		}
		p = r
	}
	p = path.Clean(filepath.ToSlash(p))
	if !strings.HasPrefix(p, content.Dir+"/") {
		return "", "a lesson goes in a module folder under content/, like content/01-basics/02-loops.md (paths are relative to the site folder)"
	}
	if path.Ext(p) != ".md" {
		return "", "a lesson is a Markdown file: end its name with .md"
	}
	base := path.Base(p)
	switch {
	case base == "_index.md":
		return "", "_index.md is a module's own page, not a lesson; name the lesson, like content/01-basics/02-loops.md"
	case path.Dir(p) == content.Dir:
		return "", fmt.Sprintf("a Markdown file directly in content/ is a standalone page, not a lesson; put lessons in a module folder, like content/01-basics/%s", base)
	case strings.TrimSuffix(base, ".md") == "" || strings.HasPrefix(base, "_"):
		return "", "name the lesson, like 02-loops.md"
	}
	for _, seg := range strings.Split(p, "/") {
		if content.Ignored(seg) {
			return "", fmt.Sprintf("lectern ignores %q (a hidden or temporary name)", seg)
		}
	}
	return p, ""
}

// lessonRef is a lesson's URL path without slashes: how prerequisites name it.
// It mirrors the course's URL rules for the common case (prefixes dropped,
// lowercase); a slug in front matter changes the last segment.
func lessonRef(rel string) string {
	segs := strings.Split(strings.TrimSuffix(strings.TrimPrefix(rel, content.Dir+"/"), ".md"), "/")
	for i, s := range segs {
		_, _, rest := course.SplitPrefix(s)
		var b strings.Builder
		dash := false
		for _, r := range strings.ToLower(norm.NFC.String(rest)) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r) || r == '.' && b.Len() > 0:
				b.WriteRune(r)
				dash = false
			case !dash && b.Len() > 0:
				b.WriteByte('-')
				dash = true
			}
		}
		segs[i] = strings.Trim(b.String(), "-.")
	}
	return strings.Join(segs, "/")
}

// order is how a new lesson is placed among its siblings.
type order struct {
	weight    int  // the weight to write, when hasWeight
	hasWeight bool // the siblings use weights: write one
	explain   string
}

// lessonOrder decides the new lesson's weight: when any sibling (lesson or
// sub-module) sets a weight, the new lesson goes after the last sibling, with
// the step between the last two siblings' numbers (1, 2, 3 → 4; 10, 20, 30 →
// 40); otherwise its numeric prefix orders it and no weight is written.
func lessonOrder(root, rel string, cfg *config.Site) order {
	dir := path.Dir(rel)
	entries, _ := os.ReadDir(filepath.Join(root, filepath.FromSlash(dir)))
	type sib struct {
		name   string
		num    int
		hasNum bool
		weight bool
	}
	var sibs []sib
	for _, e := range entries {
		name := e.Name()
		if content.Ignored(name) || name == "_index.md" {
			continue
		}
		var src string
		var stem string
		switch {
		case e.IsDir():
			src, stem = dir+"/"+name+"/_index.md", name
		case strings.HasSuffix(name, ".md"):
			src, stem = dir+"/"+name, strings.TrimSuffix(name, ".md")
		default:
			continue
		}
		s := sib{name: name}
		if n, ok, _ := course.SplitPrefix(stem); ok {
			s.num, s.hasNum = n, true
		}
		if data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(src))); err == nil {
			if f, _ := content.Parse(src, data, cfg); f != nil && f.Meta.HasWeight {
				s.num, s.hasNum, s.weight = f.Meta.Weight, true, true
			}
		}
		sibs = append(sibs, s)
	}
	useWeights := false
	var nums []int
	for _, s := range sibs {
		useWeights = useWeights || s.weight
		if s.hasNum {
			nums = append(nums, s.num)
		}
	}
	stem := strings.TrimSuffix(path.Base(rel), ".md")
	if useWeights {
		sort.Ints(nums)
		step := 1
		if n := len(nums); n >= 2 && nums[n-1]-nums[n-2] > 0 {
			step = nums[n-1] - nums[n-2]
		}
		w := nums[len(nums)-1] + step
		return order{weight: w, hasWeight: true, explain: fmt.Sprintf("weight: %d, after its siblings (they use weights, so the file name's prefix does not order it)", w)}
	}
	n, ok, _ := course.SplitPrefix(stem)
	if !ok {
		return order{explain: "the name has no numeric prefix, so it comes after the numbered siblings, by title; rename it (02-…) or set weight to place it"}
	}
	var same []string
	for _, s := range sibs {
		if s.hasNum && s.num == n {
			same = append(same, s.name)
		}
	}
	if len(same) > 0 {
		return order{explain: fmt.Sprintf("by its numeric prefix %d, which %s has too: the two sort by title; rename one to change that", n, strings.Join(same, ", "))}
	}
	return order{explain: fmt.Sprintf("by its numeric prefix %d (no weight written: the siblings use prefixes)", n)}
}

// lessonTemplate is a new lesson: every field a lesson uses, with sensible
// text to replace and a comment on each. The description names the module
// too: two placeholder descriptions alike would be a description-duplicate
// warning.
func lessonTemplate(title, module string, o order) []byte {
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString("# Front matter: every field is explained in docs/front-matter.md in lectern's repository.\n")
	fmt.Fprintf(&b, "title: %s\n", yamlString(title))
	fmt.Fprintf(&b, "description: %s\n", yamlString("What learners get from "+title+" ("+module+"), in one sentence."))
	b.WriteString("# ^ shown on cards, in search results, in link previews and as the meta description\n")
	if o.hasWeight {
		fmt.Fprintf(&b, "weight: %d              # order among the module's lessons: the siblings use weights\n", o.weight)
	}
	b.WriteString("duration: 15m           # reading time (25m, 1h30m); without it, lectern estimates one\n")
	b.WriteString("objectives:             # what learners can do afterwards; shown at the top of the lesson\n")
	fmt.Fprintf(&b, "  - %s\n", yamlString("Explain the main idea of "+title))
	b.WriteString("# prerequisites: [basics/hello-world]   # lessons to read first, by URL path without slashes\n")
	b.WriteString("roles: []               # who the lesson is for, e.g. [Back-end developer]\n")
	b.WriteString("skills: []              # what it trains, e.g. [SQL, Testing]; roles × skills make /matrix/\n")
	b.WriteString("tags: []                # free keywords, each with a page listing its lessons\n")
	b.WriteString("# draft: true           # leave it out of `lectern build` until it is ready\n")
	b.WriteString("---\n\n")
	b.WriteString("Start with why this matters to the learner, then teach one idea per section.\n\n")
	b.WriteString("## The idea\n\nExplain it, with an example.\n")
	return []byte(b.String())
}

// moduleTemplate is the _index.md of a module folder `new lesson` created.
func moduleTemplate(folder string) []byte {
	title := course.TitleFromName(folder)
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString("# This module's own page. Its folder's numeric prefix orders it among the modules.\n")
	fmt.Fprintf(&b, "title: %s\n", yamlString(title))
	fmt.Fprintf(&b, "description: %s\n", yamlString("What the "+title+" module covers, in one sentence."))
	b.WriteString("objectives:             # what learners can do after the whole module\n")
	fmt.Fprintf(&b, "  - %s\n", yamlString("Explain the main ideas of "+title))
	b.WriteString("---\n\n")
	b.WriteString("Introduce the module: what it covers, and how its lessons build on each other.\n")
	return []byte(b.String())
}
