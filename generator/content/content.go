// Package content reads the course folder: every Markdown file under content/
// becomes a File (front matter decoded and validated, body split off with its
// first line number), every other file a Resource copied as it is.
package content

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"math"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/adrg/frontmatter"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/meta"
)

// Dir is the content folder below the site root.
const Dir = "content"

// Kind is what a Markdown file is in the course.
type Kind uint8

const (
	KindLesson Kind = iota // content/<module>/x.md
	KindModule             // content/<module>/_index.md
	KindHome               // content/_index.md
	KindPage               // content/x.md: a standalone page
)

func (k Kind) String() string {
	return [...]string{"lesson", "module", "home", "page"}[k]
}

// File is one Markdown source.
type File struct {
	Path     string // slash path from the site root: "content/01-basics/02-loops.md"
	Kind     Kind
	Meta     FrontMatter
	Body     []byte // Markdown after the front matter (a title heading blanked out)
	BodyLine int    // 1-based file line holding Body[0]
	// TitleFromBody is set when the title came from the body's opening "# Heading";
	// Meta.Title then holds that heading's Markdown source.
	TitleFromBody bool
	// Title is the title as plain text: Meta.Title, or the opening heading
	// reduced to text (set by the caller, which owns the Markdown converter).
	Title string
	// Broken marks a file that could not be read or parsed (its errors are
	// reported): it keeps its place and URL so that links to it are not
	// reported a second time, but it is never rendered.
	Broken    bool
	Words     int // prose words, for the duration estimate
	CodeLines int // lines inside code fences
}

// Resource is a non-Markdown file under content/ (an image next to its lesson).
type Resource struct {
	Path string // slash path from the site root
}

// Ref is a string value with its position (a prerequisite, a taxonomy term, an alias).
type Ref struct {
	Value string
	Pos   diag.Pos
}

// FrontMatter is the typed front matter of DESIGN.md.
type FrontMatter struct {
	Title         string
	Description   string
	Weight        int
	HasWeight     bool
	Draft         bool
	Date, Lastmod time.Time
	Slug          string
	Layout        string
	Aliases       []Ref
	Duration      time.Duration
	Objectives    []string
	Prerequisites []Ref
	// Terms maps a taxonomy name (roles, skills, tags, …) to its values.
	Terms  map[string][]Ref
	Params map[string]any
	// Pos holds the position of each key's value, for errors found later.
	Pos map[string]diag.Pos
}

// KnownKeys are the front matter keys lectern interprets; others go to Params.
var KnownKeys = []string{"aliases", "date", "description", "draft", "duration", "lastmod", "layout", "objectives", "prerequisites", "slug", "title", "weight"}

// Site is what Load returns.
type Site struct {
	Files     []*File
	Resources []Resource
	Warnings  diag.List
}

// Cache keeps parsed files between loads, by path. Entries are never modified
// once stored, so a File from the cache can be shared with the previous build:
// a file whose bytes did not change keeps its *File, which later stages use
// as the key of their own caches.
type Cache struct {
	seed    maphash.Seed
	entries map[string]*Entry
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{seed: maphash.MakeSeed(), entries: map[string]*Entry{}}
}

// Entry is one parsed file and its diagnostics (File is nil when it failed).
type Entry struct {
	File  *File
	Diags diag.List
	sum   uint64 // hash of the source bytes
}

// read reads and parses the Markdown file p, or returns old, its previous
// entry, when the bytes are the same.
func (c *Cache) read(fsys fs.FS, cfg *config.Site, p string, old *Entry) (*Entry, *diag.Error) {
	src, err := readMarkdown(fsys, p)
	if err != nil {
		return nil, err
	}
	sum := maphash.Bytes(c.seed, src)
	if old != nil && old.sum == sum {
		return old, nil
	}
	f, diags := Parse(p, src, cfg)
	return &Entry{File: f, Diags: diags, sum: sum}, nil
}

// Load reads every file under content/ in fsys, in parallel, and returns them
// sorted by path. Errors of all files are returned together. With a cache, a
// file is read again only when changed reports it (or it is new); the cache
// is updated in place and loses the files that are gone.
func Load(fsys fs.FS, cfg *config.Site, cache *Cache, changed func(path string) bool) (*Site, error) {
	var mdPaths []string
	site := &Site{}
	var errs diag.List
	err := fs.WalkDir(fsys, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == Dir {
				return err
			}
			errs = append(errs, diag.Errorf(diag.Pos{File: p}, "cannot read: %v", unwrapPathErr(err)))
			return nil
		}
		name := d.Name()
		if p != Dir && Ignored(name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			site.Warnings = append(site.Warnings, diag.Warnf(diag.Pos{File: p}, "symbolic link skipped: lectern never follows links out of the site; copy the file instead"))
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			site.Warnings = append(site.Warnings, diag.Warnf(diag.Pos{File: p}, "not a regular file: skipped"))
			return nil
		}
		if strings.EqualFold(path.Ext(name), ".md") {
			mdPaths = append(mdPaths, p)
		} else {
			site.Resources = append(site.Resources, Resource{Path: p})
		}
		return nil
	})
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: Dir}, "cannot read the content folder: %v (a site keeps its lessons in content/)", unwrapPathErr(err))
	}
	sort.Strings(mdPaths)
	sort.Slice(site.Resources, func(i, j int) bool { return site.Resources[i].Path < site.Resources[j].Path })

	site.Files = make([]*File, len(mdPaths))
	fileErrs := make([]diag.List, len(mdPaths))
	var old, fresh []*Entry // cache entries before and after, by index
	if cache != nil {
		old, fresh = make([]*Entry, len(mdPaths)), make([]*Entry, len(mdPaths))
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if cache != nil {
					e, err := cache.read(fsys, cfg, mdPaths[i], old[i])
					if err != nil {
						fileErrs[i] = diag.List{err}
						continue
					}
					site.Files[i], fileErrs[i], fresh[i] = e.File, e.Diags, e
					continue
				}
				src, err := readMarkdown(fsys, mdPaths[i])
				if err != nil {
					fileErrs[i] = diag.List{err}
					continue
				}
				site.Files[i], fileErrs[i] = Parse(mdPaths[i], src, cfg)
			}
		}()
	}
	for i, p := range mdPaths {
		if cache != nil {
			old[i] = cache.entries[p]
			if old[i] != nil && changed != nil && !changed(p) {
				site.Files[i], fileErrs[i], fresh[i] = old[i].File, old[i].Diags, old[i]
				continue
			}
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if cache != nil {
		cache.entries = make(map[string]*Entry, len(mdPaths))
		for i, p := range mdPaths {
			if fresh[i] != nil {
				cache.entries[p] = fresh[i]
			}
		}
	}
	files := site.Files[:0]
	for i, f := range site.Files {
		for _, e := range fileErrs[i] {
			if e.Severity == diag.SevWarning {
				site.Warnings = append(site.Warnings, e)
			} else {
				errs = append(errs, e)
			}
		}
		if f == nil {
			f = &File{Path: mdPaths[i], Kind: KindOf(mdPaths[i]), Broken: true}
		}
		files = append(files, f)
	}
	site.Files = files
	if len(errs) > 0 {
		errs = append(errs, site.Warnings...)
		errs.Sort()
		return site, errs
	}
	return site, nil
}

// Reload is Load after a change of files Load found before, with nothing
// created or deleted: it reads only paths, each a Markdown file of prev, and
// returns prev with those files replaced, and each path's cache entry before
// and after the change (the same entry when the bytes did not change). It
// updates the cache. ok is false, and a full Load is needed, when a path is
// not one of prev's files or is no longer a readable regular file (Load
// reports why, at the right place). prev is not modified.
func Reload(fsys fs.FS, cfg *config.Site, cache *Cache, prev *Site, paths []string) (site *Site, before, after []*Entry, ok bool) {
	site = &Site{Files: slices.Clone(prev.Files), Resources: prev.Resources}
	gone := map[*diag.Error]bool{}
	var added diag.List
	for _, p := range paths {
		i, found := slices.BinarySearchFunc(prev.Files, p, func(f *File, p string) int { return strings.Compare(f.Path, p) })
		old := cache.entries[p]
		if !found || old == nil {
			return nil, nil, nil, false
		}
		if fi, err := fs.Lstat(fsys, p); err != nil || !fi.Mode().IsRegular() {
			return nil, nil, nil, false
		}
		e, err := cache.read(fsys, cfg, p, old)
		if err != nil {
			return nil, nil, nil, false
		}
		cache.entries[p] = e
		before, after = append(before, old), append(after, e)
		f := e.File
		if f == nil {
			f = &File{Path: p, Kind: KindOf(p), Broken: true}
		}
		site.Files[i] = f
		for _, d := range old.Diags {
			gone[d] = true
		}
		added = append(added, e.Diags.Warnings()...)
	}
	for _, w := range prev.Warnings {
		if !gone[w] {
			site.Warnings = append(site.Warnings, w)
		}
	}
	site.Warnings = append(site.Warnings, added...)
	return site, before, after, true
}

// maxSize is the size of the largest Markdown file lectern reads: about 40
// times a long real lesson. The build's memory peaks at about 28 times the
// size of its largest page (a 50 MB lesson took 1.4 GB), and Markdown that
// big is a mistake (a generated file, a pasted log or data set).
const maxSize = 8_000_000

// readMarkdown reads a Markdown file of at most maxSize bytes. A larger file
// is refused before it is read (by its size, or by what it holds when its
// size is not known in advance), with an error at its first line.
func readMarkdown(fsys fs.FS, p string) ([]byte, *diag.Error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: p}, "cannot read: %v", unwrapPathErr(err))
	}
	defer f.Close()
	size := int64(512)
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		if fi.Size() > maxSize {
			return nil, tooBig(p, fi.Size())
		}
		size = fi.Size() + 1 // room to meet the end without growing
	}
	data := make([]byte, 0, size)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if len(data) > maxSize {
			return nil, tooBig(p, -1)
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, diag.Errorf(diag.Pos{File: p}, "cannot read: %v", unwrapPathErr(err))
		}
	}
}

// tooBig is the error for a file over maxSize; size < 0 when not known.
func tooBig(p string, size int64) *diag.Error {
	what, parts := "lesson", "lessons"
	if KindOf(p) != KindLesson {
		what, parts = "page", "pages"
	}
	is := fmt.Sprintf("is over %d MB;", maxSize/1_000_000)
	if size >= 0 {
		// Rounded up, so that a file just over the limit does not read as
		// the limit itself.
		is = fmt.Sprintf("is %.1f MB;", math.Ceil(float64(size)/1e5)/10)
	}
	return diag.Errorf(diag.Pos{File: p, Line: 1, Col: 1}, "%s %s lectern reads Markdown files up to %d MB: split it into several %s", what, is, maxSize/1_000_000, parts)
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Ignored reports whether a file or folder name is an editor's temporary or
// backup file, or hidden: such files are never content.
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") ||
		strings.HasSuffix(name, ".tmp") || (strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")) ||
		strings.HasSuffix(name, "___jb_tmp___") || strings.HasSuffix(name, "___jb_old___") || // JetBrains safe-write
		name == "4913" // vim probes whether it may write in a folder with this name
}

// KindOf tells a file's kind from its path below the site root.
func KindOf(p string) Kind {
	rel := strings.TrimPrefix(p, Dir+"/")
	dir, name := path.Split(rel)
	switch {
	case name == "_index.md" && dir == "":
		return KindHome
	case name == "_index.md":
		return KindModule
	case dir == "":
		return KindPage
	}
	return KindLesson
}

// Parse splits and decodes one Markdown file. It returns the file (nil when it
// cannot be used at all) and its diagnostics (errors and warnings).
func Parse(p string, src []byte, cfg *config.Site) (*File, diag.List) {
	src = meta.Normalise(src)
	f := &File{Path: p, Kind: KindOf(p), BodyLine: 1}
	if err := checkText(p, src); err != nil {
		return nil, diag.List{err}
	}
	var errs diag.List
	var fm *meta.Node
	switch {
	case bytes.HasPrefix(src, []byte("---")) && fenceLine(src, 0, "---"):
		n, body, line, err := split(p, src, "---", meta.ParseYAML)
		if err != nil {
			return nil, diag.ListOf(err)
		}
		fm, f.Body, f.BodyLine = n, body, line
	case bytes.HasPrefix(src, []byte("+++")) && fenceLine(src, 0, "+++"):
		n, body, line, err := split(p, src, "+++", meta.ParseTOML)
		if err != nil {
			return nil, diag.ListOf(err)
		}
		fm, f.Body, f.BodyLine = n, body, line
	default:
		// Own the body, as split does: the title heading gets blanked in
		// place, and src may be the caller's slice (Normalise copies only
		// when there is a CR to drop).
		f.Body = bytes.Clone(src)
		fm = &meta.Node{Kind: meta.Map, Line: 1, Col: 1}
	}
	errs = append(errs, decode(f, fm, cfg)...)

	// A body opening with "# Heading" gives the title; the heading is blanked
	// (same length, so every later offset still points at the same byte).
	if off, end, text, ok := openingH1(f.Body); ok {
		if f.Meta.Title == "" {
			f.Meta.Title, f.TitleFromBody = text, true
			for i := off; i < end; i++ {
				f.Body[i] = ' '
			}
		} else {
			line, col := diag.At(f.Body, off)
			errs = append(errs, diag.Warnf(diag.Pos{File: p, Line: f.BodyLine + line - 1, Col: col},
				"the body opens with a level-1 heading but the front matter has a title too: the page would show two titles; remove one"))
		}
	}
	if _, given := f.Meta.Pos["title"]; strings.TrimSpace(f.Meta.Title) == "" && (!given || !errs.HasErrors()) {
		errs = append(errs, diag.Errorf(diag.Pos{File: p, Line: 1, Col: 1}, "title is missing: add `title: …` to the front matter, or start the body with `# Title`"))
	}
	f.Words, f.CodeLines = countWords(f.Body)
	if !f.TitleFromBody {
		f.Title = f.Meta.Title
	}
	if errs.HasErrors() {
		return nil, errs
	}
	return f, errs
}

// checkText refuses files that are not UTF-8 text.
func checkText(p string, src []byte) *diag.Error {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		line, col := diag.At(src, i)
		return diag.Errorf(diag.Pos{File: p, Line: line, Col: col}, "NUL byte: this is not a text file (binary files under content/ must not end in .md)")
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		line, col := diag.At(src, i)
		return diag.Errorf(diag.Pos{File: p, Line: line, Col: col}, "invalid UTF-8 (byte 0x%02X): save the file as UTF-8", src[i])
	}
	return nil
}

// fenceLine reports whether the line starting at off is exactly the fence
// (trailing spaces allowed).
func fenceLine(src []byte, off int, fence string) bool {
	end := bytes.IndexByte(src[off:], '\n')
	var line []byte
	if end < 0 {
		line = src[off:]
	} else {
		line = src[off : off+end]
	}
	return string(bytes.TrimRight(line, " \t")) == fence
}

type parseFunc func(file string, src []byte, line0 int) (*meta.Node, error)

// split finds the closing fence itself (so the body's first line is exact and an
// unclosed block is an error), then lets adrg/frontmatter cut the document.
func split(p string, src []byte, fence string, parse parseFunc) (*meta.Node, []byte, int, error) {
	closeOff := -1
	for off := bytes.IndexByte(src, '\n') + 1; off > 0 && off < len(src); {
		if fenceLine(src, off, fence) {
			closeOff = off
			break
		}
		nl := bytes.IndexByte(src[off:], '\n')
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if closeOff < 0 {
		return nil, nil, 0, diag.Errorf(diag.Pos{File: p, Line: 1, Col: 1},
			"front matter opened with %s is never closed: add a line with %s after the last field", fence, fence)
	}
	// The body is the rest after the closing fence line, by our own
	// offsets: the library reads the front matter only (a copy of the
	// whole file would be its buffer's, for a body it need not see).
	bodyOff := len(src)
	if nl := bytes.IndexByte(src[closeOff:], '\n'); nl >= 0 {
		bodyOff = closeOff + nl + 1
	}
	body := src[bodyOff:]
	var raw []byte
	capture := func(data []byte, _ any) error { raw = data; return nil }
	_, _ = frontmatter.Parse(bytes.NewReader(src[:bodyOff]), nil,
		frontmatter.NewFormat(fence, fence, capture))
	first := bytes.IndexByte(src, '\n') + 1
	if raw == nil || len(raw) != closeOff-first {
		raw = src[first:closeOff]
	}
	n, perr := parse(p, raw, 2)
	if perr != nil {
		return nil, nil, 0, perr
	}
	bodyLine := 2 + bytes.Count(src[:closeOff], []byte("\n")) // the line after the closing fence
	// Own the body: the title heading gets blanked in place.
	return n, append([]byte(nil), body...), bodyLine, nil
}

// openingH1 finds an ATX level-1 heading on the body's first non-blank line.
func openingH1(body []byte) (off, end int, text string, ok bool) {
	for off < len(body) {
		nl := bytes.IndexByte(body[off:], '\n')
		lineEnd := len(body)
		if nl >= 0 {
			lineEnd = off + nl
		}
		line := body[off:lineEnd]
		if len(bytes.TrimSpace(line)) == 0 {
			if nl < 0 {
				return 0, 0, "", false
			}
			off = lineEnd + 1
			continue
		}
		indent := len(line) - len(bytes.TrimLeft(line, " "))
		rest := line[indent:]
		if indent > 3 || !bytes.HasPrefix(rest, []byte("#")) || (len(rest) > 1 && rest[1] != ' ' && rest[1] != '\t') {
			return 0, 0, "", false
		}
		t := strings.TrimSpace(string(rest[1:]))
		// A closing sequence of #s preceded by a space is not part of the text.
		if trimmed := strings.TrimRight(t, "#"); trimmed != t && (trimmed == "" || strings.HasSuffix(trimmed, " ")) {
			t = strings.TrimSpace(trimmed)
		}
		if t == "" {
			return 0, 0, "", false
		}
		return off, lineEnd, t, true
	}
	return 0, 0, "", false
}

// countWords counts prose words and lines of fenced code, for durations.
func countWords(body []byte) (words, code int) {
	var fence string
	for _, line := range strings.Split(string(body), "\n") {
		t := strings.TrimLeft(line, " >")
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.TrimSpace(strings.TrimLeft(t, fence[:1])) == "" {
				fence = ""
				continue
			}
			code++
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			n := len(t) - len(strings.TrimLeft(t, t[:1]))
			fence = strings.Repeat(t[:1], n)
			continue
		}
		words += len(strings.Fields(line))
	}
	return words, code
}

var reservedSlugChars = "/\\?#%\x00"

func decode(f *File, n *meta.Node, cfg *config.Site) diag.List {
	d := &meta.Decoder{File: f.Path}
	m := &f.Meta
	m.Pos = map[string]diag.Pos{}
	m.Params = map[string]any{}
	taxonomy := map[string]bool{}
	for _, t := range cfg.Taxonomies {
		taxonomy[t] = true
	}
	lessonOnly := func(key string, v *meta.Node) bool {
		if f.Kind != KindLesson {
			d.Errorf(v, "%s: only lessons have %s (this file is a %s)", key, key, f.Kind)
			return false
		}
		return true
	}
	refs := func(key string, v *meta.Node) []Ref {
		vals, nodes, _ := d.Strings(v, key)
		out := make([]Ref, 0, len(vals))
		for i, s := range vals {
			s = strings.TrimSpace(s)
			if s == "" {
				d.Errorf(nodes[i], "%s: empty value", key)
				continue
			}
			out = append(out, Ref{Value: s, Pos: d.Pos(nodes[i])})
		}
		return out
	}
	if n.Kind != meta.Map {
		d.Errorf(n, "front matter: expected keys and values (title: …), got %s", n.Describe())
		return d.Errs
	}
	for i, k := range n.Keys {
		key, v := k.Str, n.Vals[i]
		m.Pos[key] = d.Pos(v)
		switch key {
		case "title":
			if s, ok := d.String(v, key); ok {
				m.Title = strings.TrimSpace(s)
			}
		case "description":
			if s, ok := d.String(v, key); ok {
				m.Description = strings.TrimSpace(s)
			}
		case "weight":
			if w, ok := d.Int(v, key); ok {
				m.Weight, m.HasWeight = w, true
			}
		case "draft":
			if b, ok := d.Bool(v, key); ok {
				m.Draft = b
			}
		case "date":
			m.Date, _ = d.Time(v, key, cfg.Location)
		case "lastmod":
			m.Lastmod, _ = d.Time(v, key, cfg.Location)
		case "slug":
			if s, ok := d.String(v, key); ok {
				s = strings.TrimSpace(s)
				switch {
				case f.Kind == KindHome:
					d.Errorf(v, "slug: the home page has no slug (its URL is the site root)")
				case s == "" || s == "." || s == ".." || strings.ContainsAny(s, reservedSlugChars) || strings.ContainsFunc(s, isControl):
					d.Errorf(v, "slug: %q is not a URL segment: use letters, digits and dashes, without / \\ ? # %%", s)
				default:
					m.Slug = s
				}
			}
		case "layout":
			if s, ok := d.String(v, key); ok {
				s = strings.TrimSpace(s)
				if s != "" && (strings.ContainsAny(s, "/\\.\x00") || strings.ContainsFunc(s, isControl)) {
					d.Errorf(v, "layout: %q is not a layout name: write a name like \"wide\" for layouts/_default/wide.html", s)
				} else {
					m.Layout = s
				}
			}
		case "aliases":
			m.Aliases = refs(key, v)
		case "duration":
			if lessonOnly(key, v) {
				m.Duration, _ = d.Duration(v, key)
			}
		case "objectives":
			if f.Kind == KindPage {
				d.Errorf(v, "objectives: only lessons, modules and the home page have objectives")
				continue
			}
			for _, r := range refs(key, v) {
				m.Objectives = append(m.Objectives, r.Value)
			}
		case "prerequisites":
			if lessonOnly(key, v) {
				m.Prerequisites = refs(key, v)
			}
		default:
			if taxonomy[key] {
				if m.Terms == nil {
					m.Terms = map[string][]Ref{}
				}
				m.Terms[key] = refs(key, v)
				continue
			}
			m.Params[key] = v.Any()
		}
	}
	return d.Errs
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// String is for debugging and test failure messages.
func (f *File) String() string { return fmt.Sprintf("%s (%s %q)", f.Path, f.Kind, f.Meta.Title) }
