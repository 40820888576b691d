// Package output is where every byte lectern writes passes: rendered pages,
// assets and feeds go in as (slash path, bytes) pairs, and come out either as
// a folder on disk or as a map in memory.
//
// A [Sink] receives files. [Dir] streams a build into a temporary folder
// beside the destination and swaps it into place on [Dir.Commit], so a failed
// or killed build never leaves a half-written site; it refuses destinations
// whose replacement could destroy something of the user's ([RefusedError]).
// [Mem] keeps files in memory for the dev server and tests. [Minifier]
// minifies HTML, CSS, JS, SVG, JSON and XML by file extension.
//
// Every sink validates paths with [CheckPath] and refuses writing one path
// twice, a path that is both a file and a folder, and two paths that differ
// only in letter case (they would collide on macOS and Windows).
package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sink receives output files. Path is a slash-separated path relative to the
// site output root, like "foundations/apis/index.html" or
// "assets/main.1a2b3c4d.css". Implementations are safe for concurrent use.
// A sink may keep data after Write returns: callers must not modify it.
type Sink interface {
	Write(path string, data []byte) error
}

// StreamSink is a Sink that also takes a file written piece by piece, for
// outputs too large to hold in memory at once.
type StreamSink interface {
	Sink
	WriteStream(path string, write func(io.Writer) error) error
}

// Carrier is a Sink that can start as a copy of the files of the sink it
// follows (the dev server's previous site, see [NewMemLike] and [Mem.Carry]):
// a build that knows which of its outputs changed writes only those.
type Carrier interface {
	Sink
	Follows() Sink
	Carry(skip []string) error
}

// File is one output file: a path as accepted by [CheckPath] and its bytes.
type File struct {
	Path string
	Data []byte
}

// ManifestName is the file, at the top of a destination folder, in which
// lectern lists the files it wrote there. No output path may take this name.
const ManifestName = ".lectern-manifest"

// maxSegment is the longest file name (in bytes) common file systems accept.
const maxSegment = 255

// CheckPath validates an output path. A valid path is relative and
// slash-separated, with non-empty segments that are neither "." nor "..", and
// it is valid UTF-8 without control characters or any of \ : * ? " < > |.
// Segments must not end in "." or " ", must not be Windows device names
// (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension) and must
// be at most 255 bytes long, so a site built on Linux can be copied to any
// system. Percent signs are ordinary characters: "%2e%2e" names a file
// called "%2e%2e", it does not climb out of the site.
func CheckPath(p string) error {
	bad := func(why string, args ...any) error {
		return fmt.Errorf("invalid output path %q: %s", p, fmt.Sprintf(why, args...))
	}
	switch {
	case p == "":
		return bad("empty")
	case !utf8.ValidString(p):
		return bad("not valid UTF-8")
	case p[0] == '/':
		return bad("absolute; output paths are relative to the site root")
	case p == ManifestName:
		return bad("reserved for lectern's manifest")
	}
	for _, r := range p {
		switch {
		case r == 0:
			return bad("contains a NUL byte")
		case r == '\\':
			return bad(`contains a backslash; separate folders with "/"`)
		case r == ':':
			return bad(`contains ":" (a drive letter or stream name on Windows)`)
		case r < 0x20 || r == 0x7f:
			return bad("contains the control character %U", r)
		case strings.ContainsRune(`*?"<>|`, r):
			return bad("contains %q, which Windows does not allow in file names", r)
		}
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch {
		case seg == "":
			return bad(`has an empty segment ("//" or a trailing "/")`)
		case seg == "." || seg == "..":
			return bad("has a %q segment; paths must be clean", seg)
		case len(seg) > maxSegment:
			return bad("segment %.20q… is longer than %d bytes", seg, maxSegment)
		case strings.HasSuffix(seg, ".") || strings.HasSuffix(seg, " "):
			return bad("segment %q ends in a dot or space, which Windows drops", seg)
		case isWindowsDevice(seg):
			return bad("segment %q is a reserved device name on Windows", seg)
		}
	}
	return nil
}

// isWindowsDevice reports whether a file name is one Windows reserves for a
// device, which it does regardless of case and extension ("nul.txt").
func isWindowsDevice(seg string) bool {
	base, _, _ := strings.Cut(seg, ".")
	base = strings.TrimRight(base, " ")
	switch strings.ToUpper(base) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 {
		prefix := strings.ToUpper(base[:3])
		if (prefix == "COM" || prefix == "LPT") && base[3] >= '1' && base[3] <= '9' {
			return true
		}
	}
	return false
}

// pathSet records the paths written to one sink and rejects conflicts among
// them. It is not safe for concurrent use; sinks guard it with their mutex.
type pathSet struct {
	files  map[string]struct{}
	dirs   map[string]struct{} // every folder implied by a file in files
	folded map[string]string   // lower-cased file or folder path -> as written
	// valid holds paths known to pass CheckPath (an earlier set's files,
	// never written to again): they skip that check, not the conflict ones.
	valid map[string]struct{}
}

func newPathSet() pathSet {
	return pathSet{
		files:  map[string]struct{}{},
		dirs:   map[string]struct{}{},
		folded: map[string]string{},
	}
}

// add validates p and records it, or says why it conflicts with earlier paths.
func (s *pathSet) add(p string) error {
	if _, ok := s.valid[p]; !ok {
		if err := CheckPath(p); err != nil {
			return err
		}
	}
	if _, ok := s.files[p]; ok {
		return fmt.Errorf("output path %q written twice", p)
	}
	if _, ok := s.dirs[p]; ok {
		return fmt.Errorf("output path %q is already a folder holding other output", p)
	}
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		prefix := p[:i]
		if i < len(p) {
			if _, ok := s.files[prefix]; ok {
				return fmt.Errorf("output path %q needs folder %q, which is already a file", p, prefix)
			}
		}
		if prev, ok := s.folded[strings.ToLower(prefix)]; ok && prev != prefix {
			return fmt.Errorf("output path %q collides with %q: they differ only in letter case", prefix, prev)
		}
	}
	s.files[p] = struct{}{}
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		prefix := p[:i]
		if i < len(p) {
			s.dirs[prefix] = struct{}{}
		}
		s.folded[strings.ToLower(prefix)] = prefix
	}
	return nil
}
