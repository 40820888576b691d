package output

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestCheckPath(t *testing.T) {
	tests := []struct {
		path string
		want string // substring of the error; "" when valid
	}{
		{"index.html", ""},
		{"foundations/apis/index.html", ""},
		{"assets/main.1a2b3c4d.css", ""},
		{".well-known/security.txt", ""},
		{"%2e%2e/index.html", ""}, // a literal folder name, not a parent reference
		{"a b/ü.html", ""},
		{"console/index.html", ""}, // "console" is not "CON"
		{"com10.txt", ""},
		{"", "empty"},
		{"../x", `".." segment`},
		{"a/../b", `".." segment`},
		{"a/./b", `"." segment`},
		{".", `"." segment`},
		{"/etc/x", "absolute"},
		{"a//b", "empty segment"},
		{"a/", "empty segment"},
		{`a\b`, "backslash"},
		{"a\x00b", "NUL"},
		{"a\nb", "control character"},
		{"C:x", `":"`},
		{"c:/x", `":"`},
		{"a?b", "Windows"},
		{"a*b", "Windows"},
		{"a/b.", "ends in a dot or space"},
		{"a /b", "ends in a dot or space"},
		{"CON", "reserved device name"},
		{"x/nul.txt", "reserved device name"},
		{"Com1/index.html", "reserved device name"},
		{"lpt9.tar.gz", "reserved device name"},
		{"\xff.html", "UTF-8"},
		{strings.Repeat("a", 256), "longer than 255"},
		{ManifestName, "reserved for lectern's manifest"},
	}
	for _, tt := range tests {
		err := CheckPath(tt.path)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckPath(%q) = %v, want nil", tt.path, err)
		case tt.want != "" && err == nil:
			t.Errorf("CheckPath(%q) = nil, want error containing %q", tt.path, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("CheckPath(%q) = %v, want error containing %q", tt.path, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.path)) {
			t.Errorf("CheckPath(%q): error %q does not quote the path", tt.path, err)
		}
	}
}

// sinkConflicts checks the path rules every sink shares.
func sinkConflicts(t *testing.T, s Sink) {
	t.Helper()
	ok := func(p string) {
		t.Helper()
		if err := s.Write(p, []byte(p)); err != nil {
			t.Errorf("Write(%q) = %v", p, err)
		}
	}
	bad := func(p, want string) {
		t.Helper()
		err := s.Write(p, []byte(p))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Write(%q) = %v, want error containing %q", p, err, want)
		}
	}
	ok("a/b/index.html")
	ok("a/c.html")
	bad("a/b/index.html", "written twice")
	bad("a/b", "already a folder")
	bad("a", "already a folder")
	bad("a/c.html/x", "already a file")
	bad("A/d.html", "differ only in letter case")
	bad("a/B/e.html", "differ only in letter case")
	bad("a/C.html", "differ only in letter case")
	bad("../x", "invalid output path")
	bad(ManifestName, "reserved")
	ok("a/b/other.html")
}

func TestMem(t *testing.T) {
	m := NewMem()
	sinkConflicts(t, m)
	data := []byte("hello")
	if err := m.Write("z.txt", data); err != nil {
		t.Fatal(err)
	}
	// Mem keeps the slice itself (no copy): consecutive dev-server sites share pages.
	if got, ok := m.Get("z.txt"); !ok || string(got) != "hello" || &got[0] != &data[0] {
		t.Errorf(`Get("z.txt") = %q, %v; want "hello", true`, got, ok)
	}
	if err := m.Write("empty", nil); err != nil {
		t.Fatal(err)
	}
	if got, ok := m.Get("empty"); !ok || len(got) != 0 {
		t.Errorf(`Get("empty") = %q, %v; want "", true`, got, ok)
	}
	if _, ok := m.Get("missing"); ok {
		t.Error(`Get("missing") reported a file`)
	}
	want := []string{"a/b/index.html", "a/b/other.html", "a/c.html", "empty", "z.txt"}
	if got := m.Paths(); !slices.Equal(got, want) {
		t.Errorf("Paths() = %q, want %q", got, want)
	}
}

func TestMemConcurrent(t *testing.T) {
	m := NewMem()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				p := fmt.Sprintf("g%d/%03d.html", g, i)
				if err := m.Write(p, []byte(p)); err != nil {
					t.Error(err)
				}
				m.Get(p)
				if err := m.Write("shared.html", nil); err != nil && !strings.Contains(err.Error(), "twice") {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := len(m.Paths()); got != 801 {
		t.Errorf("len(Paths()) = %d, want 801", got)
	}
}

func TestMemLazyFiles(t *testing.T) {
	m := NewMem()
	calls := 0
	l := NewLazy(7, func() ([]byte, error) { calls++; return []byte("made"), nil })
	if err := m.WriteLazy("print/index.html", l); err != nil {
		t.Fatal(err)
	}
	if err := m.Write("print/index.html", []byte("x")); err == nil {
		t.Error("a second write of a lazy file's path was accepted")
	}
	if !m.Has("print/index.html") || calls != 0 {
		t.Fatalf("Has: %v, calls %d: Has must not make the file", m.Has("print/index.html"), calls)
	}
	if got := m.Paths(); len(got) != 1 || got[0] != "print/index.html" {
		t.Errorf("Paths = %q", got)
	}
	for range 3 {
		if b, ok := m.Get("print/index.html"); !ok || string(b) != "made" {
			t.Fatalf("Get = %q, %v", b, ok)
		}
	}
	if calls != 1 {
		t.Errorf("made %d times, want once", calls)
	}
	bad := NewLazy(8, func() ([]byte, error) { return nil, errors.New("layout broke") })
	if err := m.WriteLazy("bad.html", bad); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := m.GetErr("bad.html"); !ok || err == nil || err.Error() != "layout broke" {
		t.Errorf("GetErr = %v, %v", ok, err)
	}
	if _, ok := m.Get("bad.html"); ok {
		t.Error("Get of a failed lazy file reported it found")
	}
}

func TestMemLazyDir(t *testing.T) {
	m := NewMem()
	calls := 0
	d := NewLazyDir(3, func() (map[string][]byte, error) {
		calls++
		return map[string][]byte{"search/meta.json": []byte("{}"), "search/t/a.json": []byte("[]")}, nil
	})
	if err := m.WriteLazyDir("search/", d); err != nil {
		t.Fatal(err)
	}
	if err := m.Write("index.html", []byte("home")); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m.ShallowPaths()); got != "[index.html search/]" || calls != 0 {
		t.Fatalf("ShallowPaths = %s, made %d times: listing must not make the folder", got, calls)
	}
	other := NewMem()
	_ = other.WriteLazyDir("search/", NewLazyDir(3, nil))
	if !m.Same(other, "search/") || calls != 0 {
		t.Error("two lazy folders with one key differ, or comparing made them")
	}
	if b, ok := m.Get("search/t/a.json"); !ok || string(b) != "[]" {
		t.Errorf("Get = %q, %v", b, ok)
	}
	if _, ok := m.Get("search/t/missing.json"); ok {
		t.Error("a file the folder does not hold was found")
	}
	if got := fmt.Sprint(m.Paths()); got != "[index.html search/meta.json search/t/a.json]" {
		t.Errorf("Paths = %s", got)
	}
	if calls != 1 {
		t.Errorf("made %d times, want once", calls)
	}
}

func TestNewMemLike(t *testing.T) {
	prev := NewMem()
	for _, p := range []string{"a/index.html", "b/index.html"} {
		if err := prev.Write(p, []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	m := NewMemLike(prev)
	if err := m.Write("a/index.html", []byte("new")); err != nil {
		t.Errorf("a path the previous site held: %v", err)
	}
	if err := m.Write("../x", nil); err == nil {
		t.Error("an invalid new path was accepted")
	}
	if err := m.Write("A/index.html", nil); err == nil {
		t.Error("a case clash with a path written to this Mem was accepted")
	}
	if err := m.Write("a/index.html", nil); err == nil {
		t.Error("a second write was accepted")
	}
	if _, ok := m.Get("b/index.html"); ok {
		t.Error("the new Mem holds a file of the previous one")
	}
	if NewMemLike(nil) == nil {
		t.Error("NewMemLike(nil) = nil")
	}
}

func TestMemCarry(t *testing.T) {
	prev := NewMem()
	for _, p := range []string{"a/index.html", "b/index.html", "c/index.html", "robots.txt"} {
		if err := prev.Write(p, []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := prev.WriteLazy("print/index.html", NewLazy(1, func() ([]byte, error) { return []byte("print"), nil })); err != nil {
		t.Fatal(err)
	}
	if err := prev.WriteLazyDir("search/", NewLazyDir(1, func() (map[string][]byte, error) {
		return map[string][]byte{"search/x.json": []byte("x")}, nil
	})); err != nil {
		t.Fatal(err)
	}
	if err := NewMem().Carry(nil); err == nil {
		t.Error("Carry on a Mem that follows none was accepted")
	}
	written := NewMemLike(prev)
	_ = written.Write("x", nil)
	if err := written.Carry(nil); err == nil {
		t.Error("Carry after a write was accepted")
	}

	m := NewMemLike(prev)
	if m.Follows() != Sink(prev) {
		t.Fatal("Follows is not the previous Mem")
	}
	if err := m.Carry([]string{"b/index.html", "c/index.html", "print/index.html", "search/"}); err != nil {
		t.Fatal(err)
	}
	if !m.Carried() {
		t.Error("Carried is false after Carry")
	}
	for _, p := range []string{"a/index.html", "robots.txt"} {
		if got, ok := m.Get(p); !ok || string(got) != p {
			t.Errorf("%s carried as %q, %v", p, got, ok)
		}
	}
	for _, p := range []string{"b/index.html", "c/index.html", "print/index.html", "search/x.json"} {
		if m.Has(p) {
			t.Errorf("skipped %s was carried", p)
		}
	}
	// Skipped paths can be written again; carried ones cannot.
	if err := m.Write("b/index.html", []byte("new b")); err != nil {
		t.Errorf("writing a skipped path: %v", err)
	}
	if err := m.WriteLazy("print/index.html", NewLazy(2, func() ([]byte, error) { return []byte("print 2"), nil })); err != nil {
		t.Errorf("writing a skipped lazy path: %v", err)
	}
	if err := m.WriteLazyDir("search/", NewLazyDir(1, func() (map[string][]byte, error) { return nil, nil })); err != nil {
		t.Errorf("writing a skipped lazy folder: %v", err)
	}
	if err := m.Write("a/index.html", nil); err == nil {
		t.Error("a carried path was written a second time")
	}
	if err := m.Write("B/index.html", nil); err == nil {
		t.Error("a case clash with a carried path was accepted")
	}
	if err := m.Write("new/index.html", []byte("n")); err != nil {
		t.Fatal(err)
	}

	// Diff compares only what Carry skipped or what was written since,
	// and gives what the whole comparison gives.
	plain := NewMem()
	for _, p := range m.ShallowPaths() {
		switch {
		case p == "search/":
			_ = plain.WriteLazyDir(p, m.dirs[p])
		case m.lazy[p] != nil:
			_ = plain.WriteLazy(p, m.lazy[p])
		default:
			data, _ := m.Get(p)
			_ = plain.Write(p, data)
		}
	}
	got, want := prev.Diff(m), prev.Diff(plain)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Diff after Carry = %v, the whole comparison gives %v", got, want)
	}
	if fmt.Sprint(want) != "[b/index.html c/index.html new/index.html print/index.html]" {
		t.Errorf("Diff = %v", want)
	}
	// The next site stops prev from following anything.
	NewMemLike(m)
	if m.Follows() != nil {
		t.Error("a Mem still follows its predecessor after NewMemLike made its successor")
	}
}
