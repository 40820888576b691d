package server

import (
	"sort"
	"sync"
	"time"
)

// batcher coalesces bursts of file events (an editor's atomic save, a git
// checkout of 500 files) into one batch of changed paths. A batch is sent
// once no event arrived for quiet, or at the latest max after its first
// event, so a single save is not delayed noticeably.
//
// A path that was removed and is still missing when the batch is due holds
// the batch until no event came for hold (at most max+hold after its first
// event): a save done as delete, then create, a few tens of milliseconds
// apart, is one rebuild, not a rebuild of a site without the file (a 404
// and broken links for a moment) and another. A removal whose path is back
// by then (rename-over saves, JetBrains' safe write) costs nothing.
type batcher struct {
	quiet, max time.Duration
	hold       time.Duration
	exists     func(path string) bool // nil: removals never hold a batch
	out        chan []string          // nil slice in a batch: everything may have changed

	mu      sync.Mutex
	pending map[string]bool
	removed map[string]bool // paths of pending that were removed
	all     bool            // an overflow or unknown change: rescan everything
	first   time.Time
	last    time.Time
	timer   *time.Timer
	closed  bool
}

func newBatcher(quiet, max time.Duration) *batcher {
	return &batcher{quiet: quiet, max: max, out: make(chan []string, 1), pending: map[string]bool{}, removed: map[string]bool{}}
}

// add records a changed path (slash path from the site root).
func (b *batcher) add(path string) { b.record(path, false, false) }

// addRemoved records a path that was removed or renamed away.
func (b *batcher) addRemoved(path string) { b.record(path, false, true) }

// addAll records that anything may have changed.
func (b *batcher) addAll() { b.record("", true, false) }

func (b *batcher) record(path string, all, removed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if all {
		b.all = true
	} else {
		b.pending[path] = true
		if removed {
			b.removed[path] = true
		}
	}
	now := time.Now()
	b.last = now
	if b.timer == nil {
		b.first = now
		b.timer = time.AfterFunc(b.quiet, b.fire)
		return
	}
	wait := b.quiet
	if left := b.first.Add(b.max).Sub(now); left < wait {
		wait = max(left, 0)
	}
	b.timer.Reset(wait)
}

// holding reports how much longer a due batch waits for a removed path to
// come back (0: send it now). b.mu is held.
func (b *batcher) holding(now time.Time) time.Duration {
	if b.exists == nil || b.all {
		return 0
	}
	wait := min(b.last.Add(b.hold).Sub(now), b.first.Add(b.max+b.hold).Sub(now))
	if wait <= 0 {
		return 0
	}
	for p := range b.removed {
		if !b.exists(p) {
			return wait
		}
	}
	return 0
}

func (b *batcher) fire() {
	b.mu.Lock()
	if b.closed || b.timer == nil {
		b.mu.Unlock()
		return
	}
	if wait := b.holding(time.Now()); wait > 0 {
		b.timer.Reset(wait)
		b.mu.Unlock()
		return
	}
	var batch []string
	if !b.all {
		batch = make([]string, 0, len(b.pending))
		for p := range b.pending {
			batch = append(batch, p)
		}
		sort.Strings(batch)
	}
	b.pending, b.removed, b.all, b.timer = map[string]bool{}, map[string]bool{}, false, nil
	b.mu.Unlock()
	// Merge with a batch the consumer has not taken yet (it is rebuilding):
	// the edits that land during a rebuild give exactly one more.
	for {
		select {
		case b.out <- batch:
			return
		case prev := <-b.out:
			batch = merge(prev, batch)
		}
	}
}

// merge joins two batches; nil (everything) absorbs the other.
func merge(a, b []string) []string {
	if a == nil || b == nil {
		return nil
	}
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]string, 0, len(a)+len(b))
	for _, p := range append(append([]string(nil), a...), b...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func (b *batcher) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
}
