package build

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/output"
	"github.com/lectern/lectern/generator/render"
	"github.com/lectern/lectern/generator/search"
)

// writeGenerated writes what no source file stands for: taxonomy and term
// pages, the course pages (matrix, learning path, /print/), course.json,
// the search index, 404.html, alias redirects, sitemap.xml, feed.xml and
// robots.txt.
func (b *builder) writeGenerated() error {
	// The first four depend on nothing the others make. A cold build
	// makes them at once: the print page is mostly writing, the taxonomy
	// pages run one after the other, and the search index has serial
	// parts; alone, each leaves a core idle. (The dev server makes them
	// in order: its memo is not safe for that.)
	parts := []func() error{
		b.writeTaxonomies,
		func() error { return b.writeCoursePages(new(bytes.Buffer)) },
		func() error {
			return b.writeKeyed("course.json", courseOnly(b, "course.json key", b.courseJSONKey), b.courseJSON)
		},
		b.writeSearch,
	}
	if err := runParts(parts, b.oneShot); err != nil {
		return err
	}
	var buf bytes.Buffer
	v := b.genView("404", "Page not found", "/404.html")
	if err := b.execute(&buf, "404", v, 0, "404.html", "404.html"); err != nil {
		return err
	}
	for _, a := range b.c.Aliases {
		if err := b.write(outPath(a.Path), aliasPage(b.cfg.Language, a.Target)); err != nil {
			return err
		}
	}
	if err := b.write("sitemap.xml", courseOnly(b, "sitemap.xml", b.sitemap)); err != nil {
		return err
	}
	if err := b.write("feed.xml", courseOnly(b, "feed.xml", b.feed)); err != nil {
		return err
	}
	if !b.cfg.Absolute() {
		b.diags.Add(diag.Warnf(diag.Pos{File: "site.yaml"}, "baseURL has no host: sitemap.xml, feed.xml and canonical links hold paths only; set baseURL: https://example.org/ before publishing"))
	}
	robots := "User-agent: *\nAllow: /\n"
	if b.cfg.Absolute() {
		robots += "Sitemap: " + b.cfg.BaseURL + "sitemap.xml\n"
	}
	return b.write("robots.txt", []byte(robots))
}

// runParts runs each part, at once when concurrent, and returns the first
// error in the parts' order (whichever finished first).
func runParts(parts []func() error, concurrent bool) error {
	errs := make([]error, len(parts))
	if concurrent {
		var wg sync.WaitGroup
		for i, part := range parts {
			wg.Go(func() { errs[i] = part() })
		}
		wg.Wait()
	} else {
		for i, part := range parts {
			errs[i] = part()
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeTaxonomies writes each taxonomy's page and its terms' pages.
func (b *builder) writeTaxonomies() error {
	var buf bytes.Buffer
	for _, t := range b.c.Taxonomies {
		v := b.genView("taxonomy", t.Title, t.Path)
		v.Taxonomy = t
		if err := b.execute(&buf, "taxonomy", v, 0, "the "+t.Name+" page", outPath(t.Path)); err != nil {
			return err
		}
		for _, term := range t.Terms {
			v := b.genView("term", term.Name, term.Path)
			v.Taxonomy, v.Term = t, term
			v.Description = fmt.Sprintf("Lessons for %s: %s", strings.ToLower(strings.TrimSuffix(t.Title, "s")), term.Name)
			if err := b.execute(&buf, "term", v, 0, "the "+t.Name+" term "+term.Name, outPath(term.Path)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *builder) genView(kind, title, urlPath string) *render.Page {
	u := b.site.BasePath + strings.TrimPrefix(urlPath, "/")
	perm := u
	if b.cfg.Absolute() {
		perm = b.cfg.BaseURL + strings.TrimPrefix(urlPath, "/")
	}
	return &render.Page{
		Site:      b.site,
		Kind:      kind,
		Title:     title,
		URL:       u,
		Permalink: perm,
	}
}

var aliasTmpl = template.Must(template.New("alias").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<link rel="canonical" href="{{.Permalink}}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{.URL}}">
</head>
<body>
<p>This page has moved to <a href="{{.URL}}">{{.Title}}</a>.</p>
</body>
</html>
`))

// aliasPage is a redirect from an old URL to the page's current one.
func aliasPage(lang string, p *course.Page) []byte {
	var buf bytes.Buffer
	_ = aliasTmpl.Execute(&buf, struct {
		Lang, Title, URL, Permalink string
	}{lang, p.Title, p.URL, p.Permalink})
	return buf.Bytes()
}

// writeSearch writes the search index of the home page, modules, lessons
// and standalone pages, in course order. The dev server makes it on the
// first search after a change (at 10,000 pages it takes seconds); builds
// write it at once.
func (b *builder) writeSearch() error {
	st, key := b.searchPages()
	if ls, ok := b.sink.next.(output.LazySink); ok && !b.oneShot {
		d := b.m.searchDir
		if d == nil || d.Key != key {
			d = output.NewLazyDir(key, func() (map[string][]byte, error) {
				files := search.Build(st.pages.list())
				out := make(map[string][]byte, len(files))
				for _, f := range files {
					out[f.Path] = f.Data
				}
				return out, nil
			})
			b.m.searchDir = d
		}
		if err := ls.WriteLazyDir(search.Dir, d); err != nil {
			return fmt.Errorf("writing %s: %w", search.Dir, err)
		}
		return nil
	}
	for _, f := range search.Build(st.pages.list()) {
		if err := b.write(f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// searchPages lists the pages of the search index and its key. A patch has
// already updated b.search.
func (b *builder) searchPages() (*searchState, uint64) {
	if st := b.search; st != nil {
		return st, st.key.sum(b.m)
	}
	st := &searchState{
		pages: overlay[search.Page]{base: make([]search.Page, 0, len(b.c.All))},
		key:   seqKey{index: make(map[*course.Page]int, len(b.c.All))},
	}
	h := b.m.hash()
	add := func(p *course.Page) {
		body, ok := b.bodies[p]
		if !ok && p.Src != nil {
			return // broken: reported
		}
		sp := search.Page{URL: p.URL, Title: p.Title, Description: p.Description, Sections: body.sections}
		if p.Kind == course.KindLesson && p.Parent != nil && p.Parent.Kind == course.KindModule {
			sp.Module = p.Parent.Title
		}
		str(h, sp.URL, sp.Title, sp.Module, sp.Description)
		st.pages.base = append(st.pages.base, sp)
		st.key.add(b.m, p, body.sum)
	}
	var walk func(p *course.Page)
	walk = func(p *course.Page) {
		add(p)
		for _, c := range p.Children {
			walk(c)
		}
	}
	if b.c.Home != nil {
		walk(b.c.Home)
	}
	for _, p := range b.c.Pages {
		add(p)
	}
	st.key.structure = h.Sum64()
	b.search = st
	return st, st.key.sum(b.m)
}

// sitemap lists every page, sorted by URL.
func (b *builder) sitemap() []byte {
	type entry struct {
		Loc     string `xml:"loc"`
		Lastmod string `xml:"lastmod,omitempty"`
	}
	var entries []entry
	add := func(urlPath string, mod time.Time) {
		e := entry{Loc: b.absolute(urlPath)}
		if !mod.IsZero() {
			e.Lastmod = mod.UTC().Format(time.RFC3339)
		}
		entries = append(entries, e)
	}
	for _, p := range b.c.All {
		if p.Draft {
			continue
		}
		add(p.Path, p.Lastmod)
	}
	for _, t := range b.c.Taxonomies {
		if len(t.Terms) == 0 {
			continue
		}
		add(t.Path, time.Time{})
		for _, term := range t.Terms {
			add(term.Path, time.Time{})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Loc < entries[j].Loc })
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, e := range entries {
		buf.WriteString("<url><loc>")
		xml.EscapeText(&buf, []byte(e.Loc))
		buf.WriteString("</loc>")
		if e.Lastmod != "" {
			buf.WriteString("<lastmod>" + e.Lastmod + "</lastmod>")
		}
		buf.WriteString("</url>\n")
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes()
}

func (b *builder) absolute(urlPath string) string {
	if b.cfg.Absolute() {
		return b.cfg.BaseURL + strings.TrimPrefix(urlPath, "/")
	}
	return b.site.BasePath + strings.TrimPrefix(urlPath, "/")
}

// feedSize bounds the feed: readers want what changed, not the whole course.
const feedSize = 50

// feed is an Atom feed of the lessons and pages, newest first; undated ones
// follow in course order. Its updated date is the newest page date, else
// SOURCE_DATE_EPOCH, so builds stay reproducible.
func (b *builder) feed() []byte {
	var items []*course.Page
	for _, p := range b.c.Lessons {
		if !p.Draft {
			items = append(items, p)
		}
	}
	for _, p := range b.c.Pages {
		if !p.Draft {
			items = append(items, p)
		}
	}
	dated := func(p *course.Page) time.Time {
		if !p.Lastmod.IsZero() {
			return p.Lastmod
		}
		return p.Date
	}
	sort.SliceStable(items, func(i, j int) bool {
		return dated(items[i]).After(dated(items[j]))
	})
	if len(items) > feedSize {
		items = items[:feedSize]
	}
	updated := b.opts.Epoch
	for _, p := range b.c.All {
		if d := dated(p); d.After(updated) && !p.Draft {
			updated = d
		}
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			t = updated
		}
		return t.UTC().Format(time.RFC3339)
	}
	esc := func(s string) string {
		var w strings.Builder
		xml.EscapeText(&w, []byte(s))
		return w.String()
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"` + ` xml:lang="` + esc(b.cfg.Language) + `">` + "\n")
	buf.WriteString("<title>" + esc(b.cfg.Title) + "</title>\n")
	if b.cfg.Description != "" {
		buf.WriteString("<subtitle>" + esc(b.cfg.Description) + "</subtitle>\n")
	}
	home := b.absolute("/")
	buf.WriteString("<id>" + esc(home) + "</id>\n")
	buf.WriteString(`<link href="` + esc(home) + `"/>` + "\n")
	buf.WriteString(`<link rel="self" href="` + esc(b.absolute("/feed.xml")) + `"/>` + "\n")
	buf.WriteString("<updated>" + stamp(updated) + "</updated>\n")
	author := b.cfg.Author
	if author == "" {
		author = b.cfg.Title
	}
	buf.WriteString("<author><name>" + esc(author) + "</name></author>\n")
	for _, p := range items {
		buf.WriteString("<entry>\n<title>" + esc(p.Title) + "</title>\n")
		buf.WriteString(`<link href="` + esc(b.absolute(p.Path)) + `"/>` + "\n")
		buf.WriteString("<id>" + esc(b.absolute(p.Path)) + "</id>\n")
		buf.WriteString("<updated>" + stamp(dated(p)) + "</updated>\n")
		if !p.Date.IsZero() {
			buf.WriteString("<published>" + stamp(p.Date) + "</published>\n")
		}
		if p.Description != "" {
			buf.WriteString("<summary>" + esc(p.Description) + "</summary>\n")
		}
		buf.WriteString("</entry>\n")
	}
	buf.WriteString("</feed>\n")
	return buf.Bytes()
}
