//go:build unix

package search

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (user + system): build
// costs measured on a busy machine, where wall time says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
