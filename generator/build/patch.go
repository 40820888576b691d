package build

import (
	"bytes"
	"context"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
	"github.com/lectern/lectern/generator/render"
	"github.com/lectern/lectern/generator/search"
)

// A patch is a run after edits of Markdown files that leave the course as it
// was: no file created or deleted, the same front matter, the same titles
// (the dev server's usual case: an author saves a lesson's text). Instead of
// going over every page, it starts from the previous run: the sink copies
// the previous run's files in one step (output.Carrier), the edited pages
// are converted and rendered again, /print/ and the search index get keys
// updated page by page, and the checks across pages run on records kept up
// to date the same way. The result is the one a full run would give
// (TestIncrementalEqualsFresh compares them after every kind of edit); a
// patch costs about one page's work whatever the size of the course.

// lastRun is what a patch needs of the previous run, kept when that run
// went to the end in a sink that can carry its files to the next.
type lastRun struct {
	sink       output.Sink // where it wrote: the next sink must follow it
	site       *content.Site
	view       *render.Site
	keys       *keyer
	regions    *output.RegionMemo
	layoutSrcs []render.Source
	ids        map[string]map[string]bool
	bodies     map[*course.Page]bodyRef
	refs       map[*course.Page][]markdown.Ref
	links      map[*course.Page][]markdown.Link
	pageDiags  map[*course.Page][]*diag.Error
	linked     map[string]int
	global     diag.List // found by the checks across pages
	raw        diag.List // all it reported, unsorted
	print      *printState
	search     *searchState
	totals     patchTotals
}

// patchTotals are a run's counts for Result, whose files a patch carries.
type patchTotals struct {
	files, pages int
	bytes        int64
}

// printState is /print/'s list of modules and lessons with their bodies.
type printState struct {
	items  []render.PrintItem
	bodies overlay[bodyRef]
	key    seqKey
}

// searchState is the search index's list of pages.
type searchState struct {
	pages overlay[search.Page]
	key   seqKey
}

// overlay is a list a patch changes item by item without modifying it (a
// lazy page of an earlier site may still read it): changed items are kept
// apart, until they are many and a clone copies the list.
type overlay[T any] struct {
	base []T
	over map[int]T
}

func (o *overlay[T]) at(i int) T {
	if v, ok := o.over[i]; ok {
		return v
	}
	return o.base[i]
}

// set changes item i of a clone.
func (o *overlay[T]) set(i int, v T) { o.over[i] = v }

// list returns the items with the changes.
func (o *overlay[T]) list() []T {
	if len(o.over) == 0 {
		return o.base
	}
	out := slices.Clone(o.base)
	for i, v := range o.over {
		out[i] = v
	}
	return out
}

// clone returns a copy for a patch to change.
func (o *overlay[T]) clone() overlay[T] {
	if len(o.over) > len(o.base)/8 {
		return overlay[T]{base: o.list(), over: map[int]T{}}
	}
	c := overlay[T]{base: o.base, over: maps.Clone(o.over)}
	if c.over == nil {
		c.over = map[int]T{}
	}
	return c
}

// seqKey is the key of an output made from a list of pages in course order
// (/print/, the search index) that a patch updates one page at a time: the
// hash of what the list shows of the course (structure, fixed while the
// course is) with the wrapping sum of one part per item, its position
// hashed with the sum of the body it shows.
type seqKey struct {
	index     map[*course.Page]int
	structure uint64
	parts     []uint64
	total     uint64
}

// add appends the part of item p (nil: an item without a body).
func (k *seqKey) add(m *memo, p *course.Page, body uint64) {
	i := len(k.parts)
	part := m.part(i, body)
	k.parts = append(k.parts, part)
	k.total += part
	if p != nil {
		k.index[p] = i
	}
}

// set changes the body of item i.
func (k *seqKey) set(m *memo, i int, body uint64) {
	part := m.part(i, body)
	k.total += part - k.parts[i]
	k.parts[i] = part
}

func (k seqKey) clone() seqKey {
	k.parts = slices.Clone(k.parts)
	return k
}

func (k *seqKey) sum(m *memo) uint64 {
	h := m.hash()
	num(h, int64(k.structure), int64(k.total))
	return h.Sum64()
}

func (m *memo) part(i int, body uint64) uint64 {
	h := m.hash()
	num(h, int64(i), int64(body))
	return h.Sum64()
}

// clone returns a copy for a patch to change.
func (s *printState) clone() *printState {
	if s == nil {
		return nil
	}
	return &printState{items: s.items, bodies: s.bodies.clone(), key: s.key.clone()}
}

// clone returns a copy for a patch to change.
func (s *searchState) clone() *searchState {
	if s == nil {
		return nil
	}
	return &searchState{pages: s.pages.clone(), key: s.key.clone()}
}

// remember keeps what the next run needs to be a patch, when this run
// went to the end and wrote to a sink the next one can follow.
func (b *builder) remember(site *content.Site, totals patchTotals) {
	b.m.last = nil
	if _, ok := b.sink.next.(output.Carrier); !ok || b.oneShot || !b.opts.Partial || b.fatal || len(b.tmplErrs) > 0 || b.lay == nil || b.linked == nil {
		return
	}
	b.m.last = &lastRun{
		sink: b.sink.next, site: site, view: b.site, keys: b.keys, regions: b.regions, layoutSrcs: b.layoutSrcs,
		ids: b.ids, bodies: b.bodies, refs: b.refs, links: b.links, pageDiags: b.pageDiags, linked: b.linked,
		global: b.global, raw: b.diags.Since(0), print: b.print, search: b.search, totals: totals,
	}
}

// edit is one file of a patch.
type edit struct {
	old, new      *content.File
	before, after *content.Entry
	page          *course.Page // nil: the file has no page in this build (a draft left out)
}

// patch runs the build as a patch when the change allows it, and reports
// whether it did. When it did not, nothing was changed that a full run
// would not do again.
func (b *builder) patch(ctx context.Context) (bool, error) {
	l := b.m.last
	if l == nil || b.changed == nil || !b.opts.Partial || b.opts.Config != nil || b.oneShot {
		return false, nil
	}
	sink, ok := b.sink.next.(output.Carrier)
	if !ok || sink.Follows() != l.sink {
		return false, nil
	}
	var paths []string
	for _, p := range b.opts.Changed {
		p = strings.Trim(p, "/")
		if !strings.HasPrefix(p, content.Dir+"/") || !strings.EqualFold(path.Ext(p), ".md") {
			return false, nil // anything but a Markdown file: a full run
		}
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	site, before, after, ok := content.Reload(b.opts.Root, b.cfg, b.m.files, l.site, paths)
	if !ok {
		return false, nil
	}
	c := b.m.course
	edits := make([]edit, len(paths))
	for i, p := range paths {
		e := edit{old: before[i].File, new: after[i].File, before: before[i], after: after[i]}
		if e.old == nil || e.new == nil {
			return false, nil // broken before or after: a full run reports it
		}
		if e.new.TitleFromBody && e.new.Title == "" {
			_, e.new.Title = b.conv.Inline([]byte(e.new.Meta.Title))
		}
		if !sameShape([]*content.File{e.old}, []*content.File{e.new}) {
			return false, nil // the course changes
		}
		e.page = c.BySource(p)
		if e.page != nil && c.Dropped(e.page) {
			return false, nil // it lost its URL: a full run leaves it out
		}
		edits[i] = e
	}

	// From here on the previous run's records are updated in place.
	b.m.last = nil
	b.c, b.res.Course = c, c
	for _, e := range edits {
		if e.page != nil {
			e.page.Src = e.new
		}
	}
	b.m.courseFiles = slices.Clone(site.Files)
	b.site, b.lay, b.layoutSrcs, b.keys, b.regions = l.view, b.m.lay, l.layoutSrcs, l.keys, l.regions
	b.m.site.Store(b.site)
	b.ids, b.bodies, b.refs, b.links, b.pageDiags, b.linked = l.ids, l.bodies, l.refs, l.links, l.pageDiags, l.linked
	b.print, b.search = l.print.clone(), l.search.clone()

	// Diagnostics: the previous run's, but for those of the edited files
	// and of the checks across pages, which are found again.
	gone := make(map[*diag.Error]bool, len(l.global))
	for _, d := range l.global {
		gone[d] = true
	}
	var skip []string
	for _, e := range edits {
		for _, d := range e.before.Diags {
			gone[d] = true
		}
		if e.page != nil {
			for _, d := range b.pageDiags[e.page] {
				gone[d] = true
			}
			skip = append(skip, outPath(e.page.Path))
		}
	}
	base := make(diag.List, 0, len(l.raw))
	for _, d := range l.raw {
		if !gone[d] {
			base = append(base, d)
		}
	}
	b.diags.Add(base)
	for _, e := range edits {
		b.diags.Add(e.after.Diags)
	}

	if b.print != nil {
		skip = append(skip, printOut)
	}
	if b.search != nil {
		skip = append(skip, search.Dir)
	}
	if err := sink.Carry(skip); err != nil {
		return true, err
	}
	var buf bytes.Buffer
	var replaced int64 // bytes of the previous run's pages written again
	for _, e := range edits {
		p := e.page
		if p == nil {
			continue
		}
		if prev := b.m.pages[outPath(p.Path)]; prev != nil {
			replaced += int64(len(prev.data))
		}
		b.countLinks(p, b.links[p], -1)
		if err := b.renderPage(&buf, p); err != nil {
			return true, err
		}
		b.countLinks(p, b.links[p], 1)
		b.checkPage(p)
		body := b.bodies[p]
		if st := b.print; st != nil {
			if i, ok := st.key.index[p]; ok {
				st.bodies.set(i, body)
				st.key.set(b.m, i, body.sum)
			}
		}
		if st := b.search; st != nil {
			if i, ok := st.key.index[p]; ok {
				pg := st.pages.at(i)
				pg.Sections = body.sections
				st.pages.set(i, pg)
				st.key.set(b.m, i, body.sum)
			}
		}
		if e.new != e.old {
			delete(b.m.docs, e.old)
			delete(b.m.objs, e.old)
		}
	}
	b.linkChecks(site.Files)
	if b.print != nil {
		if err := b.writePrint(&buf); err != nil {
			return true, err
		}
	}
	if b.search != nil {
		if err := b.writeSearch(); err != nil {
			return true, err
		}
	}
	b.reportTemplateErrors()
	if err := ctx.Err(); err != nil {
		return true, err
	}
	t := patchTotals{files: l.totals.files, pages: l.totals.pages, bytes: l.totals.bytes - replaced + b.sink.bytes.Load()}
	b.patched = &t
	b.remember(site, t)
	return true, nil
}
