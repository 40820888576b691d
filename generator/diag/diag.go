// Package diag holds positions and diagnostics: every error and warning lectern
// reports carries a site-relative file path and a 1-based line and column.
// It is a leaf package: it imports nothing of ours.
package diag

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Pos is a place in a source file. File is a slash path relative to the site
// root ("content/01-basics/intro.md"); Line and Col are 1-based, 0 = unknown.
type Pos struct {
	File      string
	Line, Col int
}

// String formats p as "file:line:col", dropping the parts that are unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Col))
		}
	}
	return b.String()
}

// Severity tells errors (which fail a build) from warnings (which do not).
type Severity uint8

const (
	SevError Severity = iota
	SevWarning
)

func (s Severity) String() string {
	if s == SevWarning {
		return "warning"
	}
	return "error"
}

// Error is one diagnostic at a position.
type Error struct {
	Pos      Pos
	Severity Severity
	Err      error
	// Check names the configurable check (site.yaml `checks`) that found
	// it, for tools (`lectern check --format json`); "" for fixed diagnostics.
	Check string
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	if e.Severity == SevWarning {
		msg = "warning: " + msg
	}
	if e.Pos.File == "" {
		return msg
	}
	return e.Pos.String() + ": " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error diagnostic at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Err: fmt.Errorf(format, args...)}
}

// Warnf returns a warning diagnostic at pos.
func Warnf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Severity: SevWarning, Err: fmt.Errorf(format, args...)}
}

// At turns a byte offset in src into a 1-based line and rune column.
// Offsets past the end are clamped to the end.
func At(src []byte, off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	line = 1 + bytes.Count(src[:off], []byte("\n"))
	col = 1 + utf8.RuneCount(src[bytes.LastIndexByte(src[:off], '\n')+1:off])
	return line, col
}

// List is a set of diagnostics. Sort orders it by file, line, column, message.
type List []*Error

func (l List) Len() int { return len(l) }

// Sort orders the list by position, then message, and drops exact duplicates
// (one template error seen on a thousand pages is reported once).
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		return a.Err.Error() < b.Err.Error()
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.Error() == s[i-1].Error() {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Errors returns the diagnostics of severity error.
func (l List) Errors() List { return l.filter(SevError) }

// Warnings returns the diagnostics of severity warning.
func (l List) Warnings() List { return l.filter(SevWarning) }

func (l List) filter(s Severity) List {
	var out List
	for _, e := range l {
		if e.Severity == s {
			out = append(out, e)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, e := range l {
		if e.Severity == SevError {
			return true
		}
	}
	return false
}

// Err returns the list as an error when it holds at least one error, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

// Error prints one diagnostic per line.
func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Collector gathers diagnostics from concurrent workers.
type Collector struct {
	mu   sync.Mutex
	list List
}

// Add records diagnostics; nil entries are ignored. An error that is not a
// *Error (nor a List) is recorded without a position.
func (c *Collector) Add(errs ...error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, err := range errs {
		c.addLocked(err)
	}
}

func (c *Collector) addLocked(err error) {
	if err == nil {
		return
	}
	var l List
	if errors.As(err, &l) {
		c.list = append(c.list, l...)
		return
	}
	var e *Error
	if errors.As(err, &e) {
		c.list = append(c.list, e)
		return
	}
	c.list = append(c.list, &Error{Err: err})
}

// List returns a sorted copy of everything collected.
func (c *Collector) List() List {
	c.mu.Lock()
	l := append(List(nil), c.list...)
	c.mu.Unlock()
	l.Sort()
	return l
}

// Len is the number of diagnostics collected so far.
func (c *Collector) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.list)
}

// Since returns, unsorted, the diagnostics collected after the first n.
func (c *Collector) Since(n int) List {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(List(nil), c.list[n:]...)
}

// ListOf returns the diagnostics err holds, sorted: those of a List, a
// *Error, or a plain error as one without a position. nil gives none.
func ListOf(err error) List {
	var c Collector
	c.Add(err)
	return c.List()
}
