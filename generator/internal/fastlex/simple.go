package fastlex

import (
	"unicode"

	"github.com/dlclark/regexp2/v2/syntax"
)

// A prog matches a rule's expression without regexp2: most of a lexer's
// busiest rules are single characters, character-class runs, short
// literals and alternations of them (`\s+`, `[a-z_]\w*`, `[{}()]`,
// `!=|==|[-+*/]`, `([a-zA-Z_]\w*)(\s*)(\()`, `(?i)(rb|br|r)(")`), and
// starting regexp2's interpreter costs more than matching them, plus a Match
// and its groups on the heap for every match.
//
// A prog is a backtracking matcher, as regexp2's runner is, built from
// regexp2's own parse tree of the same pattern (after its reductions, so
// the loops regexp2 proved atomic are atomic here too), for a subset of
// its nodes whose meaning here is the runner's, step for step:
//
//   - One, Notone, Set and Multi compare one character or a string (a
//     case-insensitive Multi compares unicode.ToLower of the text, as the
//     runner; single characters ignore the option, as the runner does:
//     the parser already put both cases in their sets);
//   - loops of one character or set: greedy ones try the longest run first
//     and give back one character at a time, lazy ones the shortest first,
//     atomic ones never give back;
//   - loops of anything else that cannot match the empty string (so the
//     runner's empty-iteration rules never apply): greedy ones try one more
//     iteration before leaving, lazy ones leave before trying one more;
//   - alternations try their branches in order, backtracking into the next;
//   - atomic groups and lookaheads run their content to its first match and
//     never backtrack into it; a lookbehind is accepted when it holds a
//     single character, set or string;
//   - captures, numbered groups only, not in lookarounds: a group keeps its
//     last capture, and backtracking out of a capture undoes it (a group
//     that took no part in the match is empty at 0, as regexp2 gives it);
//   - anchors, \b and \B are the runner's tests.
//
// Anything else (loops that may match empty, backreferences, conditionals,
// named groups, longer lookbehinds) leaves the rule to regexp2, and so does a
// match that takes more than maxSteps steps (regexp2 then decides, with its
// timeout). TestProgsMatchRegexp2 compares every prog of every lexer with
// regexp2 at every position of chroma's samples and of odd inputs.
type prog struct {
	root   *pnode
	groups int // capture groups, group 0 included
	loops  int // general loops (pLoop)
}

type pkind uint8

const (
	pAccept pkind = iota // the end of a scope: the pattern, an atomic group or a lookahead
	pOne
	pNotone
	pSet
	pMulti
	pLoopOne
	pLoopNotone
	pLoopSet
	pAlt
	pLoop    // a general loop's entry
	pLoopEnd // the end of a general loop's body
	pOpen    // a capture's start
	pClose   // a capture's end
	pAtomic
	pPosLook
	pNegLook
	pBehind    // (?<=x): one character, set or string before
	pNotBehind // (?<!x)
	pBol
	pEol
	pBoundary
	pNonboundary
	pBeginning
	pStart
	pEnd
	pEndZ
	pEmpty
)

// pnode is one step; next is what follows it (nil only for pAccept).
type pnode struct {
	kind   pkind
	ch     rune
	set    *charSet
	str    []rune
	ci     bool // Multi: compare unicode.ToLower of the text
	min    int  // loops
	max    int
	lazy   bool
	atomic bool
	group  int      // pOpen, pClose
	undo   bool     // pClose: the capture may be backtracked out of
	loop   *pnode   // pLoopEnd: its loop
	id     int      // pLoop: its counter
	inside []int    // pAtomic: the groups captured inside, undone when what follows fails
	kids   []*pnode // pAlt: the branches, each ending in next
	sub    *pnode   // pAtomic, pPosLook, pNegLook: the content, ending in pAccept
	behind *pnode   // pBehind, pNotBehind: a One, Notone, Set or Multi
	next   *pnode
}

// charSet is a regexp2 set with its ASCII part as a bitmap.
type charSet struct {
	ascii [2]uint64
	set   *syntax.CharSet
}

func newCharSet(s *syntax.CharSet) *charSet {
	c := &charSet{set: s}
	for ch := rune(0); ch < 128; ch++ {
		if s.CharIn(ch) {
			c.ascii[ch>>6] |= 1 << (uint(ch) & 63)
		}
	}
	return c
}

func (c *charSet) in(ch rune) bool {
	if ch >= 0 && ch < 128 {
		return c.ascii[ch>>6]&(1<<(uint(ch)&63)) != 0
	}
	return c.set.CharIn(ch)
}

// newProg returns the prog of a parsed `\G(?flags)(?:pattern)`, or nil.
func newProg(tree *syntax.RegexTree) *prog {
	if tree.Capnames != nil || tree.Capnumlist != nil || tree.Options&(syntax.RightToLeft|syntax.ECMAScript|syntax.RE2) != 0 {
		return nil
	}
	root := tree.Root
	if root == nil || root.T != syntax.NtCapture || root.M != 0 || root.N != -1 || len(root.Children) != 1 {
		return nil
	}
	c := progCompiler{groups: tree.Captop, seen: map[int]bool{}}
	n := c.node(root.Children[0], &pnode{kind: pAccept}, where{})
	// Every group 1…groups-1 is in the pattern once.
	if n == nil || c.failed || len(c.seen) != c.groups-1 {
		return nil
	}
	return &prog{root: n, groups: c.groups, loops: c.loops}
}

type progCompiler struct {
	groups int
	loops  int
	seen   map[int]bool
	failed bool
}

// where is what a node is inside of.
type where struct {
	look     bool // a lookaround: no captures
	optional bool // an alternation or a loop: captures may be undone
}

// node translates n followed by next into a chain and returns its first
// step.
func (c *progCompiler) node(n *syntax.RegexNode, next *pnode, in where) *pnode {
	if c.failed {
		return nil
	}
	if n.Options&syntax.RightToLeft != 0 {
		if p := lookbehind(n, next); p != nil {
			return p
		}
		c.failed = true
		return nil
	}
	step := func(k pkind) *pnode { return &pnode{kind: k, next: next} }
	switch n.T {
	case syntax.NtOne:
		return &pnode{kind: pOne, ch: n.Ch, next: next}
	case syntax.NtNotone:
		return &pnode{kind: pNotone, ch: n.Ch, next: next}
	case syntax.NtSet:
		return &pnode{kind: pSet, set: newCharSet(n.Set), next: next}
	case syntax.NtMulti:
		return &pnode{kind: pMulti, str: n.Str, ci: n.Options&syntax.IgnoreCase != 0, next: next}
	case syntax.NtOneloop, syntax.NtNotoneloop, syntax.NtSetloop,
		syntax.NtOnelazy, syntax.NtNotonelazy, syntax.NtSetlazy,
		syntax.NtOneloopatomic, syntax.NtNotoneloopatomic, syntax.NtSetloopatomic:
		if n.M < 0 || n.N < n.M {
			break
		}
		p := &pnode{min: n.M, max: n.N, ch: n.Ch, next: next}
		switch n.T {
		case syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
			p.kind = pLoopOne
		case syntax.NtNotoneloop, syntax.NtNotonelazy, syntax.NtNotoneloopatomic:
			p.kind = pLoopNotone
		default:
			p.kind = pLoopSet
			p.set = newCharSet(n.Set)
		}
		p.lazy = n.T == syntax.NtOnelazy || n.T == syntax.NtNotonelazy || n.T == syntax.NtSetlazy
		p.atomic = n.T == syntax.NtOneloopatomic || n.T == syntax.NtNotoneloopatomic || n.T == syntax.NtSetloopatomic
		return p
	case syntax.NtConcatenate:
		for i := len(n.Children) - 1; i >= 0; i-- {
			if next = c.node(n.Children[i], next, in); next == nil {
				return nil
			}
		}
		return next
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) != 1 || n.M < 0 || n.N < n.M || minLength(n.Children[0]) < 1 {
			break
		}
		p := &pnode{kind: pLoop, min: n.M, max: n.N, lazy: n.T == syntax.NtLazyloop, id: c.loops, next: next}
		c.loops++
		in.optional = true
		if p.sub = c.node(n.Children[0], &pnode{kind: pLoopEnd, loop: p}, in); p.sub == nil {
			return nil
		}
		return p
	case syntax.NtAlternate:
		p := &pnode{kind: pAlt, next: next}
		in.optional = true
		for _, k := range n.Children {
			kp := c.node(k, next, in)
			if kp == nil {
				return nil
			}
			p.kids = append(p.kids, kp)
		}
		return p
	case syntax.NtAtomic, syntax.NtPosLook, syntax.NtNegLook:
		if len(n.Children) != 1 {
			break
		}
		kind := map[syntax.NodeType]pkind{syntax.NtAtomic: pAtomic, syntax.NtPosLook: pPosLook, syntax.NtNegLook: pNegLook}[n.T]
		if n.T != syntax.NtAtomic {
			in.look = true
		}
		before := len(c.seen)
		sub := c.node(n.Children[0], &pnode{kind: pAccept}, in)
		if sub == nil {
			return nil
		}
		p := &pnode{kind: kind, sub: sub, next: next}
		if len(c.seen) > before {
			for g := range c.seen {
				if !captures(n.Children[0], g) {
					continue
				}
				p.inside = append(p.inside, g)
			}
			if len(p.inside) > maxInside {
				break
			}
		}
		return p
	case syntax.NtGroup:
		if len(n.Children) != 1 {
			break
		}
		return c.node(n.Children[0], next, in)
	case syntax.NtCapture:
		if in.look || n.N != -1 || n.M <= 0 || n.M >= c.groups || c.seen[n.M] || len(n.Children) != 1 {
			break
		}
		c.seen[n.M] = true
		k := c.node(n.Children[0], &pnode{kind: pClose, group: n.M, undo: in.optional, next: next}, in)
		if k == nil {
			return nil
		}
		return &pnode{kind: pOpen, group: n.M, next: k}
	case syntax.NtBol:
		return step(pBol)
	case syntax.NtEol:
		return step(pEol)
	case syntax.NtBoundary:
		return step(pBoundary)
	case syntax.NtNonboundary:
		return step(pNonboundary)
	case syntax.NtBeginning:
		return step(pBeginning)
	case syntax.NtStart:
		return step(pStart)
	case syntax.NtEnd:
		return step(pEnd)
	case syntax.NtEndZ:
		return step(pEndZ)
	case syntax.NtEmpty, syntax.NtUpdateBumpalong:
		return step(pEmpty)
	}
	c.failed = true
	return nil
}

// lookbehind returns the (?<=x) or (?<!x) step of n, when n is one and x
// is one character, set or string, or nil.
func lookbehind(n *syntax.RegexNode, next *pnode) *pnode {
	if n.T != syntax.NtPosLook && n.T != syntax.NtNegLook || n.Options&syntax.RightToLeft == 0 || len(n.Children) != 1 {
		return nil
	}
	k := n.Children[0]
	if k.Options&syntax.RightToLeft == 0 {
		return nil
	}
	var b *pnode
	switch k.T {
	case syntax.NtOne:
		b = &pnode{kind: pOne, ch: k.Ch}
	case syntax.NtNotone:
		b = &pnode{kind: pNotone, ch: k.Ch}
	case syntax.NtSet:
		b = &pnode{kind: pSet, set: newCharSet(k.Set)}
	case syntax.NtMulti:
		b = &pnode{kind: pMulti, str: k.Str, ci: k.Options&syntax.IgnoreCase != 0}
	default:
		return nil
	}
	kind := pBehind
	if n.T == syntax.NtNegLook {
		kind = pNotBehind
	}
	return &pnode{kind: kind, behind: b, next: next}
}

// maxInside bounds the groups an atomic group may capture (their values
// are saved on the stack).
const maxInside = 4

// captures reports whether n captures group g.
func captures(n *syntax.RegexNode, g int) bool {
	if n.T == syntax.NtCapture && n.M == g {
		return true
	}
	for _, k := range n.Children {
		if captures(k, g) {
			return true
		}
	}
	return false
}

// minLength is the fewest characters n can match.
func minLength(n *syntax.RegexNode) int {
	switch n.T {
	case syntax.NtOne, syntax.NtNotone, syntax.NtSet:
		return 1
	case syntax.NtMulti:
		return len(n.Str)
	case syntax.NtOneloop, syntax.NtNotoneloop, syntax.NtSetloop,
		syntax.NtOnelazy, syntax.NtNotonelazy, syntax.NtSetlazy,
		syntax.NtOneloopatomic, syntax.NtNotoneloopatomic, syntax.NtSetloopatomic:
		return max(n.M, 0)
	case syntax.NtConcatenate:
		sum := 0
		for _, k := range n.Children {
			sum += minLength(k)
		}
		return sum
	case syntax.NtAlternate:
		least := -1
		for _, k := range n.Children {
			if l := minLength(k); least < 0 || l < least {
				least = l
			}
		}
		return max(least, 0)
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) == 1 {
			return max(n.M, 0) * minLength(n.Children[0])
		}
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) == 1 {
			return minLength(n.Children[0])
		}
	}
	return 0 // zero-width, or unknown
}

// maxSteps bounds a prog's work on one match; past it regexp2 decides.
const maxSteps = 10000

// matcher is one run of a prog.
type matcher struct {
	text   []rune
	start  int
	caps   []int // two ints per group
	open   []int // where each open capture started
	counts []int // each general loop's iterations
	end    int   // set by pAccept
	steps  int
}

// match runs the prog at pos: whether it matches, with each group's span
// in caps (two ints per group, group 0 first), and whether it decided
// (false: too many steps, ask regexp2). scratch holds at least
// p.groups+p.loops ints.
func (p *prog) match(text []rune, pos int, caps, scratch []int) (ok, decided bool) {
	clear(caps)
	m := matcher{text: text, start: pos, caps: caps, open: scratch[:p.groups], counts: scratch[p.groups : p.groups+p.loops]}
	ok = m.run(p.root, pos)
	if m.steps > maxSteps {
		return false, false
	}
	if ok {
		caps[0], caps[1] = pos, m.end
	}
	return ok, true
}

// run matches the chain from n at pos, backtracking as the runner does.
func (m *matcher) run(n *pnode, pos int) bool {
	text := m.text
	for {
		if m.steps++; m.steps > maxSteps {
			return false
		}
		switch n.kind {
		case pAccept:
			m.end = pos
			return true
		case pOne, pNotone, pSet, pMulti:
			end, ok := m.single(n, pos)
			if !ok {
				return false
			}
			pos = end
		case pLoopOne, pLoopNotone, pLoopSet:
			limit := len(text)
			if n.max < limit-pos {
				limit = pos + n.max
			}
			i := pos
			switch n.kind {
			case pLoopOne:
				for i < limit && text[i] == n.ch {
					i++
				}
			case pLoopNotone:
				for i < limit && text[i] != n.ch {
					i++
				}
			default:
				for i < limit && n.set.in(text[i]) {
					i++
				}
			}
			if i-pos < n.min {
				return false
			}
			switch {
			case n.atomic:
				pos = i
			case n.lazy:
				for j := pos + n.min; j < i; j++ {
					if m.run(n.next, j) {
						return true
					}
				}
				pos = i
			default:
				for j := i; j > pos+n.min; j-- {
					if m.run(n.next, j) {
						return true
					}
				}
				pos += n.min
			}
		case pAlt:
			last := len(n.kids) - 1
			for _, k := range n.kids[:last] {
				if m.run(k, pos) {
					return true
				}
			}
			n = n.kids[last]
			continue
		case pLoop:
			old := m.counts[n.id]
			m.counts[n.id] = 0
			if m.loop(n, pos) {
				return true
			}
			m.counts[n.id] = old
			return false
		case pLoopEnd:
			return m.loop(n.loop, pos)
		case pOpen:
			m.open[n.group] = pos
		case pClose:
			g := 2 * n.group
			if n.undo {
				start, end := m.caps[g], m.caps[g+1]
				m.caps[g], m.caps[g+1] = m.open[n.group], pos
				if m.run(n.next, pos) {
					return true
				}
				m.caps[g], m.caps[g+1] = start, end
				return false
			}
			m.caps[g], m.caps[g+1] = m.open[n.group], pos
		case pAtomic:
			if len(n.inside) == 0 {
				if !m.run(n.sub, pos) {
					return false
				}
				pos = m.end
				break
			}
			// Backtracking past the group undoes its captures.
			var saved [2 * maxInside]int
			for i, g := range n.inside {
				saved[2*i], saved[2*i+1] = m.caps[2*g], m.caps[2*g+1]
			}
			if m.run(n.sub, pos) && m.run(n.next, m.end) {
				return true
			}
			for i, g := range n.inside {
				m.caps[2*g], m.caps[2*g+1] = saved[2*i], saved[2*i+1]
			}
			return false
		case pPosLook, pNegLook:
			if m.run(n.sub, pos) != (n.kind == pPosLook) {
				return false
			}
		case pBehind, pNotBehind:
			if m.behind(n.behind, pos) != (n.kind == pBehind) {
				return false
			}
		case pBol:
			if pos > 0 && text[pos-1] != '\n' {
				return false
			}
		case pEol:
			if pos < len(text) && text[pos] != '\n' {
				return false
			}
		case pBoundary:
			if !boundary(text, pos) {
				return false
			}
		case pNonboundary:
			if boundary(text, pos) {
				return false
			}
		case pBeginning:
			if pos != 0 {
				return false
			}
		case pStart:
			if pos != m.start {
				return false
			}
		case pEnd:
			if pos != len(text) {
				return false
			}
		case pEndZ:
			if rest := len(text) - pos; rest > 1 || rest == 1 && text[pos] != '\n' {
				return false
			}
		case pEmpty:
		default:
			return false
		}
		n = n.next
	}
}

// loop goes on with loop l at pos, after m.counts[l.id] iterations: greedy
// loops try another iteration before leaving, lazy ones leave first.
func (m *matcher) loop(l *pnode, pos int) bool {
	count := m.counts[l.id]
	if l.lazy && count >= l.min && m.run(l.next, pos) {
		return true
	}
	if count < l.max {
		m.counts[l.id] = count + 1
		if m.run(l.sub, pos) {
			return true
		}
		m.counts[l.id] = count
	}
	return !l.lazy && count >= l.min && m.run(l.next, pos)
}

// single matches a One, Notone, Set or Multi at pos.
func (m *matcher) single(n *pnode, pos int) (int, bool) {
	text := m.text
	switch n.kind {
	case pOne:
		return pos + 1, pos < len(text) && text[pos] == n.ch
	case pNotone:
		return pos + 1, pos < len(text) && text[pos] != n.ch
	case pSet:
		return pos + 1, pos < len(text) && n.set.in(text[pos])
	case pMulti:
		if len(text)-pos < len(n.str) {
			return pos, false
		}
		for i, c := range n.str {
			t := text[pos+i]
			if n.ci {
				t = unicode.ToLower(t)
			}
			if t != c {
				return pos, false
			}
		}
		return pos + len(n.str), true
	}
	return pos, false
}

// behind matches b right-to-left, ending at pos.
func (m *matcher) behind(b *pnode, pos int) bool {
	w := 1
	if b.kind == pMulti {
		w = len(b.str)
	}
	if pos < w {
		return false
	}
	_, ok := m.single(b, pos-w)
	return ok
}

// leadingAnchor reports whether every match of the parsed pattern starts
// at the beginning of a line (^ in multiline mode: bol) or of the text
// (\A, or ^ without multiline: beginning).
func leadingAnchor(tree *syntax.RegexTree) (bol, beginning bool) {
	n := tree.Root
	for n != nil {
		switch n.T {
		case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
			if len(n.Children) != 1 {
				return false, false
			}
			n = n.Children[0]
			continue
		case syntax.NtConcatenate:
			// Skip \G and other zero-width nodes that cannot move the
			// position, to the first node that decides.
			i := 0
			for i < len(n.Children) && (n.Children[i].T == syntax.NtStart || n.Children[i].T == syntax.NtUpdateBumpalong || n.Children[i].T == syntax.NtEmpty) {
				i++
			}
			if i == len(n.Children) {
				return false, false
			}
			n = n.Children[i]
			continue
		case syntax.NtBol:
			return n.Options&syntax.RightToLeft == 0, false
		case syntax.NtBeginning:
			return false, n.Options&syntax.RightToLeft == 0
		}
		return false, false
	}
	return false, false
}
