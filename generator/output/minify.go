package output

import (
	"fmt"
	"github.com/tdewolff/parse/v2/buffer"
	"path"
	"regexp"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// mediaTypes maps the extensions Minify handles to the media type whose
// minifier runs on them.
var mediaTypes = map[string]string{
	".html":        "text/html",
	".htm":         "text/html",
	".css":         "text/css",
	".js":          "application/javascript",
	".mjs":         "application/javascript",
	".svg":         "image/svg+xml",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml",
	".atom":        "application/atom+xml",
	".rss":         "application/rss+xml",
}

// Minifier minifies output by file extension. Build one per build with
// [NewMinifier]; it is safe for concurrent use.
type Minifier struct {
	m *minify.M
}

// NewMinifier returns a Minifier whose settings keep pages valid HTML5 and
// keep what validators and tools look for: the doctype, the html, head and
// body tags, all end tags and default attribute values. Attribute quotes are
// dropped where HTML5 allows it. JSON numbers are kept as written (minify
// would turn 1000000 into 1e6, which Go cannot decode into an int). Inline
// CSS, JS, SVG and JSON in pages are minified too.
//
// XML text collapses runs of white space (a run with a line break becomes
// one line break), so indentation inside escaped HTML in a feed is lost;
// CDATA sections are kept as they are.
func NewMinifier() *Minifier {
	m := minify.New()
	m.Add("text/html", &html.Minifier{
		KeepDocumentTags:    true,
		KeepEndTags:         true,
		KeepDefaultAttrVals: true,
	})
	m.Add("text/css", &css.Minifier{})
	m.Add("image/svg+xml", &svg.Minifier{})
	m.AddRegexp(regexp.MustCompile(`^(application|text)/(x-)?(java|ecma)script$`), &js.Minifier{})
	m.AddRegexp(regexp.MustCompile(`[/+]json$`), &json.Minifier{KeepNumbers: true})
	m.AddRegexp(regexp.MustCompile(`[/+]xml$`), &xml.Minifier{})
	m.Add("importmap", &json.Minifier{KeepNumbers: true})
	m.Add("speculationrules", &json.Minifier{KeepNumbers: true})
	return &Minifier{m: m}
}

// Minify returns data minified according to p's extension (.html .htm .css
// .js .mjs .svg .json .webmanifest .xml .atom .rss, in any letter case);
// other files are returned unchanged. Errors name p.
func (m *Minifier) Minify(p string, data []byte) ([]byte, error) {
	mediaType, ok := mediaTypes[strings.ToLower(path.Ext(p))]
	if !ok {
		return data, nil
	}
	out, err := m.m.Bytes(mediaType, data)
	if err != nil {
		return nil, fmt.Errorf("%s: minifying: %w", p, err)
	}
	return out, nil
}

// appendMinify appends data minified (by its path's extension) to dst:
// MinifyPage joins a page's pieces this way, without a buffer per piece.
func (m *Minifier) appendMinify(dst []byte, p string, data []byte) ([]byte, error) {
	mediaType, ok := mediaTypes[strings.ToLower(path.Ext(p))]
	if !ok {
		return append(dst, data...), nil
	}
	w := buffer.NewWriter(dst)
	if err := m.m.Minify(mediaType, w, buffer.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%s: minifying: %w", p, err)
	}
	return w.Bytes(), nil
}
