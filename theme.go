// Package lectern holds the built-in theme: the repository's own layouts/ and
// assets/, embedded in the binary so a site without them still builds.
package lectern

import (
	"embed"
	"io/fs"
)

// "all:" keeps names starting with _ or . (layouts/_default would vanish without it).
//
//go:embed all:layouts all:assets
var theme embed.FS

// Theme returns the built-in theme as a file system holding layouts/ and assets/.
func Theme() fs.FS { return theme }
