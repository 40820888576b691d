package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress shows "rendering 1234/10000 pages" on one updating terminal line
// once a build has run for a second, at most ten times a second. update is
// called by the build's render workers, concurrently; it never blocks them.
type progress struct {
	w     io.Writer
	start time.Time

	mu    sync.Mutex
	last  time.Time
	done  int
	shown bool
}

func (p *progress) update(done, total int) {
	now := time.Now()
	if now.Sub(p.start) < time.Second || !p.mu.TryLock() {
		return
	}
	defer p.mu.Unlock()
	if done <= p.done || now.Sub(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last, p.done, p.shown = now, done, true
	fmt.Fprintf(p.w, "\rrendering %d/%d pages", done, total)
}

// clear erases the progress line, if one was shown. A nil progress does nothing.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
