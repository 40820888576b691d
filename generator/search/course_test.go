package search

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lectern/lectern/generator/markdown"
)

// bundledPages converts the repository's own course (content/) the way the
// build does, roughly: front matter title and description, Markdown to
// HTML, Extract. URLs and module titles are approximations; sizes are what
// this is for.
func bundledPages(t testing.TB) []Page {
	t.Helper()
	root := os.DirFS("../../content")
	conv, err := markdown.New(markdown.Options{Typographer: true})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Skip("no bundled course:", err)
	}
	slices.Sort(files)
	modules := map[string]string{}
	for _, f := range files {
		if path.Base(f) == "_index.md" && path.Dir(f) != "." {
			src, err := fs.ReadFile(root, f)
			if err != nil {
				t.Fatal(err)
			}
			modules[path.Dir(f)], _, _ = frontMatter(src)
		}
	}
	var pages []Page
	prefix := regexp.MustCompile(`(^|/)\d+-`)
	for _, f := range files {
		src, err := fs.ReadFile(root, f)
		if err != nil {
			t.Fatal(err)
		}
		title, desc, body := frontMatter(src)
		dir := path.Dir(f)
		url := "/backend/" + strings.TrimSuffix(prefix.ReplaceAllString(f, "$1"), ".md") + "/"
		url = strings.Replace(url, "/_index/", "/", 1)
		doc := conv.Convert(body, nil)
		pages = append(pages, Page{URL: url, Title: title, Module: modules[dir], Description: desc, Sections: Extract(doc.HTML)})
	}
	return pages
}

// frontMatter reads title and description from simple YAML front matter.
func frontMatter(src []byte) (title, desc string, body []byte) {
	s := string(src)
	if !strings.HasPrefix(s, "---\n") {
		return "", "", src
	}
	end := strings.Index(s[4:], "\n---\n")
	if end < 0 {
		return "", "", src
	}
	for _, line := range strings.Split(s[4:4+end], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch k {
		case "title":
			title = v
		case "description":
			desc = v
		}
	}
	return title, desc, src[4+end+5:]
}

func gzipSize(data []byte) int {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return b.Len()
}

// sizes summarises index files: totals, and the largest and median shard.
type sizes struct {
	files, raw, gz             int
	shards, shardMax, shardMed int // gzipped
	shardMaxPath               string
	metaGz, chunkMax           int
	chunks                     int
}

func measure(files []File) sizes {
	var s sizes
	var shardGz []int
	for _, f := range files {
		g := gzipSize(f.Data)
		s.files++
		s.raw += len(f.Data)
		s.gz += g
		switch {
		case strings.HasPrefix(f.Path, Dir+"t/"):
			shardGz = append(shardGz, g)
			if g > s.shardMax {
				s.shardMax, s.shardMaxPath = g, f.Path
			}
		case strings.HasPrefix(f.Path, Dir+"d/"):
			s.chunks++
			s.chunkMax = max(s.chunkMax, g)
		default:
			s.metaGz = g
		}
	}
	slices.Sort(shardGz)
	s.shards = len(shardGz)
	if len(shardGz) > 0 {
		s.shardMed = shardGz[len(shardGz)/2]
	}
	return s
}

func (s sizes) String() string {
	return strings.Join([]string{
		plural(s.files, "file"), kbytes(s.raw) + " raw", kbytes(s.gz) + " gzipped;",
		"meta.json", kbytes(s.metaGz), "gz;",
		plural(s.shards, "shard"), "max", kbytes(s.shardMax), "(" + s.shardMaxPath + ")", "median", kbytes(s.shardMed), "gz;",
		plural(s.chunks, "display chunk"), "max", kbytes(s.chunkMax), "gz",
	}, " ")
}

func kbytes(n int) string {
	if n < 10<<10 {
		return strings.TrimSuffix(strings.TrimSuffix(strconvFloat(float64(n)/1024, 1), "0"), ".") + " KB"
	}
	return strconvFloat(float64(n)/1024, 0) + " KB"
}

func TestBundledCourseIndexIsSmall(t *testing.T) {
	pages := bundledPages(t)
	files := Build(pages)
	s := measure(files)
	words := 0
	for _, p := range pages {
		for _, sec := range p.Sections {
			words += len(strings.Fields(sec.Text))
		}
	}
	t.Logf("bundled course: %d pages, %d words: %v", len(pages), words, s)
	// Tens of KB for the whole course; a query needs meta + a shard or two.
	if s.gz > 200<<10 {
		t.Errorf("index is %s gzipped, want well under 200 KB", kbytes(s.gz))
	}
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return strconv.Itoa(n) + " " + s + "s"
}

func strconvFloat(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }
