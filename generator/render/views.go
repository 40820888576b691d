package render

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/output"
)

// Site is what every layout sees as .Site.
type Site struct {
	Title       string
	Description string
	Language    string
	Author      string
	Copyright   string
	BaseURL     string // with a trailing slash; absolute when site.yaml gives a host
	BasePath    string // "/" or "/course/"
	Params      map[string]any
	Course      *course.Course
	Home        *course.Page
	Modules     []*course.Page // top-level modules in order
	Pages       []*course.Page // standalone pages
	Taxonomies  []*course.Taxonomy
	// LessonCount and Duration describe the whole course.
	LessonCount int
	Duration    time.Duration
	// HasMatrix: some lesson has both a role and a skill, so /matrix/ exists.
	HasMatrix bool

	partials *partialCache // partialCached's results for this build
}

// UseLayouts lets partialCached run partials of l; its cache lives as long
// as the Site, which is one build. With markRegions (builds that minify),
// larger results are marked as regions (output.RegionStart) so that each
// is minified once, not on every page that shows it.
func (s *Site) UseLayouts(l *Layouts, markRegions bool) {
	s.partials = &partialCache{layouts: l, regions: markRegions}
}

type partialCache struct {
	layouts *Layouts
	regions bool
	m       sync.Map // name + keys → template.HTML
}

// minRegion is the size from which partialCached marks its result as a
// region: below it, cutting the page costs more than it saves.
const minRegion = 1024

// Heading is an entry of a page's table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// NavItem is an entry of the sidebar: a module or lesson, marked when it is the
// current page or contains it. Only modules on the way to the current page are
// opened, so a page's navigation grows with modules + its module's lessons.
type NavItem struct {
	Page     *course.Page
	Current  bool // this is the page being shown
	Active   bool // the page being shown is this or below it
	Children []NavItem
}

// CacheKey is the key of the entry's HTML for partialCachedEach: a closed
// entry shows its page alone (the same on every page of the build), an
// open one ("") depends on the page being shown.
func (it NavItem) CacheKey() string {
	if it.Active || it.Current || len(it.Children) > 0 {
		return ""
	}
	return pageKey(it.Page)
}

// pageKey identifies a page for the partial cache: its source path, which
// no other page has (two pages may claim one URL, and so one Ref, until the
// author fixes it; the build then writes only one of them).
func pageKey(p *course.Page) string {
	if p.SrcPath != "" {
		return p.SrcPath
	}
	return p.Ref
}

// Page is the data of one rendered page: .Site, .Page (nil on generated pages),
// and what the layout needs to show it.
type Page struct {
	Site *Site
	// Kind is home, module, lesson, page, taxonomy, term, matrix, path, print or 404.
	Kind        string
	Page        *course.Page
	Title       string
	Description string
	URL         string // with the base path
	Permalink   string
	Content     template.HTML
	// HasQuiz: Content holds a quiz, so the page loads the quiz script.
	HasQuiz    bool
	TOC        []Heading // h2 and h3
	Objectives []template.HTML
	// Module is the module the page belongs to (a lesson's parent, or the module itself).
	Module      *course.Page
	Breadcrumbs []*course.Page
	Nav         []NavItem
	Taxonomy    *course.Taxonomy
	Term        *course.Term
	EditURL     string
	Draft       bool
	Prev, Next  *course.Page
	// Generated course pages: /matrix/, /path/ and /print/.
	Matrix *Matrix
	Path   *LearningPath
	Print  []PrintItem
}

// Matrix crosses two taxonomies: skills (rows) × roles (columns), each cell
// holding the lessons that carry both terms.
type Matrix struct {
	Rows, Cols *course.Taxonomy
	Cells      [][]MatrixCell // [row][column]
	Lessons    int            // lessons with at least one role and one skill
}

// MatrixCell is one cell of the matrix: the first lessons, and how many more.
type MatrixCell struct {
	Lessons []*course.Page
	More    int
	Total   int
}

// LearningPath is the prerequisite graph: per module, its lessons in levels
// (level 0 needs nothing in the course; level n needs a lesson of level n-1).
type LearningPath struct {
	Modules []PathModule
	Levels  int           // the deepest level + 1
	Edges   int           // prerequisite links
	SVG     template.HTML // a drawing of the graph; empty for large courses
}

// PathModule is one top-level module's lessons by level.
type PathModule struct {
	Module *course.Page
	Levels []PathLevel
}

// PathLevel is the lessons of a module at one level.
type PathLevel struct {
	Level   int
	Lessons []*course.Page
}

// PrintItem is one module heading or lesson of /print/.
type PrintItem struct {
	Page    *course.Page
	Heading int    // heading level of its title: 2 for modules, 3 for lessons
	ID      string // id of its section on the print page
	// Content is the lesson body with ids prefixed (unique on the page),
	// headings shifted below the lesson title and solutions expanded.
	Content    template.HTML
	Objectives []template.HTML
}

// IsHome and friends read better in layouts than string compares.
func (p *Page) IsHome() bool   { return p.Kind == "home" }
func (p *Page) IsLesson() bool { return p.Kind == "lesson" }
func (p *Page) IsModule() bool { return p.Kind == "module" }

// NavSplit is a page's Nav cut around its active entry (the module holding
// the page, or the page itself). The entries before and after it are the
// same on every page below that entry, so the theme renders each run once
// per build with partialCached, keyed by Key: the active entry's source
// path (see pageKey), or "" when no entry is active (generated pages).
type NavSplit struct {
	Before []NavItem
	Active *NavItem
	After  []NavItem
	Key    string
}

// NavSplit cuts .Nav around its active entry.
func (p *Page) NavSplit() NavSplit {
	for i := range p.Nav {
		if p.Nav[i].Active {
			return NavSplit{Before: p.Nav[:i], Active: &p.Nav[i], After: p.Nav[i+1:], Key: pageKey(p.Nav[i].Page)}
		}
	}
	return NavSplit{Before: p.Nav}
}

// NewNav builds the sidebar for a page showing cur (nil on generated pages).
func NewNav(site *Site, cur *course.Page) []NavItem {
	items := make([]NavItem, 0, len(site.Modules))
	for _, m := range site.Modules {
		items = append(items, navItem(m, cur))
	}
	return items
}

func navItem(p, cur *course.Page) NavItem {
	it := NavItem{Page: p, Current: p == cur, Active: cur != nil && p.Contains(cur)}
	if it.Active && p.Kind == course.KindModule {
		it.Children = make([]NavItem, 0, len(p.Children))
		for _, c := range p.Children {
			it.Children = append(it.Children, navItem(c, cur))
		}
	}
	return it
}

// Funcs returns the template functions of a build: URLs with the base path,
// fingerprinted assets, durations and dates. site returns the current site
// (a parsed template set outlives one build in the dev server).
func Funcs(site func() *Site, assets func(string) (string, bool)) template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) {
			if u, ok := assets(name); ok {
				return u, nil
			}
			return "", fmt.Errorf("asset %q not found: put it under assets/", name)
		},
		// relURL prefixes a site path with the base path: relURL "tags/" → "/course/tags/".
		"relURL": func(p string) string { return site().BasePath + strings.TrimPrefix(p, "/") },
		// absURL makes a site path absolute with the base URL.
		"absURL": func(p string) string { return site().BaseURL + strings.TrimPrefix(p, "/") },
		"duration": func(d time.Duration) string {
			if d <= 0 {
				return ""
			}
			return FormatDuration(d)
		},
		// isoDuration gives the ISO 8601 form for <time datetime>: PT1H30M.
		"isoDuration": func(d time.Duration) string {
			m := int((d + time.Minute - 1) / time.Minute)
			if m%60 == 0 {
				return fmt.Sprintf("PT%dH", m/60)
			}
			if m < 60 {
				return fmt.Sprintf("PT%dM", m)
			}
			return fmt.Sprintf("PT%dH%dM", m/60, m%60)
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2 January 2006")
		},
		"isoDate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(time.RFC3339)
		},
		// partialCached runs a partial once per build for each distinct set
		// of keys and reuses the HTML: {{partialCached "partials/x.html" .
		// .Page.Ref}}. The keys must capture everything the partial's output
		// depends on.
		"partialCached": func(name string, data any, keys ...any) (template.HTML, error) {
			return site().partials.get(name, data, keys, minRegion)
		},
		// partialCachedEach runs a partial for each element of a list and
		// joins the results: {{partialCachedEach "partials/nav-item.html"
		// .Children}}. Each element's HTML is cached as partialCached's,
		// under the key its CacheKey method gives (rendered every time when
		// that is ""): one call instead of a range of calls, for lists
		// shown on every page (a module's lessons in the sidebar).
		"partialCachedEach": func(name string, list any) (template.HTML, error) {
			return site().partials.each(name, list)
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"lower": strings.ToLower,
	}
}

// cacheKeyer is an element of partialCachedEach's list.
type cacheKeyer interface{ CacheKey() string }

func (c *partialCache) each(name string, list any) (template.HTML, error) {
	// The elements' HTML first, then joined in a buffer of the right size.
	var parts []template.HTML
	one := func(x any, key string) error {
		var h template.HTML
		var err error
		if key == "" {
			h, err = c.run(name, x)
		} else {
			h, err = c.get(name, x, []any{key}, 0)
		}
		parts = append(parts, h)
		return err
	}
	if items, ok := list.([]NavItem); ok { // the sidebar's, on every page
		parts = make([]template.HTML, 0, len(items))
		for i := range items {
			if err := one(items[i], items[i].CacheKey()); err != nil {
				return "", err
			}
		}
		return join(parts), nil
	}
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return "", fmt.Errorf("partialCachedEach %q: %T is not a list", name, list)
	}
	for i := 0; i < v.Len(); i++ {
		x := v.Index(i).Interface()
		k, ok := x.(cacheKeyer)
		if !ok {
			return "", fmt.Errorf("partialCachedEach %q: %T has no CacheKey method", name, x)
		}
		if err := one(x, k.CacheKey()); err != nil {
			return "", err
		}
	}
	return join(parts), nil
}

func join(parts []template.HTML) template.HTML {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var out strings.Builder
	out.Grow(n)
	for _, p := range parts {
		out.WriteString(string(p))
	}
	return template.HTML(out.String())
}

// run executes a partial without caching its result.
func (c *partialCache) run(name string, data any) (template.HTML, error) {
	if c == nil {
		return "", fmt.Errorf("partialCachedEach %q: no layouts for this site (Site.UseLayouts)", name)
	}
	var buf bytes.Buffer
	if err := c.layouts.partials.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// get returns a partial's cached HTML for name and keys, rendering it the
// first time. With regions on, a result of at least minSize bytes is marked
// as a region. partialCachedEach marks every element (minSize 0): a sidebar
// lists up to a module's worth of them on each page, and the minifier
// takes the minified entries from its memo and skips the white space
// between them, instead of minifying the list again on every page.
func (c *partialCache) get(name string, data any, keys []any, minSize int) (template.HTML, error) {
	if c == nil {
		return "", fmt.Errorf("partialCached %q: no layouts for this site (Site.UseLayouts)", name)
	}
	var k strings.Builder
	k.WriteString(name)
	for _, key := range keys {
		k.WriteByte(0)
		switch key := key.(type) {
		case string: // the usual key (.Page.Ref), on every sidebar entry of every page
			k.WriteString(key)
		default:
			fmt.Fprint(&k, key)
		}
	}
	if v, ok := c.m.Load(k.String()); ok {
		return v.(template.HTML), nil
	}
	var buf bytes.Buffer
	if err := c.layouts.partials.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if c.regions && buf.Len() >= minSize {
		// Regions inside this one (a partialCachedEach list) would stop
		// the minifier from cutting it out: it is minified whole, once.
		h = template.HTML(output.StripRegions(buf.Bytes()))
		f := fnv.New64a()
		f.Write([]byte(k.String()))
		id := strconv.FormatUint(f.Sum64(), 16)
		h = template.HTML(output.RegionStart(id)) + h + template.HTML(output.RegionEnd(id))
	}
	c.m.Store(k.String(), h)
	return h, nil
}
