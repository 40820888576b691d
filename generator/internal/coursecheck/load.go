package coursecheck

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/diag"
	"github.com/lectern/lectern/generator/meta"
)

// Problem is one finding, printed as "content/a.md:12: go block: msg".
type Problem struct {
	File string // slash path from the site root
	Line int    // 1-based file line; 0 = the whole file
	What string // "go block", "lesson", "module", …
	Msg  string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s: %s", p.File, p.What, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.What, p.Msg)
}

// Sort orders problems by file, line, then text.
func Sort(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.String() < b.String()
	})
}

// Page is one Markdown file of the course.
type Page struct {
	Path     string        // "content/01-foundations/02-how-a-request-travels.md"
	File     *content.File // nil when content.Parse refused the file (see Diags)
	Diags    diag.List     // content.Parse's errors and warnings
	Body     []byte        // Markdown after the front matter (the whole file without File)
	BodyLine int           // file line of Body[0]
	Root     ast.Node      // goldmark's tree of Body
}

// line turns a byte offset in Body into a file line.
func (p *Page) line(off int) int {
	off = min(max(off, 0), len(p.Body))
	return p.BodyLine + bytes.Count(p.Body[:off], []byte("\n"))
}

// md parses like lectern's own converter (GFM, footnotes, definition lists,
// attributes), so the tree has the same blocks as the rendered page.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList),
	goldmark.WithParserOptions(parser.WithAttribute()),
)

// Load reads every content/**/*.md of fsys, sorted by path. Files that
// content.Parse refuses are still returned (File nil), so their code blocks
// are checked and their errors reported by Lint.
func Load(fsys fs.FS) ([]*Page, error) {
	var paths []string
	err := fs.WalkDir(fsys, content.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != content.Dir && content.Ignored(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(p), ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	cfg := config.Default()
	pages := make([]*Page, 0, len(paths))
	for _, p := range paths {
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		pg := &Page{Path: p}
		pg.File, pg.Diags = content.Parse(p, bytes.Clone(src), cfg)
		if pg.File != nil {
			pg.Body, pg.BodyLine = pg.File.Body, pg.File.BodyLine
		} else {
			pg.Body, pg.BodyLine = splitFrontMatter(meta.Normalise(bytes.Clone(src)))
		}
		pg.Root = md.Parser().Parse(text.NewReader(pg.Body))
		pages = append(pages, pg)
	}
	return pages, nil
}

// splitFrontMatter is the fallback for files content.Parse refused: the body
// after a closing "---" line, or the whole file.
func splitFrontMatter(src []byte) ([]byte, int) {
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return src, 1
	}
	off, line := 4, 2
	for off < len(src) {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src) - off
		}
		if string(bytes.TrimRight(src[off:off+end], " \t")) == "---" {
			return src[min(off+end+1, len(src)):], line + 1
		}
		off += end + 1
		line++
	}
	return src, 1
}

// Block is one fenced code block.
type Block struct {
	Page  *Page
	Line  int    // file line of the opening fence
	Lang  string // the info string's first word, as written
	Check string // the {check=…} option: "", "compile", "parse" or "skip"
	Code  []byte // the content, line ends "\n"; its lines follow the fence line
	Info  string // the whole info string
}

// Kind is the checked language the block is written in ("go", "sql",
// "python", "json", "yaml", "http"), or its language as written.
func (b Block) Kind() string {
	switch l := strings.ToLower(b.Lang); l {
	case "golang":
		return "go"
	case "py", "python3":
		return "python"
	case "postgresql", "postgres", "pgsql":
		return "sql"
	case "yml":
		return "yaml"
	default:
		return l
	}
}

// problem is about the whole block; its Line is the fence's file line.
func (b Block) problem(format string, args ...any) Problem {
	what := b.Kind()
	if what == "" {
		what = "code"
	}
	return Problem{File: b.Page.Path, Line: b.Line, What: what + " block", Msg: fmt.Sprintf(format, args...)}
}

// problemAt is about the block's line rel (1-based), named in the message
// both ways so it can be found from the block and in the file.
func (b Block) problemAt(rel int, format string, args ...any) Problem {
	rel = max(rel, 1)
	p := b.problem(format, args...)
	p.Msg = fmt.Sprintf("line %d (file line %d): %s", rel, b.Line+rel, p.Msg)
	return p
}

// Blocks returns every fenced code block of the pages, nested ones included,
// in file order.
func Blocks(pages []*Page) []Block {
	var out []Block
	for _, pg := range pages {
		_ = ast.Walk(pg.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			f, ok := n.(*ast.FencedCodeBlock)
			if !entering || !ok {
				return ast.WalkContinue, nil
			}
			b := Block{Page: pg, Line: pg.line(fencePos(f))}
			if f.Info != nil {
				b.Info = string(f.Info.Segment.Value(pg.Body))
				b.Lang, b.Check = parseInfo(b.Info)
			}
			var code bytes.Buffer
			for i := 0; i < f.Lines().Len(); i++ {
				seg := f.Lines().At(i)
				code.Write(seg.Value(pg.Body))
			}
			b.Code = code.Bytes()
			out = append(out, b)
			return ast.WalkSkipChildren, nil
		})
	}
	return out
}

// fencePos is the byte offset of the opening fence.
func fencePos(f *ast.FencedCodeBlock) int {
	if p := f.Pos(); p >= 0 {
		return p
	}
	if f.Info != nil {
		return f.Info.Segment.Start
	}
	return 0
}

// parseInfo reads `go {title="main.go" check=compile}` with goldmark's
// attribute parser, as lectern's converter does.
func parseInfo(info string) (lang, check string) {
	info = strings.TrimSpace(info)
	lang, rest := info, ""
	if i := strings.IndexAny(info, " \t{"); i >= 0 {
		lang, rest = info[:i], strings.TrimSpace(info[i:])
	}
	if !strings.HasPrefix(rest, "{") {
		return lang, ""
	}
	attrs, ok := parser.ParseAttributes(text.NewReader([]byte(rest)))
	if !ok {
		return lang, "unreadable options " + rest
	}
	for _, a := range attrs {
		if string(a.Name) == "check" {
			switch v := a.Value.(type) {
			case []byte:
				check = string(v)
			default:
				check = fmt.Sprint(v)
			}
		}
	}
	return lang, check
}
