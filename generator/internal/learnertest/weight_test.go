package learnertest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// maxLessonWeight is the budget of a lesson: its HTML and every stylesheet
// and script it loads, each gzipped, summed.
const maxLessonWeight = 60 << 10

func gzipSize(t *testing.T, data []byte) int {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}

// subresources lists the stylesheets and scripts an HTML page loads.
func subresources(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		attr := func(k string) string {
			for _, a := range n.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		switch n.Data {
		case "link":
			if rel := " " + strings.ToLower(attr("rel")) + " "; strings.Contains(rel, " stylesheet ") && attr("href") != "" {
				out = append(out, attr("href"))
			}
		case "script":
			if src := attr("src"); src != "" {
				out = append(out, src)
			}
		}
	}
	return out
}

// TestPageWeight keeps every lesson light: its own HTML plus each CSS and
// JS file it references, gzipped one by one, under 60 KB.
func TestPageWeight(t *testing.T) {
	s := getSite(t)
	if len(s.res.Course.Lessons) == 0 {
		t.Fatal("no lessons")
	}
	pageURL, err := url.Parse(s.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	heaviest, heaviestTotal := "", 0
	for _, l := range s.res.Course.Lessons {
		file := strings.TrimPrefix(l.Path, "/") + "index.html"
		data, ok := s.mem.Get(file)
		if !ok {
			t.Errorf("%s: no %s in the build", l.URL, file)
			continue
		}
		htmlGz := gzipSize(t, data)
		total := htmlGz
		lines := []string{fmt.Sprintf("%-48s %7d raw %6d gz", l.URL, len(data), htmlGz)}
		seen := map[string]bool{}
		for _, ref := range subresources(t, data) {
			u, err := pageURL.Parse(l.URL)
			if err == nil {
				u, err = u.Parse(ref)
			}
			if err != nil {
				t.Errorf("%s: bad reference %q: %v", l.URL, ref, err)
				continue
			}
			if u.Host != pageURL.Host {
				t.Errorf("%s loads %s from another host", l.URL, ref)
				continue
			}
			rel, ok := strings.CutPrefix(u.Path, s.base)
			if !ok {
				t.Errorf("%s loads %s, outside the site's base path %s", l.URL, ref, s.base)
				continue
			}
			if seen[rel] {
				continue
			}
			seen[rel] = true
			asset, ok := s.mem.Get(rel)
			if !ok {
				t.Errorf("%s loads %s, which the build did not write", l.URL, ref)
				continue
			}
			gz := gzipSize(t, asset)
			total += gz
			lines = append(lines, fmt.Sprintf("  %-46s %7d raw %6d gz", rel, len(asset), gz))
		}
		lines = append(lines, fmt.Sprintf("  %-46s %14d gz (budget %d)", "total", total, maxLessonWeight))
		report := strings.Join(lines, "\n")
		if l.URL == s.path(quizLesson) {
			t.Logf("page weight of a lesson:\n%s", report)
		}
		if total > heaviestTotal {
			heaviest, heaviestTotal = report, total
		}
		if total > maxLessonWeight {
			t.Errorf("%s weighs %d bytes gzipped, over the %d budget:\n%s", l.URL, total, maxLessonWeight, report)
		}
	}
	t.Logf("heaviest lesson:\n%s", heaviest)
}
