package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/bench/internal/corpus"
	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
	"github.com/lectern/lectern/generator/render"
)

// The stage benchmarks run on one corpus of stageLessons lessons; the
// whole-build benchmarks on each of buildSizes (10,000 only with
// LECTERN_BENCH_10K=1: a build takes ~30 s there, and generating the
// corpus the first time ~15 s).
const (
	seed         = 1
	stageLessons = 1000
)

var buildSizes = []int{100, 1000, 10000}

// corpusDir returns the cached corpus of n lessons (generated on first use).
func corpusDir(tb testing.TB, n int) string {
	tb.Helper()
	dir, err := corpus.Cached(corpus.Options{Lessons: n, Seed: seed})
	if err != nil {
		tb.Fatalf("generating the %d-lesson corpus: %v", n, err)
	}
	return dir
}

// skipLarge skips sizes that are opt-in.
func skipLarge(b *testing.B, n int) {
	if n >= 10000 && os.Getenv("LECTERN_BENCH_10K") != "1" {
		b.Skipf("set LECTERN_BENCH_10K=1 to run the %d-lesson case (~30 s a build)", n)
	}
}

// perSecond reports items per second of the timed loop, as unit.
func perSecond(b *testing.B, items int, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(items)*float64(b.N)/s, unit)
	}
}

// pipeline holds a corpus at each stage of a build, so that each stage's
// benchmark starts from the previous stage's output, computed once per
// process. It is a build taken apart with the exported pieces generator/build
// uses (content.Parse, markdown.Converter, render.Layouts, output.Minifier
// with its region memo, output.Dir), with the same options, minification on.
type pipeline struct {
	dir   string
	root  fs.FS
	cfg   *config.Site
	files []source // every Markdown file, read into memory
	// assets maps asset names to their URLs (build.Result.Assets); nil:
	// unfingerprinted URLs, which are as long.
	assets map[string]string

	parseOnce sync.Once
	parseErr  error
	parsed    *content.Site
	course    *course.Course
	conv      *markdown.Converter

	convertOnce sync.Once
	convertErr  error
	docs        map[*course.Page]*markdown.Doc // pages with a source file

	renderOnce sync.Once
	renderErr  error
	site       *render.Site
	lay        *render.Layouts
	views      []*render.Page // one per page with a source, Nav left to the benchmark
	pages      []outFile      // the layouts' output, not minified

	minifyOnce sync.Once
	minifyErr  error
	minified   []outFile
}

type source struct {
	path string
	data []byte
}

type outFile struct {
	path string
	data []byte
}

var (
	stageOnce sync.Once
	stage     *pipeline
)

// stagePipeline is the pipeline of the stage corpus, shared by the stage benchmarks.
func stagePipeline(b *testing.B) *pipeline {
	b.Helper()
	stageOnce.Do(func() { stage = newPipeline(b, corpusDir(b, stageLessons)) })
	if stage == nil {
		b.Fatal("the stage corpus failed to load (see the first benchmark's error)")
	}
	return stage
}

// newPipeline reads the corpus in dir into memory.
func newPipeline(tb testing.TB, dir string) *pipeline {
	tb.Helper()
	p := &pipeline{dir: dir, root: os.DirFS(dir)}
	var err error
	if p.cfg, err = config.Load(p.root); err != nil {
		tb.Fatal(err)
	}
	err = fs.WalkDir(p.root, content.Dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".md" {
			return err
		}
		data, err := fs.ReadFile(p.root, name)
		p.files = append(p.files, source{name, data})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// parse loads the content and assembles the course, as a build does.
func (p *pipeline) parse(tb testing.TB) {
	tb.Helper()
	p.parseOnce.Do(func() {
		var err error
		if p.parsed, err = content.Load(p.root, p.cfg, nil, nil); err != nil {
			p.parseErr = err
			return
		}
		if p.course, err = course.Build(p.cfg, p.parsed, course.Options{}); err != nil {
			p.parseErr = err
			return
		}
		p.conv, p.parseErr = build.NewConverter(p.cfg)
	})
	if p.parseErr != nil {
		tb.Fatal(p.parseErr)
	}
}

// sourcePages are the course's pages with a source file, in path order.
func (p *pipeline) sourcePages() []*course.Page {
	var out []*course.Page
	for _, pg := range p.course.All {
		if pg.Src != nil {
			out = append(out, pg)
		}
	}
	return out
}

// convert converts every body once; any diagnostic is a failure (the corpus
// builds without warnings).
func (p *pipeline) convert(tb testing.TB) {
	tb.Helper()
	p.parse(tb)
	p.convertOnce.Do(func() {
		p.docs = map[*course.Page]*markdown.Doc{}
		base := p.cfg.BasePath()
		for _, pg := range p.sourcePages() {
			doc := p.conv.Convert(pg.Src.Body, build.NewResolver(p.course, pg.SrcPath, base))
			if len(doc.Diags) > 0 {
				p.convertErr = fmt.Errorf("%s: %s", pg.SrcPath, doc.Diags[0].Msg)
				return
			}
			p.docs[pg] = doc
		}
	})
	if p.convertErr != nil {
		tb.Fatal(p.convertErr)
	}
}

// render parses the built-in theme's layouts, makes the view of every page
// with a source (as generator/build's pageView does) and executes its layout
// once, keeping the HTML for the minify and write benchmarks.
func (p *pipeline) render(tb testing.TB) {
	tb.Helper()
	p.convert(tb)
	p.renderOnce.Do(func() {
		c := p.course
		p.site = &render.Site{
			Title: p.cfg.Title, Description: p.cfg.Description, Language: p.cfg.Language,
			Author: p.cfg.Author, Copyright: p.cfg.Copyright, BaseURL: p.cfg.BaseURL,
			BasePath: p.cfg.BasePath(), Params: p.cfg.Params, Course: c, Home: c.Home,
			Modules: c.Modules, Pages: c.Pages, Taxonomies: c.Taxonomies, LessonCount: len(c.Lessons),
		}
		for _, l := range c.Lessons {
			p.site.Duration += l.Duration
			p.site.HasMatrix = p.site.HasMatrix || len(l.Terms["roles"]) > 0 && len(l.Terms["skills"]) > 0
		}
		srcs, _, err := render.CollectSources(lectern.Theme(), p.root)
		if err != nil {
			p.renderErr = err
			return
		}
		site := func() *render.Site { return p.site }
		// Without the build's fingerprinted asset URLs, a URL of the same shape will do.
		assets := func(name string) (string, bool) {
			if u, ok := p.assets[name]; ok {
				return u, true
			}
			return p.site.BasePath + "assets/" + name, true
		}
		if p.lay, err = render.Parse(srcs, render.Funcs(site, assets)); err != nil {
			p.renderErr = err
			return
		}
		for _, pg := range p.sourcePages() {
			p.views = append(p.views, p.view(pg))
		}
		p.site.UseLayouts(p.lay, true) // a new partialCached cache, as in a build that minifies
		var buf bytes.Buffer
		for _, v := range p.views {
			out, err := p.execute(&buf, v)
			if err != nil {
				p.renderErr = err
				return
			}
			p.pages = append(p.pages, outFile{out, bytes.Clone(buf.Bytes())})
		}
	})
	if p.renderErr != nil {
		tb.Fatal(p.renderErr)
	}
}

// view is generator/build's pageView for a page with a source, with its body.
func (p *pipeline) view(pg *course.Page) *render.Page {
	doc := p.docs[pg]
	v := &render.Page{
		Site: p.site, Kind: pg.Kind.String(), Page: pg, Title: pg.Title, Description: pg.Description,
		URL: pg.URL, Permalink: pg.Permalink, Draft: pg.Draft, Prev: pg.Prev, Next: pg.Next,
		Content: template.HTML(doc.HTML), HasQuiz: bytes.Contains(doc.HTML, []byte(`<form class="quiz"`)),
	}
	switch pg.Kind {
	case course.KindLesson:
		v.Module, v.Breadcrumbs = pg.Parent, pg.Ancestors()
	case course.KindModule:
		v.Module, v.Breadcrumbs = pg, pg.Ancestors()
	}
	for _, h := range doc.Headings {
		if h.Level == 2 || h.Level == 3 {
			v.TOC = append(v.TOC, render.Heading{Level: h.Level, ID: h.ID, Text: h.Text})
		}
	}
	return v
}

// execute builds a view's navigation and runs its layout into buf; it
// returns the page's output path.
func (p *pipeline) execute(buf *bytes.Buffer, v *render.Page) (string, error) {
	buf.Reset()
	v.Nav = render.NewNav(p.site, v.Page)
	layout := v.Page.Kind.String()
	if v.Page.Layout != "" {
		layout = v.Page.Layout
	}
	if err := p.lay.Execute(buf, layout, v); err != nil {
		return "", fmt.Errorf("%s: %w", v.Page.SrcPath, err)
	}
	return strings.TrimPrefix(v.Page.Path, "/") + "index.html", nil
}

// minify minifies every rendered page once, for the write benchmark.
func (p *pipeline) minify(tb testing.TB) {
	tb.Helper()
	p.render(tb)
	p.minifyOnce.Do(func() {
		m := output.NewMinifier()
		var regions output.RegionMemo
		for _, f := range p.pages {
			data, err := m.MinifyPage(f.path, f.data, &regions)
			if err != nil {
				p.minifyErr = err
				return
			}
			p.minified = append(p.minified, outFile{f.path, data})
		}
	})
	if p.minifyErr != nil {
		tb.Fatal(p.minifyErr)
	}
}

// The stage benchmarks run each stage over every page of the corpus in one
// goroutine: their ns/op divided by the pages is a stage's CPU cost per
// page, and pages/s is one core's throughput (a build runs the per-page
// stages on GOMAXPROCS workers).

// BenchmarkFrontMatter splits and decodes the front matter of every
// Markdown file (content.Parse: YAML, field checks, word counts).
func BenchmarkFrontMatter(b *testing.B) {
	p := stagePipeline(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range p.files {
			if file, diags := content.Parse(f.path, f.data, p.cfg); file == nil || len(diags) > 0 {
				b.Fatalf("%s: %v", f.path, diags)
			}
		}
	}
	perSecond(b, len(p.files), "pages/s")
}

// fenceInfo matches the info string of a highlighted code fence, also in
// callouts ("> > ```yaml"); quiz fences are not highlighted and stay.
var fenceInfo = regexp.MustCompile("(?m)^((?:> ?)*)```(go|python|sql|bash|javascript|yaml)$")

// BenchmarkMarkdown converts every body to HTML with the converter and link
// resolution of a build. "highlight" is the real thing; "highlight-chroma"
// highlights with chroma's own lexers and formatter (the floor's pipeline,
// same HTML); "no-highlight" has the language names removed from code
// fences, so no lexer runs and the difference is the cost of highlighting.
func BenchmarkMarkdown(b *testing.B) {
	p := stagePipeline(b)
	p.parse(b)
	pages := p.sourcePages()
	base := p.cfg.BasePath()
	plain := make(map[*course.Page][]byte, len(pages))
	for _, pg := range pages {
		plain[pg] = fenceInfo.ReplaceAll(pg.Src.Body, []byte("$1```"))
	}
	opts := build.ConverterOptions(p.cfg)
	opts.StockHighlighter = true
	stock, err := markdown.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"highlight", "highlight-chroma", "no-highlight"} {
		conv := p.conv
		if name == "highlight-chroma" {
			conv = stock
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, pg := range pages {
					body := pg.Src.Body
					if name == "no-highlight" {
						body = plain[pg]
					}
					doc := conv.Convert(body, build.NewResolver(p.course, pg.SrcPath, base))
					if len(doc.Diags) > 0 {
						b.Fatalf("%s: %s", pg.SrcPath, doc.Diags[0].Msg)
					}
				}
			}
			perSecond(b, len(pages), "pages/s")
		})
	}
}

// BenchmarkTemplate executes the built-in theme's layout for every page with
// a source, navigation included, from already converted bodies: the render
// step of a build without its memo keys, minification and writing. The
// pages a build generates (taxonomies, /print/, /matrix/, …) are not in it.
// It runs in one goroutine, so the partials the theme caches per build
// (partialCached) are rendered once per iteration, as in one build.
func BenchmarkTemplate(b *testing.B) {
	p := stagePipeline(b)
	p.render(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		// Each iteration is one build's render step: partials the theme
		// renders once per build with partialCached are rendered again.
		p.site.UseLayouts(p.lay, true)
		for _, v := range p.views {
			if _, err := p.execute(&buf, v); err != nil {
				b.Fatal(err)
			}
		}
	}
	perSecond(b, len(p.views), "pages/s")
	b.ReportMetric(float64(bytesOf(p.pages))/float64(len(p.pages)), "bytes/page")
}

// BenchmarkMinify minifies the HTML of every page BenchmarkTemplate renders,
// with the build's minifier, as a build does: the regions the theme marks
// (partials shared by many pages) are minified once per iteration.
func BenchmarkMinify(b *testing.B) {
	p := stagePipeline(b)
	p.render(b)
	m := output.NewMinifier()
	b.SetBytes(bytesOf(p.pages))
	b.ReportAllocs()
	for b.Loop() {
		var regions output.RegionMemo
		for _, f := range p.pages {
			if _, err := m.MinifyPage(f.path, f.data, &regions); err != nil {
				b.Fatal(err)
			}
		}
	}
	perSecond(b, len(p.pages), "pages/s")
}

// BenchmarkWrite writes every minified page to a new folder the way
// `lectern build` does: output.OpenDir, writes from GOMAXPROCS goroutines,
// Commit. Unlike the other stages it runs in parallel, as in a build.
func BenchmarkWrite(b *testing.B) {
	p := stagePipeline(b)
	p.minify(b)
	tmp := b.TempDir()
	b.SetBytes(bytesOf(p.minified))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dest := filepath.Join(tmp, fmt.Sprintf("out%d", i))
		i++
		d, err := output.OpenDir(output.DirOptions{Dest: dest, SiteRoot: p.dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := writeAll(d, p.minified); err != nil {
			b.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := os.RemoveAll(dest); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	perSecond(b, len(p.minified), "pages/s")
}

// writeAll writes files to a sink from GOMAXPROCS goroutines.
func writeAll(s output.Sink, files []outFile) error {
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(files); i += len(errs) {
				if err := s.Write(files[i].path, files[i].data); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func bytesOf(files []outFile) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.data))
	}
	return n
}

// BenchmarkBuild is a whole cold build (build.Run, built-in theme, minified)
// into memory (output.Mem), at each size: everything `lectern build` does
// but writing files. pages/s counts every HTML page written, generated ones
// (taxonomy terms, /print/, …) included.
func BenchmarkBuild(b *testing.B) {
	benchBuilds(b, func(_ *testing.B, opts *build.Options, _ string) (commit func() error, err error) {
		opts.Sink = output.NewMem()
		return nil, nil
	})
}

// BenchmarkBuildNoMinify is BenchmarkBuild with minification off: the
// difference is what minifying every output costs.
func BenchmarkBuildNoMinify(b *testing.B) {
	benchBuilds(b, func(_ *testing.B, opts *build.Options, _ string) (func() error, error) {
		opts.Sink = output.NewMem()
		opts.NoMinify = true
		return nil, nil
	})
}

// BenchmarkBuildToDisk is a whole cold build as `lectern build` makes it:
// into an output.Dir that is committed to a new folder. The previous
// iteration's folder is removed with the timer stopped.
func BenchmarkBuildToDisk(b *testing.B) {
	tmp := b.TempDir()
	i := 0
	benchBuilds(b, func(b *testing.B, opts *build.Options, dir string) (func() error, error) {
		b.StopTimer()
		if err := os.RemoveAll(filepath.Join(tmp, fmt.Sprintf("public%d", i))); err != nil {
			return nil, err
		}
		b.StartTimer()
		i++
		d, err := output.OpenDir(output.DirOptions{Dest: filepath.Join(tmp, fmt.Sprintf("public%d", i)), SiteRoot: dir})
		if err != nil {
			return nil, err
		}
		opts.Sink = d
		return d.Commit, nil
	})
}

// benchBuilds runs one cold build per iteration at each size; setup gives
// each build its sink (and the function that finishes it, if any).
func benchBuilds(b *testing.B, setup func(b *testing.B, opts *build.Options, dir string) (commit func() error, err error)) {
	for _, n := range buildSizes {
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			skipLarge(b, n)
			dir := corpusDir(b, n)
			pages := 0
			b.ReportAllocs()
			for b.Loop() {
				opts := build.Options{Root: os.DirFS(dir), Theme: lectern.Theme()}
				commit, err := setup(b, &opts, dir)
				if err != nil {
					b.Fatal(err)
				}
				res, err := build.Run(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if commit != nil {
					if err := commit(); err != nil {
						b.Fatal(err)
					}
				}
				pages = res.Pages
			}
			perSecond(b, pages, "pages/s")
		})
	}
}
