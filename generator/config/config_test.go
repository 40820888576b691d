package config

import (
	"strings"
	"testing"
)

func TestDefaults(t *testing.T) {
	s, err := Parse([]byte("title: T\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "/" || s.BasePath() != "/" || s.Absolute() || s.Language != "en" || s.Output.Dir != "public" || !s.Output.Minify ||
		s.Markdown.Unsafe || !s.Markdown.Typographer || s.Lastmod != "frontmatter" || strings.Join(s.Taxonomies, ",") != "roles,skills,tags" {
		t.Errorf("defaults: %+v", s)
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string][2]string{
		"https://user.github.io/course": {"https://user.github.io/course/", "/course/"},
		"https://example.org":           {"https://example.org/", "/"},
		"/sub/dir":                      {"/sub/dir/", "/sub/dir/"},
	} {
		s, err := Parse([]byte("title: T\nbaseURL: " + in + "\n"))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if s.BaseURL != want[0] || s.BasePath() != want[1] {
			t.Errorf("%s → %s %s, want %v", in, s.BaseURL, s.BasePath(), want)
		}
	}
	for _, bad := range []string{"example.org", "ftp://example.org/", "https://example.org/?x=1", "https:///nohost"} {
		if _, err := Parse([]byte("title: T\nbaseURL: " + bad + "\n")); err == nil {
			t.Errorf("baseURL %q accepted", bad)
		}
	}
	s, _ := Parse([]byte("title: T\n"))
	if err := s.SetBaseURL("https://x.org/a"); err != nil || s.BaseURL != "https://x.org/a/" {
		t.Errorf("SetBaseURL: %v %s", err, s.BaseURL)
	}
	if err := s.SetBaseURL("nope"); err == nil {
		t.Error("SetBaseURL accepted nope")
	}
}

func TestErrorsHavePositions(t *testing.T) {
	src := "\ufefftitle: T\r\noutput:\r\n  minify: \"no\"\r\ntimezone: Mars/Base\r\n"
	_, err := Parse([]byte(src))
	want := "site.yaml:3:11: output.minify: expected true or false, got the string \"no\"\nsite.yaml:4:11: timezone: unknown time zone \"Mars/Base\": use an IANA name like Europe/Berlin or UTC"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestRejectsAnchorsAndDeepNesting(t *testing.T) {
	if _, err := Parse([]byte("title: &t T\nparams: {a: *t}\n")); err == nil || !strings.Contains(err.Error(), "anchors") {
		t.Errorf("anchors: %v", err)
	}
	deep := "title: T\nparams: " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "\n"
	if _, err := Parse([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("deep nesting: %v", err)
	}
}
