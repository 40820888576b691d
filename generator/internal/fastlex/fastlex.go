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
// expressions, and changes only how a rule is tried:
//
//   - a rule whose pattern cannot start with the current character (regexp2's
//     own first-character analysis of the same pattern) is not run;
//   - a rule that is a list of literal words, as chroma.Words writes them
//     ("(break|case|chan)\b", case-insensitive or not), is matched with a
//     trie, with the backtracking engine's semantics: the first alternative
//     in pattern order that matches and satisfies the word boundary wins.
//
// Everything else is chroma's LexerState.Iterator, step for step. The tests
// compare tokens with chroma's on chroma's own sample files for every
// lexer, and a fuzz target on random input.
package fastlex

import (
	"fmt"
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
	first *syntax.Prefix // nil: any character may start a match
	words *words         // non-nil: a literal word list
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
			if tree, err := syntax.Parse(pattern, syntax.ParseOptions{}); err == nil {
				if code, err := syntax.Write(tree); err == nil {
					pr.first = code.FcPrefix
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
	it := &iterator{
		lexer:        f,
		options:      options,
		newlineAdded: newlineAdded,
		state: &chroma.LexerState{
			Registry:       f.registry,
			Lexer:          f.orig, // nested lexing (UsingSelf) goes through chroma itself
			Text:           []rune(text),
			Stack:          []string{options.State},
			Rules:          f.compiled,
			MutatorContext: map[any]any{},
		},
	}
	return it
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
		st, ok := it.lexer.states[l.State]
		if !ok {
			panic("unknown state " + l.State)
		}
		index, r, groups, named := st.match(l.Text, l.Pos)
		if groups == nil {
			// Pygments' rule: an unmatched newline outside the initial
			// state resets the stack.
			if l.Text[l.Pos] == '\n' && l.State != it.options.State {
				l.Stack = []string{it.options.State}
				continue
			}
			l.Pos++
			return chroma.Token{Type: chroma.Error, Value: string(l.Text[l.Pos-1 : l.Pos])}
		}
		if groups[0] == "" {
			if it.stalled++; it.stalled > maxStalled {
				value := string(l.Text[l.Pos:end])
				l.Pos, l.Stack = len(l.Text), nil
				it.stack, it.gaveUp = nil, true
				return chroma.Token{Type: chroma.Text, Value: value}
			}
		} else {
			it.stalled = 0
		}
		l.Rule = index
		l.Groups = groups
		l.NamedGroups = named
		l.Pos += utf8.RuneCountInString(groups[0])
		if r.Mutator != nil {
			if err := r.Mutator.Mutate(l); err != nil {
				panic(err)
			}
		}
		if r.Type != nil {
			it.stack = append(it.stack, r.Type.Emit(l.Groups, l))
		}
	}
	if t, ok := it.drain(); ok {
		return t
	}
	if l.Pos != len(l.Text) && len(l.Stack) == 0 {
		value := string(l.Text[l.Pos:])
		l.Pos = len(l.Text)
		return chroma.Token{Type: chroma.Error, Value: value}
	}
	return chroma.EOF
}

// drain returns the next token of the emitted iterators, if any is left.
func (it *iterator) drain() (chroma.Token, bool) {
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

// match is chroma's matchRules: the first rule matching at pos, its
// groups, and its groups by name. Rules that cannot match are skipped
// without running their expression.
func (st *state) match(text []rune, pos int) (int, *chroma.CompiledRule, []string, map[string]string) {
	ch := text[pos]
	if ch >= 0 && ch < 128 && len(st.rules) <= 1<<16 {
		for _, i := range st.ascii[ch] {
			if groups, named, ok := st.rules[i].try(text, pos); ok {
				return int(i), st.rules[i].CompiledRule, groups, named
			}
		}
		return 0, &chroma.CompiledRule{}, nil, nil
	}
	lower := unicode.ToLower(ch)
	for i, r := range st.rules {
		if !r.canStart(ch, lower) {
			continue
		}
		if groups, named, ok := r.try(text, pos); ok {
			return i, r.CompiledRule, groups, named
		}
	}
	return 0, &chroma.CompiledRule{}, nil, nil
}

// try matches one rule at pos.
func (r *rule) try(text []rune, pos int) ([]string, map[string]string, bool) {
	if w := r.words; w != nil {
		n, possible := w.match(text, pos)
		if n >= 0 {
			m := string(text[pos : pos+n])
			return []string{m, m}, map[string]string{"0": m, "1": m}, true
		}
		if !possible {
			return nil, nil, false
		}
	}
	m, err := r.Regexp.FindRunesMatchStartingAt(text, pos)
	if m == nil || err != nil || m.RuneIndex != pos {
		return nil, nil, false
	}
	gs := m.Groups()
	groups := make([]string, 0, len(gs))
	named := make(map[string]string, len(gs))
	for _, g := range gs {
		s := g.String()
		named[g.Name] = s
		groups = append(groups, s)
	}
	return groups, named, true
}
