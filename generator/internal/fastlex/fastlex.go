// Package fastlex runs chroma's regular-expression lexers faster while
// producing exactly chroma's tokens.
//
// A chroma lexer is a state machine of rules; at each position it tries the
// current state's rules in order, each a regexp2 regular expression anchored
// with \G, and takes the first that matches. Profiles of code-heavy courses
// show almost all of highlighting's time in that loop: regexp2 starts its
// interpreter for every rule at every token, because an anchored pattern
// skips its own first-character test, and a keyword list of 800 words (SQL)
// is tried one alternative at a time.
//
// This package keeps chroma's rules, emitters, mutators and regular
// expressions, and changes only how a rule is tried and how its match
// becomes tokens:
//
//   - a rule whose pattern cannot start with the current character (regexp2's
//     own first-character analysis of the same pattern) is not run;
//   - a rule that is a list of literal words, as chroma.Words writes them
//     ("(break|case|chan)\b", case-insensitive or not), is matched with a
//     trie, with the backtracking engine's semantics: the first alternative
//     in pattern order that matches and satisfies the word boundary wins;
//   - most rules are matched by a prog (simple.go), a backtracking matcher
//     built from regexp2's parse tree of the same pattern for the nodes it
//     can run exactly as regexp2's runner does, without regexp2's per-call
//     Match, groups and strings; a rule anchored by a leading ^ is not
//     tried off the start of a line;
//   - token values are substrings of the text, not new strings, and rules
//     built of chroma's own emitters and mutators get no NamedGroups map
//     (only ByGroupNames reads it) and tokens without iterators (emit.go).
//
// Everything else is chroma's LexerState.Iterator, step for step. The tests
// compare tokens with chroma's on chroma's own sample files for every
// lexer, and a fuzz target on random input; every prog is compared with
// regexp2 directly.
package fastlex

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// Lexer is a chroma lexer that tokenises like the RegexLexer it wraps.
type Lexer struct {
	orig     *chroma.RegexLexer
	registry *chroma.LexerRegistry
	states   map[string]*state
	compiled chroma.CompiledRules // the same rules as chroma sees them, for emitters that look (ByGroupNames)
}

// state is one state's rules, and for each ASCII character the rules that
// can start with it, in order.
type state struct {
	rules []*rule
	ascii [128][]uint16
}

type rule struct {
	*chroma.CompiledRule
	first     *syntax.Prefix // nil: any character may start a match
	words     *words         // non-nil: a literal word list
	prog      *prog          // non-nil: matched without regexp2 (simple.go)
	bol       bool           // every match starts a line (a leading ^ in multiline mode)
	beginning bool           // every match starts the text
	emission                 // how the rule's tokens are made (emit.go)
}

const matchTimeout = 5 * time.Second

// rewritesRules names lexers whose mutators change the compiled rules while
// lexing (through LexerState.Rules), which fastlex's own rule lists would
// not see: chroma runs them.
var rewritesRules = map[string]bool{"Raku": true}

var cache sync.Map // *chroma.RegexLexer → *Lexer or error

// Wrap returns a faster lexer with the same tokens as l, or l itself when
// it is not one of chroma's regular-expression lexers (or its rules cannot
// be prepared). Wrapped lexers are built once per lexer and shared; they
// are safe for concurrent use, as chroma's are.
func Wrap(l chroma.Lexer) chroma.Lexer {
	rl, ok := l.(*chroma.RegexLexer)
	if !ok || rewritesRules[rl.Config().Name] {
		return l
	}
	if v, ok := cache.Load(rl); ok {
		if f, ok := v.(*Lexer); ok {
			return f
		}
		return l
	}
	f, err := New(rl, lexers.GlobalLexerRegistry)
	if err != nil {
		cache.Store(rl, err)
		return l
	}
	v, _ := cache.LoadOrStore(rl, f)
	if f, ok := v.(*Lexer); ok {
		return f
	}
	return l
}

// New prepares rl's rules. registry is what rules that delegate to another
// language by name (chroma.Using) look it up in: the registry rl was
// registered with, which for lexers.Get's lexers is lexers.GlobalLexerRegistry.
func New(rl *chroma.RegexLexer, registry *chroma.LexerRegistry) (*Lexer, error) {
	raw, err := rl.Rules()
	if err != nil {
		return nil, err
	}
	cfg := rl.Config()
	flags := ""
	if !cfg.NotMultiline {
		flags += "m"
	}
	if cfg.CaseInsensitive {
		flags += "i"
	}
	if cfg.DotAll {
		flags += "s"
	}
	// As chroma's RegexLexer.maybeCompile: the same patterns, the same
	// slices built the same way (include mutators splice them), then the
	// lexer mutators applied until none is left.
	compiled := chroma.CompiledRules{}
	prepared := map[*chroma.CompiledRule]*rule{}
	for state, rs := range raw {
		compiled[state] = nil
		for _, r := range rs {
			pattern := "(?:" + r.Pattern + ")"
			if flags != "" {
				pattern = "(?" + flags + ")" + pattern
			}
			pattern = `\G` + pattern
			re, err := regexp2.Compile(pattern)
			if err != nil {
				return nil, fmt.Errorf("%s: rule %s: %w", cfg.Name, state, err)
			}
			// chroma gives each match 250 ms, then treats the rule as not
			// matching: on a loaded machine that makes the colours depend
			// on the load. A match takes microseconds; the limit only has
			// to stop a runaway expression.
			re.MatchTimeout = matchTimeout
			cr := &chroma.CompiledRule{Rule: r, Regexp: re}
			pr := &rule{CompiledRule: cr}
			// The same parse as regexp2.Compile's (default options).
			if tree, err := syntax.Parse(pattern, syntax.ParseOptions{}); err == nil {
				pr.prog = newProg(tree)
				pr.bol, pr.beginning = leadingAnchor(tree)
				if code, err := syntax.Write(tree); err == nil {
					pr.first = code.FcPrefix
					if code.Caps != nil || pr.prog != nil && code.Capsize != pr.prog.groups {
						pr.prog = nil
					}
				} else {
					pr.prog = nil
				}
			}
			pr.words = parseWords(r.Pattern, cfg.CaseInsensitive)
			prepared[cr] = pr
			compiled[state] = append(compiled[state], cr)
		}
	}
restart:
	seen := map[chroma.LexerMutator]bool{}
	for state := range compiled {
		for i := range len(compiled[state]) {
			r := compiled[state][i]
			if m, ok := r.Mutator.(chroma.LexerMutator); ok {
				if seen[m] {
					return nil, fmt.Errorf("%s: mutator %T seen twice", cfg.Name, m)
				}
				seen[m] = true
				if err := m.MutateLexer(compiled, state, i); err != nil {
					return nil, err
				}
				goto restart
			}
		}
	}
	f := &Lexer{orig: rl, registry: registry, states: make(map[string]*state, len(compiled)), compiled: compiled}
	for name, rs := range compiled {
		st := &state{rules: make([]*rule, len(rs))}
		for i, r := range rs {
			st.rules[i] = prepared[r]
			// After the lexer mutators, which may change a rule's mutator
			// (Combined becomes Push).
			st.rules[i].emission = newEmission(r)
		}
		if len(rs) <= 1<<16 {
			for c := rune(0); c < 128; c++ {
				for i, r := range st.rules {
					if r.canStart(c, unicode.ToLower(c)) {
						st.ascii[c] = append(st.ascii[c], uint16(i))
					}
				}
			}
		}
		f.states[name] = st
	}
	return f, nil
}

// Config, AnalyseText, SetRegistry and SetAnalyser make Lexer a chroma.Lexer.
func (f *Lexer) Config() *chroma.Config                        { return f.orig.Config() }
func (f *Lexer) AnalyseText(text string) float32               { return f.orig.AnalyseText(text) }
func (f *Lexer) SetAnalyser(func(string) float32) chroma.Lexer { return f }
func (f *Lexer) SetRegistry(r *chroma.LexerRegistry) chroma.Lexer {
	f.registry = r
	return f
}

var defaultOptions = &chroma.TokeniseOptions{State: "root", EnsureLF: true}

// Tokenise is chroma's RegexLexer.Tokenise.
func (f *Lexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	return f.iterator(options, text).next, nil
}

func (f *Lexer) iterator(options *chroma.TokeniseOptions, text string) *iterator {
	if options == nil {
		options = defaultOptions
	}
	if options.EnsureLF {
		text = ensureLF(text)
	}
	newlineAdded := false
	if !options.Nested && f.orig.Config().EnsureNL && !strings.HasSuffix(text, "\n") {
		text += "\n"
		newlineAdded = true
	}
	runes := []rune(text)
	it := &iterator{
		lexer:        f,
		options:      options,
		newlineAdded: newlineAdded,
		runes:        runes,
		state: &chroma.LexerState{
			Registry:       f.registry,
			Lexer:          f.orig, // UsingSelf outside ByGroups goes through chroma itself
			Text:           runes,
			Stack:          []string{options.State},
			Rules:          f.compiled,
			MutatorContext: map[any]any{},
		},
	}
	it.setText(text)
	return it
}

// setText prepares token values as substrings of text: chroma's values are
// string(Text[i:j]), which for valid UTF-8 is the same bytes as text's, so
// tokens need no allocation of their own.
func (it *iterator) setText(text string) {
	if !utf8.ValidString(text) {
		text = string(it.runes) // as chroma's values: invalid bytes become U+FFFD
	}
	it.str = text
	if len(text) == len(it.runes) {
		return // ASCII: rune index = byte index
	}
	it.offs = make([]int32, len(it.runes)+1)
	i := 0
	for b := range text {
		it.offs[i] = int32(b)
		i++
	}
	it.offs[i] = int32(len(text))
}

// sub is string(Text[i:j]).
func (it *iterator) sub(i, j int) string {
	l := it.state
	if len(l.Text) != len(it.runes) || len(l.Text) > 0 && &l.Text[0] != &it.runes[0] {
		return string(l.Text[i:j]) // a mutator replaced the text
	}
	if it.offs == nil {
		return it.str[i:j]
	}
	return it.str[it.offs[i]:it.offs[j]]
}

// ensureLF turns \r\n and lone \r into \n, as chroma does.
func ensureLF(text string) string {
	if !strings.Contains(text, "\r") {
		return text
	}
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
}

type iterator struct {
	lexer        *Lexer
	options      *chroma.TokeniseOptions
	newlineAdded bool
	state        *chroma.LexerState
	stack        []chroma.Iterator // emitted token iterators, as LexerState's iteratorStack
	stalled      int               // rules matched in a row without consuming text
	gaveUp       bool              // stalled more than maxStalled times: the rest is Text

	runes []rune  // the text as the state got it
	str   string  // the same text as UTF-8, for token values
	offs  []int32 // byte offset in str of each rune; nil when str is ASCII

	st     *state // the state named stName
	stName string

	// Buffers reused from match to match.
	caps    []int    // group i spans runes caps[2i]:caps[2i+1]
	scratch []int    // a prog's open captures and loop counts
	names   []string // group i's name, for NamedGroups
	groups  []string // Groups of rules whose emitter and mutator do not keep them
	queue   []part   // tokens of a rule emitted without chroma's iterators
	queued  int      // queue[queued:] are still to be returned
}

// maxStalled bounds how many rules in a row may match the empty string.
// Some of chroma's lexers loop forever on some input (JSONata on "{\n":
// an empty match that pushes a state); chroma would hang the build, fastlex
// gives the rest of the text as plain Text instead.
const maxStalled = 1000

// next is chroma's LexerState.Iterator with match in place of matchRules.
func (it *iterator) next() chroma.Token {
	l := it.state
	end := len(l.Text)
	if it.newlineAdded {
		end--
	}
	for l.Pos < end && len(l.Stack) > 0 {
		if t, ok := it.drain(); ok {
			return t
		}
		l.State = l.Stack[len(l.Stack)-1]
		st := it.st
		if l.State != it.stName || st == nil {
			var ok bool
			if st, ok = it.lexer.states[l.State]; !ok {
				panic("unknown state " + l.State)
			}
			it.st, it.stName = st, l.State
		}
		index, r := it.match(st, l.Text, l.Pos)
		if r == nil {
			// Pygments' rule: an unmatched newline outside the initial
			// state resets the stack.
			if l.Text[l.Pos] == '\n' && l.State != it.options.State {
				l.Stack = []string{it.options.State}
				continue
			}
			l.Pos++
			return chroma.Token{Type: chroma.Error, Value: it.sub(l.Pos-1, l.Pos)}
		}
		start, stop := it.caps[0], it.caps[1]
		if start == stop {
			if it.stalled++; it.stalled > maxStalled {
				value := it.sub(l.Pos, end)
				l.Pos, l.Stack = len(l.Text), nil
				it.stack, it.gaveUp = nil, true
				return chroma.Token{Type: chroma.Text, Value: value}
			}
		} else {
			it.stalled = 0
		}
		groups := it.groupStrings(r)
		l.Rule = index
		l.Groups = groups
		l.NamedGroups = nil
		if !r.plain {
			l.NamedGroups = make(map[string]string, len(groups))
			for i, g := range groups {
				l.NamedGroups[it.names[i]] = g
			}
		}
		l.Pos = stop
		if r.Mutator != nil {
			if err := r.Mutator.Mutate(l); err != nil {
				panic(err)
			}
		}
		if r.Type != nil {
			it.emit(r, l.Groups) // as chroma: a mutator may have changed them
		}
	}
	if t, ok := it.drain(); ok {
		return t
	}
	if l.Pos != len(l.Text) && len(l.Stack) == 0 {
		value := it.sub(l.Pos, len(l.Text))
		l.Pos = len(l.Text)
		return chroma.Token{Type: chroma.Error, Value: value}
	}
	return chroma.EOF
}

// groupStrings is the matched groups as strings: in a buffer reused from
// match to match when nothing keeps them past the match (plain rules).
func (it *iterator) groupStrings(r *rule) []string {
	n := len(it.caps) / 2
	var groups []string
	if r.plain {
		groups = it.groups[:0]
	} else {
		groups = make([]string, 0, n)
	}
	for i := range n {
		groups = append(groups, it.sub(it.caps[2*i], it.caps[2*i+1]))
	}
	if r.plain {
		it.groups = groups
	}
	return groups
}

// drain returns the next token of the emitted tokens and iterators, if any
// is left.
func (it *iterator) drain() (chroma.Token, bool) {
	for it.queued < len(it.queue) {
		p := &it.queue[it.queued]
		if p.it == nil {
			it.queued++
			return p.tok, true
		}
		// As Concaterator and then drain: EOF ends the part, Ignore is
		// skipped.
		t := p.it()
		if t == chroma.EOF {
			p.it = nil
			it.queued++
			continue
		}
		if t.Type == chroma.Ignore {
			continue
		}
		return t, true
	}
	for len(it.stack) > 0 {
		n := len(it.stack) - 1
		t := it.stack[n]()
		if t.Type == chroma.Ignore {
			continue
		}
		if t == chroma.EOF {
			it.stack = it.stack[:n]
			continue
		}
		return t, true
	}
	return chroma.Token{}, false
}

// canStart reports whether the rule may match text starting with ch
// (lower is unicode.ToLower(ch)), by regexp2's first-character analysis.
func (r *rule) canStart(ch, lower rune) bool {
	p := r.first
	if p == nil {
		return true
	}
	if p.CaseInsensitive {
		ch = lower
	}
	return p.PrefixSet.CharIn(ch)
}

// match is chroma's matchRules: the first rule of st matching at pos, and
// its index, with its groups in it.caps (and their names in it.names when
// the rule is not plain). Rules that cannot match are skipped without
// running their expression. r is nil when no rule matches.
func (it *iterator) match(st *state, text []rune, pos int) (index int, r *rule) {
	ch := text[pos]
	if ch >= 0 && ch < 128 && len(st.rules) <= 1<<16 {
		for _, i := range st.ascii[ch] {
			if it.try(st.rules[i], text, pos) {
				return int(i), st.rules[i]
			}
		}
		return 0, nil
	}
	lower := unicode.ToLower(ch)
	for i, r := range st.rules {
		if !r.canStart(ch, lower) {
			continue
		}
		if it.try(r, text, pos) {
			return i, r
		}
	}
	return 0, nil
}

// groupNames are regexp2's names of unnamed groups.
var groupNames = func() []string {
	names := make([]string, 64)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}()

func (it *iterator) setCaps(n int, named bool) {
	if cap(it.caps) < 2*n {
		it.caps = make([]int, 2*n)
	}
	it.caps = it.caps[:2*n]
	if !named {
		return
	}
	it.names = it.names[:0]
	for i := range n {
		if i < len(groupNames) {
			it.names = append(it.names, groupNames[i])
		} else {
			it.names = append(it.names, strconv.Itoa(i))
		}
	}
}

// try matches one rule at pos.
func (it *iterator) try(r *rule, text []rune, pos int) bool {
	if w := r.words; w != nil {
		n, possible := w.match(text, pos)
		if n >= 0 {
			it.setCaps(2, !r.plain)
			it.caps[0], it.caps[1], it.caps[2], it.caps[3] = pos, pos+n, pos, pos+n
			return true
		}
		if !possible {
			return false
		}
	}
	if r.bol && pos > 0 && text[pos-1] != '\n' || r.beginning && pos > 0 {
		return false
	}
	if p := r.prog; p != nil {
		it.setCaps(p.groups, !r.plain)
		if n := p.groups + p.loops; cap(it.scratch) < n {
			it.scratch = make([]int, n)
		}
		ok, decided := p.match(text, pos, it.caps, it.scratch)
		if decided {
			return ok
		}
	}
	m, err := r.Regexp.FindRunesMatchStartingAt(text, pos)
	if m == nil || err != nil || m.RuneIndex != pos {
		return false
	}
	gs := m.Groups()
	it.setCaps(len(gs), false)
	it.names = it.names[:0]
	for i, g := range gs {
		it.caps[2*i], it.caps[2*i+1] = g.RuneIndex, g.RuneIndex+g.RuneLength
		if !r.plain {
			it.names = append(it.names, g.Name)
		}
	}
	return true
}
