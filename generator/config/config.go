// Package config reads site.yaml into a validated Site: defaults filled in,
// every unknown key and wrong type reported at site.yaml:line:col.
package config

import (
	"errors"
	"fmt"
	"github.com/alecthomas/chroma/v2/styles"
	"io/fs"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // timezones work on machines without a zoneinfo database

	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/meta"
)

// FileName is the configuration file at the site root.
const FileName = "site.yaml"

// Site is the site configuration.
type Site struct {
	Title       string
	Description string
	// BaseURL is normalised to end with "/"; it may be a path only ("/").
	BaseURL  string
	Language string
	Timezone string
	Location *time.Location
	Author   string
	// Copyright is shown in the footer.
	Copyright string
	// EditURL, when set, is the prefix of "edit this page" links; the page's
	// path below content/ is appended.
	EditURL    string
	Output     Output
	Markdown   Markdown
	Lastmod    string   // "frontmatter" or "git"
	Taxonomies []string // front matter list fields that get term pages
	Checks     map[string]string
	Params     map[string]any
}

// Output says where and how the site is written.
type Output struct {
	Dir    string // relative to the site root unless absolute
	Minify bool
}

// Markdown holds Markdown options.
type Markdown struct {
	Unsafe      bool
	Typographer bool
	Highlight   Highlight
}

// Highlight names the chroma styles for light and dark mode.
type Highlight struct {
	Light, Dark string
}

// Default taxonomies: the course's roles × skills matrix and free tags.
var defaultTaxonomies = []string{"roles", "skills", "tags"}

// Checks lectern knows, with their default severity (docs/check.md
// describes each). Checks of optional front matter are off by default: a
// site without descriptions or objectives is valid, and opts in.
var knownChecks = map[string]string{
	"image-alt":             "warning", // an image without alt text
	"unknown-callout":       "warning", // > [!FOO] with an unknown type
	"raw-html":              "warning", // raw HTML dropped because markdown.unsafe is off
	"heading-skip":          "warning", // ## then ####, or a # heading in the body
	"link-text":             "warning", // [click here](…)
	"title-empty":           "error",   // a title with no text once Markdown is removed
	"title-duplicate":       "warning", // two pages with one title in the same module
	"description-missing":   "off",     // a lesson without description
	"description-duplicate": "warning", // two pages with one description
	"lesson-objectives":     "off",     // a lesson without objectives
	"lesson-duration":       "off",     // a lesson without duration (estimated instead)
	"lesson-length":         "warning", // a lesson of more than 4,000 words of prose
	"orphan-page":           "warning", // a page nothing links to or lists
	"unused-asset":          "warning", // a file under content/ or assets/ nothing uses
}

// Checks returns the names of every configurable check, sorted.
func Checks() []string { return sortedKeys(knownChecks) }

// Default returns the configuration used for anything site.yaml leaves out.
func Default() *Site {
	return &Site{
		BaseURL:    "/",
		Language:   "en",
		Timezone:   "UTC",
		Location:   time.UTC,
		Output:     Output{Dir: "public", Minify: true},
		Markdown:   Markdown{Typographer: true, Highlight: Highlight{Light: "modus-operandi", Dark: "modus-vivendi"}},
		Lastmod:    "frontmatter",
		Taxonomies: append([]string(nil), defaultTaxonomies...),
		Checks:     copyChecks(),
		Params:     map[string]any{},
	}
}

func copyChecks() map[string]string {
	m := make(map[string]string, len(knownChecks))
	for k, v := range knownChecks {
		m[k] = v
	}
	return m
}

// Load reads site.yaml from the root of fsys.
func Load(fsys fs.FS) (*Site, error) {
	src, err := fs.ReadFile(fsys, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, diag.Errorf(diag.Pos{File: FileName}, "not found: a site needs a site.yaml at its root with at least `title: Your course` (is --source the right folder?)")
	}
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: FileName}, "%v", err)
	}
	return Parse(src)
}

var taxonomyName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// Parse decodes site.yaml bytes. All problems are returned together as a diag.List.
func Parse(src []byte) (*Site, error) {
	src = meta.Normalise(src)
	root, err := meta.ParseYAML(FileName, src, 1)
	if err != nil {
		return nil, err
	}
	s := Default()
	d := &meta.Decoder{File: FileName}
	str := func(dst *string) func(string, *meta.Node) {
		return func(k string, v *meta.Node) {
			if x, ok := d.String(v, k); ok {
				*dst = strings.TrimSpace(x)
			}
		}
	}
	boolean := func(dst *bool) func(string, *meta.Node) {
		return func(k string, v *meta.Node) {
			if x, ok := d.Bool(v, k); ok {
				*dst = x
			}
		}
	}
	var titleSeen bool
	top := map[string]func(string, *meta.Node){
		"title":       func(k string, v *meta.Node) { titleSeen = true; str(&s.Title)(k, v) },
		"description": str(&s.Description),
		"baseURL": func(k string, v *meta.Node) {
			if u, ok := d.URL(v, k); ok {
				if !strings.HasSuffix(u.Path, "/") {
					u.Path += "/"
				}
				s.BaseURL = u.String()
			}
		},
		"language": str(&s.Language),
		"timezone": func(k string, v *meta.Node) {
			var tz string
			str(&tz)(k, v)
			if tz == "" {
				return
			}
			loc, err := time.LoadLocation(tz)
			if err != nil {
				d.Errorf(v, "timezone: unknown time zone %q: use an IANA name like Europe/Berlin or UTC", tz)
				return
			}
			s.Timezone, s.Location = tz, loc
		},
		"author":    str(&s.Author),
		"copyright": str(&s.Copyright),
		"editURL":   str(&s.EditURL),
		"output": func(k string, v *meta.Node) {
			fields(d, v, "output", map[string]func(string, *meta.Node){
				"dir":    str(&s.Output.Dir),
				"minify": boolean(&s.Output.Minify),
			})
		},
		"markdown": func(k string, v *meta.Node) {
			fields(d, v, "markdown", map[string]func(string, *meta.Node){
				"unsafe":      boolean(&s.Markdown.Unsafe),
				"typographer": boolean(&s.Markdown.Typographer),
				"highlight": func(k string, v *meta.Node) {
					fields(d, v, "markdown.highlight", map[string]func(string, *meta.Node){
						"light": style(d, &s.Markdown.Highlight.Light),
						"dark":  style(d, &s.Markdown.Highlight.Dark),
					})
				},
			})
		},
		"lastmod": func(k string, v *meta.Node) {
			var x string
			str(&x)(k, v)
			switch x {
			case "frontmatter", "git":
				s.Lastmod = x
			default:
				d.Errorf(v, "lastmod: expected frontmatter or git, got %s", v.Describe())
			}
		},
		"taxonomies": func(k string, v *meta.Node) {
			names, nodes, ok := d.Strings(v, k)
			if !ok {
				return
			}
			seen := map[string]bool{}
			s.Taxonomies = s.Taxonomies[:0]
			for i, n := range names {
				switch {
				case !taxonomyName.MatchString(n):
					d.Errorf(nodes[i], "taxonomies: %q is not a valid name: use lowercase letters, digits and dashes", n)
				case reservedTaxonomy[n]:
					d.Errorf(nodes[i], "taxonomies: %q is a reserved URL of lectern: pick another name", n)
				case seen[n]:
					d.Errorf(nodes[i], "taxonomies: %q is listed twice", n)
				default:
					seen[n] = true
					s.Taxonomies = append(s.Taxonomies, n)
				}
			}
		},
		"checks": func(k string, v *meta.Node) {
			if v.Kind != meta.Map {
				if v.Kind != meta.Null {
					d.Errorf(v, "checks: expected a mapping of check names to error, warning or off, got %s", v.Describe())
				}
				return
			}
			for i, key := range v.Keys {
				if _, ok := knownChecks[key.Str]; !ok {
					d.Errorf(key, "checks: unknown check %q; known checks: %s", key.Str, strings.Join(sortedKeys(knownChecks), ", "))
					continue
				}
				val := v.Vals[i]
				switch val.Str {
				case "error", "warning", "off":
					if val.Kind == meta.String {
						s.Checks[key.Str] = val.Str
						continue
					}
				}
				d.Errorf(val, "checks.%s: expected error, warning or off, got %s", key.Str, val.Describe())
			}
		},
		"params": func(k string, v *meta.Node) {
			if v.Kind == meta.Null {
				return
			}
			if v.Kind != meta.Map {
				d.Errorf(v, "params: expected a mapping of names to values, got %s", v.Describe())
				return
			}
			s.Params = v.Any().(map[string]any)
		},
	}
	fields(d, root, "", top)
	if !titleSeen || s.Title == "" {
		d.Errs = append(d.Errs, diag.Errorf(diag.Pos{File: FileName, Line: 1, Col: 1}, "title is required: add `title: Your course name`"))
	}
	if s.Output.Dir == "" {
		s.Output.Dir = "public"
	}
	if len(d.Errs) > 0 {
		d.Errs.Sort()
		return nil, d.Errs
	}
	return s, nil
}

// style decodes a chroma style name, refusing unknown ones.
func style(d *meta.Decoder, dst *string) func(string, *meta.Node) {
	return func(k string, v *meta.Node) {
		name, ok := d.String(v, k)
		if !ok {
			return
		}
		name = strings.TrimSpace(name)
		if _, known := styles.Registry[name]; !known {
			d.Errorf(v, "%s: unknown highlight style %q; styles that pass WCAG AA contrast: modus-operandi (light), modus-vivendi (dark)", k, name)
			return
		}
		*dst = name
	}
}

// reservedTaxonomy are URL segments lectern generates itself.
var reservedTaxonomy = map[string]bool{"matrix": true, "path": true, "print": true, "search": true, "assets": true}

func fields(d *meta.Decoder, n *meta.Node, where string, table map[string]func(string, *meta.Node)) {
	known := sortedKeys(table)
	d.Fields(n, where, known, func(key string, v *meta.Node) bool {
		fn, ok := table[key]
		if ok {
			name := key
			if where != "" {
				name = where + "." + key
			}
			fn(name, v)
		}
		return ok
	})
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// BasePath is the path part of the base URL, always starting and ending with "/".
func (s *Site) BasePath() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// Absolute reports whether the base URL has a scheme and host, so permalinks,
// the sitemap and the feed can hold absolute URLs.
func (s *Site) Absolute() bool {
	return strings.HasPrefix(s.BaseURL, "http://") || strings.HasPrefix(s.BaseURL, "https://")
}

// SetBaseURL overrides the base URL (the --base-url flag), validated like site.yaml's.
func (s *Site) SetBaseURL(raw string) error {
	d := &meta.Decoder{File: "--base-url"}
	u, ok := d.URL(&meta.Node{Kind: meta.String, Str: raw}, "--base-url")
	if !ok {
		return fmt.Errorf("--base-url %q: write https://example.org/course/ or a path like /course/", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	s.BaseURL = u.String()
	return nil
}

// Severity returns the configured severity of a named check.
func (s *Site) Severity(check string) string {
	if v, ok := s.Checks[check]; ok {
		return v
	}
	return knownChecks[check]
}
