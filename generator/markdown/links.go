package markdown

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// schemeRE matches a URL scheme (RFC 3986): "https:", "mailto:", "javascript:".
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// isExternal reports whether a destination leaves the site: it has a scheme
// or is scheme-relative ("//host/…").
func isExternal(dest string) bool {
	return strings.HasPrefix(dest, "//") || schemeRE.MatchString(dest)
}

// link rewrites the destination of a link or image through the Resolver.
//
// The destination is changed in the AST, not in a renderer of our own, so
// goldmark's renderer still drops dangerous URLs (javascript:, …); those
// have a scheme and are never touched here.
//
// Autolinks (<https://…>, linkified www.…, e-mail addresses) always have a
// scheme, so they are external and not seen here.
//
// A reference-style link ([x][ref] with "[ref]: ../a.md") is an ordinary
// Link node whose Destination comes from the definition and whose position
// is the use: the diagnostic points at the use, where the author reads the
// link text, and a definition used twice is checked (and reported) twice.
func (st *state) link(n ast.Node, dest *[]byte, image bool) {
	if len(*dest) == 0 {
		return
	}
	off := st.nodeOffset(n, "[!")
	d := string(unescape(*dest))
	if isExternal(d) {
		return
	}
	path, query, frag, hasFrag := splitDest(d)
	if frag != "" {
		if f, err := url.PathUnescape(frag); err == nil {
			frag = f
		}
	}
	if path == "" { // "#frag" or "?q": this page
		if hasFrag && frag != "" && !image {
			st.ref(off, "", frag)
		}
		return
	}
	if st.resolver == nil {
		return
	}
	p := path
	if u, err := url.PathUnescape(path); err == nil {
		p = u
	}
	href, target, err := st.resolver.Resolve(p, image)
	if err != nil {
		st.errorf(off, "%s", err.Error())
		return
	}
	out := href + query
	if hasFrag {
		out += "#" + (&url.URL{Fragment: frag}).EscapedFragment()
	}
	*dest = escapeDest(out)
	st.doc.Links = append(st.doc.Links, Link{Offset: off, Target: target, Image: image})
	// A fragment is checked only on pages: for a file ("notes.pdf#page=2",
	// target "") there is nothing to check it against.
	if hasFrag && frag != "" && target != "" && !image {
		st.ref(off, target, frag)
	}
}

func (st *state) ref(off int, target, frag string) {
	st.doc.Refs = append(st.doc.Refs, Ref{Offset: off, Target: target, Fragment: frag})
}

// splitDest splits a destination into path, "?query" (with its '?') and
// fragment (without its '#').
func splitDest(d string) (path, query, frag string, hasFrag bool) {
	path, frag, hasFrag = strings.Cut(d, "#")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i:]
	}
	return path, query, frag, hasFrag
}

// escapeDest makes d survive goldmark's renderer, which resolves backslash
// escapes and entities in destinations once more before writing them.
func escapeDest(d string) []byte {
	d = strings.ReplaceAll(d, `\`, `\\`)
	d = strings.ReplaceAll(d, `&`, `&amp;`)
	return []byte(d)
}

// image rewrites an image like a link, asks the browser to load it lazily
// and warns when it has no alt text.
func (st *state) image(n *ast.Image) {
	if strings.TrimSpace(plainText(n, st.src)) == "" {
		st.checkf(CheckImageAlt, st.nodeOffset(n, "!"), "image without alt text (add a description between the brackets)")
	}
	n.SetAttributeString("loading", []byte("lazy"))
	n.SetAttributeString("decoding", []byte("async"))
	st.link(n, &n.Destination, true)
}
