// Package learnertest drives the built-in theme the way a learner does: it
// builds the repository's own course into memory, serves it under a sub-path
// (/backend/, as in production) and runs headless Chromium over it to check
// the quiz, progress tracking, dark mode, keyboard use, pages without
// JavaScript, accessibility (axe-core) and page weight. Everything is in the
// tests; this file only documents the package.
//
// Outside tools: Chromium (/usr/bin/chromium or LECTERN_CHROMIUM) and
// axe-core's axe.min.js (LECTERN_AXE_JS, installed by .ci/run). Locally a
// missing tool skips the tests that need it; in CI (CI set) it fails them.
//
// LECTERN_SCREENSHOTS=1 go test ./generator/internal/learnertest -run Screenshots
// regenerates docs/screenshots/*.png for the README.
package learnertest
