package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// A build allocates ~0.85 MB per lesson and keeps little of it (pages go
// to disk as they are made), so with Go's default (a collection each time
// the heap doubles) it collects hundreds of times. tuneGC lets the heap
// grow to five times what is live (GOGC=400) within a budget, gcBudget or
// twice the live heap, whichever is larger: small sites collect rarely,
// and a large one collects about as often as with the default, never in a
// loop against a limit its live heap has outgrown. With GOGC or GOMEMLIMIT
// set, Go's settings are left as they are.
//
// On the 10,000-lesson benchmark course: 84 collections become 39, ~9% less
// user CPU, peak memory ~5% higher; a 1,000-lesson build peaks at 191 MiB
// instead of 105 (bench/README.md).

// gcBudget is the soft memory limit a build starts with.
const gcBudget = 640 << 20

// tuneGC returns the limit it keeps up to date, nil when it left Go's
// settings alone.
func tuneGC() *gcLimit {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	debug.SetGCPercent(400)
	g := &gcLimit{limit: gcBudget, sample: gcSample()}
	debug.SetMemoryLimit(g.limit)
	g.arm()
	return g
}

// gcLimit raises the memory limit after a collection that found the live
// heap above half of it.
type gcLimit struct {
	limit  int64
	sample []metrics.Sample
	stop   atomic.Bool // no more checks (tests)
}

// arm runs check after the next collection: a finalizer runs once the
// collector has found its object unreachable.
func (g *gcLimit) arm() {
	runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) { g.check() })
}

// gcSentinel is large enough not to share a tiny-allocator block, which
// would delay its finalizer.
type gcSentinel struct{ _ [32]byte }

func (g *gcLimit) check() {
	if g.stop.Load() {
		return
	}
	metrics.Read(g.sample)
	if v := g.sample[0].Value; v.Kind() == metrics.KindUint64 {
		if l := nextLimit(g.limit, int64(v.Uint64())); l != g.limit {
			g.limit = l
			debug.SetMemoryLimit(l)
		}
	}
	g.arm()
}

// nextLimit is the limit after a collection that left live bytes: twice
// the live heap (and room for the runtime's own memory, which the limit
// counts) once that outgrows the limit's half, so that collections stay
// as far apart as with GOGC=100; never lower.
func nextLimit(limit, live int64) int64 {
	if l := 2*live + runtimeSlack; l > limit {
		return l
	}
	return limit
}

// runtimeSlack is room for memory the limit counts besides the heap
// (stacks, the collector's own structures).
const runtimeSlack = 64 << 20

func gcSample() []metrics.Sample { return []metrics.Sample{{Name: "/gc/heap/live:bytes"}} }
