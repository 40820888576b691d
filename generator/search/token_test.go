package search

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// tokenCase is a tokeniser case; testdata/tokens.json holds them for the
// browser test too, which checks search.js against the same table.
type tokenCase struct {
	In   string   `json:"in"`
	Want []string `json:"want"`
}

func tokenCases(t *testing.T) []tokenCase {
	t.Helper()
	data, err := os.ReadFile("testdata/tokens.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []tokenCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestTokens(t *testing.T) {
	for _, c := range tokenCases(t) {
		got := Tokens(c.In)
		if len(got) == 0 && len(c.Want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, c.Want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.In, got, c.Want)
		}
	}
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ETag", "etag"},
		{"Café Crème", "cafe creme"},
		{"Straße", "strasse"},
		{"ﬁle ² Ｈｅｌｌｏ", "file 2 hello"},
		{"İstanbul", "istanbul"},
		{"ΟΔΟΣ", "οδοσ"},
		{"Øresund Łódź", "oresund lodz"},
	} {
		if got := fold(c.in); got != c.want {
			t.Errorf("fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStem(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"headers", "header"}, {"queries", "query"}, {"processes", "process"}, {"caches", "cache"},
		{"class", "class"}, {"status", "status"}, {"redis", "redis"}, {"https", "http"},
		{"was", "was"}, {"ties", "tie"}, {"keys", "key"}, {"series", "sery"}, {"node.js", "node.js"},
	} {
		if got := stem(c.in); got != c.want {
			t.Errorf("stem(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStopWordsFitFastPath(t *testing.T) {
	for w := range stopWords {
		if len(w) > maxStopWord {
			t.Errorf("stop word %q is longer than maxStopWord (%d bytes): tokenize would keep it", w, maxStopWord)
		}
		if got := Tokens(w); len(got) != 0 {
			t.Errorf("Tokens(%q) = %q, want nothing", w, got)
		}
	}
}
