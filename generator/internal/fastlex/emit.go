package fastlex

import (
	"reflect"

	"github.com/alecthomas/chroma/v2"
)

// emission says what a rule's emitter and mutator need from a match, and
// how its tokens can be made without chroma's iterators.
//
// chroma builds, for every match, the groups as a slice and as a map by
// name (LexerState.Groups and NamedGroups), and an iterator (a closure over
// a slice) for every token. Only ByGroupNames reads the map, and a
// TokenType emitter, or ByGroups of TokenTypes, always gives the same
// tokens: the group's text with the type. For rules built only of chroma's
// own emitters and mutators that are known not to read the map nor keep the
// groups past the match ("plain"), fastlex leaves NamedGroups nil and lends
// Groups from a buffer; everything else gets chroma's fresh slice and map.
// A UsingSelf in ByGroups lexes its group with fastlex rather than chroma.
type emission struct {
	plain    bool
	kind     emitKind
	token    chroma.TokenType // emitToken
	byGroups []groupEmitter   // emitByGroups: one for each group
}

// groupEmitter is one of a ByGroups' emitters: nil, a TokenType or a
// UsingSelf.
type groupEmitter struct {
	set  bool // not nil
	typ  chroma.TokenType
	self *chroma.TokeniseOptions // UsingSelf: its options, as chroma's
}

type emitKind uint8

const (
	emitIterator emitKind = iota // r.Type.Emit, as chroma
	emitToken                    // a TokenType: one token
	emitByGroups                 // ByGroups of TokenTypes and nils: a token per group
)

var (
	byGroupsType     = reflect.TypeOf(chroma.ByGroups())
	usingByGroupType = reflect.TypeOf(chroma.UsingByGroup(0, 0))
	usingType        = reflect.TypeOf(chroma.Using(""))
	usingSelfType    = reflect.TypeOf(chroma.UsingSelf(""))
	usingSelfState   = func() func(chroma.Emitter) string {
		if f, ok := usingSelfType.Elem().FieldByName("State"); !ok || f.Type.Kind() != reflect.String {
			return nil
		}
		return func(e chroma.Emitter) string { return reflect.ValueOf(e).Elem().FieldByName("State").String() }
	}()
	pushType     = reflect.TypeOf(chroma.Push())
	popType      = reflect.TypeOf(chroma.Pop(1))
	mutatorsType = reflect.TypeOf(chroma.Mutators())
)

func newEmission(r *chroma.CompiledRule) emission {
	e := emission{plain: plainEmitter(r.Type) && plainMutator(r.Mutator)}
	switch t := r.Type.(type) {
	case chroma.TokenType:
		e.kind = emitToken
		e.token = t
	default:
		if r.Type == nil || reflect.TypeOf(r.Type) != byGroupsType {
			break
		}
		subs := subEmitters(r.Type)
		ges := make([]groupEmitter, len(subs))
		for i, s := range subs {
			switch t := s.(type) {
			case nil:
			case chroma.TokenType:
				ges[i] = groupEmitter{set: true, typ: t}
			default:
				if reflect.TypeOf(s) != usingSelfType || usingSelfState == nil {
					return e
				}
				ges[i] = groupEmitter{set: true, self: &chroma.TokeniseOptions{State: usingSelfState(s), Nested: true}}
			}
		}
		e.kind, e.byGroups = emitByGroups, ges
	}
	return e
}

// plainEmitter reports whether e is one of chroma's emitters that neither
// reads LexerState.NamedGroups nor keeps the groups slice it is given.
func plainEmitter(e chroma.Emitter) bool {
	if e == nil {
		return true
	}
	if _, ok := e.(chroma.TokenType); ok {
		return true
	}
	switch reflect.TypeOf(e) {
	case usingType, usingSelfType:
		return true
	case byGroupsType, usingByGroupType:
		// They pass the state on to their emitters.
		for _, s := range subEmitters(e) {
			if !plainEmitter(s) {
				return false
			}
		}
		return true
	}
	return false
}

// subEmitters is the Emitters field of ByGroups' and UsingByGroup's
// emitters.
func subEmitters(e chroma.Emitter) chroma.Emitters {
	f := reflect.ValueOf(e).Elem().FieldByName("Emitters")
	subs, _ := f.Interface().(chroma.Emitters)
	return subs
}

// plainMutator: as plainEmitter, for Push, Pop and Mutators of those.
func plainMutator(m chroma.Mutator) bool {
	if m == nil {
		return true
	}
	switch reflect.TypeOf(m) {
	case pushType, popType:
		return true
	case mutatorsType:
		f := reflect.ValueOf(m).Elem().FieldByName("Mutators")
		subs, ok := f.Interface().([]chroma.Mutator)
		if !ok {
			return false
		}
		for _, s := range subs {
			if !plainMutator(s) {
				return false
			}
		}
		return true
	}
	return false
}

// emit makes the tokens of rule r's match, as r.Type.Emit(groups, state)
// followed by drain would return them.
func (it *iterator) emit(r *rule, groups []string) {
	switch r.kind {
	case emitToken:
		it.queue, it.queued = it.queue[:0], 0
		it.enqueue(chroma.Token{Type: r.token, Value: groups[0]})
	case emitByGroups:
		if it.state.Lexer != it.lexer.orig {
			// A mutator changed the lexer UsingSelf would use.
			it.stack = append(it.stack, r.Type.Emit(groups, it.state))
			return
		}
		it.queue, it.queued = it.queue[:0], 0
		if len(r.byGroups) != len(groups)-1 {
			// chroma's ByGroups: the whole match as an error.
			it.enqueue(chroma.Token{Type: chroma.Error, Value: groups[0]})
			return
		}
		for i, g := range groups[1:] {
			switch ge := r.byGroups[i]; {
			case !ge.set:
			case ge.self != nil:
				// As UsingSelf: the same lexer's tokens for the group, read
				// when drain comes to them.
				it.queue = append(it.queue, part{it: it.lexer.iterator(ge.self, g).next})
			default:
				it.enqueue(chroma.Token{Type: ge.typ, Value: g})
			}
		}
	default:
		it.stack = append(it.stack, r.Type.Emit(groups, it.state))
	}
}

// enqueue adds a token as drain would return it from its iterator: a token
// equal to EOF ends its iterator (Concaterator moves on to the next), and
// Ignore tokens are skipped.
func (it *iterator) enqueue(t chroma.Token) {
	if t == chroma.EOF || t.Type == chroma.Ignore {
		return
	}
	it.queue = append(it.queue, part{tok: t})
}

// part is one of a rule's emitted tokens, or an iterator of them.
type part struct {
	tok chroma.Token
	it  chroma.Iterator
}
