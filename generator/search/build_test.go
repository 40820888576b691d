package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lectern/lectern/generator/output"
)

type meta struct {
	Version  int      `json:"version"`
	Hash     string   `json:"hash"`
	Pages    int      `json:"pages"`
	PerChunk int      `json:"perChunk"`
	Shards   []string `json:"shards"`
}

// index is Build's output read back, as search.js reads it.
type index struct {
	meta   meta
	shards map[string]map[string][]int // key → term → postings
	chunks map[int][]json.RawMessage
}

func readIndex(t testing.TB, files []File) index {
	t.Helper()
	ix := index{shards: map[string]map[string][]int{}, chunks: map[int][]json.RawMessage{}}
	byPath := map[string][]byte{}
	for _, f := range files {
		if !json.Valid(f.Data) {
			t.Fatalf("%s: invalid JSON: %.200s", f.Path, f.Data)
		}
		if _, dup := byPath[f.Path]; dup {
			t.Fatalf("%s written twice", f.Path)
		}
		byPath[f.Path] = f.Data
	}
	if err := json.Unmarshal(byPath[Dir+"meta.json"], &ix.meta); err != nil {
		t.Fatal(err)
	}
	for _, k := range ix.meta.Shards {
		p := Dir + "t/" + shardFile(k) + ".json"
		data, ok := byPath[p]
		if !ok {
			t.Fatalf("meta.json lists shard %q but %s is missing", k, p)
		}
		delete(byPath, p)
		var terms map[string][]int
		if err := json.Unmarshal(data, &terms); err != nil {
			t.Fatal(err)
		}
		ix.shards[k] = terms
	}
	for n := 0; n*ix.meta.PerChunk < ix.meta.Pages; n++ {
		p := fmt.Sprintf("%sd/%d.json", Dir, n)
		var pages []json.RawMessage
		if err := json.Unmarshal(byPath[p], &pages); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		delete(byPath, p)
		ix.chunks[n] = pages
	}
	delete(byPath, Dir+"meta.json")
	for p := range byPath {
		t.Errorf("%s is not reachable from meta.json", p)
	}
	return ix
}

// shardOf is the key of the shard that holds term: its longest key prefix.
func (ix index) shardOf(term string) string {
	for n := len(term); n > 0; n-- {
		if _, ok := ix.shards[term[:n]]; ok && utf8.ValidString(term[:n]) {
			return term[:n]
		}
	}
	return ""
}

type hit struct{ page, sec, w int }

// postings decodes a term's list.
func (ix index) postings(term string) []hit {
	list := ix.shards[ix.shardOf(term)][term]
	var out []hit
	page := 0
	for j := 0; j < len(list); {
		x := list[j]
		j++
		page += x >> 1
		k := 1
		if x&1 == 0 {
			k = list[j]
			j++
		}
		for ; k > 0; k-- {
			out = append(out, hit{page, list[j] >> 3, list[j] & 7})
			j++
		}
	}
	return out
}

func TestBuildWeightsTitleOverHeadingOverText(t *testing.T) {
	pages := []Page{
		{URL: "/a/", Title: "Conditional requests with ETag", Sections: []Section{{Text: "Intro."}, {ID: "x", Title: "X", Text: "An etag here."}}},
		{URL: "/b/", Title: "Caching", Sections: []Section{{Text: "Intro."}, {ID: "v", Title: "ETags and validators", Text: "Validators."}}},
		{URL: "/c/", Title: "Other", Sections: []Section{{Text: "ETag etag ETag ETAG etag."}}},
		{URL: "/d/", Title: "Described", Description: "About the ETag header."},
		{URL: "/e/", Title: "Once", Sections: []Section{{}, {ID: "s", Title: "S", Text: "One etag."}}},
	}
	ix := readIndex(t, Build(pages))
	want := []hit{{0, 0, 7}, {0, 1, 1}, {1, 1, 5}, {2, 0, 3}, {3, 0, 4}, {4, 1, 1}}
	if got := ix.postings("etag"); !reflect.DeepEqual(got, want) {
		t.Errorf("postings of etag = %v, want %v", got, want)
	}
	if got := ix.postings("validator"); !reflect.DeepEqual(got, []hit{{1, 1, 6}}) {
		t.Errorf("postings of validator = %v (heading and text: weight 6)", got)
	}
	if ix.meta.Pages != 5 || ix.meta.Version != Version || len(ix.meta.Hash) != 12 {
		t.Errorf("meta = %+v", ix.meta)
	}
}

func TestBuildDisplayChunks(t *testing.T) {
	long := strings.Repeat("word ", 100)
	pages := []Page{
		{URL: "/a/", Title: "A \"quoted\" title", Module: "M", Description: "The description.",
			Sections: []Section{{Text: "Intro text."}, {ID: "one", Title: "One", Text: long}}},
		{URL: "/b/", Title: "B", Sections: nil},
	}
	ix := readIndex(t, Build(pages))
	var got []any
	if err := json.Unmarshal(ix.chunks[0][0], &got); err != nil {
		t.Fatal(err)
	}
	snip := strings.Repeat("word ", 23) + "word…"
	want := []any{"/a/", "A \"quoted\" title", "M", []any{"", "", "The description.", "one", "One", snip}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("page 0 display data:\n got %q\nwant %q", got, want)
	}
	if err := json.Unmarshal(ix.chunks[0][1], &got); err != nil {
		t.Fatal(err)
	}
	if want := []any{"/b/", "B", "", []any{"", "", ""}}; !reflect.DeepEqual(got, want) {
		t.Errorf("page without sections: %q", got)
	}
}

func TestSnippet(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four", 10, "one two…"},
		{"éééééééééééé", 5, "ééééé…"},
		{"cut here, please", 10, "cut here…"},
	} {
		if got := snippet(c.in, c.n); got != c.want {
			t.Errorf("snippet(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// shardFileCases are shard keys and their file names; search.js must agree
// (TestBrowserTokensMatchGo).
var shardFileCases = map[string]string{
	"ab": "ab", "c+": "c-2b-", ".n": "-2e-n", "東": "-6771-", "é9": "-e9-9",
	"con": "con_", "prn": "prn_", "aux": "aux_", "nul": "nul_", "com1": "com1_", "lpt9": "lpt9_",
	"cons": "cons", "com": "com", "com0": "com0", "lpt10": "lpt10", "co": "co",
}

func TestShardFileNames(t *testing.T) {
	for key, want := range shardFileCases {
		if got := shardFile(key); got != want {
			t.Errorf("shardFile(%q) = %q, want %q", key, got, want)
		}
		if err := output.CheckPath(Dir + "t/" + shardFile(key) + ".json"); err != nil {
			t.Errorf("shard %q: %v", key, err)
		}
	}
}

// TestShardsSplitByPrefix builds a corpus with a tiny budget and checks the
// rules search.js relies on: every term is in the shard of its longest key
// prefix, shards stay under budget unless they cannot be split, and keys
// have at least one character.
func TestShardsSplitByPrefix(t *testing.T) {
	pages := synthPages(300, 200, 1)
	lim := limits{shardBytes: 2 << 10, chunkBytes: 4 << 10, snippetRunes: 80}
	files := build(pages, lim)
	ix := readIndex(t, files)
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	if len(ix.shards) < 50 {
		t.Fatalf("only %d shards: the budget did not split", len(ix.shards))
	}
	if !slices.IsSorted(ix.meta.Shards) {
		t.Error("meta.json's shards are not sorted")
	}
	terms := 0
	for key, sh := range ix.shards {
		if key == "" {
			t.Error("empty shard key")
		}
		if len(sh) == 0 {
			t.Errorf("shard %q is empty", key)
		}
		for term := range sh {
			terms++
			if got := ix.shardOf(term); got != key {
				t.Errorf("term %q is in shard %q, but its longest key prefix is %q", term, key, got)
			}
		}
		if size := len(byPath[Dir+"t/"+shardFile(key)+".json"]); size > lim.shardBytes && len(sh) > 1 {
			t.Errorf("shard %q has %d terms, %d bytes: over the budget and splittable", key, len(sh), size)
		}
	}
	// Every term of every page is findable.
	for i, p := range pages[:20] {
		for _, s := range p.Sections {
			for _, term := range Tokens(s.Text) {
				if !slices.ContainsFunc(ix.postings(term), func(h hit) bool { return h.page == i }) {
					t.Fatalf("page %d: term %q not found", i, term)
				}
			}
		}
	}
	t.Logf("%d terms in %d shards", terms, len(ix.shards))
}

func TestBuildIsDeterministic(t *testing.T) {
	pages := synthPages(1500, 300, 7) // three batches
	first := Build(pages)
	for range 5 {
		// Each run ranges over fresh maps in a new random order.
		again := Build(pages)
		if len(again) != len(first) {
			t.Fatalf("%d files, then %d", len(first), len(again))
		}
		for i := range first {
			if first[i].Path != again[i].Path || !bytes.Equal(first[i].Data, again[i].Data) {
				t.Fatalf("%s differs between two builds of the same pages", first[i].Path)
			}
		}
	}
	// The number of workers does not show either.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for i, f := range Build(pages) {
		if !bytes.Equal(f.Data, first[i].Data) {
			t.Fatalf("%s differs with GOMAXPROCS=1", f.Path)
		}
	}
	runtime.GOMAXPROCS(4)
	for i, f := range Build(pages) {
		if !bytes.Equal(f.Data, first[i].Data) {
			t.Fatalf("%s differs with GOMAXPROCS=4", f.Path)
		}
	}

	// A changed page changes the hash, so browsers fetch the new shards.
	pages[3].Sections = append(pages[3].Sections, Section{ID: "new", Title: "New", Text: "brand new words"})
	if bytes.Equal(Build(pages)[0].Data, first[0].Data) {
		t.Error("meta.json (and its hash) did not change with the content")
	}
}

func TestBuildEmpty(t *testing.T) {
	files := Build(nil)
	ix := readIndex(t, files)
	if ix.meta.Pages != 0 || len(ix.shards) != 0 {
		t.Errorf("empty index: %+v", ix.meta)
	}
}
