package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestNextLimit(t *testing.T) {
	for _, tc := range []struct{ limit, live, want int64 }{
		{gcBudget, 100 << 20, gcBudget},           // far below: the budget
		{gcBudget, 287 << 20, gcBudget},           // 2×287+64 = 638 MiB < 640
		{gcBudget, 300 << 20, 664 << 20},          // outgrown: twice live, and slack
		{2 << 30, 100 << 20, 2 << 30},             // never lower
		{gcBudget, 3 << 30, 6<<30 + runtimeSlack}, // a heap far past the budget
	} {
		if got := nextLimit(tc.limit, tc.live); got != tc.want {
			t.Errorf("nextLimit(%d MiB, live %d MiB) = %d MiB, want %d MiB", tc.limit>>20, tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// TestGCLimitFollowsLiveHeap keeps more alive than half the limit and
// checks that a collection raised the limit.
func TestGCLimitFollowsLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	g := &gcLimit{limit: 16 << 20, sample: gcSample()}
	defer g.stop.Store(true)
	debug.SetMemoryLimit(g.limit)
	keep := make([][]byte, 0, 64)
	for range 64 {
		keep = append(keep, make([]byte, 1<<20)) // 64 MiB live
	}
	g.arm()
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) == 16<<20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if l := debug.SetMemoryLimit(-1); l < 2*64<<20 {
		t.Errorf("limit %d MiB with 64 MiB live", l>>20)
	}
	runtime.KeepAlive(keep)
}

// TestTuneGC: without GOGC and GOMEMLIMIT a build runs at GOGC=400 within
// the budget; with either set, Go's settings are left as they are.
func TestTuneGC(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) }()

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env+" set", func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			if g := tuneGC(); g != nil {
				g.stop.Store(true)
				t.Fatal("tuned with " + env + " set")
			}
			if p := debug.SetGCPercent(100); p != 100 {
				t.Errorf("GOGC became %d", p)
			}
			if l := debug.SetMemoryLimit(-1); l != limit {
				t.Errorf("memory limit became %d", l)
			}
		})
	}
	t.Run("neither set", func(t *testing.T) {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		g := tuneGC()
		if g == nil {
			t.Fatal("not tuned")
		}
		g.stop.Store(true)
		if p := debug.SetGCPercent(100); p != 400 {
			t.Errorf("GOGC %d, want 400", p)
		}
		if l := debug.SetMemoryLimit(-1); l < gcBudget {
			t.Errorf("memory limit %d MiB, want at least %d", l>>20, gcBudget>>20)
		}
	})
}
