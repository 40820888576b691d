package coursecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	pganalyze "github.com/pganalyze/pg_query_go/v6"
	pgquery "github.com/wasilibs/go-pgquery"
)

// CheckSQL parses every sql block with PostgreSQL's grammar and checks that
// the last statement ends with ";".
func CheckSQL(blocks []Block) []Problem {
	var ps []Problem
	for _, b := range blocks {
		if b.Kind() != "sql" || skipped(b) {
			continue
		}
		src := string(b.Code)
		if strings.TrimSpace(src) == "" {
			ps = append(ps, b.problem("empty block"))
			continue
		}
		if _, err := pgquery.Parse(src); err != nil {
			line := 1
			if pos := cursorPos(err); pos > 0 {
				line = lineOf(b.Code, runeOffset(src, pos-1))
			}
			ps = append(ps, b.problemAt(line, "PostgreSQL cannot parse it: %v", err))
			continue
		}
		if off, ok := lastToken(src); ok && src[off] != ';' {
			line := lineOf(b.Code, off)
			ps = append(ps, b.problemAt(line, "the last statement does not end with \";\""))
		}
	}
	return ps
}

// cursorPos reads the 1-based character position libpg_query gives its
// syntax errors; go-pgquery keeps the error type internal, hence reflect.
func cursorPos(err error) int {
	v := reflect.ValueOf(err)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0
	}
	f := v.FieldByName("Cursorpos")
	if !f.IsValid() || !f.CanInt() {
		return 0
	}
	return int(f.Int())
}

// runeOffset turns a character index into a byte offset.
func runeOffset(s string, chars int) int {
	off := 0
	for i := 0; i < chars && off < len(s); i++ {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off
}

// lastToken finds the start of the last token that is not a comment, using
// PostgreSQL's own scanner.
func lastToken(src string) (int, bool) {
	res, err := pgquery.Scan(src)
	if err != nil {
		return 0, false
	}
	last := -1
	for _, t := range res.GetTokens() {
		if k := t.GetToken(); k == pganalyze.Token_SQL_COMMENT || k == pganalyze.Token_C_COMMENT {
			continue
		}
		last = int(t.GetStart())
	}
	return last, last >= 0 && last < len(src)
}

// pyCompile compiles each file given with py_compile, as
// `python3 -m py_compile` does, but prints one "index<TAB>line<TAB>message"
// line per failure so errors map back to their blocks.
const pyCompile = `
import sys, py_compile
for i, f in enumerate(sys.argv[1:]):
    try:
        py_compile.compile(f, cfile=f + "c", doraise=True)
    except py_compile.PyCompileError as e:
        v = e.exc_value
        line = getattr(v, "lineno", None) or 0
        msg = getattr(v, "msg", None) or str(v)
        print("%d\t%d\t%s: %s" % (i, line, e.exc_type_name, msg.replace("\n", " ")))
`

// CheckPython compiles every python block with python3's py_compile.
func CheckPython(ctx context.Context, python, tmp string, blocks []Block) ([]Problem, error) {
	var files []string
	var progs []Block
	dir := filepath.Join(tmp, "pyblocks")
	for _, b := range blocks {
		if b.Kind() != "python" || skipped(b) {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		f := filepath.Join(dir, fmt.Sprintf("block%03d.py", len(files)))
		if err := os.WriteFile(f, b.Code, 0o644); err != nil {
			return nil, err
		}
		files = append(files, f)
		progs = append(progs, b)
	}
	if len(files) == 0 {
		return nil, nil
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, python, append([]string{"-I", "-c", pyCompile}, files...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", python, err, stderr.Bytes())
	}
	var ps []Problem
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(l, "\t", 3)
		if len(f) != 3 {
			continue
		}
		i, err1 := strconv.Atoi(f[0])
		line, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || i >= len(progs) {
			return nil, fmt.Errorf("unexpected py_compile output %q", l)
		}
		b := progs[i]
		if line == 0 {
			line = 1
		}
		ps = append(ps, b.problemAt(line, "py_compile: %s", f[2]))
	}
	return ps, nil
}

// CheckJSON checks that every json block holds exactly one valid JSON value.
func CheckJSON(blocks []Block) []Problem {
	var ps []Problem
	for _, b := range blocks {
		if b.Kind() != "json" || skipped(b) || json.Valid(b.Code) {
			continue
		}
		var v any
		err := json.Unmarshal(b.Code, &v)
		line := 1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = lineOf(b.Code, int(se.Offset)-1)
		}
		if err == nil {
			err = errors.New("not valid JSON")
		}
		if strings.TrimSpace(string(b.Code)) == "" {
			err = errors.New("empty block")
		}
		ps = append(ps, b.problemAt(line, "invalid JSON: %v", err))
	}
	return ps
}

// CheckYAML decodes every document of every yaml block.
func CheckYAML(blocks []Block) []Problem {
	var ps []Problem
	for _, b := range blocks {
		if b.Kind() != "yaml" || skipped(b) {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(b.Code))
		for {
			var v any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				line, msg := 1, err.Error()
				var ye yaml.Error
				if errors.As(err, &ye) {
					msg = ye.GetMessage()
					if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
						line = tk.Position.Line
					}
				}
				ps = append(ps, b.problemAt(line, "invalid YAML: %s", firstLine(msg)))
				break
			}
		}
	}
	return ps
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
