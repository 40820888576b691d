package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lectern/lectern/generator/output"
)

// diffFilesRef is how the server diffed two sites before output.Mem.Diff:
// a merge of the sorted paths, Same for each common one.
func diffFilesRef(a, b *output.Mem) []string {
	var out []string
	pa, pb := a.ShallowPaths(), b.ShallowPaths()
	i, j := 0, 0
	for i < len(pa) || j < len(pb) {
		switch {
		case j >= len(pb) || (i < len(pa) && pa[i] < pb[j]):
			out = append(out, pa[i])
			i++
		case i >= len(pa) || pb[j] < pa[i]:
			out = append(out, pb[j])
			j++
		default:
			if !a.Same(b, pa[i]) {
				out = append(out, pa[i])
			}
			i++
			j++
		}
	}
	return out
}

// TestMemDiffMatchesMerge compares Mem.Diff with the merge on random pairs
// of sites: files kept, changed, added, removed, shared bytes, lazy files
// and lazy folders.
func TestMemDiffMatchesMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		a, b := output.NewMem(), output.NewMem()
		shared := []byte("shared")
		for i := range 60 {
			p := fmt.Sprintf("p%02d/index.html", i)
			switch r.IntN(7) {
			case 0: // only in a
				_ = a.Write(p, []byte("x"))
			case 1: // only in b
				_ = b.Write(p, []byte("x"))
			case 2: // same bytes, shared
				_ = a.Write(p, shared)
				_ = b.Write(p, shared)
			case 3: // equal bytes, not shared
				_ = a.Write(p, []byte("eq"))
				_ = b.Write(p, []byte("eq"))
			case 4: // different bytes
				_ = a.Write(p, []byte("one"))
				_ = b.Write(p, []byte("two"))
			case 5: // lazy, same or different key
				_ = a.WriteLazy(p, &output.Lazy{Key: 1})
				_ = b.WriteLazy(p, &output.Lazy{Key: uint64(1 + r.IntN(2))})
			case 6: // a file in one, lazy in the other
				_ = a.Write(p, []byte("x"))
				_ = b.WriteLazy(p, &output.Lazy{Key: 1})
			}
		}
		if r.IntN(2) == 0 {
			_ = a.WriteLazyDir("search/", &output.LazyDir{Key: 7})
		}
		if r.IntN(2) == 0 {
			_ = b.WriteLazyDir("search/", &output.LazyDir{Key: uint64(7 + r.IntN(2))})
		}
		if got, want := a.Diff(b), diffFilesRef(a, b); !slices.Equal(got, want) {
			t.Fatalf("round %d:\n Diff  %q\n merge %q", round, got, want)
		}
	}
}
