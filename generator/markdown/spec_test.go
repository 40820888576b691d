package markdown

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// identity resolves every path to itself, so the spec's expected hrefs hold.
type identity struct{}

func (identity) Resolve(path string, _ bool) (string, string, error) { return path, "page", nil }

// specSkips are CommonMark examples whose output our extensions change on
// purpose. Examples with headings or code blocks are skipped wholesale (ids,
// anchors and the highlighting wrapper differ by design).
var specSkips = map[int]string{
	608: "GFM linkify (extended autolinks)",
	611: "GFM linkify (extended autolinks)",
	612: "GFM linkify (extended autolinks)",
}

// Our additions, removed before comparing: heading ids and anchors, the
// highlighting markup and code wrapper, lazy image attributes. The spec
// also writes XHTML void elements (<br />); goldmark and we write HTML.
var (
	specHeadingID = regexp.MustCompile(`<h([1-6]) id="[^"]*">`)
	specAnchor    = regexp.MustCompile(` <a class="anchor" href="[^"]*" aria-label="[^"]*">#</a>`)
	specSpan      = regexp.MustCompile(`</?span[^>]*>`)
	specPre       = regexp.MustCompile(`<pre class="chroma" tabindex="0"><code([^>]*?)(?: data-lang="[^"]*")?>`)
	specNorm      = strings.NewReplacer(" />", ">", ` loading="lazy" decoding="async"`, "", "&#34;", "&quot;", "&#39;", "'")
)

func normSpec(s string) string {
	s = specHeadingID.ReplaceAllString(s, "<h$1>")
	s = specAnchor.ReplaceAllString(s, "")
	s = specSpan.ReplaceAllString(s, "")
	s = specPre.ReplaceAllString(s, "<pre><code$1>")
	return strings.TrimSpace(specNorm.Replace(s))
}

// TestCommonMarkSpec replays goldmark's copy of the CommonMark spec examples
// through Convert (Typographer off, Unsafe on).
func TestCommonMarkSpec(t *testing.T) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "github.com/yuin/goldmark@v1.8.7/_test/spec.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("spec examples not in the module cache: %v", err)
	}
	var examples []struct {
		Markdown, HTML, Section string
		Example                 int
	}
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	c := mustNew(t, Options{Unsafe: true})
	ran, skipped := 0, map[string]int{}
	for _, ex := range examples {
		if why := specSkips[ex.Example]; why != "" {
			skipped[why]++
			continue
		}
		ran++
		got := c.Convert([]byte(ex.Markdown), identity{}).HTML
		if normSpec(string(got)) != normSpec(ex.HTML) {
			t.Errorf("example %d (%s)\nmarkdown: %q\ngot:  %q\nwant: %q", ex.Example, ex.Section, ex.Markdown, got, ex.HTML)
		}
	}
	t.Logf("CommonMark spec: %d of %d examples ran and match; skipped: %v", ran, len(examples), skipped)
}
