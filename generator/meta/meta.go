// Package meta parses the YAML (and TOML) of site.yaml and front matter into a
// tree of values that remember their line and column, and decodes that tree into
// typed fields with "file:line:col: what is wrong and what to write instead"
// errors. One YAML library (goccy/go-yaml, YAML 1.2: `no` is a string) serves
// every YAML document lectern reads.
package meta

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/lectern/lectern/generator/diag"
)

// Kind is the type of a Node.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Int
	Float
	String
	List
	Map
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "nothing (null)"
	case Bool:
		return "a boolean"
	case Int:
		return "an integer"
	case Float:
		return "a number"
	case String:
		return "a string"
	case List:
		return "a list"
	case Map:
		return "a mapping"
	}
	return "?"
}

// Node is one value with its position in the file.
type Node struct {
	Kind      Kind
	Line, Col int
	Str       string // the scalar's text (for every scalar kind)
	Bool      bool
	Int       int64
	Float     float64
	Items     []*Node // List
	Keys      []*Node // Map: keys (always String nodes), in document order
	Vals      []*Node // Map: values, parallel to Keys
}

// Describe says what n is, for error messages: `a string "x"`.
func (n *Node) Describe() string {
	switch n.Kind {
	case String:
		return fmt.Sprintf("the string %q", clip(n.Str))
	case Int, Float:
		return fmt.Sprintf("the number %s", n.Str)
	case Bool:
		return fmt.Sprintf("the boolean %s", n.Str)
	}
	return n.Kind.String()
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// Get returns the value of key in a Map node, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for i, k := range n.Keys {
		if k.Str == key {
			return n.Vals[i]
		}
	}
	return nil
}

// Any converts n to plain Go values (map[string]any, []any, string, int64,
// float64, bool, nil) for free-form data such as params.
func (n *Node) Any() any {
	switch n.Kind {
	case Bool:
		return n.Bool
	case Int:
		return n.Int
	case Float:
		return n.Float
	case String:
		return n.Str
	case List:
		out := make([]any, len(n.Items))
		for i, it := range n.Items {
			out[i] = it.Any()
		}
		return out
	case Map:
		out := make(map[string]any, len(n.Keys))
		for i, k := range n.Keys {
			out[k.Str] = n.Vals[i].Any()
		}
		return out
	}
	return nil
}

// ParseYAML parses one YAML document. line0 is the file line of src's first
// line, so positions count in the whole file. An empty document gives an empty Map.
func ParseYAML(file string, src []byte, line0 int) (*Node, error) {
	if off := tooDeep(src); off >= 0 {
		line, col := diag.At(src, off)
		return nil, diag.Errorf(diag.Pos{File: file, Line: line + line0 - 1, Col: col}, "values nested more than %d deep", maxDepth)
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, yamlError(file, src, line0, err)
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return &Node{Kind: Map, Line: line0, Col: 1}, nil
	}
	if len(docs) > 1 {
		t := docs[1].GetToken()
		return nil, diag.Errorf(diag.Pos{File: file, Line: t.Position.Line + line0 - 1, Col: clampCol(src, t.Position.Line, t.Position.Column)},
			"more than one YAML document: remove the extra `---`")
	}
	c := yconv{file: file, src: src, line0: line0}
	n := c.node(docs[0].Body, 0)
	if c.err != nil {
		return nil, c.err
	}
	return n, nil
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 100

// tooDeep returns the offset of the bracket or sequence dash that nests a
// value more than maxDepth deep, or -1. The YAML parser's time and memory
// grow with the square of the nesting (10,000 brackets: 160 MB), so hostile
// nesting is refused before parsing. It counts flow brackets outside quoted
// strings and comments, and the "- " or "? " indicators that open one line;
// nesting by indentation needs the square of the depth in bytes already.
func tooDeep(src []byte) int {
	depth := 0
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off
		}
		line := src[off:end]
		i := len(line) - len(bytes.TrimLeft(line, " "))
		if depth == 0 {
			for n := 1; i+1 < len(line) && (line[i] == '-' || line[i] == '?') && (line[i+1] == ' ' || line[i+1] == '\t'); n++ {
				if n > maxDepth {
					return off + i
				}
				i += 2
				for i < len(line) && line[i] == ' ' {
					i++
				}
			}
		}
		var quote byte
		for ; i < len(line); i++ {
			c := line[i]
			tokenStart := i == 0 || bytes.IndexByte([]byte(" \t[{,:"), line[i-1]) >= 0
			switch {
			case quote == '"' && c == '\\':
				i++
			case quote != 0:
				if c == quote {
					if quote == '\'' && i+1 < len(line) && line[i+1] == '\'' {
						i++ // '' inside single quotes
					} else {
						quote = 0
					}
				}
			case (c == '"' || c == '\'') && tokenStart:
				quote = c
			case c == '#' && tokenStart:
				i = len(line)
			case c == '[' || c == '{':
				if depth++; depth > maxDepth {
					return off + i
				}
			case (c == ']' || c == '}') && depth > 0:
				depth--
			}
		}
		off = end + 1
	}
	return -1
}

type yconv struct {
	file  string
	src   []byte
	line0 int
	err   error
}

func (c *yconv) pos(n ast.Node) (int, int) {
	t := n.GetToken()
	if t == nil || t.Position == nil {
		return c.line0, 0
	}
	col := clampCol(c.src, t.Position.Line, t.Position.Column)
	if t.Type != token.SingleQuoteType && t.Type != token.DoubleQuoteType {
		col = plainStart(c.src, t.Position.Line, col, t.Value)
	}
	return t.Position.Line + c.line0 - 1, col
}

// plainStart corrects the column of a plain scalar on a line that ends in
// white space: goccy (v1.19.2) counts the trailing spaces into the column
// ("draft: true  " puts true at 10, not 8). It looks back at most that many
// runes for the scalar's first word.
func plainStart(src []byte, line, col int, value string) int {
	word, _, _ := strings.Cut(strings.TrimSpace(value), " ")
	if word == "" {
		return col
	}
	text := []rune(string(lineOf(src, line)))
	trailing := len(text) - len([]rune(strings.TrimRight(string(text), " \t")))
	at := func(i int) bool { return i >= 0 && i < len(text) && strings.HasPrefix(string(text[i:]), word) }
	if trailing == 0 || at(col-1) {
		return col
	}
	for i := col - 2; i >= col-1-trailing; i-- {
		if at(i) {
			return i + 1
		}
	}
	return col
}

// lineOf returns line (1-based) of src without its newline.
func lineOf(src []byte, line int) []byte {
	for i := 1; i < line; i++ {
		nl := bytes.IndexByte(src, '\n')
		if nl < 0 {
			return nil
		}
		src = src[nl+1:]
	}
	if nl := bytes.IndexByte(src, '\n'); nl >= 0 {
		src = src[:nl]
	}
	return src
}

// clampCol keeps a column on its line: goccy places the null it makes up for
// "key:" (no value) two columns past the colon, beyond the end of the line.
// One past the last rune is where a missing value is reported.
func clampCol(src []byte, line, col int) int {
	if line < 1 || line > bytes.Count(src, []byte("\n"))+1 {
		return col
	}
	return min(col, utf8.RuneCount(lineOf(src, line))+1)
}

func (c *yconv) fail(n ast.Node, format string, args ...any) *Node {
	if c.err == nil {
		line, col := c.pos(n)
		c.err = diag.Errorf(diag.Pos{File: c.file, Line: line, Col: col}, format, args...)
	}
	return &Node{Kind: Null}
}

func (c *yconv) node(n ast.Node, depth int) *Node {
	if c.err != nil {
		return &Node{}
	}
	if depth > maxDepth {
		return c.fail(n, "values nested more than %d deep", maxDepth)
	}
	line, col := c.pos(n)
	out := &Node{Line: line, Col: col}
	switch v := n.(type) {
	case *ast.NullNode:
		out.Kind = Null
	case *ast.BoolNode:
		out.Kind, out.Bool, out.Str = Bool, v.Value, v.GetToken().Value
	case *ast.IntegerNode:
		out.Kind, out.Str = Int, v.GetToken().Value
		switch i := v.Value.(type) {
		case int64:
			out.Int = i
		case uint64:
			if i > math.MaxInt64 {
				return c.fail(n, "integer %s is too large", out.Str)
			}
			out.Int = int64(i)
		}
		out.Float = float64(out.Int)
	case *ast.FloatNode:
		out.Kind, out.Float, out.Str = Float, v.Value, v.GetToken().Value
	case *ast.InfinityNode:
		out.Kind, out.Float, out.Str = Float, v.Value, v.GetToken().Value
	case *ast.NanNode:
		out.Kind, out.Float, out.Str = Float, math.NaN(), v.GetToken().Value
	case *ast.StringNode:
		out.Kind, out.Str = String, v.Value
	case *ast.LiteralNode:
		out.Kind, out.Str = String, v.Value.Value
	case *ast.TagNode:
		inner := c.node(v.Value, depth+1)
		switch v.Start.Value {
		case "!!str", "!str":
			if inner.Kind == List || inner.Kind == Map {
				return c.fail(n, "!!str applied to %s", inner.Kind)
			}
			if inner.Kind != Null {
				inner.Kind = String
			}
		}
		inner.Line, inner.Col = line, col
		return inner
	case *ast.SequenceNode:
		out.Kind = List
		out.Items = make([]*Node, 0, len(v.Values))
		for _, it := range v.Values {
			out.Items = append(out.Items, c.node(it, depth+1))
		}
	case *ast.MappingNode:
		out.Kind = Map
		for _, mv := range v.Values {
			c.pair(out, mv, depth)
		}
	case *ast.MappingValueNode:
		out.Kind = Map
		c.pair(out, v, depth)
	case *ast.AnchorNode, *ast.AliasNode, *ast.MergeKeyNode:
		return c.fail(n, "YAML anchors, aliases and merge keys are not supported here: write the value out")
	default:
		return c.fail(n, "unsupported YAML value (%s)", n.Type())
	}
	return out
}

func (c *yconv) pair(m *Node, mv *ast.MappingValueNode, depth int) {
	k := c.node(mv.Key, depth+1)
	if c.err != nil {
		return
	}
	switch k.Kind {
	case String, Int, Float, Bool:
	default:
		c.fail(mv.Key, "a key must be a plain word, not %s", k.Kind)
		return
	}
	k.Kind = String
	for _, old := range m.Keys {
		if old.Str == k.Str {
			c.fail(mv.Key, "key %q is repeated (first at line %d): keep one", k.Str, old.Line)
			return
		}
	}
	var v *Node
	if mv.Value == nil {
		v = &Node{Kind: Null, Line: k.Line, Col: k.Col}
	} else {
		v = c.node(mv.Value, depth+1)
	}
	m.Keys = append(m.Keys, k)
	m.Vals = append(m.Vals, v)
}

var yamlPosRE = regexp.MustCompile(`^\[(\d+):(\d+)\] ([^\n]*)`)

// yamlError turns a goccy error into a positioned diagnostic.
func yamlError(file string, src []byte, line0 int, err error) error {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		return diag.Errorf(diag.Pos{File: file, Line: se.Token.Position.Line + line0 - 1, Col: clampCol(src, se.Token.Position.Line, se.Token.Position.Column)},
			"invalid YAML: %s", yamlMessage(se.Message, line0))
	}
	msg := err.Error()
	if m := yamlPosRE.FindStringSubmatch(msg); m != nil {
		l, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		return diag.Errorf(diag.Pos{File: file, Line: l + line0 - 1, Col: clampCol(src, l, col)}, "invalid YAML: %s", yamlMessage(m[3], line0))
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return diag.Errorf(diag.Pos{File: file, Line: line0}, "invalid YAML: %s", msg)
}

var innerPosRE = regexp.MustCompile(`at \[(\d+):(\d+)\]`)

// yamlMessage shifts positions quoted inside a message ("already defined at
// [1:1]") into file lines and explains tabs.
func yamlMessage(msg string, line0 int) string {
	msg = innerPosRE.ReplaceAllStringFunc(msg, func(s string) string {
		m := innerPosRE.FindStringSubmatch(s)
		l, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("at line %d", l+line0-1)
	})
	if strings.Contains(msg, "'\t'") {
		msg = "a tab character: YAML indents with spaces only"
	}
	return msg
}

// ParseTOML parses a TOML document (front matter between +++ lines). line0 is
// the file line of src's first line. Positions of values are those of their
// top-level key line; TOML front matter is flat in practice.
func ParseTOML(file string, src []byte, line0 int) (*Node, error) {
	var m map[string]any
	if _, err := toml.Decode(string(src), &m); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The column is recomputed from the byte offset: toml's Col
			// counts bytes, and for an error at the start of a line it
			// is measured from the line before (v1.6.0).
			line, col := pe.Position.Line, clampCol(src, pe.Position.Line, pe.Position.Col)
			if s := pe.Position.Start; s >= 0 && s <= len(src) {
				if l, c := diag.At(src, s); l == line {
					col = c
				}
			}
			return nil, diag.Errorf(diag.Pos{File: file, Line: line + line0 - 1, Col: col},
				"invalid TOML: %s", pe.Message)
		}
		return nil, diag.Errorf(diag.Pos{File: file, Line: line0}, "invalid TOML: %v", err)
	}
	lines := strings.Split(string(src), "\n")
	// keyLine finds where top-level key k is written: `k = …`, `"k" = …`,
	// `'k' = …`, a dotted `k.x = …`, or a table header `[k]`, `[[k]]`, `[k.x]`.
	// Top-level keys come before the first table header; the header of a
	// table is where its value starts. Unfound: the block's first line.
	keyLine := func(k string) (int, int) {
		forms := []string{k, strconv.Quote(k), "'" + k + "'"}
		inTables := false
		for i, l := range lines {
			t := strings.TrimLeft(l, " \t")
			col := len(l) - len(t) + 1
			header, isHeader := strings.CutPrefix(t, "[")
			inTables = inTables || isHeader
			if isHeader {
				t = strings.TrimLeft(strings.TrimPrefix(header, "["), " \t")
			} else if inTables {
				continue
			}
			for _, form := range forms {
				rest, ok := strings.CutPrefix(t, form)
				rest = strings.TrimLeft(rest, " \t")
				if ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "=") && !isHeader || strings.HasPrefix(rest, "]") && isHeader) {
					return i + line0, col
				}
			}
		}
		return line0, 1
	}
	root := &Node{Kind: Map, Line: line0, Col: 1}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		l, c := keyLine(k)
		if goDepth(m[k], 1) > maxDepth {
			return nil, diag.Errorf(diag.Pos{File: file, Line: l, Col: c}, "values nested more than %d deep", maxDepth)
		}
		root.Keys = append(root.Keys, &Node{Kind: String, Str: k, Line: l, Col: c})
		root.Vals = append(root.Vals, fromGo(m[k], l, c))
	}
	return root, nil
}

// goDepth is how deep v nests, up to just past maxDepth (d is v's own depth).
func goDepth(v any, d int) int {
	if d > maxDepth {
		return d
	}
	deepest := d
	switch x := v.(type) {
	case []any:
		for _, it := range x {
			deepest = max(deepest, goDepth(it, d+1))
		}
	case []map[string]any:
		for _, it := range x {
			deepest = max(deepest, goDepth(it, d+1))
		}
	case map[string]any:
		for _, it := range x {
			deepest = max(deepest, goDepth(it, d+1))
		}
	}
	return deepest
}

func fromGo(v any, line, col int) *Node {
	n := &Node{Line: line, Col: col}
	switch x := v.(type) {
	case bool:
		n.Kind, n.Bool, n.Str = Bool, x, strconv.FormatBool(x)
	case int64:
		n.Kind, n.Int, n.Float, n.Str = Int, x, float64(x), strconv.FormatInt(x, 10)
	case float64:
		n.Kind, n.Float, n.Str = Float, x, strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		n.Kind, n.Str = String, x
	case time.Time:
		n.Kind = String
		// TOML local dates and times carry a named pseudo-location: write
		// them without a zone so the site's timezone applies.
		switch x.Location().String() {
		case "date-local":
			n.Str = x.Format("2006-01-02")
		case "datetime-local":
			n.Str = x.Format("2006-01-02T15:04:05")
		default:
			n.Str = x.Format(time.RFC3339Nano)
		}
	case []any:
		n.Kind = List
		for _, it := range x {
			n.Items = append(n.Items, fromGo(it, line, col))
		}
	case []map[string]any:
		n.Kind = List
		for _, it := range x {
			n.Items = append(n.Items, fromGo(it, line, col))
		}
	case map[string]any:
		n.Kind = Map
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.Keys = append(n.Keys, &Node{Kind: String, Str: k, Line: line, Col: col})
			n.Vals = append(n.Vals, fromGo(x[k], line, col))
		}
	default:
		n.Kind, n.Str = String, fmt.Sprint(x)
	}
	return n
}

// Decoder reads typed values out of nodes, collecting every error.
type Decoder struct {
	File string
	Errs diag.List
}

// Pos is the position of n in the decoder's file.
func (d *Decoder) Pos(n *Node) diag.Pos {
	return diag.Pos{File: d.File, Line: n.Line, Col: n.Col}
}

// Errorf records an error at n.
func (d *Decoder) Errorf(n *Node, format string, args ...any) {
	d.Errs = append(d.Errs, diag.Errorf(d.Pos(n), format, args...))
}

func (d *Decoder) wrong(n *Node, key, want string) {
	d.Errorf(n, "%s: expected %s, got %s", key, want, n.Describe())
}

// Fields walks a Map node, calling fn for each key. fn returns false for an
// unknown key, which is reported with the known keys listed.
func (d *Decoder) Fields(n *Node, where string, known []string, fn func(key string, v *Node) bool) {
	if n.Kind != Map {
		if n.Kind != Null {
			d.wrong(n, where, "a mapping of keys to values")
		}
		return
	}
	for i, k := range n.Keys {
		if !fn(k.Str, n.Vals[i]) {
			msg := fmt.Sprintf("unknown key %q", k.Str)
			if where != "" {
				msg = fmt.Sprintf("unknown key %q in %s", k.Str, where)
			}
			if s := suggest(k.Str, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(known) > 0 {
				msg += "; known keys: " + strings.Join(known, ", ")
			}
			d.Errs = append(d.Errs, diag.Errorf(d.Pos(k), "%s", msg))
		}
	}
}

// suggest returns the known key closest to k when it is close enough.
func suggest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if strings.EqualFold(c, k) {
			return c
		}
		if dd := editDistance(strings.ToLower(k), strings.ToLower(c)); dd < bestD {
			best, bestD = c, dd
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// String decodes a string. Numbers and booleans are refused: quote them.
func (d *Decoder) String(n *Node, key string) (string, bool) {
	if n.Kind == String {
		return n.Str, true
	}
	if n.Kind == Null {
		return "", true
	}
	if n.Kind == Int || n.Kind == Float || n.Kind == Bool {
		d.Errorf(n, "%s: expected a string, got %s (put it in quotes: \"%s\")", key, n.Describe(), n.Str)
		return "", false
	}
	d.wrong(n, key, "a string")
	return "", false
}

// Bool decodes true or false; YAML 1.1 spellings (yes, no, on, off) are refused.
func (d *Decoder) Bool(n *Node, key string) (bool, bool) {
	if n.Kind == Bool {
		return n.Bool, true
	}
	d.wrong(n, key, "true or false")
	return false, false
}

// Int decodes an integer.
func (d *Decoder) Int(n *Node, key string) (int, bool) {
	if n.Kind == Int && n.Int >= math.MinInt32 && n.Int <= math.MaxInt32 {
		return int(n.Int), true
	}
	if n.Kind == Int {
		d.Errorf(n, "%s: %s is out of range", key, n.Str)
		return 0, false
	}
	d.wrong(n, key, "an integer")
	return 0, false
}

// Strings decodes a list of strings; a single string is accepted as a list of one.
// It returns each item's node too, for later positioned errors.
func (d *Decoder) Strings(n *Node, key string) ([]string, []*Node, bool) {
	switch n.Kind {
	case Null:
		return nil, nil, true
	case String:
		return []string{n.Str}, []*Node{n}, true
	case List:
		out := make([]string, 0, len(n.Items))
		nodes := make([]*Node, 0, len(n.Items))
		ok := true
		for _, it := range n.Items {
			if it.Kind != String {
				if it.Kind == Int || it.Kind == Float || it.Kind == Bool {
					out = append(out, it.Str)
					nodes = append(nodes, it)
					continue
				}
				d.wrong(it, key+" item", "a string")
				ok = false
				continue
			}
			out = append(out, it.Str)
			nodes = append(nodes, it)
		}
		return out, nodes, ok
	}
	d.wrong(n, key, "a list of strings")
	return nil, nil, false
}

// Time decodes "2026-05-01" (midnight in loc) or an RFC 3339 timestamp.
func (d *Decoder) Time(n *Node, key string, loc *time.Location) (time.Time, bool) {
	if n.Kind == Null {
		return time.Time{}, true
	}
	if n.Kind != String {
		d.wrong(n, key, "a date like 2026-05-01 or 2026-05-01T09:30:00Z")
		return time.Time{}, false
	}
	s := strings.TrimSpace(n.Str)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		var t time.Time
		var err error
		if strings.Contains(layout, "Z07") {
			t, err = time.Parse(layout, s)
		} else {
			t, err = time.ParseInLocation(layout, s, loc)
		}
		if err == nil {
			return t, true
		}
	}
	d.Errorf(n, "%s: %q is not a date: write 2026-05-01 or 2026-05-01T09:30:00Z", key, clip(n.Str))
	return time.Time{}, false
}

// Duration decodes a Go-style duration such as "25m" or "1h30m".
func (d *Decoder) Duration(n *Node, key string) (time.Duration, bool) {
	if n.Kind == String {
		v, err := time.ParseDuration(strings.TrimSpace(n.Str))
		if err == nil && v > 0 {
			return v, true
		}
	}
	d.Errorf(n, "%s: expected a positive duration like \"25m\" or \"1h30m\", got %s", key, n.Describe())
	return 0, false
}

// URL decodes an absolute http(s) URL or a path starting with "/".
func (d *Decoder) URL(n *Node, key string) (*url.URL, bool) {
	s, ok := d.String(n, key)
	if !ok {
		return nil, false
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Scheme != "" && u.Host == "") || (u.Scheme == "" && !strings.HasPrefix(u.Path, "/")) || u.RawQuery != "" || u.Fragment != "" {
		d.Errorf(n, "%s: %q is not a base URL: write https://example.org/course/ (or a path like /course/)", key, clip(s))
		return nil, false
	}
	return u, true
}

// Normalise drops a UTF-8 byte order mark and turns CRLF and lone CR line
// ends into LF, so line numbers and columns stay those an editor shows. A
// lone CR ends a line for YAML 1.2 and CommonMark alike: kept, it would
// shift every position the parsers report past diag.At's count of LFs.
func Normalise(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(src, '\r') < 0 {
		return src
	}
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		if src[i] == '\r' {
			if i+1 < len(src) && src[i+1] == '\n' {
				continue
			}
			out = append(out, '\n')
			continue
		}
		out = append(out, src[i])
	}
	return out
}
