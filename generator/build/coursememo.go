package build

import (
	"reflect"
	"slices"
	"time"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
)

// course builds the course, or reuses the previous run's when no file
// changed anything course.Build reads: after an edit of a lesson's body the
// dev server skips rebuilding the tree, URLs, order, prerequisites and
// taxonomies of the whole course. The reused pages are pointed at the new
// files. Options that course.Build reads (drafts, lastmod, site.yaml) are in
// the memo's key: any change of them starts a new memo.
func (b *builder) course(cfg *config.Site, site *content.Site, lastmod map[string]time.Time) (*course.Course, error) {
	m := b.m
	if !b.oneShot && m.course != nil && slices.Equal(m.courseRes, site.Resources) && sameShape(m.courseFiles, site.Files) {
		for i, f := range site.Files {
			if f != m.courseFiles[i] && !f.Broken {
				if p := m.course.BySource(f.Path); p != nil {
					p.Src = f
				}
			}
		}
		m.courseFiles = slices.Clone(site.Files)
		return m.course, m.courseErr
	}
	c, err := course.Build(cfg, site, course.Options{Drafts: b.opts.Drafts, Lastmod: lastmod, Cache: m.courseCache})
	if !b.oneShot {
		m.course, m.courseErr = c, err
		m.courseFiles = slices.Clone(site.Files)
		m.courseRes = slices.Clone(site.Resources)
	}
	return c, err
}

// sameShape reports whether course.Build gives the same course for files b
// as for files a: the same paths in the same order, and for each file the
// same kind, state, title, front matter (positions included: errors quote
// them), title line and duration estimate.
func sameShape(a, b []*content.File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x.Path != y.Path || x.Kind != y.Kind || x.Broken != y.Broken || x.Broken ||
			x.Title != y.Title || x.TitleFromBody != y.TitleFromBody {
			return false
		}
		if x.Kind == content.KindLesson && x.Meta.Duration <= 0 &&
			course.Estimate(x.Words, x.CodeLines) != course.Estimate(y.Words, y.CodeLines) {
			return false
		}
		if !reflect.DeepEqual(x.Meta, y.Meta) {
			return false
		}
		if x.TitleFromBody && fileTitlePos(x) != fileTitlePos(y) {
			return false // findings about the title point at its line
		}
	}
	return true
}
