package build

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/lectern/lectern/generator/course"
)

// CourseSchema names the version of course.json's format (docs/course-json.md).
// Adding fields keeps the version; renaming, removing or changing the meaning
// of one makes a new one.
const CourseSchema = "lectern.course/1"

// courseDoc is course.json: the syllabus for LMS imports and tools.
type courseDoc struct {
	Schema          string       `json:"schema"`
	Title           string       `json:"title"`
	Description     string       `json:"description,omitempty"`
	Language        string       `json:"language"`
	Author          string       `json:"author,omitempty"`
	URL             string       `json:"url"`
	DurationMinutes int          `json:"durationMinutes"`
	Lessons         int          `json:"lessons"`
	Modules         []*courseMod `json:"modules"`
	Pages           []courseLink `json:"pages"`
	Taxonomies      []courseTax  `json:"taxonomies"`
}

type courseLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type courseTax struct {
	Name  string       `json:"name"`
	Title string       `json:"title"`
	URL   string       `json:"url"`
	Terms []courseLink `json:"terms"`
}

// courseMod is a module or a lesson (Type tells which); modules hold their
// children in course order.
type courseMod struct {
	Type              string       `json:"type"`
	ID                string       `json:"id"`
	Title             string       `json:"title"`
	Description       string       `json:"description,omitempty"`
	URL               string       `json:"url"`
	Source            string       `json:"source,omitempty"`
	Draft             bool         `json:"draft,omitempty"`
	Number            int          `json:"number,omitempty"`
	DurationMinutes   int          `json:"durationMinutes"`
	DurationEstimated bool         `json:"durationEstimated,omitempty"`
	Objectives        []string     `json:"objectives"`
	Prerequisites     []string     `json:"prerequisites,omitempty"`
	Roles             []string     `json:"roles,omitempty"`
	Skills            []string     `json:"skills,omitempty"`
	Tags              []string     `json:"tags,omitempty"`
	Date              string       `json:"date,omitempty"`
	Lastmod           string       `json:"lastmod,omitempty"`
	Children          []*courseMod `json:"children,omitempty"`
}

func minutes(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }

// courseJSONKey covers everything course.json shows: site.yaml, and every
// page's summary, terms, prerequisites and place in the tree.
func (b *builder) courseJSONKey() uint64 {
	h := b.m.hash()
	num(h, int64(b.keys.global))
	for _, p := range b.c.All {
		b.keys.page(h, p)
		str(h, p.SrcPath)
		b.keys.pages(h, p.Children)
		b.keys.pages(h, p.Prerequisites)
		for _, t := range b.keys.termsOf(p) {
			str(h, t.Taxonomy.Name, t.Name)
		}
	}
	for _, t := range b.c.Taxonomies {
		str(h, t.Name, t.Title, t.Path)
		for _, term := range t.Terms {
			str(h, term.Name, term.Path)
		}
	}
	return h.Sum64()
}

func (b *builder) courseJSON() []byte {
	c := b.c
	doc := courseDoc{
		Schema:      CourseSchema,
		Title:       b.cfg.Title,
		Description: b.cfg.Description,
		Language:    b.cfg.Language,
		Author:      b.cfg.Author,
		URL:         b.absolute("/"),
		Lessons:     len(c.Lessons),
		Modules:     []*courseMod{},
		Pages:       []courseLink{},
		Taxonomies:  []courseTax{},
	}
	for _, l := range c.Lessons {
		doc.DurationMinutes += minutes(l.Duration)
	}
	for _, m := range c.Modules {
		doc.Modules = append(doc.Modules, b.courseItem(m))
	}
	for _, p := range c.Pages {
		doc.Pages = append(doc.Pages, courseLink{Title: p.Title, URL: b.absolute(p.Path)})
	}
	for _, t := range c.Taxonomies {
		ct := courseTax{Name: t.Name, Title: t.Title, URL: b.absolute(t.Path), Terms: []courseLink{}}
		for _, term := range t.Terms {
			ct.Terms = append(ct.Terms, courseLink{Title: term.Name, URL: b.absolute(term.Path)})
		}
		doc.Taxonomies = append(doc.Taxonomies, ct)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(doc) // plain data: cannot fail
	return buf.Bytes()
}

func (b *builder) courseItem(p *course.Page) *courseMod {
	it := &courseMod{
		Type:        p.Kind.String(),
		ID:          strings.Trim(p.Path, "/"),
		Title:       p.Title,
		Description: p.Description,
		URL:         b.absolute(p.Path),
		Draft:       p.Draft,
		Objectives:  append([]string{}, p.Objectives...),
	}
	if p.Src != nil {
		it.Source = p.SrcPath
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	it.Date, it.Lastmod = stamp(p.Date), stamp(p.Lastmod)
	if p.Kind == course.KindLesson {
		it.Number = p.Number
		it.DurationMinutes = minutes(p.Duration)
		it.DurationEstimated = p.DurationEstimated
		for _, q := range p.Prerequisites {
			it.Prerequisites = append(it.Prerequisites, q.Ref)
		}
		names := func(tax string) []string {
			var out []string
			for _, t := range p.Terms[tax] {
				out = append(out, t.Name)
			}
			return out
		}
		it.Roles, it.Skills, it.Tags = names("roles"), names("skills"), names("tags")
		return it
	}
	for _, ch := range p.Children {
		ci := b.courseItem(ch)
		it.DurationMinutes += ci.DurationMinutes
		it.Children = append(it.Children, ci)
	}
	return it
}
