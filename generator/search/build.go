// Package search builds lectern's full-text search index: pages' plain text
// (see Extract) in, static JSON files under the site path search/ out, read
// by the theme's assets/js/search.js.
//
// The index is split so that a query loads a small part of it, whatever the
// size of the course:
//
//	search/meta.json    {"version":1,"hash":"…","pages":N,"perChunk":C,"shards":["a","b","co",…]}
//	search/t/<key>.json postings of the terms whose longest shard key is <key>:
//	                    {"term":[2d+1,c, 2d,k,c1,…,ck, …],…}
//	search/d/<n>.json   display data of pages n*C … n*C+C-1 in course order:
//	                    [[url,title,module,[id,title,snippet, id,title,snippet,…]],…]
//
// A term's postings list the pages it occurs in, in course order: d is the
// page number's increase over the previous entry's (the first from 0); an
// odd first number means one section of the page holds the term, an even
// one is followed by k, the number of sections (at most 4, the strongest).
// Each c is section*8+weight, weight 1–7: 7 the page title, 5–6 a section
// heading, 4 the description, 1–3 the term's frequency in the section's
// text (1, 2–3, 4 or more). Section 0 is the page's intro; title and
// description hits count there, and its snippet is the description when
// there is one. Snippets are the first 120 characters of a section's text.
//
// Shard keys are term prefixes; a term belongs to the shard with the longest
// key it starts with. Keys have at least one character and are made longer
// where a shard would exceed a size budget, so every shard stays small but
// the one of a single very common term. File names spell keys with [a-z0-9]
// as they are and any other character as -hex-: "c+" → "c-2b-".
//
// Clients fetch meta.json fresh and the other files with "?v=<hash>", which
// changes whenever any of them does.
package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Dir is the site path of the index.
const Dir = "search/"

// Version is the format of the index files, in meta.json.
const Version = 1

// Page is one searchable page.
type Page struct {
	URL         string // site path with the base path: "/backend/foundations/apis/"
	Title       string // plain text
	Module      string // the module's title, shown with the result ("" for none)
	Description string // front matter description: indexed, and the intro's excerpt
	Sections    []Section
}

// File is an index file. Path is relative to the site root: "search/meta.json".
type File struct {
	Path string
	Data []byte
}

// Weights of a term in a section (see the package comment).
const (
	weightTitle       = 7
	weightHeading     = 5 // 6 when the text has it too
	weightDescription = 4
	maxSections       = 1 << 12
	// maxSectionsPerTerm bounds a page's entry in a postings list. Words
	// found all over a page would otherwise list every section, which makes
	// the lists of common words (the largest shards) half again as long;
	// the strongest few are the ones a result shows.
	maxSectionsPerTerm = 4
)

// limits are the size targets: package constants in Build, smaller in tests.
type limits struct {
	shardBytes   int // a shard file is split by longer prefixes above this
	chunkBytes   int // target size of a display chunk
	snippetRunes int // longest excerpt source per section
}

var defaultLimits = limits{shardBytes: 24 << 10, chunkBytes: 4 << 10, snippetRunes: 120}

// Build writes the index of pages, given in course order. The same pages
// give the same bytes.
func Build(pages []Page) []File {
	return build(pages, defaultLimits)
}

// postings is one term's list while it is built.
type postings struct {
	last int // page number of the last entry
	data []byte
}

func build(pages []Page, lim limits) []File {
	// Pages are read in parallel into their own slots, a batch at a time
	// (bounded memory); then each worker appends the entries of its own
	// share of the terms, page by page in course order. Nothing depends on
	// scheduling.
	const batch = 512
	workers := max(1, min(runtime.GOMAXPROCS(0), 16))
	perPage := make([][]termPosting, min(batch, len(pages)))
	scratch := make([]termScratch, workers)
	terms := make([]map[string]*postings, workers)
	for w := range terms {
		terms[w] = map[string]*postings{}
	}
	for first := 0; first < len(pages); first += batch {
		n := min(batch, len(pages)-first)
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
					perPage[i] = scratch[w].page(&pages[first+i])
				}
			})
		}
		wg.Wait()
		for w := range workers {
			wg.Go(func() {
				for j, tps := range perPage[:n] {
					for _, tp := range tps {
						if (int(tp.term[0])+int(tp.term[len(tp.term)-1]))%workers != w {
							continue
						}
						if p := terms[w][tp.term]; p != nil {
							appendPosting(p, tp, first+j)
						} else {
							// A copy: the term is a slice of the page's whole text.
							terms[w][strings.Clone(tp.term)] = appendPosting(nil, tp, first+j)
						}
					}
				}
			})
		}
		wg.Wait()
	}

	// Entries in term order: every output below follows this order, never
	// the maps'.
	var entries []entry
	for _, m := range terms {
		for t, p := range m {
			entries = append(entries, entry{term: t, data: p.data})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.term, b.term) })

	var files []File
	var keys []string
	for _, sh := range splitShards(entries, lim.shardBytes) {
		keys = append(keys, sh.key)
		files = append(files, File{Path: Dir + "t/" + shardFile(sh.key) + ".json", Data: shardJSON(sh.entries)})
	}
	perChunk := chunkSize(pages, lim)
	for n := 0; n*perChunk < len(pages); n++ {
		chunk := pages[n*perChunk : min(len(pages), (n+1)*perChunk)]
		files = append(files, File{Path: Dir + "d/" + strconv.Itoa(n) + ".json", Data: chunkJSON(chunk, lim.snippetRunes)})
	}

	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Path, len(f.Data))
		h.Write(f.Data)
	}
	meta := []byte(`{"version":` + strconv.Itoa(Version) + `,"hash":"` + hex.EncodeToString(h.Sum(nil))[:12] +
		`","pages":` + strconv.Itoa(len(pages)) + `,"perChunk":` + strconv.Itoa(perChunk) + `,"shards":[`)
	for i, k := range keys {
		if i > 0 {
			meta = append(meta, ',')
		}
		meta = appendString(meta, k)
	}
	meta = append(meta, "]}"...)
	return append([]File{{Path: Dir + "meta.json", Data: meta}}, files...)
}

// appendPosting adds tp, the entry of page i, to p (nil for a new term).
func appendPosting(p *postings, tp termPosting, i int) *postings {
	if p == nil {
		p = &postings{}
	} else {
		p.data = append(p.data, ',')
	}
	// One section (the common case) is told by the low bit, saving k.
	if d := i - p.last; len(tp.codes) == 1 {
		p.data = strconv.AppendInt(p.data, int64(2*d+1), 10)
	} else {
		p.data = strconv.AppendInt(p.data, int64(2*d), 10)
		p.data = append(p.data, ',')
		p.data = strconv.AppendInt(p.data, int64(len(tp.codes)), 10)
	}
	p.last = i
	for _, c := range tp.codes {
		p.data = append(p.data, ',')
		p.data = strconv.AppendInt(p.data, int64(c), 10)
	}
	return p
}

// termPosting is one term of one page with its section codes.
type termPosting struct {
	term  string
	codes []uint16
}

// termStat is what a page says about a term in one section.
type termStat struct {
	sec                  int
	text                 int
	heading, title, desc bool
}

// termScratch holds the maps of one worker, reused from page to page.
type termScratch struct {
	index map[string]int // term → position in stats
	terms []string
	stats [][]termStat // per term, by section (sections are read in order)
}

// page returns the terms of p with their sections and weights.
func (s *termScratch) page(p *Page) []termPosting {
	if s.index == nil {
		s.index = map[string]int{}
	}
	clear(s.index)
	s.terms = s.terms[:0]
	s.stats = s.stats[:0]
	stat := func(term string, sec int) *termStat {
		i, ok := s.index[term]
		if !ok {
			i = len(s.terms)
			s.index[term] = i
			s.terms = append(s.terms, term)
			if i < cap(s.stats) {
				s.stats = s.stats[:i+1]
				s.stats[i] = s.stats[i][:0]
			} else {
				s.stats = append(s.stats, nil)
			}
		}
		st := s.stats[i]
		if n := len(st); n > 0 && st[n-1].sec == sec {
			return &st[n-1]
		}
		s.stats[i] = append(st, termStat{sec: sec})
		return &s.stats[i][len(st)]
	}
	secs := p.Sections
	if len(secs) > maxSections {
		secs = secs[:maxSections]
	}
	tokenize(fold(p.Title), func(t string) { stat(t, 0).title = true })
	tokenize(fold(p.Description), func(t string) { stat(t, 0).desc = true })
	for i, sec := range secs {
		tokenize(fold(sec.Title), func(t string) { stat(t, i).heading = true })
		tokenize(fold(sec.Text), func(t string) { stat(t, i).text++ })
	}
	// In first-seen order: the merge appends each term's entry to its own
	// list, so the order of terms within a page never shows.
	out := make([]termPosting, len(s.terms))
	codes := make([]uint16, 0, len(s.terms)*2)
	for i, term := range s.terms {
		start := len(codes)
		for _, st := range s.stats[i] {
			codes = append(codes, uint16(st.sec<<3|weight(&st)))
		}
		if c := codes[start:]; len(c) > maxSectionsPerTerm {
			// Keep the strongest sections (the earlier ones on ties), in
			// section order.
			slices.SortStableFunc(c, func(a, b uint16) int { return cmp.Compare(b&7, a&7) })
			slices.Sort(c[:maxSectionsPerTerm])
			codes = codes[:start+maxSectionsPerTerm]
		}
		out[i] = termPosting{term: term, codes: codes[start:len(codes):len(codes)]}
	}
	return out
}

func weight(st *termStat) int {
	w := min(st.text, 3)
	if st.text == 3 {
		w = 2
	}
	if st.heading {
		w = weightHeading + min(w, 1)
	}
	if st.desc {
		w = max(w, weightDescription)
	}
	if st.title {
		w = weightTitle
	}
	return w
}

// entry is a term's JSON postings.
type entry struct {
	term string
	data []byte // the array's contents, without brackets
}

func (e entry) size() int { return len(e.term) + len(e.data) + 6 }

type shard struct {
	key     string
	entries []entry
}

// splitShards groups sorted entries into shards by prefix: first by the
// first character, then by longer prefixes while a shard exceeds budget.
// Within an oversized prefix the largest groups (by next character) become
// shards of their own until the rest fits; the rest keeps the prefix as key.
func splitShards(entries []entry, budget int) []shard {
	var out []shard
	var split func(prefix string, es []entry)
	split = func(prefix string, es []entry) {
		total := 0
		for _, e := range es {
			total += e.size()
		}
		if prefix != "" && total <= budget {
			out = append(out, shard{prefix, es})
			return
		}
		// Group by the character after prefix; entries equal to prefix stay.
		type group struct {
			next   string
			es     []entry
			size   int
			ownKey bool
		}
		var groups []group
		rest := total
		var exact []entry
		for i := 0; i < len(es); {
			if es[i].term == prefix {
				exact = append(exact, es[i])
				i++
				continue
			}
			_, n := utf8.DecodeRuneInString(es[i].term[len(prefix):])
			next := es[i].term[:len(prefix)+n]
			j, size := i, 0
			for j < len(es) && strings.HasPrefix(es[j].term, next) {
				size += es[j].size()
				j++
			}
			groups = append(groups, group{next: next, es: es[i:j], size: size})
			i = j
		}
		if prefix == "" {
			for i := range groups {
				groups[i].ownKey = true
			}
		} else {
			bySize := make([]int, len(groups))
			for i := range bySize {
				bySize[i] = i
			}
			slices.SortStableFunc(bySize, func(a, b int) int { return cmp.Compare(groups[b].size, groups[a].size) })
			for _, i := range bySize {
				if rest <= budget {
					break
				}
				groups[i].ownKey = true
				rest -= groups[i].size
			}
		}
		// The rest first: output stays in key order, as meta.json lists it.
		restEntries := exact
		for _, g := range groups {
			if !g.ownKey {
				restEntries = append(restEntries, g.es...)
			}
		}
		if prefix != "" && len(restEntries) > 0 {
			out = append(out, shard{prefix, restEntries})
		}
		for _, g := range groups {
			if g.ownKey {
				split(g.next, g.es)
			}
		}
	}
	split("", entries)
	return out
}

// shardFile spells a shard key as a file name: [a-z0-9] as they are, any
// other character as -hex-, so names are safe on every file system and
// static host (none starts with "_" or ".", which GitHub Pages' Jekyll
// would drop).
func shardFile(key string) string {
	var b strings.Builder
	for _, r := range key {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteString("-" + strconv.FormatInt(int64(r), 16) + "-")
		}
	}
	// A shard keyed "con" or "lpt1" would be a device on Windows (and is
	// refused by the output layer): such names get a "_", which the escaping
	// above never produces. search.js's fileName does the same.
	switch name := b.String(); name {
	case "con", "prn", "aux", "nul":
		return name + "_"
	default:
		if len(name) == 4 && (name[:3] == "com" || name[:3] == "lpt") && '1' <= name[3] && name[3] <= '9' {
			return name + "_"
		}
		return name
	}
}

func shardJSON(es []entry) []byte {
	n := 2
	for _, e := range es {
		n += e.size()
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, e.term)
		b = append(b, ":["...)
		b = append(b, e.data...)
		b = append(b, ']')
	}
	return append(b, '}')
}

// chunkSize is the number of pages per display chunk: about lim.chunkBytes
// of display data each, from the average page.
func chunkSize(pages []Page, lim limits) int {
	if len(pages) == 0 {
		return 1
	}
	total := 0
	for i := range pages {
		total += len(pageJSON(nil, &pages[i], lim.snippetRunes))
	}
	return max(1, min(256, lim.chunkBytes*len(pages)/max(1, total)))
}

func chunkJSON(pages []Page, snippetRunes int) []byte {
	b := []byte{'['}
	for i := range pages {
		if i > 0 {
			b = append(b, ',')
		}
		b = pageJSON(b, &pages[i], snippetRunes)
	}
	return append(b, ']')
}

func pageJSON(b []byte, p *Page, snippetRunes int) []byte {
	b = append(b, '[')
	b = appendString(b, p.URL)
	b = append(b, ',')
	b = appendString(b, p.Title)
	b = append(b, ',')
	b = appendString(b, p.Module)
	b = append(b, ",["...)
	secs := p.Sections
	if len(secs) == 0 {
		secs = []Section{{}}
	}
	if len(secs) > maxSections {
		secs = secs[:maxSections]
	}
	for i, s := range secs {
		if i > 0 {
			b = append(b, ',')
		}
		text := s.Text
		if i == 0 && p.Description != "" {
			text = p.Description
		}
		b = appendString(b, s.ID)
		b = append(b, ',')
		b = appendString(b, s.Title)
		b = append(b, ',')
		b = appendString(b, snippet(text, snippetRunes))
	}
	return append(b, "]]"...)
}

// snippet cuts s to at most n runes at a word boundary, marking the cut
// with an ellipsis.
func snippet(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := len(s), 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,.;:") + "…"
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&15])
		case r == 0x2028 || r == 0x2029:
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
