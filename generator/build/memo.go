package build

import (
	"fmt"
	"hash/maphash"
	"html/template"
	"sync/atomic"
	"time"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
	"github.com/lectern/lectern/generator/render"
	"github.com/lectern/lectern/generator/search"
)

// memo is what a Builder keeps between runs. Everything in it is a pure
// function of its key, so reusing it gives the bytes a fresh build would.
type memo struct {
	seed maphash.Seed
	key  uint64 // site.yaml and build options: any change starts a new memo

	minifier    *output.Minifier
	conv        *markdown.Converter
	files       *content.Cache
	courseCache *course.Cache

	layKey uint64
	lay    *render.Layouts
	// layUsesCourse: a site layout reads .Site.Course, so any change of any
	// page's summary may change every page.
	layUsesCourse bool
	// site is the current run's site, for template functions; atomic: a
	// lazy page (the dev server's /print/) may render during a later run.
	site atomic.Pointer[render.Site]

	assetKey  uint64
	assetOut  []output.File
	assetURLs map[string]string
	// assetView is assetURLs for template functions, which a lazy page
	// may call during a later run.
	assetView atomic.Pointer[map[string]string]

	blobs     map[string]blob // static files and resources by source path
	usedBlobs map[string]bool

	// Outputs made from the course and site.yaml alone, by name.
	fromCourse map[string]fromCourse

	// The page summaries of the keyer of sumsOf, the last run's course.
	sums   map[*course.Page]uint64
	sumsOf *course.Course

	docs      map[*content.File]*docEntry
	objs      map[*content.File][]template.HTML // objectives rendered inline
	pages     map[string]*pageEntry             // rendered and minified pages by output path
	mins      map[string]*minEntry              // other minified outputs by output path
	lazies    map[string]*output.Lazy           // pages made on request (dev server) by output path
	searchDir *output.LazyDir                   // the dev server's search index

	// The previous run's course and the files it was built from: a run
	// whose files differ only in their bodies reuses it (course.Build
	// reads nothing else of a file).
	course      *course.Course
	courseErr   error
	courseFiles []*content.File
	courseRes   []content.Resource
	// Duplicate title/description findings of that course.
	dupCourse *course.Course
	dupDiags  []error
	// last is what the next run needs to be a patch (see patch.go).
	last      *lastRun
	used      map[string]bool        // output paths used by this run (the rest are swept)
	usedFiles map[*content.File]bool // sources converted or reused by this run
}

type blob struct {
	data []byte
}

// docEntry is a converted body; valid while the course's link structure is unchanged.
type docEntry struct {
	structKey uint64
	doc       *markdown.Doc
	sum       uint64           // hash of doc.HTML and headings
	ids       map[string]bool  // doc.IDs as a set
	html      template.HTML    // doc.HTML, converted once
	sections  []search.Section // the body's text for the search index
	code      [][2]int         // the highlighted code blocks in html (codeBlocks; none with raw HTML)
	hasQuiz   bool             // the body holds a quiz (the page loads quiz.js)
}

type pageEntry struct {
	key  uint64
	data []byte
	// What key was computed from, besides the course's pages: when the
	// next run has the same course (reused: only bodies changed), the same
	// global key and the same body, the key is the same.
	course *course.Course
	global uint64
	docSum uint64
	layout string
}

type minEntry struct {
	key  uint64 // what the output was made from: its unminified bytes' hash, or writeKeyed's key
	data []byte
}

// useMemo keeps the previous run's memo when site.yaml and the options are
// the same, else starts a new one.
func (b *builder) useMemo(cfg *config.Site, cfgSrc []byte) {
	seed := maphash.MakeSeed()
	if b.m != nil {
		seed = b.m.seed
	}
	var h maphash.Hash
	h.SetSeed(seed)
	h.Write(cfgSrc)
	fmt.Fprintf(&h, "\x00%v|%q|%v|%v|%v", b.opts.Drafts, b.opts.BaseURL, b.opts.NoMinify, b.opts.Epoch.Unix(), lastmodKey(b.opts.Lastmod))
	key := h.Sum64()
	// A configuration passed in (not read from site.yaml) is not compared:
	// such builds start afresh.
	if b.m != nil && b.m.key == key && b.opts.Config == nil {
		b.m.used, b.m.usedBlobs, b.m.usedFiles = map[string]bool{}, map[string]bool{}, map[*content.File]bool{}
		return
	}
	b.m = &memo{
		seed:       seed,
		key:        key,
		minifier:   output.NewMinifier(),
		files:      content.NewCache(),
		blobs:      map[string]blob{},
		docs:       map[*content.File]*docEntry{},
		objs:       map[*content.File][]template.HTML{},
		pages:      map[string]*pageEntry{},
		fromCourse: map[string]fromCourse{},
		mins:       map[string]*minEntry{},
		lazies:     map[string]*output.Lazy{},
		used:       map[string]bool{},
		usedBlobs:  map[string]bool{},
		usedFiles:  map[*content.File]bool{},
	}
}

func lastmodKey(m map[string]time.Time) string {
	if len(m) == 0 {
		return ""
	}
	return fmt.Sprint(m) // fmt sorts map keys
}

// sweep forgets outputs this run did not produce (deleted pages).
func (m *memo) sweep() {
	forgetUnused(m.pages, m.used)
	forgetUnused(m.mins, m.used)
	forgetUnused(m.lazies, m.used)
	forgetUnused(m.blobs, m.usedBlobs)
	forgetUnused(m.objs, m.usedFiles)
	forgetUnused(m.docs, m.usedFiles)
}

// forgetUnused deletes the entries of m whose keys used does not hold.
func forgetUnused[K comparable, V any](m map[K]V, used map[K]bool) {
	for k := range m {
		if !used[k] {
			delete(m, k)
		}
	}
}

func (m *memo) hash() *maphash.Hash {
	h := new(maphash.Hash)
	h.SetSeed(m.seed)
	return h
}

// keyer computes, for a run, the inputs every page view depends on, so a page
// is rendered again only when one of them changed. Pages are summarised once
// (title, URL, dates, duration, counts…); a view's key combines the summaries
// of the pages it shows with its own content and the site-wide key.
type keyer struct {
	m         *memo
	c         *course.Course
	structKey uint64 // what link resolution depends on
	global    uint64 // site.yaml, layouts, assets, site-wide lists
	sums      map[*course.Page]uint64
	trees     map[*course.Page]uint64 // top-level module → hash of its subtree
}

func newKeyer(b *builder) *keyer {
	k := &keyer{m: b.m, c: b.c, sums: make(map[*course.Page]uint64, len(b.c.All))}
	c := b.c
	// Link resolution: every source's URL and state, resources, static files.
	h := b.m.hash()
	for _, p := range c.All {
		fmt.Fprintf(h, "%s|%s|%v\\n", p.SrcPath, p.Path, p.Draft)
	}
	fmt.Fprintf(h, "%d|", len(c.All))
	for _, r := range c.Resources {
		fmt.Fprintf(h, "%s|%s\\n", r.Src, r.Path)
	}
	for _, d := range c.ExcludedPaths() {
		fmt.Fprintf(h, "x%s\\n", d)
	}
	for _, f := range c.FilePaths() {
		fmt.Fprintf(h, "f%s\\n", f)
	}
	fmt.Fprintf(h, "%s", b.cfg.BaseURL)
	k.structKey = h.Sum64()

	if b.m.sumsOf == c {
		// The same course as last run (only bodies changed): the same pages
		// with the same fields, so the same summaries.
		k.sums = b.m.sums
	} else {
		for _, p := range c.All {
			k.sums[p] = k.summary(p)
		}
		if !b.oneShot {
			b.m.sums, b.m.sumsOf = k.sums, c
		}
	}
	g := b.m.hash()
	fmt.Fprintf(g, "%d|%d|%s|%s|%s|%s|%s|%s|%v|%d|%d|", b.m.layKey, b.m.assetKey, b.cfg.Title, b.cfg.Description, b.cfg.Language,
		b.cfg.Author, b.cfg.Copyright, b.cfg.BaseURL, b.cfg.Params, b.site.LessonCount, b.site.Duration)
	num(g, flag(b.site.HasMatrix))
	k.pages(g, c.Modules)
	k.pages(g, c.Pages)
	k.page(g, c.Home)
	for _, t := range c.Taxonomies {
		fmt.Fprintf(g, "t%s|%s|%d|", t.Name, t.URL, len(t.Terms))
	}
	if b.m.layUsesCourse {
		k.pages(g, c.All)
	}
	k.global = g.Sum64()
	k.trees = make(map[*course.Page]uint64, len(c.Modules))
	for _, m := range c.Modules {
		t := b.m.hash()
		k.tree(t, m)
		k.trees[m] = t.Sum64()
	}
	return k
}

// summary hashes what a layout may show about a page other than the one it
// renders (and the page's own metadata).
func (k *keyer) summary(p *course.Page) uint64 {
	h := k.m.hash()
	num(h, int64(p.Kind), int64(p.Duration), int64(p.Number), int64(p.Count), int64(p.Weight), int64(p.Depth),
		int64(len(p.Children)), int64(p.TotalDuration()), p.Date.UnixNano(), p.Lastmod.UnixNano(), flag(p.Draft), flag(p.DurationEstimated))
	str(h, p.Title, p.Description, p.URL, p.Permalink, p.Layout)
	for _, o := range p.Objectives {
		str(h, o)
	}
	if len(p.Params) > 0 {
		fmt.Fprint(h, p.Params) // fmt sorts map keys
	}
	if p.Kind == course.KindModule || p.Kind == course.KindHome {
		num(h, int64(p.LessonCount()))
	}
	return h.Sum64()
}

func num(h *maphash.Hash, xs ...int64) {
	for _, x := range xs {
		maphash.WriteComparable(h, x)
	}
}

func str(h *maphash.Hash, ss ...string) {
	for _, s := range ss {
		h.WriteString(s)
		h.WriteByte(0)
	}
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (k *keyer) page(h *maphash.Hash, p *course.Page) {
	if p == nil {
		h.WriteString("-")
		return
	}
	s, ok := k.sums[p]
	if !ok {
		s = k.summary(p)
	}
	maphash.WriteComparable(h, s)
}

func (k *keyer) pages(h *maphash.Hash, ps []*course.Page) {
	maphash.WriteComparable(h, len(ps))
	for _, p := range ps {
		k.page(h, p)
	}
}

// view is the key of one rendered view: if it equals the previous run's key
// for the same output, the previous bytes are reused.
func (k *keyer) view(layout string, v *render.Page, docSum uint64) uint64 {
	h := k.m.hash()
	num(h, int64(k.global), int64(docSum), flag(v.Draft))
	str(h, layout, v.Kind, v.EditURL)
	if v.Page == nil {
		// A generated page: hash what it shows. A page of the course
		// shows its own title, description, URLs and objectives, which
		// its summary covers, and a table of contents made from its
		// headings, which docSum covers.
		str(h, v.Title, v.Description, v.URL, v.Permalink)
		for _, t := range v.TOC {
			num(h, int64(t.Level))
			str(h, t.ID, t.Text)
		}
		for _, o := range v.Objectives {
			str(h, string(o))
		}
	}
	if p := v.Page; p != nil {
		k.page(h, p)
		str(h, p.Aliases...)
		k.pages(h, p.Prerequisites)
		k.pages(h, p.Children)
		if p.Kind != course.KindLesson {
			k.pages(h, p.AllLessons())
		}
		for _, t := range k.termsOf(p) {
			str(h, t.Taxonomy.Name, t.Name, t.URL)
		}
	}
	k.page(h, v.Prev)
	k.page(h, v.Next)
	k.page(h, v.Module)
	k.pages(h, v.Breadcrumbs)
	num(h, int64(k.navKey(v.Page)))
	if t := v.Taxonomy; t != nil {
		str(h, t.Name, t.Title, t.URL)
		for _, term := range t.Terms {
			str(h, term.Name, term.URL)
			num(h, int64(len(term.Pages)))
		}
	}
	if t := v.Term; t != nil {
		str(h, t.Name, t.URL)
		k.pages(h, t.Pages)
	}
	return h.Sum64()
}

func (k *keyer) termsOf(p *course.Page) []*course.Term {
	var out []*course.Term
	for _, t := range k.c.Taxonomies {
		out = append(out, p.Terms[t.Name]...)
	}
	return out
}

// navKey covers the sidebar of a page showing p: the top-level modules (in
// the global key) and, opened, the top-level module holding p, hashed whole
// once per run.
func (k *keyer) navKey(p *course.Page) uint64 {
	for ; p != nil; p = p.Parent {
		if p.Parent != nil && p.Parent.Kind == course.KindHome && p.Kind == course.KindModule {
			return k.trees[p]
		}
	}
	return 0
}

// tree hashes a module's whole subtree: summaries and shape.
func (k *keyer) tree(h *maphash.Hash, p *course.Page) {
	k.page(h, p)
	num(h, int64(len(p.Children)))
	for _, c := range p.Children {
		k.tree(h, c)
	}
}

func (m *memo) sum(parts ...[]byte) uint64 {
	h := m.hash()
	for _, p := range parts {
		h.Write(p)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// fromCourse is an output (or its key) made from a course and the global
// key alone.
type fromCourse struct {
	course *course.Course
	global uint64
	value  any
}

// courseOnly returns gen's result, or the last run's when the course was
// reused (only bodies changed) and the global key is the same: for outputs
// made from the course and site.yaml alone (sitemap, feed, course.json's key).
func courseOnly[T any](b *builder, name string, gen func() T) T {
	if b.oneShot {
		return gen()
	}
	if e, ok := b.m.fromCourse[name]; ok && e.course == b.c && e.global == b.keys.global {
		return e.value.(T)
	}
	v := gen()
	b.m.fromCourse[name] = fromCourse{course: b.c, global: b.keys.global, value: v}
	return v
}
