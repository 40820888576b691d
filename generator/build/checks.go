package build

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/markdown"
)

// The configurable checks of whole pages and of the course (those inside a
// body are found by package markdown). docs/check.md describes each one;
// config.knownChecks holds their default severity.
const (
	checkTitleEmpty           = "title-empty"
	checkTitleDuplicate       = "title-duplicate"
	checkDescriptionMissing   = "description-missing"
	checkDescriptionDuplicate = "description-duplicate"
	checkLessonObjectives     = "lesson-objectives"
	checkLessonDuration       = "lesson-duration"
	checkLessonLength         = "lesson-length"
	checkOrphanPage           = "orphan-page"
	checkUnusedAsset          = "unused-asset"
)

// maxLessonWords is where lesson-length starts: 4,000 words of prose are
// 20 minutes of reading at 200 words a minute, before any code or exercise.
const maxLessonWords = 4000

// report adds a finding of a configurable check with its configured
// severity (nothing when the check is off).
func (b *builder) report(check string, pos diag.Pos, format string, args ...any) {
	if e := b.finding(check, pos, format, args...); e != nil {
		b.diags.Add(e)
	}
}

// finding makes a finding of a configurable check, nil when it is off.
func (b *builder) finding(check string, pos diag.Pos, format string, args ...any) *diag.Error {
	var e *diag.Error
	switch b.cfg.Severity(check) {
	case "off":
		return nil
	case "error":
		e = diag.Errorf(pos, format, args...)
	default:
		e = diag.Warnf(pos, format, args...)
	}
	e.Check = check
	return e
}

// markdownDiag makes the diagnostic of a finding made while converting a
// body (nil when its check is off): a named check gets its configured
// severity, others keep their own.
func (b *builder) markdownDiag(pos diag.Pos, d markdown.Diag) *diag.Error {
	switch {
	case d.Check != "":
		return b.finding(d.Check, pos, "%s", d.Msg)
	case d.Warning:
		return diag.Warnf(pos, "%s", d.Msg)
	default:
		return diag.Errorf(pos, "%s", d.Msg)
	}
}

// runChecks runs the checks that need every page: called once all pages are
// rendered (so every link is known). files are all content files, drafts
// left out of this build included.
func (b *builder) runChecks(files []*content.File) {
	if b.c == nil {
		return
	}
	for _, p := range b.c.All {
		b.checkPage(p)
	}
	// Duplicates depend on titles, descriptions and the tree only: when the
	// course was reused (an edit of a body), so are the findings.
	if b.m.dupCourse == b.c && b.m.dupCourse != nil {
		b.diags.Add(b.m.dupDiags...)
	} else {
		var found []error
		b.checkDuplicates(func(e *diag.Error) { found = append(found, e) })
		b.diags.Add(found...)
		if !b.oneShot {
			b.m.dupCourse, b.m.dupDiags = b.c, found
		}
	}
	b.linked = make(map[string]int, len(b.c.All))
	for p, links := range b.links {
		b.countLinks(p, links, 1)
	}
	b.linkChecks(files)
}

// countLinks adds n to the count of each target p links to (n = -1: the
// links are gone).
func (b *builder) countLinks(p *course.Page, links []markdown.Link, n int) {
	for _, l := range links {
		if l.Target != "" && l.Target != p.SrcPath {
			if b.linked[l.Target] += n; b.linked[l.Target] == 0 {
				delete(b.linked, l.Target)
			}
		}
	}
}

// linkChecks runs the checks of links across pages (#fragments, orphan
// pages, unused files) and keeps their findings in b.global: a patch runs
// them again.
func (b *builder) linkChecks(files []*content.File) {
	start := b.diags.Len()
	b.checkFragments()
	linked := func(target string) bool { return b.linked[target] > 0 }
	b.checkOrphans(linked)
	b.checkResources(linked, files)
	b.checkAssets(linked)
	b.global = b.diags.Since(start)
}

// startPos is the place of a finding about a whole file: its first line.
func startPos(p *course.Page) diag.Pos {
	return diag.Pos{File: p.SrcPath, Line: 1, Col: 1}
}

// titlePos is where a page's title is written: the front matter value, or
// the opening "# Heading" of the body (blanked by package content).
func titlePos(p *course.Page) diag.Pos {
	return fileTitlePos(p.Src)
}

func fileTitlePos(f *content.File) diag.Pos {
	if pos, ok := f.Meta.Pos["title"]; ok {
		return pos
	}
	if f.TitleFromBody {
		line := f.BodyLine
		for _, l := range strings.SplitAfter(string(f.Body), "\n") {
			if strings.TrimRight(l, "\n") != "" {
				return diag.Pos{File: f.Path, Line: line, Col: 1}
			}
			line++
		}
	}
	return diag.Pos{File: f.Path, Line: 1, Col: 1}
}

// checkPage runs the checks of one page and adds their findings to the
// page's diagnostics (b.pageDiags), which a patch replaces.
func (b *builder) checkPage(p *course.Page) {
	if p.Src == nil {
		return // a module without _index.md: its title comes from the folder name
	}
	found := b.pageDiags[p]
	report := func(check string, pos diag.Pos, format string, args ...any) {
		if e := b.finding(check, pos, format, args...); e != nil {
			b.diags.Add(e)
			found = append(found, e)
		}
	}
	title := p.Title
	if p.Src.TitleFromBody {
		title = p.Src.Title // p.Title falls back to the heading's Markdown
	}
	if !hasText(title) {
		report(checkTitleEmpty, titlePos(p), "title %q has no text: write a title readers can find the page by", p.Src.Meta.Title)
	}
	if p.Kind == course.KindLesson {
		if p.Description == "" {
			report(checkDescriptionMissing, startPos(p), "lesson without description: add `description: …` (shown on cards, in search results and as the meta description)")
		}
		if len(p.Objectives) == 0 {
			report(checkLessonObjectives, startPos(p), "lesson without objectives: add `objectives:` with what a learner will be able to do")
		}
		if p.DurationEstimated {
			report(checkLessonDuration, startPos(p), "lesson without duration: estimated as %s from its length; add `duration: …` (like 25m)", fmtDuration(p.Duration))
		}
		if p.Src.Words > maxLessonWords {
			report(checkLessonLength, startPos(p), "long lesson: %d words of prose, more than %d (about %d minutes of reading); consider splitting it", p.Src.Words, maxLessonWords, maxLessonWords/200)
		}
	}
	setOrDelete(b.pageDiags, p, found)
}

// hasText reports whether a title has a letter or digit: "", "-" and "…" do not.
func hasText(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) })
}

func fmtDuration(d time.Duration) string {
	m := int(d.Minutes())
	if m >= 60 {
		if m%60 == 0 {
			return fmt.Sprintf("%dh", m/60)
		}
		return fmt.Sprintf("%dh%dm", m/60, m%60)
	}
	return fmt.Sprintf("%dm", m)
}

// fold is the form in which two titles or descriptions count as the same.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// checkDuplicates reports titles shared by two pages of one module (the
// sidebar and the module page list them side by side; across modules the
// breadcrumbs tell them apart) and descriptions shared by any two pages
// (search results and search engines show them without context).
func (b *builder) checkDuplicates(report func(*diag.Error)) {
	add := func(check string, pos diag.Pos, format string, args ...any) {
		if e := b.finding(check, pos, format, args...); e != nil {
			report(e)
		}
	}
	pages := b.c.All
	order := make([]*course.Page, 0, len(pages))
	for _, p := range pages {
		if p.Src != nil {
			order = append(order, p)
		}
	}
	// The first page by source path is the original; later ones are reported.
	sort.SliceStable(order, func(i, j int) bool { return order[i].SrcPath < order[j].SrcPath })
	type key struct {
		parent *course.Page
		title  string
	}
	titles := map[key]*course.Page{}
	descs := map[string]*course.Page{}
	for _, p := range order {
		if t := fold(p.Title); hasText(t) {
			k := key{p.Parent, t}
			if first, ok := titles[k]; ok {
				add(checkTitleDuplicate, titlePos(p), "title %q is also the title of %s in the same module: readers cannot tell them apart in the navigation", p.Title, first.SrcPath)
			} else {
				titles[k] = p
			}
		}
		if d := fold(p.Description); d != "" {
			if first, ok := descs[d]; ok {
				pos, ok := p.Src.Meta.Pos["description"]
				if !ok {
					pos = startPos(p)
				}
				add(checkDescriptionDuplicate, pos, "description is the same as the one of %s: say what this page is about", first.SrcPath)
			} else {
				descs[d] = p
			}
		}
	}
}

// listsPages finds layouts that list the standalone pages (the built-in
// header does, with .Site.Pages).
var listsPages = regexp.MustCompile(`\b(Site|Course)\.Pages\b`)

// checkOrphans reports standalone pages a reader cannot reach: no layout
// lists the standalone pages and no other page links to it. Lessons and
// modules are always reachable through the course navigation.
func (b *builder) checkOrphans(linked func(string) bool) {
	var pages []*course.Page
	for _, p := range b.c.Pages {
		if p.Src != nil && !linked(p.SrcPath) {
			pages = append(pages, p)
		}
	}
	if len(pages) == 0 {
		return
	}
	for _, s := range b.layoutSrcs {
		if listsPages.Match(s.Data) {
			return
		}
	}
	for _, p := range pages {
		b.report(checkOrphanPage, startPos(p), "orphan page: no page links to it and no layout lists the standalone pages (.Site.Pages): link to it, or remove it")
	}
}

// checkResources reports files under content/ that no page uses: no page
// links to them, and no Markdown file in their folder (drafts included)
// names them in its body or front matter params, where a layout or raw
// HTML may pick them up.
func (b *builder) checkResources(linked func(string) bool, files []*content.File) {
	byDir := map[string][]*content.File{}
	for _, r := range b.c.Resources {
		if !linked("file:/" + r.Path) {
			byDir[path.Dir(r.Src)] = nil
		}
	}
	if len(byDir) == 0 {
		return
	}
	for _, f := range files {
		if f == nil || f.Broken {
			continue
		}
		dir := f.Path[:max(0, strings.LastIndexByte(f.Path, '/'))]
		if fs, ok := byDir[dir]; ok {
			byDir[dir] = append(fs, f)
		}
	}
	for _, r := range b.c.Resources {
		if linked("file:/" + r.Path) {
			continue
		}
		name := path.Base(r.Src)
		used := false
		for _, f := range byDir[path.Dir(r.Src)] {
			if bytes.Contains(f.Body, []byte(name)) || mentions(f.Meta.Params, name) {
				used = true
				break
			}
		}
		if !used {
			b.report(checkUnusedAsset, diag.Pos{File: r.Src, Line: 1, Col: 1}, "unused file: no page links to %s or shows it; remove it, or link to it", name)
		}
	}
}

// mentions reports whether a front matter value holds name in a string.
func mentions(v any, name string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, name)
	case map[string]any:
		for _, x := range v {
			if mentions(x, name) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if mentions(x, name) {
				return true
			}
		}
	}
	return false
}

// checkAssets reports files in the site's own assets/ other than CSS and
// JavaScript (images, fonts) that nothing uses: no page links to them and
// their name appears in no layout, stylesheet or script, of the site or the
// theme. The theme's own assets are not checked.
func (b *builder) checkAssets(linked func(string) bool) {
	if b.opts.Root == nil {
		return
	}
	var candidates []string
	var texts [][]byte
	for i, fsys := range []fs.FS{b.opts.Theme, b.opts.Root} {
		if fsys == nil {
			continue
		}
		_ = fs.WalkDir(fsys, assetDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() || content.Ignored(d.Name()) {
				return nil
			}
			switch path.Ext(p) {
			case ".css", ".js", ".mjs", ".svg":
				if data, err := fs.ReadFile(fsys, p); err == nil {
					texts = append(texts, data)
				}
			}
			if i == 1 && path.Ext(p) != ".css" && path.Ext(p) != ".js" && path.Ext(p) != ".mjs" {
				candidates = append(candidates, p)
			}
			return nil
		})
	}
	if len(candidates) == 0 {
		return
	}
	for _, s := range b.layoutSrcs {
		texts = append(texts, s.Data)
	}
	sort.Strings(candidates)
	for _, p := range candidates {
		if linked("file:/" + p) {
			continue
		}
		name := path.Base(p)
		used := false
		for _, t := range texts {
			if bytes.Contains(t, []byte(name)) {
				used = true
				break
			}
		}
		if !used {
			b.report(checkUnusedAsset, diag.Pos{File: p, Line: 1, Col: 1}, "unused file: %s is named in no layout, stylesheet or script and no page links to it; remove it, or use it", name)
		}
	}
}
