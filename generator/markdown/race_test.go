//go:build race

package markdown

// raceEnabled stretches time limits: the race detector slows code 5–20×.
const raceEnabled = true
