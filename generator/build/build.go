// Package build runs the stages in order — config, content, course, assets,
// layouts, then Markdown + layout + minify per page in parallel — and hands
// every output file to a Sink as soon as it is done. It is the only package
// that knows the stage order. Run returns the course and diagnostics, not the
// bytes: `build` streams to a folder, `serve` keeps a map.
package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
	"github.com/lectern/lectern/generator/render"
	"github.com/lectern/lectern/generator/search"
)

// Options configure one build.
type Options struct {
	Root   fs.FS        // the site folder (site.yaml, content/, layouts/, assets/, static/)
	Theme  fs.FS        // the built-in theme (layouts/, assets/); nil = none
	Config *config.Site // already loaded site.yaml; nil = load it from Root
	Sink   output.Sink  // where files go
	Drafts bool         // include drafts
	// BaseURL overrides site.yaml's baseURL when set.
	BaseURL string
	// NoMinify turns minification off whatever site.yaml says.
	NoMinify bool
	// Epoch is SOURCE_DATE_EPOCH: the feed's date when no page has one. Zero = 1970.
	Epoch time.Time
	// Lastmod maps source paths to their last commit time (site.yaml `lastmod: git`).
	Lastmod map[string]time.Time
	// Partial keeps going after content errors (a broken link, a bad field) and
	// writes every page it can: the dev server shows the errors over the site.
	// Only errors that leave no usable site (site.yaml, layouts) stop it.
	Partial bool
	// Changed lists what changed since the Builder's previous run, as slash
	// paths from the site root; a folder stands for everything below it. nil
	// means anything may have changed. It only saves reading: files are
	// compared by content whatever it says.
	Changed []string
	// Progress, when set, is called as pages finish rendering, with the pages
	// done so far and the total. Render workers call it concurrently: it must
	// be safe for that, and quick (the CLI throttles what it prints).
	Progress func(done, total int)
}

// Result describes a finished build.
type Result struct {
	Config   *config.Site
	Course   *course.Course
	Pages    int   // HTML pages written
	Rendered int   // pages rendered by this run (the rest were reused from the previous run)
	Files    int   // files written in all
	Bytes    int64 // bytes written in all
	Warnings diag.List
	// Errors are the content errors of a Partial build that still produced a site.
	Errors diag.List
	// Assets maps logical asset names ("css/main.css") to their fingerprinted URLs.
	Assets map[string]string
}

// Run builds the site from scratch. On content, layout or check errors it
// returns a diag.List (all of them, sorted); other errors are I/O failures.
func Run(ctx context.Context, opts Options) (*Result, error) {
	return (&Builder{oneShot: true}).Run(ctx, opts)
}

// Builder runs builds one after another and remembers what each produced, so
// that the next run re-reads only changed files and re-renders only pages
// whose inputs changed. Its output always equals a fresh Run's. Safe for use
// by one goroutine at a time (Run serialises itself).
type Builder struct {
	mu sync.Mutex
	m  *memo
	// oneShot: no later run will reuse this one's work, so rendered pages
	// and converted bodies are not kept (a cold build streams in little memory).
	oneShot bool
}

// Run builds the site, reusing the previous run's work where inputs are unchanged.
func (bl *Builder) Run(ctx context.Context, opts Options) (*Result, error) {
	bl.mu.Lock()
	defer bl.mu.Unlock()
	b := &builder{opts: opts, res: &Result{}, regions: new(output.RegionMemo)}
	b.sink = &countingSink{next: opts.Sink}
	b.changed = changedFunc(opts.Changed)
	b.m = bl.m
	b.oneShot = bl.oneShot
	err := b.run(ctx)
	bl.m = b.m
	b.res.Files = int(b.sink.files.Load())
	b.res.Bytes = b.sink.bytes.Load()
	b.res.Pages = int(b.pages.Load())
	b.res.Rendered = int(b.rendered.Load())
	if t := b.patched; t != nil {
		// Most files were carried over from the previous run, not written.
		b.res.Files, b.res.Pages, b.res.Bytes = t.files, t.pages, t.bytes
	}
	if b.m != nil {
		b.res.Assets = b.m.assetURLs
	}
	all := b.diags.List()
	b.res.Warnings = all.Warnings()
	if err != nil {
		return b.res, err
	}
	if all.HasErrors() {
		if opts.Partial && !b.fatal {
			b.res.Errors = all.Errors()
			return b.res, nil
		}
		return b.res, all
	}
	return b.res, nil
}

// changedFunc turns a change list into a predicate on site paths.
func changedFunc(paths []string) func(string) bool {
	if paths == nil {
		return nil
	}
	set := make(map[string]bool, len(paths))
	for _, p := range paths {
		set[strings.Trim(p, "/")] = true
	}
	return func(p string) bool {
		for q := p; ; {
			if set[q] {
				return true
			}
			i := strings.LastIndexByte(q, '/')
			if i < 0 {
				return false
			}
			q = q[:i]
		}
	}
}

type builder struct {
	oneShot  bool
	opts     Options
	res      *Result
	sink     *countingSink
	diags    diag.Collector
	fatal    bool // an error that leaves no usable site (partial builds stop)
	changed  func(string) bool
	m        *memo
	cfg      *config.Site
	conv     *markdown.Converter
	min      *output.Minifier
	regions  *output.RegionMemo // minified partialCached regions of this run (and the patches after it)
	c        *course.Course
	lay      *render.Layouts
	site     *render.Site
	keys     *keyer
	pages    atomic.Int64
	rendered atomic.Int64

	mu    sync.Mutex
	ids   map[string]map[string]bool // source path → ids on that page
	spill *printSpill                // one-shot builds: print fragments on disk
	// layoutSrcs are the layout files parseLayouts read (checks look in them too).
	layoutSrcs []render.Source
	bodies     map[*course.Page]bodyRef         // page bodies, for /print/ and the search index
	refs       map[*course.Page][]markdown.Ref  // #fragment references per page
	links      map[*course.Page][]markdown.Link // resolved links per page, for checks.go
	pageDiags  map[*course.Page][]*diag.Error   // found converting and checking one page
	linked     map[string]int                   // link targets (source paths, "file:/url") → links to them
	global     diag.List                        // found by checks over all pages
	tmplErrs   map[string]*tmplErr              // layout error → pages it broke
	print      *printState                      // /print/'s items and key
	search     *searchState                     // the search index's pages and key
	patched    *patchTotals                     // set when the run was a patch (see patch.go)
}

// fail records errors that leave no usable site.
func (b *builder) fail(errs ...error) {
	b.fatal = true
	b.diags.Add(errs...)
}

// tmplErr is one layout error and the pages it broke: reported once.
type tmplErr struct {
	err   *diag.Error
	pages []string
}

// reportTemplateErrors adds each layout error once, naming a page it broke.
func (b *builder) reportTemplateErrors() {
	for _, te := range b.tmplErrs {
		// Name a source file first: it is the page an author can open.
		sort.Slice(te.pages, func(i, j int) bool {
			ci, cj := strings.HasPrefix(te.pages[i], content.Dir+"/"), strings.HasPrefix(te.pages[j], content.Dir+"/")
			if ci != cj {
				return ci
			}
			return te.pages[i] < te.pages[j]
		})
		what := te.pages[0]
		if n := len(te.pages) - 1; n == 1 {
			what += " and 1 other page"
		} else if n > 1 {
			what += fmt.Sprintf(" and %d other pages", n)
		}
		b.fail(&diag.Error{Pos: te.err.Pos, Err: fmt.Errorf("%v (while rendering %s)", te.err.Err, what)})
	}
}

// bodyRef is a lesson's converted body and its hash.
type bodyRef struct {
	html     template.HTML
	sum      uint64
	sections []search.Section
}

// errStop ends a run whose diagnostics are already collected.
var errStop = errors.New("stop")

func (b *builder) run(ctx context.Context) error {
	defer b.closeSpill()
	if regionsUsed != nil {
		defer func() { regionsUsed(b.regions) }()
	}
	err := b.stages(ctx)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func (b *builder) stages(ctx context.Context) error {
	cfg := b.opts.Config
	var cfgSrc []byte
	if cfg == nil {
		var err error
		cfgSrc, _ = fs.ReadFile(b.opts.Root, config.FileName)
		if cfg, err = config.Load(b.opts.Root); err != nil {
			b.fail(err)
			return errStop
		}
	}
	if b.opts.BaseURL != "" {
		c := *cfg
		if err := c.SetBaseURL(b.opts.BaseURL); err != nil {
			b.fail(err)
			return errStop
		}
		cfg = &c
	}
	b.cfg, b.res.Config = cfg, cfg
	b.useMemo(cfg, cfgSrc)
	if b.opts.NoMinify || !cfg.Output.Minify {
		b.min = nil
	} else {
		b.min = b.m.minifier
	}
	b.conv = b.m.conv
	if b.conv == nil {
		conv, err := NewConverter(cfg)
		if err != nil {
			b.fail(diag.Errorf(diag.Pos{File: config.FileName}, "markdown.highlight: %v", err))
			return errStop
		}
		b.conv, b.m.conv = conv, conv
	}
	if ok, err := b.patch(ctx); ok {
		return err
	}
	b.m.last = nil // a full run: whatever it leaves undone, no patch may follow it

	site, err := content.Load(b.opts.Root, cfg, b.m.files, b.changed)
	if site == nil {
		b.fail(err)
		return errStop
	}
	if err == nil {
		b.diags.Add(site.Warnings) // else err holds them already
	}
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			b.fail(err)
			return errStop
		}
		// Go on with the files that parsed, to report every error in one run.
		b.diags.Add(err)
		if !b.opts.Partial {
			b.sink.next = discard{} // the build fails anyway: write nothing
		}
	}
	for _, f := range site.Files {
		if f.TitleFromBody && f.Title == "" {
			_, f.Title = b.conv.Inline([]byte(f.Meta.Title))
		}
	}
	lastmod := b.opts.Lastmod
	if cfg.Lastmod != "git" {
		lastmod = nil
	}
	c, err := b.course(cfg, site, lastmod)
	b.c, b.res.Course = c, c
	if err != nil {
		b.diags.Add(err)
		if !b.opts.Partial {
			b.sink.next = discard{}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	if err := b.writeAssets(); err != nil {
		return err
	}
	if err := b.writeStatic(); err != nil {
		return err
	}
	if err := b.writeResources(); err != nil {
		return err
	}
	if err := b.parseLayouts(); err != nil {
		return err
	}
	if b.lay == nil {
		return errStop
	}
	b.keys = newKeyer(b)
	if err := b.renderPages(ctx); err != nil {
		return err
	}
	b.runChecks(site.Files)
	err = b.writeGenerated()
	b.reportTemplateErrors()
	b.m.sweep()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.remember(site, patchTotals{files: int(b.sink.files.Load()), pages: int(b.pages.Load()), bytes: b.sink.bytes.Load()})
	return nil
}

func (b *builder) parseLayouts() error {
	srcs, warns, err := render.CollectSources(b.opts.Theme, b.opts.Root)
	if err != nil {
		b.fail(diag.Errorf(diag.Pos{File: render.LayoutDir}, "cannot read layouts: %v", err))
		return nil
	}
	for _, w := range warns {
		b.diags.Add(w)
	}
	b.layoutSrcs = srcs
	b.site = b.siteView()
	b.m.site.Store(b.site)
	h := b.m.hash()
	for _, s := range srcs {
		fmt.Fprintf(h, "%s|%v|%d|", s.Name, s.BuiltIn, len(s.Data))
		h.Write(s.Data)
	}
	key := h.Sum64()
	if b.m.lay == nil || b.m.layKey != key {
		m := b.m
		lay, err := render.Parse(srcs, render.Funcs(m.site.Load, m.assetURL))
		if err != nil {
			b.fail(err)
			return nil
		}
		b.m.lay, b.m.layKey, b.m.layUsesCourse = lay, key, lay.SiteReads("Course")
	}
	lay := b.m.lay
	for _, name := range []string{"home", "module", "lesson", "page", "taxonomy", "term", "404"} {
		if !lay.Has(name) {
			b.fail(diag.Errorf(diag.Pos{File: render.LayoutDir + "/_default/" + name + ".html"}, "missing: every site needs this layout (the built-in theme has one to start from)"))
		}
	}
	for _, p := range b.c.All {
		if p.Layout != "" && !lay.Has(p.Layout) {
			b.diags.Add(diag.Errorf(p.Src.Meta.Pos["layout"], "layout: no layout %q: add layouts/_default/%s.html", p.Layout, p.Layout))
		}
	}
	b.lay = lay
	b.site.UseLayouts(lay, b.min != nil)
	return nil
}

func (b *builder) siteView() *render.Site {
	cfg, c := b.cfg, b.c
	s := &render.Site{
		Title:       cfg.Title,
		Description: cfg.Description,
		Language:    cfg.Language,
		Author:      cfg.Author,
		Copyright:   cfg.Copyright,
		BaseURL:     cfg.BaseURL,
		BasePath:    cfg.BasePath(),
		Params:      cfg.Params,
		Course:      c,
		Home:        c.Home,
		Modules:     c.Modules,
		Pages:       c.Pages,
		Taxonomies:  c.Taxonomies,
		LessonCount: len(c.Lessons),
	}
	for _, l := range c.Lessons {
		s.Duration += l.Duration
		s.HasMatrix = s.HasMatrix || len(l.Terms["roles"]) > 0 && len(l.Terms["skills"]) > 0
	}
	return s
}

// renderPages converts, renders, minifies and writes every page with a
// source (and generated module pages), in parallel.
func (b *builder) renderPages(ctx context.Context) error {
	pages := b.c.All
	b.ids = make(map[string]map[string]bool, len(pages))
	b.bodies = make(map[*course.Page]bodyRef, len(b.c.Lessons))
	b.links = make(map[*course.Page][]markdown.Link, len(pages))
	b.refs = make(map[*course.Page][]markdown.Ref)
	b.pageDiags = make(map[*course.Page][]*diag.Error)
	if b.oneShot && b.lay.Has("print") {
		if err := b.openSpill(); err != nil {
			return err
		}
	}
	jobs := make(chan *course.Page)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	var done atomic.Int64
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for p := range jobs {
				if ctx.Err() != nil {
					continue
				}
				if err := b.renderPage(&buf, p); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
				if b.opts.Progress != nil {
					b.opts.Progress(int(done.Add(1)), len(pages))
				}
			}
		}()
	}
	for _, p := range pages {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (b *builder) renderPage(buf *bytes.Buffer, p *course.Page) error {
	var ids map[string]bool
	var docSum uint64
	var e *docEntry
	var body bodyRef
	var found []*diag.Error
	var content template.HTML // what the page shows of the body
	if p.Src != nil {
		e = b.convert(p)
		doc := e.doc
		docSum = e.sum
		for _, d := range doc.Diags {
			line, col := diag.At(p.Src.Body, d.Offset)
			pos := diag.Pos{File: p.SrcPath, Line: p.Src.BodyLine + line - 1, Col: col}
			if f := b.markdownDiag(pos, d); f != nil {
				found = append(found, f)
			}
		}
		ids = e.ids
		body = bodyRef{html: e.html, sum: e.sum, sections: e.sections}
		if b.spill != nil && p.Kind == course.KindLesson {
			// /print/'s fragment is made once the page is: from the body
			// the page minified, when it could (see spillPrint).
			region := ""
			defer func() { b.spillPrint(p, e.html, region) }()
			body.html = "" // on disk until the print page is written
			if b.min != nil && minifyRegions && !b.cfg.Markdown.Unsafe {
				region = "body-" + strconv.FormatUint(e.sum, 16)
				b.regions.Code(region, len(e.html), e.code)
				content = template.HTML(output.RegionStart(region)) + e.html + template.HTML(output.RegionEnd(region))
			}
		}
	}
	layout := p.Kind.String()
	if p.Layout != "" {
		layout = p.Layout
	}
	out := outPath(p.Path)
	// One lock for what every page records, and for the last run's page
	// when its view is known unchanged (see unchanged).
	b.mu.Lock()
	if e != nil {
		b.bodies[p] = body
		setOrDelete(b.refs, p, e.doc.Refs)
		setOrDelete(b.links, p, e.doc.Links)
		setOrDelete(b.pageDiags, p, found)
		for _, f := range found {
			b.diags.Add(f)
		}
	}
	b.ids[p.SrcPath] = ids
	has := b.lay.Has(layout)
	var data []byte
	same := has && b.unchangedLocked(out, layout, docSum, &data)
	b.mu.Unlock()
	if !has {
		return nil // reported by parseLayouts
	}
	if same {
		b.pages.Add(1)
		return b.sinkWrite(out, data)
	}
	v := b.pageView(p)
	if e != nil {
		v.Content = e.html
		if content != "" {
			v.Content = content
		}
		v.HasQuiz = e.hasQuiz
		for _, h := range e.doc.Headings {
			if h.Level == 2 || h.Level == 3 {
				v.TOC = append(v.TOC, render.Heading{Level: h.Level, ID: h.ID, Text: h.Text})
			}
		}
	}
	return b.execute(buf, layout, v, docSum, p.SrcPath, out)
}

// unchangedLocked sets data to the last run's page when its view is known
// unchanged without building it: the same course (reused: only bodies
// changed), the same global key, the same body and layout (see pageEntry).
// b.mu is held.
func (b *builder) unchangedLocked(out, layout string, docSum uint64, data *[]byte) bool {
	prev := b.m.pages[out]
	if prev == nil || prev.course != b.c || prev.global != b.keys.global || prev.docSum != docSum || prev.layout != layout {
		return false
	}
	b.m.used[out] = true
	*data = prev.data
	return true
}

// convert returns a page's converted body, from the memo when neither the
// file nor the course's link structure changed.
func (b *builder) convert(p *course.Page) *docEntry {
	b.mu.Lock()
	e := b.m.docs[p.Src]
	b.m.usedFiles[p.Src] = true
	b.mu.Unlock()
	if e != nil && e.structKey == b.keys.structKey {
		return e
	}
	doc := b.conv.Convert(p.Src.Body, NewResolver(b.c, p.SrcPath, b.site.BasePath))
	h := b.m.hash()
	h.Write(doc.HTML)
	for _, hd := range doc.Headings {
		fmt.Fprintf(h, "|%d|%s|%s", hd.Level, hd.ID, hd.Text)
	}
	e = &docEntry{structKey: b.keys.structKey, doc: doc, sum: h.Sum64(), ids: make(map[string]bool, len(doc.IDs)), html: template.HTML(doc.HTML),
		hasQuiz: bytes.Contains(doc.HTML, []byte(`<form class="quiz"`))}
	if b.cfg.Markdown.Unsafe {
		e.sections = search.Extract(doc.HTML)
	} else {
		// Code is not indexed: the index reads the body without it.
		body := string(e.html)
		e.code = codeBlocks(body)
		e.sections = search.Extract(withoutCode(body, e.code))
	}
	for _, id := range doc.IDs {
		e.ids[id] = true
	}
	// Keep what checks and the view need, not the HTML: e.html holds it
	// (the dev server keeps an entry per page: the HTML twice would be
	// ~20 KB a lesson).
	e.doc = &markdown.Doc{Diags: doc.Diags, Refs: doc.Refs, Links: doc.Links, Headings: doc.Headings}
	if b.oneShot {
		return e
	}
	b.mu.Lock()
	b.m.docs[p.Src] = e
	b.mu.Unlock()
	return e
}

// execute renders a view with a layout, minifies and writes it — or writes
// the previous run's bytes when the view's inputs are unchanged.
func (b *builder) execute(buf *bytes.Buffer, layout string, v *render.Page, docSum uint64, src, out string) error {
	b.mu.Lock()
	prev := b.m.pages[out]
	b.m.used[out] = true
	b.mu.Unlock()
	b.pages.Add(1)
	var key uint64
	if prev != nil && v.Page != nil && prev.course == b.c && prev.global == b.keys.global && prev.docSum == docSum && prev.layout == layout {
		key = prev.key // see pageEntry
	} else {
		key = b.keys.view(layout, v, docSum)
	}
	if prev != nil && prev.key == key {
		return b.sinkWrite(out, prev.data)
	}
	v.Nav = render.NewNav(b.site, v.Page)
	data, ok, err := b.renderView(buf, layout, v, src, out)
	if err != nil || !ok {
		return err
	}
	if !b.oneShot {
		b.mu.Lock()
		b.m.pages[out] = &pageEntry{key: key, data: data, course: b.c, global: b.keys.global, docSum: docSum, layout: layout}
		b.mu.Unlock()
	}
	return b.sinkWrite(out, data)
}

// renderView executes a layout and minifies the result (bytes the caller
// owns). ok is false when the layout failed: the error is recorded, to be
// reported once for all the pages it broke.
func (b *builder) renderView(buf *bytes.Buffer, layout string, v *render.Page, src, out string) ([]byte, bool, error) {
	buf.Reset()
	if err := b.lay.Execute(buf, layout, v); err != nil {
		b.pages.Add(-1)
		var de *diag.Error
		if !errors.As(err, &de) {
			return nil, false, err
		}
		b.mu.Lock()
		if b.tmplErrs == nil {
			b.tmplErrs = map[string]*tmplErr{}
		}
		te := b.tmplErrs[de.Error()]
		if te == nil {
			te = &tmplErr{err: de}
			b.tmplErrs[de.Error()] = te
		}
		te.pages = append(te.pages, src)
		b.mu.Unlock()
		return nil, false, nil
	}
	b.rendered.Add(1)
	data, ok := b.minifyPage(out, buf.Bytes())
	return data, ok, nil
}

// minifyPage is minify for pages, whose partialCached regions are minified
// once per run.
func (b *builder) minifyPage(out string, data []byte) ([]byte, bool) {
	if !minifyRegions {
		return b.minifyWith(out, data, nil)
	}
	return b.minifyWith(out, data, b.regions)
}

// minifyRegions is off, and regionsUsed set, in the test that checks that
// regions change nothing.
var (
	minifyRegions = true
	regionsUsed   func(*output.RegionMemo)
)

// write minifies (when on) and hands a file to the sink; minified bytes are
// reused when the same output had the same bytes last run.
func (b *builder) write(out string, data []byte) error {
	return b.writeKeyed(out, b.m.sum(data), func() []byte { return data })
}

// writeKeyed is write for an output that is costly to make (it grows with
// the whole course): when key equals the previous run's, the previous bytes
// are written without calling gen.
func (b *builder) writeKeyed(out string, key uint64, gen func() []byte) error {
	b.mu.Lock()
	prev := b.m.mins[out]
	b.m.used[out] = true
	b.mu.Unlock()
	if prev != nil && prev.key == key {
		return b.sinkWrite(out, prev.data)
	}
	m, ok := b.minify(out, gen())
	if !ok {
		return nil
	}
	if !b.oneShot {
		b.mu.Lock()
		b.m.mins[out] = &minEntry{key: key, data: m}
		b.mu.Unlock()
	}
	return b.sinkWrite(out, m)
}

// minify returns bytes the caller owns (sinks keep them; data may be a
// reused buffer): minified, or a copy when minification is off.
func (b *builder) minify(out string, data []byte) ([]byte, bool) {
	return b.minifyWith(out, data, nil)
}

// minifyWith is minify with the page regions of memo (nil: none).
func (b *builder) minifyWith(out string, data []byte, memo *output.RegionMemo) ([]byte, bool) {
	if b.min == nil {
		return bytes.Clone(data), true
	}
	m, err := b.min.MinifyPage(out, data, memo)
	if err != nil {
		b.fail(diag.Errorf(diag.Pos{File: out}, "minify: %v", err))
		return nil, false
	}
	if len(m) > 0 && len(data) > 0 && &m[0] == &data[0] {
		m = bytes.Clone(m) // passed through unminified
	}
	return m, true
}

func (b *builder) sinkWrite(out string, data []byte) error {
	if err := b.sink.Write(out, data); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

func outPath(urlPath string) string {
	return strings.TrimPrefix(urlPath, "/") + "index.html"
}

func (b *builder) pageView(p *course.Page) *render.Page {
	v := &render.Page{
		Site:        b.site,
		Kind:        p.Kind.String(),
		Page:        p,
		Title:       p.Title,
		Description: p.Description,
		URL:         p.URL,
		Permalink:   p.Permalink,
		Draft:       p.Draft,
		Prev:        p.Prev,
		Next:        p.Next,
	}
	switch p.Kind {
	case course.KindLesson:
		v.Module = p.Parent
		v.Breadcrumbs = p.Ancestors()
	case course.KindModule:
		v.Module = p
		v.Breadcrumbs = p.Ancestors()
	}
	// v.Nav is filled by execute, only when the page is rendered: its key
	// covers it through keyer.navKey.
	v.Objectives = b.objectives(p)
	if b.cfg.EditURL != "" && p.Src != nil {
		v.EditURL = b.cfg.EditURL + strings.TrimPrefix(p.SrcPath, content.Dir+"/")
	}
	return v
}

// objectives renders a page's objectives (inline Markdown), once per source file.
func (b *builder) objectives(p *course.Page) []template.HTML {
	if len(p.Objectives) == 0 {
		return nil
	}
	if p.Src != nil {
		b.mu.Lock()
		o, ok := b.m.objs[p.Src]
		b.mu.Unlock()
		if ok {
			return o
		}
	}
	out := make([]template.HTML, 0, len(p.Objectives))
	for _, o := range p.Objectives {
		h, _ := b.conv.Inline([]byte(o))
		out = append(out, template.HTML(h))
	}
	if p.Src != nil {
		b.mu.Lock()
		b.m.objs[p.Src] = out
		b.mu.Unlock()
	}
	return out
}

// NewConverter builds the Markdown converter a build of a site with cfg
// uses (benchmarks and the floor take it apart the same way).
func NewConverter(cfg *config.Site) (*markdown.Converter, error) {
	return markdown.New(ConverterOptions(cfg))
}

// ConverterOptions are the Markdown options site.yaml gives a build.
func ConverterOptions(cfg *config.Site) markdown.Options {
	return markdown.Options{
		Unsafe:         cfg.Markdown.Unsafe,
		Typographer:    cfg.Markdown.Typographer,
		HighlightLight: cfg.Markdown.Highlight.Light,
		HighlightDark:  cfg.Markdown.Highlight.Dark,
	}
}

// NewResolver resolves the links of the page from (its source path)
// against the course as a build does; base is the site's base path.
func NewResolver(c *course.Course, from, base string) markdown.Resolver {
	return &resolver{c: c, from: from, base: base}
}

// resolver adapts course link resolution to the markdown package.
type resolver struct {
	c    *course.Course
	from string
	base string
}

func (r *resolver) Resolve(p string, image bool) (href, target string, err error) {
	pg, urlPath, err := r.c.Resolve(r.from, p)
	if err != nil {
		return "", "", err
	}
	if image && pg != nil {
		return "", "", fmt.Errorf("image %q points to a page, not an image file", p)
	}
	href = r.base + strings.TrimPrefix(urlPath, "/")
	if pg == nil {
		return href, "file:" + urlPath, nil
	}
	return href, pg.SrcPath, nil
}

// setOrDelete sets m[k] to v, or deletes it when v is empty.
func setOrDelete[K comparable, V any](m map[K][]V, k K, v []V) {
	if len(v) == 0 {
		delete(m, k)
	} else {
		m[k] = v
	}
}

// checkFragments checks every #fragment against the ids of the page it points to.
func (b *builder) checkFragments() {
	for p, refs := range b.refs {
		for _, r := range refs {
			target := r.Target
			if target == "" {
				target = p.SrcPath
			}
			if strings.HasPrefix(target, "file:") {
				continue
			}
			ids, ok := b.ids[target]
			if !ok || ids[r.Fragment] {
				continue
			}
			line, col := diag.At(p.Src.Body, r.Offset)
			pos := diag.Pos{File: p.SrcPath, Line: p.Src.BodyLine + line - 1, Col: col}
			where := "this page"
			if target != p.SrcPath {
				where = target
			}
			b.diags.Add(diag.Errorf(pos, "broken link: no heading or element with id %q on %s", r.Fragment, where))
		}
	}
}

// countingSink counts what passes to the real sink.
type countingSink struct {
	next  output.Sink
	files atomic.Int64
	bytes atomic.Int64
}

func (s *countingSink) Write(p string, data []byte) error {
	s.files.Add(1)
	s.bytes.Add(int64(len(data)))
	return s.next.Write(p, data)
}

// discard is a sink for builds that already failed.
type discard struct{}

func (discard) Write(string, []byte) error { return nil }
