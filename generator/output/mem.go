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
}

// NewMem returns an empty in-memory sink.
func NewMem() *Mem {
	return &Mem{paths: newPathSet(), data: map[string][]byte{}}
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

// Get returns the bytes written to path. The caller must not modify them.
func (m *Mem) Get(path string) ([]byte, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, ok := m.data[path]
	return b, ok
}

// Paths returns the paths written so far, sorted.
func (m *Mem) Paths() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	paths := make([]string, 0, len(m.data))
	for p := range m.data {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}
