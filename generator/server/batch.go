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
type batcher struct {
	quiet, max time.Duration
	out        chan []string // nil slice in a batch: everything may have changed

	mu      sync.Mutex
	pending map[string]bool
	all     bool // an overflow or unknown change: rescan everything
	first   time.Time
	timer   *time.Timer
	closed  bool
}

func newBatcher(quiet, max time.Duration) *batcher {
	return &batcher{quiet: quiet, max: max, out: make(chan []string, 1), pending: map[string]bool{}}
}

// add records a changed path (slash path from the site root).
func (b *batcher) add(path string) { b.record(path, false) }

// addAll records that anything may have changed.
func (b *batcher) addAll() { b.record("", true) }

func (b *batcher) record(path string, all bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if all {
		b.all = true
	} else {
		b.pending[path] = true
	}
	now := time.Now()
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

func (b *batcher) fire() {
	b.mu.Lock()
	if b.closed || b.timer == nil {
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
	b.pending, b.all, b.timer = map[string]bool{}, false, nil
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
