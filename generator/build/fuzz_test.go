package build

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/course"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
)

// FuzzPage runs one lesson through the page pipeline as build does it
// (content.Parse → markdown Convert with build's resolver over a small course
// → the HTML inside a page → output.Minifier), with markdown.unsafe off, and
// checks what a reader of the site relies on:
//
//   - a body Parse refuses is refused for a reason (NUL, invalid UTF-8), so
//     the converter only ever sees UTF-8 and its HTML must be UTF-8 too;
//   - the HTML stays inside its container, and contains no <script> (nor any
//     element lectern does not write), no on* attribute, and no
//     javascript:/vbscript:/data: URL however it is spelled;
//   - every link inside the site either resolved to a page or file of the
//     course (and the HTML points there, below the base path) or produced an
//     error diagnostic; every #fragment of a link to a page or to this page
//     is in Doc.Refs, to be checked later;
//   - offsets of diagnostics, links and refs lie inside the body;
//   - minifying the page succeeds and keeps the same elements, attributes
//     that matter (id, href, src) and safety properties.
//
// Seeds: f.Add below plus testdata/fuzz/FuzzPage.
func FuzzPage(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fx := pageFixture(t)
		src := []byte("---\ntitle: Fuzz\n---\n" + body)
		file, errs := content.Parse(fuzzPath, src, fx.cfg)
		if file == nil {
			// With a fixed front matter, only the body's bytes can be refused.
			if utf8.ValidString(body) && !strings.Contains(body, "\x00") {
				t.Fatalf("Parse refused a UTF-8 body: %v", errs)
			}
			return
		}
		rec := &recorder{inner: &resolver{c: fx.course, from: fuzzPath, base: fuzzBase}}
		doc := fx.conv.Convert(file.Body, rec)
		checkDoc(t, fx, file.Body, doc, rec)

		page := []byte("<!doctype html><html lang=en><head><title>Fuzz</title></head><body><main>" +
			string(doc.HTML) + "</main></body></html>")
		before := checkPageHTML(t, "page", page, fx, rec)
		checkRefs(t, doc, before.refs)
		min, err := fx.min.Minify("fuzz/index.html", page)
		if err != nil {
			t.Fatalf("minify: %v\n%s", err, page)
		}
		after := checkPageHTML(t, "minified page", min, fx, rec)
		if d := diffShapes(before.shape, after.shape); d != "" {
			t.Fatalf("minify changed the page's elements: %s\nbefore: %s\nafter:  %s", d, page, min)
		}
	})
}

const (
	fuzzPath = "content/01-basics/02-fuzz.md"
	fuzzBase = "/course/"
)

var pageSeeds = []string{
	"Text with [a link](01-intro.md#setup), [up](../_index.md), [site](/basics/intro/#x), [home](/), [file](diagram.svg#n).\n",
	"![alt](diagram.svg) ![](missing.png) [draft](03-draft.md) [nowhere](nope.md#frag) [outside](../../x.md)\n",
	"[self](#heading) [query](?a=1#b) [empty]() [hash](#) [pct](01-intro.md#caf%C3%A9) [sp](<my file.md>)\n",
	"[js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [ent](&#x6A;avascript:alert(1)) [ent2](&#106;avascript&#58;alert(1))\n",
	"[tab](<java\tscript:alert(1)>) [nl](java&#10;script:alert(1)) [ctl](<\x01javascript:alert(1)>) [vb](vbscript:msgbox(1))\n",
	"[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![png](data:image/png;base64,iVBORw0KGgo=) [amp](&amp;#106;avascript:x)\n",
	"[ref][r] [esc](java\\script:x) <javascript:alert(1)>\n\n[r]: javascript:alert(2)\n",
	"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\nInline <b onclick=\"x()\">raw</b> and <!-- a comment -->.\n",
	"# Also a title\n\n## Heading {#custom .cls onclick=alert(1) style=\"color:red\"}\n\n## Heading\n",
	"> [!NOTE]\n> A note with [a link](01-intro.md#x).\n\n> [!HINT] Title\n> > [!SOLUTION]\n> > nested\n\n> [!BOGUS]\n> x\n",
	"```quiz\n? What is *2+2*? [see](01-intro.md#sums)\n- [ ] 3\n- [x] 4\n> Because [maths](#why).\n```\n",
	"```go {title=\"<script>x</script>\" hl_lines=\"1-3\" linenos=true}\npackage main\n```\n",
	"- a\n  - b\n    > quote [l](01-intro.md)\n    > - [x] task <script>\n1. one\n   1. [two](nope.md)\n",
	">\t[tabbed](01-intro.md#t)\n\n- \t[x](nope.md)\n",
	"| a | b |\n|---|---|\n| [x](01-intro.md#c) | <i>y</i> |\n\nTerm\n: Definition [d](#dd)\n\nNote[^1].\n\n[^1]: Foot [f](/favicon.ico).\n",
	"www.example.com and https://example.com/<script> and foo@example.com\n",
	"</main></body><p>escape",
}

// fixture is built once per process: a small course the fuzzed page lives in.
type fixture struct {
	cfg    *config.Site
	course *course.Course
	conv   *markdown.Converter
	min    *output.Minifier
	pages  map[string]bool // source paths of the course's pages
	files  map[string]bool // URL paths of its files
}

var (
	fixtureOnce sync.Once
	fixtureVal  *fixture
	fixtureErr  error
)

func pageFixture(t *testing.T) *fixture {
	fixtureOnce.Do(func() { fixtureVal, fixtureErr = newFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureVal
}

func newFixture() (*fixture, error) {
	cfg := config.Default()
	cfg.BaseURL = "https://example.org" + fuzzBase
	var files []*content.File
	for path, src := range map[string]string{
		"content/_index.md":               "---\ntitle: Home\n---\n",
		"content/01-basics/_index.md":     "---\ntitle: Basics\n---\n",
		"content/01-basics/01-intro.md":   "---\ntitle: Intro\n---\n## Setup\n",
		fuzzPath:                          "---\ntitle: Fuzz\n---\n",
		"content/01-basics/03-draft.md":   "---\ntitle: Draft\ndraft: true\n---\n",
		"content/01-basics/my file.md":    "---\ntitle: Spaced\n---\n",
		"content/glossary.md":             "---\ntitle: Glossary\n---\n",
		"content/02-loops/_index.md":      "---\ntitle: Loops\n---\n",
		"content/02-loops/01-for.md":      "---\ntitle: For\n---\n",
		"content/02-loops/02-while.md":    "---\ntitle: While\n---\n",
		"content/02-loops/03-range.md":    "---\ntitle: Range\n---\n",
		"content/02-loops/04-labels.md":   "---\ntitle: Labels\n---\n",
		"content/02-loops/05-goto.md":     "---\ntitle: Goto\n---\n",
		"content/02-loops/06-defer.md":    "---\ntitle: Defer\n---\n",
		"content/02-loops/07-break.md":    "---\ntitle: Break\n---\n",
		"content/02-loops/08-continue.md": "---\ntitle: Continue\n---\n",
	} {
		f, errs := content.Parse(path, []byte(src), cfg)
		if f == nil {
			return nil, errs
		}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b *content.File) int { return strings.Compare(a.Path, b.Path) })
	c, err := course.Build(cfg, &content.Site{Files: files, Resources: []content.Resource{{Path: "content/01-basics/diagram.svg"}}}, course.Options{})
	if err != nil {
		return nil, err
	}
	c.AddFiles("/favicon.ico")
	conv, err := markdown.New(markdown.Options{Typographer: true}) // Unsafe off
	if err != nil {
		return nil, err
	}
	fx := &fixture{cfg: cfg, course: c, conv: conv, min: output.NewMinifier(), pages: map[string]bool{}, files: map[string]bool{}}
	for _, p := range c.All {
		fx.pages[p.SrcPath] = true
	}
	for _, p := range c.FilePaths() {
		fx.files[p] = true
	}
	for _, r := range c.Resources {
		fx.files["/"+r.Path] = true
	}
	return fx, nil
}

// recorder wraps a Resolver and remembers every answer; failures get a
// numbered message, so each can be found among the diagnostics.
type recorder struct {
	inner    markdown.Resolver
	mu       sync.Mutex
	hrefs    map[string]string // resolved href → target
	failed   map[string]bool   // paths that did not resolve
	failures []string          // their messages
}

func (r *recorder) Resolve(p string, image bool) (string, string, error) {
	href, target, err := r.inner.Resolve(p, image)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hrefs == nil {
		r.hrefs, r.failed = map[string]string{}, map[string]bool{}
	}
	if err != nil {
		err = fmt.Errorf("resolve failure #%d: %w", len(r.failures), err)
		// As written, and as goldmark writes it into the HTML (it escapes
		// a '%' that starts no escape: "%0" → "%250").
		r.failed[p] = true
		r.failed[string(util.URLEscape([]byte(p), false))] = true
		r.failures = append(r.failures, err.Error())
		return "", "", err
	}
	r.hrefs[href] = target
	return href, target, nil
}

func checkDoc(t *testing.T, fx *fixture, body []byte, doc *markdown.Doc, rec *recorder) {
	t.Helper()
	if !utf8.Valid(doc.HTML) {
		t.Fatalf("HTML is not UTF-8: %q", doc.HTML)
	}
	// goldmark and lectern escape every '<' they do not write themselves.
	// (Not checked after minify: it writes "<" unescaped inside quoted
	// attribute values, where HTML5 allows it and no tag can start.)
	if i := bytes.Index(bytes.ToLower(doc.HTML), []byte("<script")); i >= 0 {
		t.Fatalf("HTML holds %q", doc.HTML[i:min(len(doc.HTML), i+40)])
	}
	reported := map[string]bool{}
	for _, d := range doc.Diags {
		if strings.Contains(d.Msg, "internal error") {
			t.Fatal(d.Msg)
		}
		if d.Offset < 0 || d.Offset > len(body) {
			t.Fatalf("diagnostic offset %d outside the body (%d bytes): %s", d.Offset, len(body), d.Msg)
		}
		if !d.Warning {
			reported[d.Msg] = true
		}
	}
	for _, msg := range rec.failures {
		if !reported[msg] {
			t.Fatalf("a link that did not resolve was not reported as an error: %s\ndiagnostics: %+v", msg, doc.Diags)
		}
	}
	for _, l := range doc.Links {
		if l.Offset < 0 || l.Offset >= len(body) || !strings.ContainsRune("[!", rune(body[l.Offset])) {
			t.Fatalf("link offset %d does not point at its '[' or '!'", l.Offset)
		}
		if file, ok := strings.CutPrefix(l.Target, "file:"); ok {
			if !fx.files[file] {
				t.Fatalf("link resolved to %q, not a file of the course", l.Target)
			}
		} else if !fx.pages[l.Target] {
			t.Fatalf("link resolved to %q, not a page of the course", l.Target)
		}
	}
	for _, r := range doc.Refs {
		if r.Offset < 0 || r.Offset >= len(body) {
			t.Fatalf("ref offset %d outside the body", r.Offset)
		}
		if r.Fragment == "" {
			t.Fatalf("ref without a fragment: %+v", r)
		}
	}
}

// pageFacts is what checkPageHTML learns from a page.
type pageFacts struct {
	shape []string // one line per element: name and the attributes that matter
	refs  []string // "target#fragment" of every link whose fragment must be checked
}

// allowed are the elements lectern's Markdown (with raw HTML off) writes,
// plus those of the page around it.
var allowed = map[atom.Atom]bool{}

func init() {
	for _, a := range []atom.Atom{
		atom.Html, atom.Head, atom.Title, atom.Body, atom.Main,
		atom.P, atom.A, atom.Em, atom.Strong, atom.Code, atom.Pre, atom.Span, atom.Del, atom.Br, atom.Hr, atom.Img,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Li, atom.Blockquote,
		atom.Table, atom.Thead, atom.Tbody, atom.Tr, atom.Th, atom.Td, atom.Dl, atom.Dt, atom.Dd, atom.Sup,
		atom.Div, atom.Details, atom.Summary, atom.Figure, atom.Figcaption,
		atom.Form, atom.Fieldset, atom.Legend, atom.Input, atom.Label, atom.Button,
	} {
		allowed[a] = true
	}
}

var (
	urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "srcset": true,
		"poster": true, "cite": true, "data": true, "background": true, "xlink:href": true, "ping": true}
	// safeData are data: URLs goldmark lets through: images only.
	safeData = regexp.MustCompile(`^data:image/(png|gif|jpeg|webp)[;,]`)
)

// dangerousURL reports whether a browser would run v as script or open it as
// a document: schemes are compared as a browser's URL parser sees them (leading
// C0 controls and spaces stripped, tabs and newlines dropped, any case).
func dangerousURL(v string) bool {
	v = strings.TrimLeft(v, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	v = strings.ToLower(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v))
	if strings.HasPrefix(v, "data:") {
		return !safeData.MatchString(v)
	}
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:")
}

func checkPageHTML(t *testing.T, what string, page []byte, fx *fixture, rec *recorder) pageFacts {
	t.Helper()
	if !utf8.Valid(page) {
		t.Fatalf("%s is not UTF-8", what)
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("%s does not parse: %v", what, err)
	}
	var facts pageFacts
	var body, main *html.Node
	ids := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !allowed[n.DataAtom] || n.Namespace != "" {
				t.Fatalf("%s holds a <%s> element:\n%s", what, n.Data, page)
			}
			switch n.DataAtom {
			case atom.Body:
				body = n
			case atom.Main:
				main = n
			}
			line := n.Data
			var class string
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if key == "id" {
					if a.Val == "" || ids[a.Val] {
						t.Fatalf("%s: empty or duplicate id %q:\n%s", what, a.Val, page)
					}
					ids[a.Val] = true
				}
				if strings.HasPrefix(key, "on") || key == "srcdoc" {
					t.Fatalf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
				}
				if urlAttrs[key] && dangerousURL(a.Val) {
					t.Fatalf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
				}
				switch key {
				case "id", "href", "src":
					v := a.Val
					if key != "id" {
						v = foldScheme(v) // minify lowercases schemes (htTp: → http:), which mean the same
					}
					if strings.HasPrefix(v, "data:") {
						v = "data:…" // minify re-encodes data URLs (base64 or not, whichever is shorter)
					}
					line += fmt.Sprintf(" %s=%q", key, v)
				case "class":
					class = a.Val
				}
			}
			facts.shape = append(facts.shape, line)
			if n.DataAtom == atom.A {
				if r, ok := checkHref(t, what, n, class, fx, rec); ok {
					facts.refs = append(facts.refs, r)
				}
			}
			if n.DataAtom == atom.Img {
				checkHref(t, what, n, "", fx, rec)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	// Nothing the body wrote got out of <main>.
	if body == nil || main == nil || main.Parent != body {
		t.Fatalf("%s: no body > main:\n%s", what, page)
	}
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if c != main && !(c.Type == html.TextNode && strings.TrimSpace(c.Data) == "") {
			t.Fatalf("%s: content outside <main>: %s %q\n%s", what, nodeKind(c), c.Data, page)
		}
	}
	return facts
}

func nodeKind(n *html.Node) string {
	return [...]string{"error", "text", "document", "element", "comment", "doctype", "raw"}[n.Type]
}

// checkHref checks a link's or image's URL: inside the site it was either
// resolved (and points below the base path) or reported. It returns the
// "target#fragment" to be checked when the link carries one.
func checkHref(t *testing.T, what string, n *html.Node, class string, fx *fixture, rec *recorder) (string, bool) {
	t.Helper()
	key := "href"
	if n.DataAtom == atom.Img {
		key = "src"
	}
	var v string
	for _, a := range n.Attr {
		if a.Key == key {
			v = a.Val
		}
	}
	u, hasFrag := v, false
	var frag string
	u, frag, hasFrag = strings.Cut(u, "#")
	path, _, _ := strings.Cut(u, "?")
	if v == "" || markdownExternal(v) {
		return "", false
	}
	unescaped := func(s string) string {
		if d, err := url.PathUnescape(s); err == nil {
			return d
		}
		return s
	}
	if path == "" {
		// This page. Heading self-links and footnote links are written by
		// lectern and goldmark, pointing at ids they wrote.
		if n.DataAtom == atom.A && hasFrag && frag != "" && class != "anchor" && class != "footnote-ref" && class != "footnote-backref" {
			return "#" + unescaped(frag), true
		}
		return "", false
	}
	if target, ok := rec.hrefs[path]; ok {
		if !strings.HasPrefix(path, fuzzBase) {
			t.Fatalf("%s: resolved %s=%q is not below the base path", what, key, v)
		}
		if n.DataAtom == atom.A && hasFrag && frag != "" {
			return target + "#" + unescaped(frag), true
		}
		return "", false
	}
	if rec.failed[unescaped(path)] || rec.failed[path] {
		return "", false // reported (checkDoc)
	}
	t.Fatalf("%s: %s=%q inside the site was neither resolved nor reported (resolved: %v, failed: %v)", what, key, v, rec.hrefs, rec.failed)
	return "", false
}

// markdownExternal is the markdown package's rule for a destination that
// leaves the site (a scheme, or "//host").
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

func markdownExternal(v string) bool {
	return strings.HasPrefix(v, "//") || schemeRE.MatchString(v)
}

func checkRefs(t *testing.T, doc *markdown.Doc, fromHTML []string) {
	t.Helper()
	var got []string
	for _, r := range doc.Refs {
		// Known exception: a fragment with a malformed escape ("#%00%")
		// reaches the HTML escaped by goldmark ("#%00%25") on a link to this
		// page, but re-escaped from the Ref ("#%2500%25") on a link to
		// another page, so the HTML cannot be mapped back to the Ref. A
		// fragment holding '%' after decoding can only come from such
		// escapes (or "%25"); every other fragment is compared.
		if strings.Contains(r.Fragment, "%") {
			return
		}
		got = append(got, r.Target+"#"+r.Fragment)
	}
	// As sets: a quiz shows the correct option's text twice (in the option
	// and in the answer), so one link of the source can be two in the HTML.
	want := slices.Clone(fromHTML)
	slices.Sort(got)
	slices.Sort(want)
	got, want = slices.Compact(got), slices.Compact(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Doc.Refs %q, links with fragments in the HTML %q", got, want)
	}
}

// foldScheme lowercases the scheme of a URL (letters, digits, "+", "-" or
// "." before the first ":", starting with a letter): schemes are
// case-insensitive (RFC 3986, 3.1).
func foldScheme(u string) string {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == ':' && i > 0:
			return strings.ToLower(u[:i]) + u[i:]
		case 'a' <= c|0x20 && c|0x20 <= 'z', i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return u
		}
	}
	return u
}

func diffShapes(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("element %d: %s → %s", i, a[i], b[i])
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d elements → %d", len(a), len(b))
	}
	return ""
}
