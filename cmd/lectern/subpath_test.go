package main

import (
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestBundledCourseServedUnderSubPath builds the repository's course for
// http://127.0.0.1:PORT/sub/path/, serves the folder there with a plain
// static file server (as GitHub Pages would serve a project site), and crawls
// it from the home page: every link, stylesheet, script and image inside the
// site must load, nothing may point outside /sub/path/, and every page must
// be reachable.
func TestBundledCourseServedUnderSubPath(t *testing.T) {
	const sub = "/sub/path/"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + sub
	out := filepath.Join(t.TempDir(), "site")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "build", "--source", repo, "--dest", out, "--base-url", base, "--quiet"); code != 0 {
		ln.Close()
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}

	srv := httptest.NewUnstartedServer(staticServer(sub, out))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	origin, _ := url.Parse(base)
	seen := map[string]bool{} // path (no query, no fragment) → visited
	from := map[string]string{}
	queue := []string{sub}
	seen[sub] = true
	reachedPages := map[string]bool{}
	fetch := func(p string) (int, string, []byte) {
		resp, err := http.Get("http://" + origin.Host + p)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), body
	}
	add := func(page, ref string) {
		u, err := url.Parse(strings.TrimSpace(ref))
		if err != nil {
			t.Errorf("%s: unparsable URL %q", page, ref)
			return
		}
		pu, _ := url.Parse("http://" + origin.Host + page)
		u = pu.ResolveReference(u)
		if u.Scheme != "http" || u.Host != origin.Host {
			return // another site, mailto:, data:
		}
		if !strings.HasPrefix(u.Path, sub) {
			t.Errorf("%s links to %s, outside %s: the base path is missing", page, ref, sub)
			return
		}
		if !seen[u.Path] {
			seen[u.Path] = true
			from[u.Path] = page
			queue = append(queue, u.Path)
		}
	}
	cssURL := regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		code, ctype, body := fetch(p)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d (linked from %s)", p, code, from[p])
			continue
		}
		switch {
		case strings.HasPrefix(ctype, "text/html"):
			reachedPages[p] = true
			for _, ref := range htmlRefs(body) {
				add(p, ref)
			}
		case strings.HasPrefix(ctype, "text/css"):
			for _, m := range cssURL.FindAllSubmatch(body, -1) {
				if !strings.HasPrefix(string(m[1]), "data:") {
					add(p, string(m[1]))
				}
			}
		}
	}

	// Every page in the output was reached by following links (alias
	// redirects and 404.html are not linked, by design).
	var missed []string
	err = filepath.WalkDir(out, func(f string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "index.html" {
			return err
		}
		rel, _ := filepath.Rel(out, filepath.Dir(f))
		p := sub + strings.TrimPrefix(filepath.ToSlash(rel)+"/", "./")
		if reachedPages[p] {
			return nil
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if strings.Contains(strings.ToLower(string(data)), `http-equiv=refresh`) || strings.Contains(string(data), `http-equiv="refresh"`) {
			return nil
		}
		missed = append(missed, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(missed)
	for _, p := range missed {
		t.Errorf("page %s is not reachable by links from the home page", p)
	}
	t.Logf("reached %d pages, %d URLs", len(reachedPages), len(seen))
	if len(reachedPages) < 150 {
		t.Errorf("reached only %d pages", len(reachedPages))
	}

	// The files tools read, and the 404 page for a miss.
	for _, p := range []string{"course.json", "sitemap.xml", "feed.xml", "robots.txt", "search/meta.json"} {
		code, _, body := fetch(sub + p)
		if code != http.StatusOK {
			t.Errorf("GET %s%s: %d", sub, p, code)
			continue
		}
		if p == "sitemap.xml" || p == "course.json" {
			if !strings.Contains(string(body), base) {
				t.Errorf("%s holds no absolute URL under %s", p, base)
			}
		}
	}
	if code, _, body := fetch(sub + "no/such/page/"); code != http.StatusNotFound || !strings.Contains(string(body), sub) {
		t.Errorf("a miss: %d, want 404 with the site's 404 page", code)
	}
}

// staticServer serves dir under prefix like a plain static host: folders
// serve their index.html, a miss gets 404.html with status 404.
func staticServer(prefix, dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	notFound, _ := os.ReadFile(filepath.Join(dir, "404.html"))
	mux := http.NewServeMux()
	mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(r.URL.Path))
		st, err := os.Stat(name)
		if err == nil && st.IsDir() {
			_, err = os.Stat(filepath.Join(name, "index.html"))
		}
		if err != nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(notFound)
			return
		}
		files.ServeHTTP(w, r)
	})))
	return mux
}

// htmlRefs returns the URLs of a page's <a href>, <link href>, <script src>
// and <img src> (and srcset candidates).
func htmlRefs(page []byte) []string {
	var refs []string
	z := html.NewTokenizer(strings.NewReader(string(page)))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return refs
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			switch {
			case a.Key == "href" && (tok.Data == "a" || tok.Data == "link"),
				a.Key == "src" && (tok.Data == "script" || tok.Data == "img"):
				refs = append(refs, a.Val)
			case a.Key == "srcset" && tok.Data == "img":
				for _, c := range strings.Split(a.Val, ",") {
					if f := strings.Fields(c); len(f) > 0 {
						refs = append(refs, f[0])
					}
				}
			}
		}
	}
}
