// Command floor is the lower bound the issue on performance measures lectern
// against: front matter, goldmark with the same extensions and highlighting,
// minification, in parallel, writing files; no templates, no navigation. It
// reads every Markdown file under content/, splits and decodes its front
// matter (generator/content), converts the body with the converter a build
// uses (generator/markdown, with the options generator/build gives it from
// site.yaml: typographer, raw HTML policy, highlighting styles, and lectern's
// own extensions: callouts, quizzes, heading ids), minifies the HTML with
// tdewolff/minify (generator/output's Minifier, the whole fragment at once)
// and writes one file per page, over GOMAXPROCS workers.
//
// -highlight picks the highlighter:
//
//   - chroma (the default): chroma's own lexers and HTML formatter, as
//     goldmark-highlighting runs them. This is the floor of the issue: the
//     stock pipeline, whose cost lectern's faster highlighting has to beat.
//   - lectern: lectern's fast path (fastlex's matchers and formatCode),
//     which writes the same HTML. This floor is stricter: everything but
//     layouts, navigation and the generated outputs, at lectern's own speed,
//     so lectern's time over it is what the rest of a build costs.
//
// -stock runs no lectern code but the minifier: adrg/frontmatter, goldmark
// with its own extensions (GFM, footnotes, definition lists, typographer,
// attributes, heading ids) and goldmark-highlighting (CSS classes), as a
// site would set them up without lectern. It checks that the default floor,
// which also runs lectern's extensions, is no slower than the pipeline it
// stands for.
//
// It does nothing else a build does: no layouts, navigation, link
// resolution or checks, search index, feeds, taxonomies or assets.
//
//	go run ./bench/floor -source /tmp/corpus-1000 -dest /tmp/floor-out [-highlight lectern | -stock] [-v]
//
// content/a/b.md is written to DEST/a/b/index.html and content/a/_index.md
// to DEST/a/index.html. It prints nothing on success; -v prints one summary line.
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/adrg/frontmatter"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	goldmarkhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/lectern/lectern/generator/build"
	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/markdown"
	"github.com/lectern/lectern/generator/output"
)

func main() {
	source := flag.String("source", ".", "site folder (holding site.yaml and content/)")
	dest := flag.String("dest", "", "output folder (created if missing)")
	highlight := flag.String("highlight", "chroma", "chroma (chroma's lexers and formatter, as goldmark-highlighting) or lectern (lectern's fast path)")
	stock := flag.Bool("stock", false, "goldmark, goldmark-highlighting and adrg/frontmatter instead of lectern's converter")
	verbose := flag.Bool("v", false, "print a summary line")
	flag.Parse()
	if *dest == "" || flag.NArg() > 0 || (*highlight != "chroma" && *highlight != "lectern") {
		fmt.Fprintln(os.Stderr, "usage: floor -source DIR -dest DIR [-highlight chroma|lectern | -stock] [-v]")
		os.Exit(2)
	}
	pipe := pipeChroma
	switch {
	case *stock:
		pipe = pipeStock
	case *highlight == "lectern":
		pipe = pipeLectern
	}
	start := time.Now()
	st, err := run(*source, *dest, pipe)
	if err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v\n", err)
		os.Exit(1)
	}
	if *verbose {
		fmt.Fprintf(os.Stderr, "floor: %d pages, %.1f MiB of Markdown → %.1f MiB of HTML in %s\n",
			st.pages, float64(st.in)/(1<<20), float64(st.out)/(1<<20), time.Since(start).Round(time.Millisecond))
	}
}

// stats count what run read and wrote.
type stats struct {
	pages   int
	in, out int64
}

// A pipeline is how the floor turns a source file into HTML.
type pipeline int

const (
	pipeChroma  pipeline = iota // lectern's converter, chroma's highlighting
	pipeLectern                 // lectern's converter and highlighting
	pipeStock                   // goldmark, goldmark-highlighting, adrg/frontmatter
)

// run converts every Markdown file under source/content into dest with
// the pipeline pipe.
func run(source, dest string, pipe pipeline) (stats, error) {
	root := os.DirFS(source)
	cfg, err := config.Load(root)
	if err != nil {
		return stats{}, err
	}
	var convert func(p string, src []byte) ([]byte, error)
	if pipe == pipeStock {
		convert = stockConverter(cfg)
	} else {
		opts := build.ConverterOptions(cfg)
		opts.StockHighlighter = pipe == pipeChroma
		conv, err := markdown.New(opts)
		if err != nil {
			return stats{}, err
		}
		convert = func(p string, src []byte) ([]byte, error) {
			f, diags := content.Parse(p, src, cfg)
			if f == nil {
				return nil, diags.Errors().Err()
			}
			return conv.Convert(f.Body, nil).HTML, nil // links are left as written: nothing is checked
		}
	}
	var min *output.Minifier
	if cfg.Output.Minify {
		min = output.NewMinifier()
	}

	var paths []string
	err = fs.WalkDir(root, content.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(p), ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return stats{}, err
	}

	var (
		wg      sync.WaitGroup
		jobs    = make(chan string)
		errMu   sync.Mutex
		errs    []error
		in, out atomic.Int64
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				n, m, err := page(root, convert, min, p, dest)
				in.Add(n)
				out.Add(m)
				if err != nil {
					errMu.Lock()
					errs = append(errs, err)
					errMu.Unlock()
				}
			}
		}()
	}
	for _, p := range paths {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	return stats{pages: len(paths), in: in.Load(), out: out.Load()}, errors.Join(errs...)
}

// page reads, parses, converts, minifies and writes one page; it returns the
// bytes read and written.
func page(root fs.FS, convert func(string, []byte) ([]byte, error), min *output.Minifier, p, dest string) (in, out int64, err error) {
	src, err := fs.ReadFile(root, p)
	if err != nil {
		return 0, 0, err
	}
	html, err := convert(p, src)
	if err != nil {
		return int64(len(src)), 0, err
	}
	if min != nil {
		if html, err = min.Minify("index.html", html); err != nil {
			return int64(len(src)), 0, fmt.Errorf("%s: %w", p, err)
		}
	}
	file := filepath.Join(dest, filepath.FromSlash(outPath(p)))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return int64(len(src)), 0, err
	}
	if err := os.WriteFile(file, html, 0o644); err != nil {
		return int64(len(src)), 0, err
	}
	return int64(len(src)), int64(len(html)), nil
}

// outPath maps content/a/b.md to a/b/index.html and content/a/_index.md to
// a/index.html (no prefix stripping or slugs: the floor only needs one file
// per page).
func outPath(p string) string {
	p = strings.TrimPrefix(p, content.Dir+"/")
	p = strings.TrimSuffix(p, path.Ext(p))
	if path.Base(p) == "_index" {
		p = path.Dir(p)
	}
	if p == "." {
		return "index.html"
	}
	return p + "/index.html"
}

// stockConverter sets goldmark up as a site without lectern would, with
// cfg's typographer, raw HTML policy and light highlighting style.
func stockConverter(cfg *config.Site) func(p string, src []byte) ([]byte, error) {
	exts := []goldmark.Extender{extension.GFM, extension.Footnote, extension.DefinitionList,
		highlighting.NewHighlighting(
			highlighting.WithStyle(cmp.Or(cfg.Markdown.Highlight.Light, "modus-operandi")),
			highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
		)}
	if cfg.Markdown.Typographer {
		exts = append(exts, extension.Typographer)
	}
	var rendererOpts []renderer.Option
	if cfg.Markdown.Unsafe {
		rendererOpts = append(rendererOpts, goldmarkhtml.WithUnsafe())
	}
	md := goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithAttribute(), parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return func(p string, src []byte) ([]byte, error) {
		var fm map[string]any
		body, err := frontmatter.Parse(bytes.NewReader(src), &fm)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		var buf bytes.Buffer
		if err := md.Convert(body, &buf); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return buf.Bytes(), nil
	}
}
