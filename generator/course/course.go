// Package course turns the files read by package content into the course: a
// tree of modules and lessons with URLs, order, prev/next, prerequisites,
// taxonomies and aliases. It validates everything that needs the whole course
// (URL clashes, unknown or cyclic prerequisites, drafts) and reports every
// problem at its file:line:col. The Course is built once, then read-only.
package course

import (
	"fmt"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/diag"
)

// Kind re-exports content.Kind for layouts and callers.
type Kind = content.Kind

// Page kinds.
const (
	KindLesson = content.KindLesson
	KindModule = content.KindModule
	KindHome   = content.KindHome
	KindPage   = content.KindPage
)

// Page is a page of the course with a source (or a generated module page).
type Page struct {
	Kind Kind
	// Src is the source file; nil for a module without _index.md.
	Src *content.File
	// SrcPath is the source file, or the module's folder when generated.
	SrcPath string
	// Path is the URL path below the site root: "/foundations/apis/".
	Path string
	// Ref is how prerequisites name a page: "foundations/apis".
	Ref string
	// URL is Path with the base path: "/course/foundations/apis/".
	URL string
	// Permalink is the absolute URL (equal to URL when the base URL has no host).
	Permalink         string
	Title             string
	Description       string
	Weight            int
	Draft             bool
	Date, Lastmod     time.Time
	Duration          time.Duration
	DurationEstimated bool
	Objectives        []string
	Prerequisites     []*Page
	// Terms maps a taxonomy name to this page's terms, in front matter order.
	Terms   map[string][]*Term
	Aliases []string
	Params  map[string]any
	Layout  string

	// Parent is the enclosing module (the home page for top-level modules).
	Parent *Page
	// Children are a module's lessons and sub-modules, in course order.
	Children []*Page
	// Prev and Next link lessons in course order, across module borders.
	Prev, Next *Page
	// Number and Count place a lesson among the lessons directly in its module.
	Number, Count int
	// Depth is 0 for the home page, 1 for top-level modules and pages, …
	Depth int

	lessonCount   int           // lessons below a module
	totalDuration time.Duration // their durations
	excluded      bool          // a draft (or broken page) left out of this build
	broken        bool          // its source has errors, already reported
	order         float64
	hasOrder      bool
}

// IsLesson, IsModule, … are for layouts.
func (p *Page) IsLesson() bool { return p.Kind == KindLesson }
func (p *Page) IsModule() bool { return p.Kind == KindModule }
func (p *Page) IsHome() bool   { return p.Kind == KindHome }
func (p *Page) IsPage() bool   { return p.Kind == KindPage }

// Lessons returns the lessons directly in a module.
func (p *Page) Lessons() []*Page {
	var out []*Page
	for _, c := range p.Children {
		if c.Kind == KindLesson {
			out = append(out, c)
		}
	}
	return out
}

// Modules returns the sub-modules directly in a module.
func (p *Page) Modules() []*Page {
	var out []*Page
	for _, c := range p.Children {
		if c.Kind == KindModule {
			out = append(out, c)
		}
	}
	return out
}

// AllLessons returns every lesson below a module, in course order.
func (p *Page) AllLessons() []*Page {
	var out []*Page
	for _, c := range p.Children {
		if c.Kind == KindLesson {
			out = append(out, c)
		} else {
			out = append(out, c.AllLessons()...)
		}
	}
	return out
}

// TotalDuration sums the durations of every lesson below a module (a
// lesson's own duration for a lesson).
func (p *Page) TotalDuration() time.Duration {
	if p.Kind == KindLesson {
		return p.Duration
	}
	return p.totalDuration
}

// LessonCount is len(p.AllLessons()) without building the list: layouts
// show it for every module in every page's sidebar.
func (p *Page) LessonCount() int { return p.lessonCount }

// Ancestors returns the modules above a page, outermost first, without the home page.
func (p *Page) Ancestors() []*Page {
	var out []*Page
	for a := p.Parent; a != nil && a.Kind != KindHome; a = a.Parent {
		out = append(out, a)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Contains reports whether q is p or below p (for "current module" marks).
func (p *Page) Contains(q *Page) bool {
	for ; q != nil; q = q.Parent {
		if q == p {
			return true
		}
	}
	return false
}

// Term is one value of a taxonomy (the role "Back-end engineer").
type Term struct {
	Taxonomy *Taxonomy
	Name     string
	Slug     string
	Path     string
	URL      string
	Pages    []*Page // in course order: modules before their lessons, standalone pages last
}

// Taxonomy is a classification of lessons (roles, skills, tags).
type Taxonomy struct {
	Name  string // "roles"
	Title string // "Roles"
	Path  string
	URL   string
	Terms []*Term // sorted by name, case-folded
}

// Alias is an old URL path that redirects to a page.
type Alias struct {
	Path   string
	Target *Page
	Pos    diag.Pos
}

// Resource is a file under content/ copied as it is, next to its lessons.
type Resource struct {
	Src  string // site-relative source path
	Path string // output path below the site root, "foundations/diagram.svg"
}

// Course is the whole course.
type Course struct {
	Site       *config.Site
	Home       *Page
	Modules    []*Page // top-level modules in order
	Lessons    []*Page // every lesson in course order
	Pages      []*Page // standalone pages in order
	All        []*Page // every page in the build: home, modules, lessons, pages (sorted by Path)
	Taxonomies []*Taxonomy
	Aliases    []Alias
	Resources  []Resource

	byPath map[string]*Page  // included pages by URL path
	byRef  map[string]*Page  // all pages (drafts too) by reference
	bySrc  map[string]*Page  // all pages (drafts too) by source path or module folder
	byRes  map[string]string // resource source path → output path
	// resPaths maps lowercase resource URL paths to their output URL path.
	resPaths map[string]string
	// excluded holds drafts left out of the build (and broken pages) by
	// lowercase URL path, so links to them are reported by name.
	excluded map[string]*Page
	special  map[string]bool   // generated URL paths (taxonomies, terms, feeds, …)
	files    map[string]string // static files and assets, by lowercase URL path
	// dropped holds the pages that lost their URL to another source (see
	// clashes): in the course, but not in All nor in the output.
	dropped map[*Page]bool
}

// Dropped reports whether p lost its URL to another page or file, so the
// build writes nothing for it.
func (c *Course) Dropped(p *Page) bool { return c.dropped[p] }

// Options changes how a course is built.
type Options struct {
	Drafts bool // include drafts
	// Lastmod overrides front matter lastmod by source path (site.yaml `lastmod: git`).
	Lastmod map[string]time.Time
	// Cache keeps URL segments and term slugs between builds (the dev server's); may be nil.
	Cache *Cache
}

// Cache remembers computed URL segments and term slugs across builds.
type Cache struct {
	seg, term map[string]string
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{seg: map[string]string{}, term: map[string]string{}} }

func (c *Cache) segments() map[string]string {
	if c == nil {
		return nil
	}
	return c.seg
}

func (c *Cache) terms() map[string]string {
	if c == nil {
		return nil
	}
	return c.term
}

// cached computes fn(in) through the cache m (nil: no cache). Build runs
// single-threaded, so the maps need no lock.
func (b *builder) cached(m map[string]string, in string, fn func(string) string) string {
	if m == nil {
		return fn(in)
	}
	if out, ok := m[in]; ok {
		return out
	}
	out := fn(in)
	m[in] = out
	return out
}

// Reserved URL paths generated by lectern (DESIGN.md "Reserved URLs").
var reservedFiles = []string{"/course.json", "/feed.xml", "/sitemap.xml", "/robots.txt", "/404.html"}
var reservedDirs = []string{"/matrix/", "/path/", "/print/", "/search/", "/assets/"}

// Build assembles the course. It returns the course even when there are errors
// (for the dev server's overlay), with all errors as a diag.List.
func Build(cfg *config.Site, site *content.Site, opts Options) (*Course, error) {
	b := &builder{
		cfg:  cfg,
		opts: opts,
		c: &Course{
			Site:     cfg,
			byPath:   map[string]*Page{},
			byRef:    map[string]*Page{},
			bySrc:    map[string]*Page{},
			byRes:    map[string]string{},
			resPaths: map[string]string{},
			excluded: map[string]*Page{},
			special:  map[string]bool{},
		},
		modules: map[string]*Page{},
	}
	b.tree(site.Files)
	b.order()
	b.urls()
	b.prune()
	b.resources(site.Resources)
	b.sequence()
	b.prerequisites()
	b.taxonomies()
	b.aliases()
	b.clashes()
	c := b.c
	sort.Slice(c.All, func(i, j int) bool { return c.All[i].Path < c.All[j].Path })
	b.errs.Sort()
	return c, b.errs.Err()
}

type builder struct {
	cfg     *config.Site
	opts    Options
	c       *Course
	errs    diag.List
	modules map[string]*Page // by folder path ("content/01-x")
	claims  map[string][]claim
}

type claim struct {
	path string // URL path as written
	src  diag.Pos
	what string // page, alias or file
	page *Page  // the page (for aliases: the alias's target)
}

func (b *builder) errorf(pos diag.Pos, format string, args ...any) {
	b.errs = append(b.errs, diag.Errorf(pos, format, args...))
}

// module returns the module page for a folder, creating generated ones (and
// their parents) on the way.
func (b *builder) module(dir string) *Page {
	if m, ok := b.modules[dir]; ok {
		return m
	}
	var m *Page
	if dir == content.Dir || dir == "." {
		m = &Page{Kind: KindHome, SrcPath: dir, Title: b.cfg.Title, Description: b.cfg.Description}
	} else {
		m = &Page{Kind: KindModule, SrcPath: dir, Title: TitleFromName(path.Base(dir))}
		m.Parent = b.module(path.Dir(dir))
		m.Parent.Children = append(m.Parent.Children, m)
	}
	if n, ok, _ := SplitPrefix(path.Base(dir)); ok {
		m.order, m.hasOrder = float64(n), true
	}
	b.modules[dir] = m
	b.c.bySrc[dir] = m
	return m
}

func (b *builder) tree(files []*content.File) {
	b.module(content.Dir)
	for _, f := range files {
		dir := path.Dir(f.Path)
		var p *Page
		switch f.Kind {
		case KindHome, KindModule:
			p = b.module(dir)
		default:
			p = &Page{Kind: f.Kind}
			parent := b.module(dir)
			p.Parent = parent
			parent.Children = append(parent.Children, p)
			name := strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path))
			if n, ok, _ := SplitPrefix(name); ok {
				p.order, p.hasOrder = float64(n), true
			}
		}
		p.SrcPath = f.Path
		if f.Broken {
			p.broken, p.excluded = true, true
			if f.Kind != KindHome && f.Kind != KindModule {
				p.Title = TitleFromName(strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path)))
			}
			b.c.bySrc[f.Path] = p
			continue
		}
		p.Src = f
		m := &f.Meta
		p.Title = f.Title
		if p.Title == "" {
			p.Title = m.Title
		}
		p.Description = m.Description
		if m.HasWeight {
			p.Weight = m.Weight
			p.order, p.hasOrder = float64(m.Weight), true
		}
		p.Draft = m.Draft
		p.Date, p.Lastmod = m.Date, m.Lastmod
		if t, ok := b.opts.Lastmod[f.Path]; ok {
			p.Lastmod = t
		}
		if p.Lastmod.IsZero() {
			p.Lastmod = p.Date
		}
		p.Objectives = m.Objectives
		p.Params = m.Params
		p.Layout = m.Layout
		if f.Kind == KindLesson {
			if m.Duration > 0 {
				p.Duration = m.Duration
			} else {
				p.Duration, p.DurationEstimated = Estimate(f.Words, f.CodeLines), true
			}
		}
		b.c.bySrc[f.Path] = p
	}
	// Drafts: a draft module makes everything below it a draft.
	var mark func(p *Page, draft bool)
	mark = func(p *Page, draft bool) {
		p.Draft = p.Draft || draft
		for _, ch := range p.Children {
			mark(ch, p.Draft)
		}
	}
	b.c.Home = b.modules[content.Dir]
	b.c.Home.Draft = false
	mark(b.c.Home, false)
	if !b.opts.Drafts {
		for _, p := range b.c.bySrc {
			p.excluded = p.excluded || p.Draft
		}
	}
}

// Estimate is a lesson's reading time: prose at 200 words a minute plus a minute
// per 10 lines of code, rounded up to 5 minutes.
func Estimate(words, codeLines int) time.Duration {
	min := float64(words)/200 + float64(codeLines)/10
	fives := math.Ceil(min / 5)
	if fives < 1 {
		fives = 1
	}
	return time.Duration(fives*5) * time.Minute
}

// order sorts siblings: weight, else numeric prefix, else after all numbered
// ones; ties by case-folded title, then source path.
func (b *builder) order() {
	var walk func(p *Page)
	walk = func(p *Page) {
		sort.SliceStable(p.Children, func(i, j int) bool { return less(p.Children[i], p.Children[j]) })
		for _, c := range p.Children {
			walk(c)
		}
	}
	walk(b.c.Home)
}

// prune drops drafts from the tree unless the build includes them. They keep
// their URL and reference, so links to them are reported by name.
func (b *builder) prune() {
	var walk func(p *Page)
	walk = func(p *Page) {
		kept := p.Children[:0]
		for _, c := range p.Children {
			if !c.excluded {
				kept = append(kept, c)
				walk(c)
			}
		}
		p.Children = kept
	}
	walk(b.c.Home)
}

func excludeAll(p *Page) {
	p.excluded = true
	for _, c := range p.Children {
		excludeAll(c)
	}
}

func less(a, b *Page) bool {
	if a.hasOrder != b.hasOrder {
		return a.hasOrder
	}
	if a.hasOrder && a.order != b.order {
		return a.order < b.order
	}
	if ka, kb := foldKey(a.Title), foldKey(b.Title); ka != kb {
		return ka < kb
	}
	return a.SrcPath < b.SrcPath
}

// urls gives every page its URL path, top-down (a module's slug moves its children).
func (b *builder) urls() {
	basePath := b.cfg.BasePath()
	abs := strings.TrimSuffix(b.cfg.BaseURL, basePath)
	if !b.cfg.Absolute() {
		abs = ""
	}
	set := func(p *Page, urlPath string) {
		p.Path = urlPath
		p.Ref = strings.Trim(urlPath, "/")
		p.URL = basePath + strings.TrimPrefix(urlPath, "/")
		p.Permalink = abs + p.URL
	}
	var walk func(p *Page, dirPath string, depth int)
	walk = func(p *Page, dirPath string, depth int) {
		p.Depth = depth
		for _, c := range p.Children {
			name := path.Base(c.SrcPath)
			switch {
			case c.Kind == KindModule && name == "_index.md":
				name = path.Base(path.Dir(c.SrcPath)) // content/01-x/_index.md → 01-x
			case c.Kind != KindModule:
				name = strings.TrimSuffix(name, path.Ext(name))
			}
			seg := b.cached(b.opts.Cache.segments(), name, Segment)
			if c.Src != nil && c.Src.Meta.Slug != "" {
				seg = clean(c.Src.Meta.Slug)
			}
			if seg == "" {
				seg = clean(name)
			}
			if seg == "" {
				b.errorf(srcPos(c), "cannot make a URL from this name: rename it with letters or digits, or set `slug:`")
				seg = "untitled"
			}
			set(c, dirPath+seg+"/")
			walk(c, c.Path, depth+1)
		}
	}
	set(b.c.Home, "/")
	walk(b.c.Home, "/", 0)

	// Index every page, drafts too (links to drafts are reported by name).
	var index func(p *Page)
	index = func(p *Page) {
		if !p.excluded {
			b.c.All = append(b.c.All, p)
			b.claim(p.Path, p, "page")
		} else {
			b.c.excluded[strings.ToLower(norm.NFC.String(p.Path))] = p
		}
		if p.Ref != "" {
			if _, dup := b.c.byRef[p.Ref]; !dup || !p.excluded {
				b.c.byRef[p.Ref] = p
			}
		}
		switch p.Kind {
		case KindModule:
			if !p.excluded {
				b.c.Modules = appendIf(b.c.Modules, p, p.Parent == b.c.Home)
			}
		case KindPage:
			if !p.excluded {
				b.c.Pages = append(b.c.Pages, p)
			}
		}
		for _, c := range p.Children {
			index(c)
		}
	}
	index(b.c.Home)
}

func appendIf(s []*Page, p *Page, ok bool) []*Page {
	if ok {
		return append(s, p)
	}
	return s
}

func (b *builder) claim(urlPath string, p *Page, what string) {
	if b.claims == nil {
		b.claims = map[string][]claim{}
	}
	key := strings.ToLower(norm.NFC.String(urlPath))
	pos := srcPos(p)
	if p.Src != nil {
		if sp, ok := p.Src.Meta.Pos["slug"]; ok && what == "page" {
			pos = sp
		}
	}
	b.claims[key] = append(b.claims[key], claim{path: urlPath, src: pos, what: what, page: p})
	if what == "page" {
		b.c.byPath[key] = p
	}
}

// sequence links lessons depth-first across module borders and numbers them.
func (b *builder) sequence() {
	var prev *Page
	var walk func(m *Page)
	walk = func(m *Page) {
		lessons := m.Lessons()
		for i, l := range lessons {
			l.Number, l.Count = i+1, len(lessons)
		}
		for _, c := range m.Children {
			switch c.Kind {
			case KindLesson:
				c.Prev = prev
				if prev != nil {
					prev.Next = c
				}
				prev = c
				b.c.Lessons = append(b.c.Lessons, c)
			case KindModule:
				walk(c)
			}
		}
		for _, c := range m.Children {
			if c.Kind == KindLesson {
				m.lessonCount++
				m.totalDuration += c.Duration
			} else {
				m.lessonCount += c.lessonCount
				m.totalDuration += c.totalDuration
			}
		}
	}
	walk(b.c.Home)
}

// LookupRef finds a lesson by its reference ("foundations/apis").
func (c *Course) LookupRef(ref string) *Page {
	return c.byRef[strings.ToLower(norm.NFC.String(strings.Trim(ref, "/")))]
}

func (b *builder) prerequisites() {
	for _, l := range b.c.Lessons {
		for _, r := range l.Src.Meta.Prerequisites {
			target := b.c.LookupRef(r.Value)
			switch {
			case target == nil:
				msg := fmt.Sprintf("unknown prerequisite %q", r.Value)
				if s := b.closestRef(r.Value); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else {
					msg += ": name a lesson by its URL path without slashes, like \"foundations/apis\""
				}
				b.errorf(r.Pos, "%s", msg)
			case target.Kind != KindLesson:
				b.errorf(r.Pos, "prerequisite %q is a %s, not a lesson", r.Value, target.Kind)
			case target.broken:
				// its own errors are reported
			case target.excluded:
				b.errorf(r.Pos, "prerequisite %q is a draft (%s): publish it or remove the prerequisite", r.Value, target.SrcPath)
			case target == l:
				b.errorf(r.Pos, "a lesson cannot be its own prerequisite")
			default:
				dup := false
				for _, p := range l.Prerequisites {
					dup = dup || p == target
				}
				if dup {
					b.errorf(r.Pos, "prerequisite %q is listed twice", r.Value)
					continue
				}
				l.Prerequisites = append(l.Prerequisites, target)
			}
		}
	}
	// Cycles: depth-first search with colours; report each cycle once, at the
	// prerequisite entry that closes it.
	const (
		white = iota
		grey
		black
	)
	colour := map[*Page]int{}
	var stack []*Page
	var visit func(p *Page)
	visit = func(p *Page) {
		colour[p] = grey
		stack = append(stack, p)
		for i, q := range p.Prerequisites {
			switch colour[q] {
			case white:
				visit(q)
			case grey:
				var names []string
				start := 0
				for j := range stack {
					if stack[j] == q {
						start = j
					}
				}
				for _, s := range stack[start:] {
					names = append(names, s.Ref)
				}
				names = append(names, q.Ref)
				b.errorf(prereqPos(p, i), "prerequisites form a cycle: %s", strings.Join(names, " → "))
			}
		}
		stack = stack[:len(stack)-1]
		colour[p] = black
	}
	for _, l := range b.c.Lessons {
		if colour[l] == white {
			visit(l)
		}
	}
}

// prereqPos finds the position of a page's i-th resolved prerequisite.
func prereqPos(p *Page, i int) diag.Pos {
	target := p.Prerequisites[i]
	for _, r := range p.Src.Meta.Prerequisites {
		if strings.EqualFold(strings.Trim(r.Value, "/"), target.Ref) {
			return r.Pos
		}
	}
	return srcPos(p)
}

// srcPos is where a problem with a page as a whole is reported: the first
// line of its file, or its folder when the page is generated.
func srcPos(p *Page) diag.Pos {
	if p.Src == nil {
		return diag.Pos{File: p.SrcPath}
	}
	return diag.Pos{File: p.SrcPath, Line: 1, Col: 1}
}

func (b *builder) closestRef(ref string) string {
	ref = strings.ToLower(strings.Trim(ref, "/"))
	best, bestD := "", len(ref)/3+2
	for _, l := range b.c.Lessons {
		if d := distance(ref, l.Ref); d < bestD {
			best, bestD = l.Ref, d
		}
	}
	return best
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (b *builder) taxonomies() {
	basePath := b.cfg.BasePath()
	for _, name := range b.cfg.Taxonomies {
		t := &Taxonomy{Name: name, Title: TitleFromName(name), Path: "/" + name + "/"}
		t.URL = basePath + name + "/"
		bySlug := map[string]*Term{}
		for _, l := range b.inOrder() {
			if l.Src == nil {
				continue
			}
			for _, r := range l.Src.Meta.Terms[name] {
				slug := b.cached(b.opts.Cache.terms(), r.Value, TermSlug)
				if slug == "" {
					b.errorf(r.Pos, "%s: %q cannot be made into a URL: use letters or digits", name, r.Value)
					continue
				}
				term := bySlug[slug]
				if term == nil {
					term = &Term{Taxonomy: t, Name: r.Value, Slug: slug, Path: t.Path + slug + "/", URL: t.URL + slug + "/"}
					bySlug[slug] = term
					t.Terms = append(t.Terms, term)
				}
				if n := len(term.Pages); n > 0 && term.Pages[n-1] == l {
					continue // the same term twice on one lesson
				}
				if l.Terms == nil {
					l.Terms = map[string][]*Term{}
				}
				l.Terms[name] = append(l.Terms[name], term)
				term.Pages = append(term.Pages, l)
			}
		}
		sort.Slice(t.Terms, func(i, j int) bool {
			a, b := foldKey(t.Terms[i].Name), foldKey(t.Terms[j].Name)
			if a != b {
				return a < b
			}
			return t.Terms[i].Slug < t.Terms[j].Slug
		})
		b.c.Taxonomies = append(b.c.Taxonomies, t)
		b.c.special[t.Path] = true
		for _, term := range t.Terms {
			b.c.special[term.Path] = true
		}
	}
	for _, p := range reservedFiles {
		b.c.special[p] = true
	}
	for _, p := range reservedDirs {
		b.c.special[p] = true
	}
}

// inOrder lists the included pages in course order: the home page, each
// module before its contents, then standalone pages.
func (b *builder) inOrder() []*Page {
	var out []*Page
	var walk func(p *Page)
	walk = func(p *Page) {
		out = append(out, p)
		for _, c := range p.Children {
			if c.Kind != KindPage {
				walk(c)
			}
		}
	}
	walk(b.c.Home)
	return append(out, b.c.Pages...)
}

// Taxonomy returns a taxonomy by name, or nil.
func (c *Course) Taxonomy(name string) *Taxonomy {
	for _, t := range c.Taxonomies {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func (b *builder) aliases() {
	for _, p := range b.c.All {
		if p.Src == nil {
			continue
		}
		for _, r := range p.Src.Meta.Aliases {
			ap, err := cleanAlias(r.Value)
			if err != "" {
				b.errorf(r.Pos, "aliases: %q %s", r.Value, err)
				continue
			}
			p.Aliases = append(p.Aliases, ap)
			b.c.Aliases = append(b.c.Aliases, Alias{Path: ap, Target: p, Pos: r.Pos})
			key := strings.ToLower(ap)
			if b.claims == nil {
				b.claims = map[string][]claim{}
			}
			b.claims[key] = append(b.claims[key], claim{path: ap, src: r.Pos, what: "alias", page: p})
		}
	}
	sort.Slice(b.c.Aliases, func(i, j int) bool { return b.c.Aliases[i].Path < b.c.Aliases[j].Path })
}

// cleanAlias validates an alias and returns it as "/old/path/".
func cleanAlias(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case strings.Contains(s, "://") || strings.HasPrefix(s, "//"):
		return "", "is a full URL: write the old path below the site root, like /old/lesson/"
	case strings.ContainsAny(s, "\\\x00?#%:*\"<>|") || strings.ContainsFunc(s, isControl):
		return "", "is not a clean URL path (no \\ ? # % : * \" < > | or control characters)"
	}
	s = norm.NFC.String(s)
	segs := strings.Split(strings.Trim(s, "/"), "/")
	for _, seg := range segs {
		if seg == "" || seg == "." || seg == ".." {
			return "", "is not a clean URL path: no empty, . or .. segments"
		}
	}
	return "/" + strings.Join(segs, "/") + "/", ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// resources places each file under content/ next to its module's page:
// content/01-basics/img/diagram.svg → basics/img/diagram.svg. A folder without
// Markdown is not a module; its files keep their folder below the module.
func (b *builder) resources(res []content.Resource) {
	for _, r := range res {
		dir := path.Dir(r.Path)
		var rest []string
		m := b.modules[dir]
		for m == nil && dir != content.Dir && dir != "." {
			rest = append([]string{clean(path.Base(dir))}, rest...)
			dir = path.Dir(dir)
			m = b.modules[dir]
		}
		if m == nil || m.excluded {
			continue
		}
		name := path.Base(r.Path)
		stem := clean(strings.TrimSuffix(name, path.Ext(name)))
		if stem == "" {
			b.errorf(diag.Pos{File: r.Path, Line: 1, Col: 1}, "cannot make a URL from this file name: rename it with letters or digits")
			continue
		}
		out := strings.TrimPrefix(m.Path, "/") + path.Join(append(rest, stem+strings.ToLower(path.Ext(name)))...)
		b.c.Resources = append(b.c.Resources, Resource{Src: r.Path, Path: out})
		b.c.byRes[r.Path] = out
		b.c.resPaths[strings.ToLower("/"+out)] = "/" + out
		key := strings.ToLower(norm.NFC.String("/" + out))
		if b.claims == nil {
			b.claims = map[string][]claim{}
		}
		src := diag.Pos{File: r.Path, Line: 1, Col: 1}
		b.claims[key] = append(b.claims[key], claim{path: "/" + out, src: src, what: "file"})
		if path.Base(out) == "index.html" {
			b.claims[strings.TrimSuffix(key, "index.html")] = append(b.claims[strings.TrimSuffix(key, "index.html")], claim{path: "/" + out, src: src, what: "file"})
		}
	}
}

// clashes reports URLs claimed by more than one source (names that differ only
// in case or Unicode form included) and pages that claim lectern's own URLs.
// The losers are dropped from the output (the dev server renders the rest):
// a page beats an alias or a file, then the first source path wins.
func (b *builder) clashes() {
	keys := make([]string, 0, len(b.claims))
	for k := range b.claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dropPage := map[*Page]bool{}
	dropAlias := map[string]bool{} // alias path
	dropFile := map[string]bool{}  // resource source path
	drop := func(c claim) {
		switch c.what {
		case "page":
			dropPage[c.page] = true
		case "alias":
			dropAlias[c.path] = true
		case "file":
			dropFile[c.src.File] = true
		}
	}
	for _, k := range keys {
		cl := b.claims[k]
		if reason := b.reserved(k); reason != "" {
			for _, c := range cl {
				b.errorf(c.src, "URL %s %s: rename the file or set `slug:`", c.path, reason)
				drop(c)
			}
			continue
		}
		if len(cl) < 2 {
			continue
		}
		sort.SliceStable(cl, func(i, j int) bool {
			if (cl[i].what == "page") != (cl[j].what == "page") {
				return cl[i].what == "page"
			}
			return cl[i].src.String() < cl[j].src.String()
		})
		for i, c := range cl {
			var others []string
			for j, o := range cl {
				if j != i {
					others = append(others, fmt.Sprintf("%s (%s)", o.src.String(), o.what))
				}
			}
			sort.Strings(others)
			// Each claimant gets an error: with many (a folder of files
			// with one slug) a few names each are enough.
			if most := 3; len(others) > most {
				others = append(others[:most], fmt.Sprintf("and %d more", len(others)-most))
			}
			b.errorf(c.src, "URL %s is also claimed by %s: every page needs its own URL (rename a file or set `slug:`)", c.path, strings.Join(others, ", "))
			if i > 0 {
				drop(c)
			}
		}
		// Links to the URL go to the page that keeps it, whatever order
		// the claims came in.
		if cl[0].what == "page" {
			b.c.byPath[k] = cl[0].page
		}
	}
	if len(dropPage) > 0 {
		for k, p := range b.c.byPath {
			if dropPage[p] {
				delete(b.c.byPath, k) // a file or alias kept the URL
			}
		}
		b.c.dropped = dropPage
	}
	b.c.All = slices.DeleteFunc(b.c.All, func(p *Page) bool { return dropPage[p] })
	b.c.Aliases = slices.DeleteFunc(b.c.Aliases, func(a Alias) bool { return dropAlias[a.Path] })
	b.c.Resources = slices.DeleteFunc(b.c.Resources, func(r Resource) bool { return dropFile[r.Src] })
}

// reserved explains why a URL path belongs to lectern, or returns "".
func (b *builder) reserved(p string) string {
	if p == "/" {
		return ""
	}
	for _, f := range reservedFiles {
		if p == f || p == f+"/" {
			return "is generated by lectern"
		}
	}
	for _, d := range reservedDirs {
		if strings.HasPrefix(p, d) {
			return "is inside " + d + ", which lectern generates"
		}
	}
	for _, t := range b.cfg.Taxonomies {
		if strings.HasPrefix(p, "/"+t+"/") {
			return "is inside /" + t + "/, the " + t + " taxonomy's pages"
		}
	}
	return ""
}
