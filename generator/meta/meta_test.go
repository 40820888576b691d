package meta

import (
	"strings"
	"testing"
)

func TestParseYAMLKeepsPositions(t *testing.T) {
	n, err := ParseYAML("f.md", []byte("title: A\nlist:\n  - x\n  - 2\nmap: {k: true}\nblock: |\n  text\n"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if v := n.Get("title"); v.Kind != String || v.Line != 2 || v.Col != 8 {
		t.Errorf("title: %+v", v)
	}
	if l := n.Get("list"); l.Kind != List || len(l.Items) != 2 || l.Items[1].Kind != Int || l.Items[1].Line != 5 {
		t.Errorf("list: %+v", l)
	}
	if m := n.Get("map").Get("k"); m.Kind != Bool || !m.Bool {
		t.Errorf("map: %+v", m)
	}
	if b := n.Get("block"); b.Kind != String || b.Str != "text\n" {
		t.Errorf("block: %+v", b)
	}
}

func TestYAML12Booleans(t *testing.T) {
	n, err := ParseYAML("f", []byte("a: no\nb: yes\nc: off\nd: false\ne: True\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]Kind{"a": String, "b": String, "c": String, "d": Bool, "e": Bool} {
		if got := n.Get(k).Kind; got != want {
			t.Errorf("%s: %v, want %v", k, got, want)
		}
	}
	d := &Decoder{File: "f"}
	if _, ok := d.Bool(n.Get("a"), "a"); ok || !strings.Contains(d.Errs.Error(), `f:1:4: a: expected true or false, got the string "no"`) {
		t.Errorf("no accepted as a boolean: %v", d.Errs)
	}
}

func TestYAMLErrors(t *testing.T) {
	for src, want := range map[string]string{
		"a: 1\na: 2\n":      `f:3:1: invalid YAML: mapping key "a" already defined at line 2`,
		"a: \"open\n":       "f:2:4: invalid YAML: could not find end character of double-quoted text",
		"a: 1\n---\nb: 2\n": "f:4:",
		"a: &x 1\nb: *x\n":  "anchors, aliases and merge keys are not supported",
		"a:\n\t- b\n":       "f:3:1: invalid YAML: a tab character: YAML indents with spaces only",
	} {
		_, err := ParseYAML("f", []byte(src), 2)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", src, err, want)
		}
	}
}

func TestParseTOML(t *testing.T) {
	n, err := ParseTOML("f", []byte("title = \"T\"\nweight = 3\ndate = 2026-05-01\ntags = [\"a\", \"b\"]\n"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if v := n.Get("weight"); v.Kind != Int || v.Int != 3 || v.Line != 3 {
		t.Errorf("weight: %+v", v)
	}
	if v := n.Get("date"); v.Kind != String || v.Str != "2026-05-01" {
		t.Errorf("date: %+v", v)
	}
	if _, err := ParseTOML("f", []byte("a = \n"), 2); err == nil || !strings.HasPrefix(err.Error(), "f:2:") {
		t.Errorf("TOML error position: %v", err)
	}
}

func TestUnknownKeySuggestion(t *testing.T) {
	n, _ := ParseYAML("f", []byte("titel: x\nzzz: y\n"), 1)
	d := &Decoder{File: "f"}
	d.Fields(n, "", []string{"title", "weight"}, func(k string, v *Node) bool { return false })
	got := d.Errs.Error()
	if !strings.Contains(got, `f:1:1: unknown key "titel" (did you mean "title"?)`) || !strings.Contains(got, `f:2:1: unknown key "zzz"; known keys: title, weight`) {
		t.Errorf("got:\n%s", got)
	}
}

func TestNormalise(t *testing.T) {
	if got := string(Normalise([]byte("\ufeffa\r\nb\rc\r\n"))); got != "a\nb\nc\n" {
		t.Errorf("%q", got)
	}
}

func TestDeepNestingIsRefusedBeforeParsing(t *testing.T) {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	for _, tc := range []struct{ src, want string }{
		{"title: x\nx: " + deep + "\n", "f:3:104: values nested more than 100 deep"},
		{"title: x\nx: " + strings.Repeat("{a: ", 20000) + "1" + strings.Repeat("}", 20000) + "\n", "f:3:404: values nested more than 100 deep"},
		{"title: x\nx:\n" + strings.Repeat("- ", 20000) + "1\n", "f:4:201: values nested more than 100 deep"},
	} {
		if _, err := ParseYAML("f", []byte(tc.src), 2); err == nil || err.Error() != tc.want {
			t.Errorf("%.30q…: got %v, want %s", tc.src, err, tc.want)
		}
	}
	// Brackets inside quoted strings and comments do not nest anything.
	ok := "title: \"" + strings.Repeat("[", 200) + "\"\nb: '" + strings.Repeat("{", 200) + "'\n# " + strings.Repeat("[", 200) + "\nc: [[1], {d: \"]]\"}]\n"
	if _, err := ParseYAML("f", []byte(ok), 2); err != nil {
		t.Errorf("brackets in strings counted: %v", err)
	}
}

func TestDeepTOMLIsRefused(t *testing.T) {
	src := "title = \"x\"\nx = " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n"
	if _, err := ParseTOML("f", []byte(src), 2); err == nil || err.Error() != "f:3:1: values nested more than 100 deep" {
		t.Errorf("got %v", err)
	}
	if _, err := ParseTOML("f", []byte("x = [[1], [2, [3]]]\n"), 2); err != nil {
		t.Errorf("shallow nesting refused: %v", err)
	}
}
