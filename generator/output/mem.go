package output

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Mem is a [Sink] that keeps files in memory: the dev server's site, and
// tests. The zero value is not ready for use; call [NewMem].
type Mem struct {
	mu    sync.RWMutex
	paths pathSet
	data  map[string][]byte
	lazy  map[string]*Lazy
	dirs  map[string]*LazyDir // by prefix, "search/"
	// follows is the Mem this one was made to follow ([NewMemLike]), whose
	// files [Mem.Carry] copies; hint sizes the maps made on the first write.
	follows *Mem
	hint    int
	// carried is set by Carry; touched then lists the paths skipped or
	// written since, the only ones where m and follows can differ.
	carried bool
	touched map[string]struct{}
}

// LazyDir is a set of files below one folder made together on the first
// request of any of them (the search index: its file names depend on its
// content). Key identifies the inputs, as for Lazy.
type LazyDir struct {
	Key   uint64
	once  sync.Once
	make  func() (map[string][]byte, error)
	files map[string][]byte
	err   error
}

// NewLazyDir returns a folder whose files make gives (paths relative to
// the site root, all below the folder), called at most once.
func NewLazyDir(key uint64, make func() (map[string][]byte, error)) *LazyDir {
	return &LazyDir{Key: key, make: make}
}

// Files makes the folder's files on the first call.
func (d *LazyDir) Files() (map[string][]byte, error) {
	d.once.Do(func() {
		d.files, d.err = d.make()
		d.make = nil
	})
	return d.files, d.err
}

// Lazy is a file made on its first request: the dev server keeps outputs that
// grow with the whole course (the print page) this way, so an edit does not
// pay for them until someone opens them. Key identifies the inputs: two Lazy
// files with one key have the same bytes.
type Lazy struct {
	Key  uint64
	once sync.Once
	make func() ([]byte, error)
	data []byte
	err  error
}

// NewLazy returns a file whose bytes make gives, called at most once.
func NewLazy(key uint64, make func() ([]byte, error)) *Lazy {
	return &Lazy{Key: key, make: make}
}

// Bytes makes the file on the first call and returns the same result after.
func (l *Lazy) Bytes() ([]byte, error) {
	l.once.Do(func() {
		l.data, l.err = l.make()
		l.make = nil
	})
	return l.data, l.err
}

// LazySink is a Sink that also takes files made on request.
type LazySink interface {
	Sink
	WriteLazy(path string, l *Lazy) error
	WriteLazyDir(prefix string, d *LazyDir) error
}

// NewMem returns an empty in-memory sink.
func NewMem() *Mem {
	return &Mem{paths: newPathSet(), data: map[string][]byte{}, lazy: map[string]*Lazy{}, dirs: map[string]*LazyDir{}}
}

// NewMemLike returns an empty Mem for the next build of the site prev holds
// (the dev server's next site): sized like prev, trusting the paths prev
// accepted as valid (conflicts among the new paths are still checked), and
// able to [Mem.Carry] prev's files. prev must be complete: nothing may
// write to it any more. prev stops following the Mem it followed, so a chain
// of sites does not stay reachable.
func NewMemLike(prev *Mem) *Mem {
	if prev == nil {
		return NewMem()
	}
	prev.mu.Lock()
	n := len(prev.paths.files)
	prev.follows = nil
	prev.mu.Unlock()
	return &Mem{follows: prev, hint: n}
}

// ready makes the maps of a Mem made by NewMemLike on its first write. m.mu
// is held.
func (m *Mem) ready() {
	if m.data != nil {
		return
	}
	n := m.hint
	m.paths = pathSet{
		files:  make(map[string]struct{}, n),
		dirs:   make(map[string]struct{}, n/4),
		folded: make(map[string]string, n+n/4),
	}
	if m.follows != nil {
		m.paths.valid = m.follows.paths.files
	}
	m.data = make(map[string][]byte, n)
	m.lazy = map[string]*Lazy{}
	m.dirs = map[string]*LazyDir{}
}

// Follows returns the Mem that m was made to follow with NewMemLike, whose
// files Carry copies: nil when there is none.
func (m *Mem) Follows() Sink {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.follows == nil {
		return nil
	}
	return m.follows
}

// Carry copies every file of the Mem that m follows, lazy ones included,
// except the paths in skip (a lazy folder is skipped by its prefix,
// "search/"), in one step: a build that knows which of its outputs changed
// writes only those. It must be called before anything is written to m.
// Diff between the two then compares only the paths skipped or written.
func (m *Mem) Carry(skip []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.follows
	if p == nil {
		return fmt.Errorf("output: Carry on a Mem that follows no other")
	}
	if m.data != nil {
		return fmt.Errorf("output: Carry after a write")
	}
	p.mu.RLock()
	m.paths = pathSet{
		files:  maps.Clone(p.paths.files),
		dirs:   maps.Clone(p.paths.dirs),
		folded: maps.Clone(p.paths.folded),
		valid:  p.paths.files,
	}
	m.data, m.lazy, m.dirs = maps.Clone(p.data), maps.Clone(p.lazy), maps.Clone(p.dirs)
	p.mu.RUnlock()
	m.carried = true
	m.touched = make(map[string]struct{}, len(skip))
	for _, s := range skip {
		m.touched[s] = struct{}{}
		f := s
		if _, ok := m.dirs[s]; ok {
			delete(m.dirs, s)
			f = s + lazyDirFile
		} else {
			delete(m.data, s)
			delete(m.lazy, s)
		}
		if _, ok := m.paths.files[f]; ok {
			delete(m.paths.files, f)
			if low := strings.ToLower(f); m.paths.folded[low] == f {
				delete(m.paths.folded, low)
			}
		}
	}
	return nil
}

// Carried reports whether Carry was called.
func (m *Mem) Carried() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.carried
}

// lazyDirFile stands, in a Mem's path set, for the files of a lazy folder.
const lazyDirFile = ".lazy"

// touch records a path written after Carry. m.mu is held.
func (m *Mem) touch(path string) {
	if m.carried {
		m.touched[path] = struct{}{}
	}
}

// WriteLazyDir stores a folder of files made on the first request of any.
// prefix ends in "/"; nothing else may be written below it.
func (m *Mem) WriteLazyDir(prefix string, d *LazyDir) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ready()
	if err := m.paths.add(prefix + lazyDirFile); err != nil {
		return err
	}
	m.dirs[prefix] = d
	m.touch(prefix)
	return nil
}

// Same reports whether path holds the same file in m and o, without making
// lazy files or folders (those compare by key). Bytes shared between two
// builds compare by pointer first.
func (m *Mem) Same(o *Mem, path string) bool {
	m.mu.RLock()
	x := m.entryLocked(path)
	m.mu.RUnlock()
	o.mu.RLock()
	y := o.entryLocked(path)
	o.mu.RUnlock()
	return x.same(y)
}

// memEntry is what a Mem holds at one path: bytes, a lazy file or a lazy
// folder (by its prefix), or nothing.
type memEntry struct {
	data   []byte
	isData bool
	lazy   *Lazy
	dir    *LazyDir
}

// entryLocked returns what m holds at path. m.mu is held.
func (m *Mem) entryLocked(path string) memEntry {
	data, ok := m.data[path]
	return memEntry{data: data, isData: ok, lazy: m.lazy[path], dir: m.dirs[path]}
}

func (e memEntry) present() bool { return e.isData || e.lazy != nil || e.dir != nil }

// same: the same file (lazy ones by key), or nothing in both.
func (x memEntry) same(y memEntry) bool {
	switch {
	case x.dir != nil || y.dir != nil:
		return x.dir != nil && y.dir != nil && (x.dir == y.dir || x.dir.Key == y.dir.Key)
	case x.lazy != nil || y.lazy != nil:
		return x.lazy != nil && y.lazy != nil && (x.lazy == y.lazy || x.lazy.Key == y.lazy.Key)
	}
	a, b := x.data, y.data
	return x.isData == y.isData && len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0] || bytes.Equal(a, b))
}

// Diff lists, sorted, the paths whose files differ between m and o as Same
// sees them, and the paths only one of them has. It holds both read locks
// once instead of once per path: the dev server calls it after every build.
// When o was made by carrying m's files (Carry), only the paths o touched
// since can differ.
func (m *Mem) Diff(o *Mem) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if o != m {
		o.mu.RLock()
		defer o.mu.RUnlock()
	}
	var out []string
	differs := func(path string) bool { return !m.entryLocked(path).same(o.entryLocked(path)) }
	if o.carried && o.follows == m {
		for p := range o.touched {
			if differs(p) {
				out = append(out, p)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, x := range []*Mem{m, o} {
		for _, keys := range []func(yield func(string) bool){maps.Keys(x.data), maps.Keys(x.lazy), maps.Keys(x.dirs)} {
			for p := range keys {
				// A path of both is listed once, from m.
				if differs(p) && (x == m || !m.entryLocked(p).present()) {
					out = append(out, p)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// dirOf returns the lazy folder holding path, if any.
func (m *Mem) dirOf(path string) *LazyDir {
	for prefix, d := range m.dirs {
		if strings.HasPrefix(path, prefix) {
			return d
		}
	}
	return nil
}

// WriteLazy stores a file made on its first Get.
func (m *Mem) WriteLazy(path string, l *Lazy) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ready()
	if err := m.paths.add(path); err != nil {
		return err
	}
	m.lazy[path] = l
	m.touch(path)
	return nil
}

// Has reports whether path was written, without making a lazy file.
func (m *Mem) Has(path string) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.data[path]
	if !ok {
		_, ok = m.lazy[path]
	}
	if !ok && len(m.dirs) > 0 {
		if d := m.dirOf(path); d != nil {
			files, _ := d.Files()
			_, ok = files[path]
		}
	}
	return ok
}

// Write stores data under path without copying it: as the Sink contract
// says, the caller must not modify data afterwards (the dev server's
// consecutive sites share unchanged pages this way). It fails on an invalid
// path, on a second write of one path, and on a path that conflicts with
// earlier ones.
func (m *Mem) Write(path string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ready()
	if err := m.paths.add(path); err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	m.data[path] = data
	m.touch(path)
	return nil
}

// Get returns the bytes written to path, making a lazy file first. The
// caller must not modify them. A lazy file that fails gives nothing: use
// GetErr to see why.
func (m *Mem) Get(path string) ([]byte, bool) {
	b, ok, err := m.GetErr(path)
	return b, ok && err == nil
}

// GetErr is Get with the error of a lazy file that could not be made.
func (m *Mem) GetErr(path string) ([]byte, bool, error) {
	m.mu.RLock()
	b, ok := m.data[path]
	l, lazy := m.lazy[path]
	var d *LazyDir
	if !ok && !lazy && len(m.dirs) > 0 {
		d = m.dirOf(path)
	}
	m.mu.RUnlock()
	switch {
	case lazy:
		b, err := l.Bytes()
		return b, true, err
	case d != nil:
		files, err := d.Files()
		if err != nil {
			return nil, true, err
		}
		b, ok = files[path]
		return b, ok, nil
	}
	return b, ok, nil
}

// Paths returns the paths written so far, sorted, lazy folders' files
// included (which makes them).
func (m *Mem) Paths() []string {
	paths := m.ShallowPaths()
	m.mu.RLock()
	dirs := maps.Clone(m.dirs)
	m.mu.RUnlock()
	if len(dirs) == 0 {
		return paths
	}
	out := paths[:0:0]
	for _, p := range paths {
		d, ok := dirs[p]
		if !ok {
			out = append(out, p)
			continue
		}
		files, _ := d.Files()
		for f := range files {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// ShallowPaths is Paths with each lazy folder listed as its prefix
// ("search/") rather than its files, so nothing is made.
func (m *Mem) ShallowPaths() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	paths := make([]string, 0, len(m.data)+len(m.lazy))
	for p := range m.data {
		paths = append(paths, p)
	}
	for p := range m.lazy {
		paths = append(paths, p)
	}
	for p := range m.dirs {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}
