package meta

import (
	"strings"
	"testing"
)

// TestPositionsStayOnTheLine: a diagnostic's column points at or just past
// the end of its line, never beyond, and TOML keys are found however they
// are written (cases found by FuzzParse in generator/content).
func TestPositionsStayOnTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		toml      bool
		key       string // "" = src is invalid: check the error's position
		want      string // file:line:col
	}{
		{name: "implicit null after key", src: "a: 1\nslug:\n", key: "slug", want: "f:3:6"},
		{name: "implicit null at end", src: "slug:", key: "slug", want: "f:2:6"},
		{name: "trailing spaces after a plain scalar", src: "title: A\ndraft: true   \n", key: "draft", want: "f:3:8"},
		{name: "trailing spaces after a folded scalar", src: "t:\n  abc def  \n", key: "t", want: "f:3:3"},
		{name: "trailing spaces after a quoted scalar", src: "q: 'q'  \n", key: "q", want: "f:2:4"},
		{name: "toml error at line start", src: "a = \"0\"\n!\n", toml: true, want: "f:3:1"},
		{name: "toml error after non-ASCII", src: "\"é\" = !\n", toml: true, want: "f:2:7"},
		{name: "toml quoted key", src: "\"title\" = \"A\"\n'draft' = true\n", toml: true, key: "draft", want: "f:3:1"},
		{name: "toml dotted key", src: "a = 1\n  site.x = 2\n", toml: true, key: "site", want: "f:3:3"},
		{name: "toml table", src: "title = \"A\"\n[params]\ntitle = 2\n", toml: true, key: "params", want: "f:3:1"},
		{name: "toml key inside a table is not top-level", src: "[params]\nweight = 1\n[x]\n", toml: true, key: "x", want: "f:4:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parse := ParseYAML
			if tc.toml {
				parse = ParseTOML
			}
			n, err := parse("f", []byte(tc.src), 2)
			if tc.key == "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.want+":") {
					t.Errorf("got %v, want it at %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d := &Decoder{File: "f"}
			if got := d.Pos(n.Get(tc.key)).String(); got != tc.want {
				t.Errorf("%s at %s, want %s", tc.key, got, tc.want)
			}
		})
	}
}
