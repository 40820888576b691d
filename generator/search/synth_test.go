package search

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// synthVocab is a vocabulary of pseudo-words, a few real ones first (so the
// most frequent words look like a course's), then made-up ones.
func synthVocab(n int) []string {
	real := strings.Fields(`request server data database cache query http api client
		response error test service user code system table index lock header
		transaction schema migration queue message worker deploy log metric trace
		latency throughput token session password secret key value json rest
		endpoint route handler middleware proxy load balancer replica shard
		backup restore monitor alert incident review design pattern module lesson`)
	syll := strings.Fields("ka to ri ne mo su la pe di go ba fu chi ro en an ter ion ing ex pro con ver")
	r := rand.New(rand.NewPCG(42, 42))
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for _, w := range real {
		seen[w] = true
		out = append(out, w)
	}
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// synthPages makes n pages of about words words each, in modules of 100,
// with word frequencies following Zipf's law like real prose. Stop words
// are sprinkled in (the tokeniser has to skip them).
func synthPages(n, words int, seed uint64) []Page {
	vocab := synthVocab(60000)
	stop := strings.Fields("the of and to a in is that for it as with on be by this are or")
	r := rand.New(rand.NewPCG(seed, 1))
	zipf := rand.NewZipf(r, 1.08, 4, uint64(len(vocab)-1))
	word := func() string {
		if r.IntN(3) == 0 {
			return stop[r.IntN(len(stop))]
		}
		return vocab[zipf.Uint64()]
	}
	phrase := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			w := word()
			ws[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		return strings.Join(ws, " ")
	}
	pages := make([]Page, n)
	for i := range pages {
		p := &pages[i]
		p.Title = phrase(2 + r.IntN(4))
		p.URL = "/course/m" + strconv.Itoa(i/100) + "/lesson-" + strconv.Itoa(i) + "/"
		p.Module = "Module " + strconv.Itoa(i/100)
		if r.IntN(2) == 0 {
			p.Description = phrase(8 + r.IntN(8))
		}
		nsec := 1 + words/190
		for s := range nsec {
			var b strings.Builder
			for w := 0; w < words/nsec; w++ {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(word())
				if r.IntN(12) == 0 {
					b.WriteString(".")
				} else if r.IntN(20) == 0 {
					b.WriteString(",")
				}
			}
			sec := Section{Text: b.String()}
			if s > 0 {
				sec.Title = phrase(2 + r.IntN(3))
				sec.ID = "s" + strconv.Itoa(s)
			}
			p.Sections = append(p.Sections, sec)
		}
	}
	return pages
}

var (
	synth10kOnce sync.Once
	synth10k     []Page
)

// pages10k is the 10,000-page synthetic course: 1,500 words a page.
func pages10k() []Page {
	synth10kOnce.Do(func() { synth10k = synthPages(10000, 1500, 10) })
	return synth10k
}

func BenchmarkBuild10k(b *testing.B) {
	pages := pages10k()
	var files []File
	cpu := cpuTime()
	for b.Loop() {
		files = Build(pages)
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	s := measure(files)
	b.ReportMetric(float64(s.raw), "index-bytes")
	b.ReportMetric(float64(s.gz), "index-gz-bytes")
	b.ReportMetric(float64(s.shardMax), "max-shard-gz-bytes")
	b.ReportMetric(float64(s.shardMed), "median-shard-gz-bytes")
	b.ReportMetric(float64(s.files), "files")
}

func TestIndex10kSizes(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 pages: not in -short")
	}
	files := Build(pages10k())
	s := measure(files)
	t.Logf("10,000 pages × 1,500 words: %v", s)
	// What a query loads must stay small whatever the course size.
	if s.shardMed > 16<<10 || s.metaGz > 32<<10 || s.chunkMax > 16<<10 {
		t.Errorf("shards or chunks too big: %v", s)
	}
}
