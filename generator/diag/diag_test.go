package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestAt(t *testing.T) {
	src := []byte("ab\ncdé\n\tx☃y\n")
	for _, tc := range []struct {
		off, line, col int
	}{
		{0, 1, 1},
		{2, 1, 3},  // the newline itself
		{3, 2, 1},  // start of line 2
		{5, 2, 3},  // é is two bytes, one column
		{9, 3, 2},  // after the tab
		{10, 3, 3}, // ☃
		{13, 3, 4}, // y after the three-byte snowman
		{99, 4, 1}, // clamped to the end
		{-5, 1, 1}, // clamped to the start
	} {
		line, col := At(src, tc.off)
		if line != tc.line || col != tc.col {
			t.Errorf("At(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
		}
	}
}

func TestPosString(t *testing.T) {
	for _, tc := range []struct {
		p    Pos
		want string
	}{
		{Pos{"a.md", 3, 7}, "a.md:3:7"},
		{Pos{"a.md", 3, 0}, "a.md:3"},
		{Pos{"a.md", 0, 0}, "a.md"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%#v: %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestListSortsAndDedupes(t *testing.T) {
	var c Collector
	c.Add(
		Errorf(Pos{"b.md", 1, 1}, "second"),
		Warnf(Pos{"a.md", 2, 1}, "warn"),
		Errorf(Pos{"a.md", 10, 2}, "third"),
		Errorf(Pos{"a.md", 2, 1}, "first"),
		Errorf(Pos{"b.md", 1, 1}, "second"), // the same template error from another page
		nil,
		errors.New("no position"),
	)
	l := c.List()
	want := "no position\na.md:2:1: first\na.md:2:1: warning: warn\na.md:10:2: third\nb.md:1:1: second"
	if l.Error() != want {
		t.Errorf("got:\n%s\nwant:\n%s", l.Error(), want)
	}
	if !l.HasErrors() || len(l.Warnings()) != 1 || len(l.Errors()) != 4 {
		t.Errorf("counts: %d errors %d warnings", len(l.Errors()), len(l.Warnings()))
	}
	if (List{Warnf(Pos{}, "w")}).Err() != nil {
		t.Error("warnings alone must not fail a build")
	}
}

func TestListOf(t *testing.T) {
	a := Errorf(Pos{File: "b.md", Line: 2}, "second")
	b := Errorf(Pos{File: "a.md", Line: 1}, "first")
	if got := ListOf(nil); len(got) != 0 {
		t.Errorf("ListOf(nil) = %v", got)
	}
	if got := ListOf(List{a, b, a}).Error(); got != "a.md:1: first\nb.md:2: second" {
		t.Errorf("a list: %q", got)
	}
	if got := ListOf(fmt.Errorf("wrapped: %w", a)); len(got) != 1 || got[0] != a {
		t.Errorf("a wrapped *Error: %v", got)
	}
	if got := ListOf(errors.New("plain")); len(got) != 1 || got[0].Pos.File != "" || got.Error() != "plain" {
		t.Errorf("a plain error: %v", got)
	}
}
