package server

import (
	"net/http"
	"sync"
	"time"
)

// broker fans messages out to connected event streams.
type broker struct {
	mu     sync.Mutex
	subs   map[chan []byte]bool
	closed bool
	done   chan struct{}
	// writeWait bounds each write to a stream: a client that stops reading
	// (a frozen tab, a stopped process) is dropped instead of holding its
	// handler, and http.Server.Shutdown, forever.
	writeWait time.Duration
}

func newBroker() *broker {
	return &broker{subs: map[chan []byte]bool{}, done: make(chan struct{}), writeWait: 10 * time.Second}
}

func (b *broker) subscribe() (chan []byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, false
	}
	ch := make(chan []byte, 4)
	b.subs[ch] = true
	return ch, true
}

func (b *broker) unsubscribe(ch chan []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.subs, ch)
}

// publish sends to every subscriber; a slow one loses older messages, never
// the newest (each message carries the whole state).
func (b *broker) publish(msg []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		for {
			select {
			case ch <- msg:
			default:
				select {
				case <-ch:
				default:
				}
				continue
			}
			break
		}
	}
}

func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.done)
	}
}

// serveEvents streams messages as Server-Sent Events. The first message is
// the current state, so a page that was hidden or just loaded catches up.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if _, ok := w.(http.Flusher); !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	if r.Method == http.MethodHead {
		// Headers only: a stream would keep the handler running while the
		// client, done with the response, sends its next request on the
		// same connection, which would then never be answered.
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		return
	}
	ch, ok := s.events.subscribe()
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.events.unsubscribe(ch)
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	write := func(parts ...[]byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(s.events.writeWait)) // unsupported by test recorders
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return false
			}
		}
		return rc.Flush() == nil
	}
	send := func(msg []byte) bool { return write([]byte("data: "), msg, []byte("\n\n")) }
	if !send(s.state()) {
		return
	}
	keepAlive := time.NewTicker(25 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.events.done:
			return
		case msg := <-ch:
			if !send(msg) {
				return
			}
		case <-keepAlive.C:
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		}
	}
}
