package output

import (
	"slices"
	"sync"
)

// Mem is a [Sink] that keeps files in memory: the dev server's site, and
// tests. The zero value is not ready for use; call [NewMem].
type Mem struct {
	mu    sync.RWMutex
	paths pathSet
	data  map[string][]byte
	lazy  map[string]*Lazy
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
}

// NewMem returns an empty in-memory sink.
func NewMem() *Mem {
	return &Mem{paths: newPathSet(), data: map[string][]byte{}, lazy: map[string]*Lazy{}}
}

// WriteLazy stores a file made on its first Get.
func (m *Mem) WriteLazy(path string, l *Lazy) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.paths.add(path); err != nil {
		return err
	}
	m.lazy[path] = l
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
	return ok
}

// LazyFile returns the lazy file at path, if path holds one.
func (m *Mem) LazyFile(path string) (*Lazy, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	l, ok := m.lazy[path]
	return l, ok
}

// Write stores data under path without copying it: as the Sink contract
// says, the caller must not modify data afterwards (the dev server's
// consecutive sites share unchanged pages this way). It fails on an invalid
// path, on a second write of one path, and on a path that conflicts with
// earlier ones.
func (m *Mem) Write(path string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.paths.add(path); err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	m.data[path] = data
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
	m.mu.RUnlock()
	if lazy {
		b, err := l.Bytes()
		return b, true, err
	}
	return b, ok, nil
}

// Paths returns the paths written so far, sorted.
func (m *Mem) Paths() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	paths := make([]string, 0, len(m.data)+len(m.lazy))
	for p := range m.data {
		paths = append(paths, p)
	}
	for p := range m.lazy {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}
