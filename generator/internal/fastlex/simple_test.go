package fastlex

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/alecthomas/chroma/v2/lexers"
)

// TestProgsMatchRegexp2 runs every rule that has a prog, of every lexer,
// at every position of its sample and of the mixed inputs where the lexer
// may try it, with the prog and with regexp2, and compares the match and
// its groups.
func TestProgsMatchRegexp2(t *testing.T) {
	samples := chromaSamples(t)
	extra := strings.Join(mixed, "\n") + "\n\u00e9\u212a\u0130x\n\n \t\r\n\"'`\\"
	progs, rules, compared, undecided := 0, 0, 0, 0
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		f, ok := Wrap(l).(*Lexer)
		if !ok {
			continue
		}
		text := extra
		if s, ok := samples[strings.ToLower(l.Config().Name)]; ok {
			text = s + "\n" + extra
		}
		runes := []rune(text)
		if len(runes) > 4000 {
			runes = runes[len(runes)-4000:] // keep the test quick: the end holds the mixed input
		}
		seen := map[*rule]bool{}
		for _, st := range f.states {
			for _, r := range st.rules {
				if seen[r] {
					continue
				}
				seen[r] = true
				rules++
				if r.prog == nil {
					continue
				}
				progs++
				caps, scratch := make([]int, 2*r.prog.groups), make([]int, r.prog.groups+r.prog.loops)
				for pos := 0; pos <= len(runes); pos++ {
					if pos < len(runes) && !r.canStart(runes[pos], unicode.ToLower(runes[pos])) {
						continue // never tried here
					}
					ok, decided := r.prog.match(runes, pos, caps, scratch)
					if !decided {
						undecided++
						continue
					}
					m, err := r.Regexp.FindRunesMatchStartingAt(runes, pos)
					want := m != nil && err == nil && m.RuneIndex == pos
					compared++
					if ok != want {
						t.Fatalf("%s: %q at %d (%q): prog %v, regexp2 %v", l.Config().Name, r.Pattern, pos, string(runes[pos:min(pos+20, len(runes))]), ok, want)
					}
					if !ok {
						continue
					}
					var wantCaps []int
					for _, g := range m.Groups() {
						wantCaps = append(wantCaps, g.RuneIndex, g.RuneIndex+g.RuneLength)
					}
					if caps[1] != pos+m.RuneLength || !slices.Equal(caps, wantCaps) {
						t.Fatalf("%s: %q at %d: prog groups %v, regexp2 %v", l.Config().Name, r.Pattern, pos, caps, wantCaps)
					}
				}
			}
		}
	}
	t.Logf("%d of %d rules have a prog; %d matches compared, %d left to regexp2 (too many steps)", progs, rules, compared, undecided)
	if progs < rules/4 {
		t.Errorf("only %d of %d rules have a prog", progs, rules)
	}
}
