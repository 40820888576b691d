// Package markdown turns the Markdown body of a page into HTML.
//
// In: the body of a content file (the bytes after its front matter) and a
// [Resolver] that maps link and image paths written by authors (relative
// ".md" files, site-absolute URLs, images next to the lesson) to URLs.
//
// Out: a [Doc] holding the HTML, the headings (for a table of contents), every
// id in the output and every link with a #fragment (so fragments can be
// checked once all pages are converted), and diagnostics with byte offsets
// into the body (turn them into line:col with [diag.At]).
//
// The dialect is CommonMark with GFM (tables, task lists, strikethrough,
// autolinks), footnotes, definition lists, an optional typographer,
// {#id .class} attributes on headings, unique heading ids with self-links,
// code blocks highlighted by chroma into CSS classes (with title=, hl_lines=
// and linenos= options), GitHub-style callouts (> [!NOTE]) plus lectern's
// [!EXERCISE], [!HINT] and [!SOLUTION], and quizzes in ```quiz blocks
// (see quiz.go).
//
// A [Converter] is built once per build with [New] and is safe for concurrent
// use; all per-page state lives in the call to [Converter.Convert].
package markdown

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a Converter; they come from site.yaml's markdown section.
type Options struct {
	Unsafe         bool   // raw HTML kept only when true (goldmark html.WithUnsafe)
	Typographer    bool   // smart quotes, dashes and ellipses
	HighlightLight string // chroma style names; "" → defaults "modus-operandi" / "modus-vivendi"
	HighlightDark  string
	// StockHighlighter highlights with chroma's own lexers (regexp2) and HTML
	// formatter, as goldmark-highlighting does, instead of lectern's faster
	// path (fastlex, formatCode): the same HTML at several times the cost.
	// For bench/floor's reference pipeline and for tests; a build never sets it.
	StockHighlighter bool
}

// The default chroma styles: the only pair among chroma's styles that meets
// WCAG AA contrast for every token, also on highlighted lines (see
// TestDefaultStylesContrast and TestStyleSurvey).
const (
	defaultHighlightLight = "modus-operandi"
	defaultHighlightDark  = "modus-vivendi"
)

// Converter turns Markdown into HTML. It is built once per build and is safe
// for concurrent use by many goroutines.
type Converter struct {
	opts   Options
	md     goldmark.Markdown // whole bodies
	inline goldmark.Markdown // titles and objectives: inline syntax only
	hl     *highlighter
}

// Resolver rewrites and checks link and image destinations; called during Convert
// (concurrently from many goroutines, so implementations are read-only).
type Resolver interface {
	// Resolve gets the path part of a destination that is not external (no URL scheme,
	// not "//host"), with the fragment and query removed, never empty.
	// href is what to write into the HTML (the fragment and query are re-appended by
	// the markdown package); target identifies the page the link points to (any
	// non-empty string, or "" when it is not a page, e.g. an image or a file), used
	// later to check fragments; err's message becomes a diagnostic at the link.
	//
	// path is percent-decoded ("my%20notes.md" and "<my notes.md>" both arrive
	// as "my notes.md"), so it can be looked up as a file name directly.
	Resolve(path string, image bool) (href, target string, err error)
}

// Heading is one heading of a page, for a table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string // plain text, for a table of contents
}

// Ref is a link with a #fragment, to be checked once every page is converted.
type Ref struct {
	Offset   int    // byte offset in the body of the link's first byte ('[' or '<' of an autolink)
	Target   string // Resolver's target; "" = this same page
	Fragment string // percent-decoded
}

// Diag is a problem found in the body; Offset is a byte offset into the body.
type Diag struct {
	Offset  int
	Warning bool
	Msg     string
	// Check names a warning whose severity site.yaml's `checks` may change
	// (one of the Check* constants); "" for fixed diagnostics.
	Check string
}

// Names of the configurable checks.
const (
	CheckImageAlt       = "image-alt"
	CheckUnknownCallout = "unknown-callout"
	CheckRawHTML        = "raw-html"
	CheckHeadingSkip    = "heading-skip" // a heading level skipped, or an <h1> in the body
	CheckLinkText       = "link-text"    // link text that says nothing ("click here")
)

// Link is a link or image whose destination the Resolver resolved: what
// lint checks need to tell which pages and files are referenced.
type Link struct {
	Offset int    // byte offset in the body of the link's first byte
	Target string // the Resolver's target ("" for none)
	Image  bool
}

// Doc is the result of converting one body.
type Doc struct {
	HTML     []byte
	Headings []Heading // every heading in document order
	IDs      []string  // every id attribute in the output (headings, footnotes, {#attr} ids), for fragment checks
	Refs     []Ref
	Links    []Link // every link and image inside the site, in document order
	Diags    []Diag
}

// New builds a Converter. It fails when a highlighting style is unknown.
func New(opts Options) (*Converter, error) {
	return newConverter(opts, true)
}

// newConverter builds a Converter, with lectern's limits on goldmark
// (limits.go) or, for tests that compare, without them.
func newConverter(opts Options, limited bool) (*Converter, error) {
	if opts.HighlightLight == "" {
		opts.HighlightLight = defaultHighlightLight
	}
	if opts.HighlightDark == "" {
		opts.HighlightDark = defaultHighlightDark
	}
	hl, err := newHighlighter(opts.HighlightLight, opts.HighlightDark)
	if err != nil {
		return nil, err
	}
	hl.stock = opts.StockHighlighter

	var rendererOpts []renderer.Option
	if opts.Unsafe {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	}
	exts := []goldmark.Extender{extension.GFM, extension.Footnote, extension.DefinitionList}
	inlineExts := []goldmark.Extender{extension.Strikethrough, extension.Linkify}
	if opts.Typographer {
		exts = append(exts, extension.Typographer)
		inlineExts = append(inlineExts, extension.Typographer)
	}

	md := goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			// Heading ids are ours (see ids.go), so no parser.WithAutoHeadingID.
			parser.WithAttribute(),
			// After the footnote transformer (999), so footnote numbers are known.
			parser.WithASTTransformers(util.Prioritized(transformer{}, 1000)),
		),
		goldmark.WithRendererOptions(append(rendererOpts,
			// Lower numbers win: ours replace goldmark's for these kinds.
			renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{hl: hl}, 100)),
		)...),
	)

	if limited {
		// After the extensions, which add parsers of their own.
		md.Parser().AddOptions(limits{})
	}

	// Only the paragraph block parser: a title like "1. Basics" or "# not a
	// heading" stays text. No paragraph transformers: "[a]: b" is not a
	// link reference definition in a title.
	inlineParser := parser.NewParser(
		parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 100)),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	)
	inline := goldmark.New(
		goldmark.WithParser(inlineParser),
		goldmark.WithExtensions(inlineExts...),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	if limited {
		inline.Parser().AddOptions(limits{})
	}
	return &Converter{opts: opts, md: md, inline: inline, hl: hl}, nil
}

// Convert turns a page body into HTML plus metadata. r may be nil: links are
// then left as written. Convert never panics: an internal failure becomes a
// diagnostic.
func (c *Converter) Convert(body []byte, r Resolver) (doc *Doc) {
	doc = &Doc{}
	defer func() {
		if p := recover(); p != nil {
			*doc = Doc{Diags: []Diag{{Msg: fmt.Sprintf("internal error converting Markdown (please report it): %v", p)}}}
		}
	}()
	st := &state{src: body, resolver: r, doc: doc, unsafe: c.opts.Unsafe, inline: c.inline}
	pc := parser.NewContext()
	pc.Set(stateKey, st)
	root := c.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	var buf bytes.Buffer
	buf.Grow(len(body) + len(body)/2)
	if err := c.md.Renderer().Render(&buf, body, root); err != nil {
		doc.Diags = append(doc.Diags, Diag{Msg: "rendering Markdown: " + err.Error()})
	}
	doc.HTML = buf.Bytes()
	return doc
}

// Inline renders a short piece of inline Markdown (a title, an objective) to HTML
// without the surrounding <p>, and also returns its plain text. Block syntax
// is not recognised (a leading "1." or "#" stays text); links are left as
// written.
func (c *Converter) Inline(src []byte) (html []byte, text string) {
	defer func() {
		if p := recover(); p != nil {
			// Should never happen; fall back to the escaped source.
			html, text = util.EscapeHTML(bytes.TrimSpace(src)), string(bytes.TrimSpace(src))
		}
	}()
	src = bytes.TrimSpace(src)
	root := c.parseInline(src)
	var out, plain bytes.Buffer
	for p := root.FirstChild(); p != nil; p = p.NextSibling() {
		var buf bytes.Buffer
		if err := c.inline.Renderer().Render(&buf, src, p); err != nil {
			continue
		}
		if out.Len() > 0 {
			out.WriteByte(' ')
			plain.WriteByte(' ')
		}
		b := bytes.TrimSpace(buf.Bytes())
		b = bytes.TrimPrefix(b, []byte("<p>"))
		b = bytes.TrimSuffix(b, []byte("</p>"))
		out.Write(b)
		plain.WriteString(plainText(p, src))
	}
	return out.Bytes(), plain.String()
}

// CSS returns the highlighting stylesheet: the light style for `.chroma`, the dark
// style scoped under BOTH `@media (prefers-color-scheme: dark)` (for
// `:root:not([data-theme=light])`) and `[data-theme=dark]`. Deterministic bytes.
func (c *Converter) CSS() []byte {
	return bytes.Clone(c.hl.css)
}

// parseInline is apart from Inline, whose result named text hides the package.
func (c *Converter) parseInline(src []byte) ast.Node {
	return c.inline.Parser().Parse(text.NewReader(src))
}
