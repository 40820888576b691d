package output

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

const page = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Loops</title>
  <style>
    body { color: #ff0000; margin: 0px; }
  </style>
</head>
<body>
  <p class="lead">Hello   <b>world</b></p>
  <ul><li>one</li><li>two</li></ul>
  <pre><code>for i := range 3 {
    fmt.Println(i)
}</code></pre>
  <input type="text" name="q">
  <script type="application/ld+json">{ "n": 1000000 }</script>
  <script>let total = 1 + 2; console.log( total );</script>
</body>
</html>
`

func TestMinifyHTML(t *testing.T) {
	out, err := NewMinifier().Minify("loops/index.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		"<!doctype html><html lang=en><head>",
		"</head><body>",
		"<li>one</li><li>two</li></ul>", // end tags kept
		"</p>",
		"</body></html>",
		"<style>body{color:red;margin:0}</style>",
		"<p class=lead>Hello <b>world</b></p>",
		"for i := range 3 {\n    fmt.Println(i)\n}", // <pre> keeps its white space
		"<input type=text name=q>",                  // default attribute values kept
		`{"n":1000000}`,                             // JSON numbers kept as written
		"console.log(",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("minified page lacks %q:\n%s", want, got)
		}
	}
	if len(out) >= len(page) {
		t.Errorf("minified page is not smaller: %d >= %d bytes", len(out), len(page))
	}
}

func TestMinifyByExtension(t *testing.T) {
	tests := []struct{ path, in, want string }{
		{"assets/main.css", "a {\n  color: #ffffff;\n}\n", "a{color:#fff}"},
		{"assets/app.js", "function add(a, b) {\n  // sum\n  return a + b;\n}\nconsole.log(add(1, 2));\n", "function add(e,t){return e+t}console.log(add(1,2))"},
		{"assets/mod.mjs", "export const answer = 40 + 2;\n", "export const answer=40+2"},
		{"path/graph.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">\n  <!-- note -->\n  <rect x=\"0.000\" y=\"0\" width=\"10\" height=\"10\"/>\n</svg>\n",
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect x="0" y="0" width="10" height="10"/></svg>`},
		{"course.json", "{\n  \"version\": 1,\n  \"big\": 1000000,\n  \"d\": [1.50, 2]\n}\n", `{"version":1,"big":1000000,"d":[1.50,2]}`},
		{"site.webmanifest", "{ \"name\": \"Course\" }\n", `{"name":"Course"}`},
		{"sitemap.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url>\n    <loc>https://example.org/</loc>\n  </url>\n</urlset>\n",
			`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/</loc></url></urlset>`},
		{"feed.xml", "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>T</title>\n</feed>\n", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>`},
		{"UPPER.CSS", "b { color: #000000 }", "b{color:#000}"},
	}
	m := NewMinifier()
	for _, tt := range tests {
		got, err := m.Minify(tt.path, []byte(tt.in))
		if err != nil {
			t.Errorf("Minify(%q) error: %v", tt.path, err)
		} else if string(got) != tt.want {
			t.Errorf("Minify(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestMinifyPassThrough(t *testing.T) {
	m := NewMinifier()
	for _, p := range []string{"img/logo.png", "robots.txt", "fonts/a.woff2", "LICENSE"} {
		in := []byte("\x89PNG  \n\n  keep   me")
		got, err := m.Minify(p, in)
		if err != nil || !bytes.Equal(got, in) {
			t.Errorf("Minify(%q) = %q, %v; want the input unchanged", p, got, err)
		}
	}
}

func TestMinifyError(t *testing.T) {
	_, err := NewMinifier().Minify("assets/broken.js", []byte("function ( {"))
	if err == nil || !strings.HasPrefix(err.Error(), "assets/broken.js: ") {
		t.Errorf("Minify of broken JS = %v, want an error starting with the path", err)
	}
}

func TestMinifyConcurrent(t *testing.T) {
	m := NewMinifier()
	want, err := m.Minify("index.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				got, err := m.Minify(fmt.Sprintf("p%d/%d/index.html", g, i), []byte(page))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("concurrent Minify = %q, %v", got, err)
					return
				}
				if _, err := m.Minify("a.css", []byte("a { color: #ffffff }")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
