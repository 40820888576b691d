package course

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/lectern/lectern/generator/content"
)

// AddFiles tells the course about files other stages put in the site (static/
// files and assets, as URL paths like "/favicon.ico"), so links to them check out.
func (c *Course) AddFiles(paths ...string) {
	if c.files == nil {
		c.files = map[string]string{}
	}
	for _, p := range paths {
		c.files[strings.ToLower(p)] = p
	}
}

// Resolve finds what a link written in the source file from points to. dest
// is the link's path part (no query or fragment), already percent-decoded.
// It returns the page linked to (nil for files and generated pages) and the
// URL path below the site root to link to ("/apis/rest/", "/basics/img/a.png").
func (c *Course) Resolve(from, dest string) (*Page, string, error) {
	p := dest
	if strings.ContainsAny(p, "\\\x00") {
		return nil, "", fmt.Errorf("link %q: use / between path segments", dest)
	}
	if strings.HasPrefix(p, "/") {
		return c.resolveSite(p)
	}
	src := path.Join(path.Dir(from), p)
	if src != content.Dir && !strings.HasPrefix(src, content.Dir+"/") {
		return nil, "", fmt.Errorf("link %q points outside content/: link to pages by their .md file, or to a site path like /module/lesson/", dest)
	}
	if pg, ok := c.bySrc[src]; ok {
		return c.page(pg)
	}
	if pg, ok := c.bySrc[path.Join(src, "_index.md")]; ok {
		return c.page(pg)
	}
	if out, ok := c.byRes[src]; ok {
		return nil, "/" + out, nil
	}
	// A decoded destination may hold a tab or a newline (java&#10;script:):
	// quote such a path, or the diagnostic would run over two lines.
	shown := src
	if strings.ContainsFunc(src, isControl) {
		shown = strconv.Quote(src)
	}
	// A hint for the usual mistakes: wrong case, or a URL written as a relative path.
	for k := range c.bySrc {
		if strings.EqualFold(k, src) {
			return nil, "", fmt.Errorf("broken link %q: no file %s, but there is %s (file names are case-sensitive)", dest, shown, k)
		}
	}
	if strings.HasSuffix(strings.ToLower(p), ".md") {
		return nil, "", fmt.Errorf("broken link %q: there is no %s", dest, shown)
	}
	return nil, "", fmt.Errorf("broken link %q: there is no %s (link to a lesson's .md file, or to a site path like /module/lesson/)", dest, shown)
}

func (c *Course) page(p *Page) (*Page, string, error) {
	if p.broken {
		return nil, p.Path, nil // its own errors are reported
	}
	if p.excluded {
		return nil, "", fmt.Errorf("links to the draft %s (%s): publish it, or remove the link", p.Path, p.SrcPath)
	}
	return p, p.Path, nil
}

func (c *Course) resolveSite(p string) (*Page, string, error) {
	key := strings.ToLower(norm.NFC.String(p))
	if key == "/" {
		return c.Home, "/", nil
	}
	slashed := key
	if !strings.HasSuffix(slashed, "/") {
		slashed += "/"
	}
	if pg, ok := c.byPath[slashed]; ok {
		return pg, pg.Path, nil
	}
	if pg, ok := c.excluded[slashed]; ok {
		return c.page(pg)
	}
	if f, ok := c.files[key]; ok {
		return nil, f, nil
	}
	if c.special[key] || c.special[slashed] {
		return nil, key, nil
	}
	if out, ok := c.resPaths[key]; ok {
		return nil, out, nil
	}
	return nil, "", fmt.Errorf("broken link %q: no page or file has this URL (site paths are written without the base path and without numeric prefixes, like /foundations/apis/)", p)
}

// BySource returns the page built from a source file, or nil.
func (c *Course) BySource(src string) *Page { return c.bySrc[src] }

// ExcludedPaths lists the URL paths of drafts left out of the build, sorted.
func (c *Course) ExcludedPaths() []string {
	out := make([]string, 0, len(c.excluded))
	for p := range c.excluded {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// FilePaths lists the static files and assets added with AddFiles, sorted.
func (c *Course) FilePaths() []string {
	out := make([]string, 0, len(c.files))
	for _, p := range c.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
