package output

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// manifestHeader is the first line of a manifest; the rest lists one sorted
// slash path per line. A temporary folder carries a manifest from its
// creation on, which marks it as lectern's for clean-up after a killed build.
const manifestHeader = "# lectern-manifest v1: files lectern wrote here; this folder is replaced on every build"

// manifestMagic starts the header of every version of the manifest.
const manifestMagic = "# lectern-manifest v"

// maxNamed is how many foreign entries a refusal names.
const maxNamed = 5

// DirOptions says where [OpenDir] writes and what it must never replace.
type DirOptions struct {
	Dest     string   // destination folder (absolute or relative to the working folder)
	SiteRoot string   // the site's root folder
	Protect  []string // more folders the destination must not be inside (content, layouts, assets, static)
}

// RefusedError says why a destination is refused. The CLI maps it to exit code 2.
type RefusedError struct {
	Dest   string // the destination as an absolute path
	Reason string // why, naming the paths involved
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to write the site to %s: %s", e.Dest, e.Reason)
}

// Dir is a [Sink] that writes a build into a temporary folder beside the
// destination and swaps it into place on [Dir.Commit]. Until then the
// destination is untouched; [Dir.Abort] throws the build away. Write is safe
// for concurrent use; call Commit or Abort once all writes have returned.
type Dir struct {
	dest     string // resolved absolute destination
	tmp      string // temporary folder beside dest
	exchange func(a, b string) error

	inflight sync.WaitGroup
	mu       sync.Mutex
	paths    pathSet
	state    dirState
	writeErr error    // first failed write; Commit refuses to publish after one
	dirs     sync.Map // folders below tmp made so far: one MkdirAll each
}

// mkdirAll makes the folder of a file being written, once per build.
func (d *Dir) mkdirAll(full string) error {
	dir := filepath.Dir(full)
	if _, ok := d.dirs.Load(dir); ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d.dirs.Store(dir, true)
	return nil
}

type dirState int

const (
	dirOpen dirState = iota
	dirCommitted
	dirAborted
)

// OpenDir checks the destination, removes folders left beside it by killed
// earlier builds, and creates the temporary folder a build is written into.
//
// It refuses, with a [*RefusedError], a destination that (after resolving
// symbolic links, of its nearest existing ancestor if it does not exist yet)
// is the filesystem root, the home folder or an ancestor of it, the site root
// or an ancestor of it, equal to, inside or an ancestor of a Protect folder,
// not a folder, a folder holding .git, or a folder holding anything that the
// manifest of an earlier build ([ManifestName]) does not list. An empty folder
// is accepted.
func OpenDir(opts DirOptions) (*Dir, error) {
	if opts.Dest == "" {
		return nil, errors.New("output: DirOptions.Dest is empty")
	}
	if opts.SiteRoot == "" {
		return nil, errors.New("output: DirOptions.SiteRoot is empty")
	}
	abs, err := filepath.Abs(opts.Dest)
	if err != nil {
		return nil, err
	}
	refuse := func(format string, args ...any) error {
		return &RefusedError{Dest: abs, Reason: fmt.Sprintf(format, args...)}
	}
	dest, err := resolve(abs)
	if err != nil {
		return nil, refuse("cannot resolve it: %v", err)
	}
	if dest != abs {
		refuse = func(format string, args ...any) error {
			reason := fmt.Sprintf(format, args...)
			return &RefusedError{Dest: abs, Reason: reason + " (it resolves to " + dest + ")"}
		}
	}
	if filepath.Dir(dest) == dest {
		return nil, refuse("it is the filesystem root")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if home, err := resolve(home); err == nil {
			switch {
			case samePath(dest, home):
				return nil, refuse("it is your home folder")
			case within(home, dest):
				return nil, refuse("it contains your home folder %s", home)
			}
		}
	}
	site, err := resolve(opts.SiteRoot)
	if err != nil {
		return nil, fmt.Errorf("output: resolving the site root: %w", err)
	}
	switch {
	case samePath(dest, site):
		return nil, refuse("it is the site root")
	case within(site, dest):
		return nil, refuse("it contains the site root %s", site)
	}
	for _, p := range opts.Protect {
		prot, err := resolve(p)
		if err != nil {
			return nil, fmt.Errorf("output: resolving %s: %w", p, err)
		}
		switch {
		case samePath(dest, prot):
			return nil, refuse("it is %s, which holds the site's sources", prot)
		case within(dest, prot):
			return nil, refuse("it is inside %s, which holds the site's sources", prot)
		case within(prot, dest):
			return nil, refuse("it contains %s, which holds the site's sources", prot)
		}
	}
	if reason, err := checkContents(dest); err != nil {
		return nil, err
	} else if reason != "" {
		return nil, refuse("%s", reason)
	}

	parent, base := filepath.Dir(dest), filepath.Base(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := cleanLeftovers(parent, base); err != nil {
		return nil, err
	}
	tmp, err := makeTemp(parent, base)
	if err != nil {
		return nil, err
	}
	return &Dir{dest: dest, tmp: tmp, exchange: exchange, paths: newPathSet()}, nil
}

// Dest returns the destination as a clean absolute path with symbolic links
// resolved: the folder Commit replaces.
func (d *Dir) Dest() string { return d.dest }

// Write writes data to path inside the temporary folder (files 0644, folders
// 0755). It fails on an invalid path, on a second write of one path, on a
// path that conflicts with earlier ones, and after Commit or Abort.
func (d *Dir) Write(path string, data []byte) error {
	return d.write(path, func() error { return d.writeFile(path, data) })
}

// write registers path, runs do and records its error for Commit.
func (d *Dir) write(path string, do func() error) error {
	d.mu.Lock()
	if d.state != dirOpen {
		d.mu.Unlock()
		return fmt.Errorf("output: writing %q after Commit or Abort", path)
	}
	if err := d.paths.add(path); err != nil {
		d.mu.Unlock()
		return err
	}
	d.inflight.Add(1)
	d.mu.Unlock()
	defer d.inflight.Done()

	err := do()
	if err != nil {
		d.mu.Lock()
		if d.writeErr == nil {
			d.writeErr = err
		}
		d.mu.Unlock()
	}
	return err
}

// WriteStream writes a file that write produces piece by piece (an output
// too large to hold in memory at once: the print page of a big course).
func (d *Dir) WriteStream(path string, write func(io.Writer) error) error {
	return d.write(path, func() error { return d.streamFile(path, write) })
}

func (d *Dir) streamFile(path string, write func(io.Writer) error) error {
	full := filepath.Join(d.tmp, filepath.FromSlash(path))
	if err := d.mkdirAll(full); err != nil {
		return err
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (d *Dir) writeFile(path string, data []byte) error {
	full := filepath.Join(d.tmp, filepath.FromSlash(path))
	if err := d.mkdirAll(full); err != nil {
		return err
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Commit writes the manifest and puts the build in the destination's place,
// then removes the previous tree. On Linux an existing destination is
// swapped with renameat2(RENAME_EXCHANGE), so at every moment the destination
// holds either the whole previous site or the whole new one; elsewhere, or on
// file systems without it, the old tree is first renamed aside. The
// destination's contents are checked again first, as in [OpenDir]. Whatever
// the outcome, no temporary folder remains unless removing it failed.
func (d *Dir) Commit() error {
	d.mu.Lock()
	if d.state != dirOpen {
		d.mu.Unlock()
		return errors.New("output: Commit after Commit or Abort")
	}
	d.state = dirCommitted
	d.mu.Unlock()
	d.inflight.Wait()

	d.mu.Lock()
	err := d.writeErr
	d.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("output: not replacing %s: a write failed: %w", d.dest, err)
	} else if err = writeManifest(d.tmp, d.paths.files); err == nil {
		err = d.swap()
	}
	// After a successful swap d.tmp is gone or holds the previous tree; after
	// a failure it holds the new one. Either way it goes.
	if rerr := removeTree(d.tmp); err == nil && rerr != nil {
		err = fmt.Errorf("output: the site is in place, but removing the previous build failed: %w", rerr)
	}
	return err
}

func (d *Dir) swap() error {
	info, err := os.Lstat(d.dest)
	if errors.Is(err, fs.ErrNotExist) {
		return os.Rename(d.tmp, d.dest)
	} else if err != nil {
		return err
	}
	if reason, err := checkContents(d.dest); err != nil {
		return err
	} else if reason != "" {
		return &RefusedError{Dest: d.dest, Reason: reason}
	}
	// Keep the permissions the user gave the destination folder.
	_ = os.Chmod(d.tmp, info.Mode().Perm())

	err = d.exchange(d.tmp, d.dest)
	if !errors.Is(err, errExchangeUnsupported) {
		return err // nil: the previous tree is at d.tmp now
	}
	old := filepath.Join(filepath.Dir(d.dest), leftoverName(filepath.Base(d.dest), "old"))
	if err := os.Rename(d.dest, old); err != nil {
		return err
	}
	if err := os.Rename(d.tmp, d.dest); err != nil {
		if back := os.Rename(old, d.dest); back != nil {
			return fmt.Errorf("%w (and the previous site could not be moved back from %s: %v)", err, old, back)
		}
		return err
	}
	return removeTree(old)
}

// Abort removes the temporary folder and leaves the destination untouched.
// It does nothing after Commit or a first Abort, so it can be deferred.
func (d *Dir) Abort() error {
	d.mu.Lock()
	if d.state != dirOpen {
		d.mu.Unlock()
		return nil
	}
	d.state = dirAborted
	d.mu.Unlock()
	d.inflight.Wait()
	return removeTree(d.tmp)
}

// errExchangeUnsupported is returned by exchange where an atomic swap of two
// folders is not available.
var errExchangeUnsupported = errors.New("atomic exchange not supported")

// resolve returns p as an absolute path with symbolic links resolved. When p
// does not exist, the links of its nearest existing ancestor are resolved.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; {
		if _, err := os.Lstat(cur); err == nil {
			real, err := filepath.EvalSymlinks(cur)
			if err != nil {
				return "", err
			}
			slices.Reverse(rest)
			return filepath.Join(append([]string{real}, rest...)...), nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = append(rest, filepath.Base(cur))
		cur = parent
	}
}

// foldCase tells whether paths are compared without regard to letter case,
// as the default file systems of macOS and Windows do.
var foldCase = runtime.GOOS == "darwin" || runtime.GOOS == "windows"

func samePath(a, b string) bool {
	if foldCase {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// within reports whether child is strictly inside parent; both are clean
// absolute paths.
func within(child, parent string) bool {
	if foldCase {
		child, parent = strings.ToLower(child), strings.ToLower(parent)
	}
	rel, err := filepath.Rel(parent, child)
	if err != nil || rel == "." || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkContents inspects an existing destination. It returns a reason to
// refuse it, or "" when it is absent, empty or holds only what lectern wrote.
func checkContents(dest string) (reason string, err error) {
	info, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "it exists and is not a folder", nil
	}
	if _, err := os.Lstat(filepath.Join(dest, ".git")); err == nil {
		return "it holds .git, so it is a repository", nil
	}
	files, err := readManifest(dest)
	if err != nil {
		return err.Error(), nil
	}
	dirs := map[string]bool{}
	for f := range files {
		for i := range len(f) {
			if f[i] == '/' {
				dirs[f[:i]] = true
			}
		}
	}
	var foreign []string
	count := 0
	err = filepath.WalkDir(dest, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dest {
			return nil
		}
		rel, err := filepath.Rel(dest, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ManifestName:
			return nil
		case de.IsDir() && dirs[rel]:
			return nil
		case !de.IsDir() && files[rel]:
			return nil
		}
		count++
		if de.IsDir() {
			rel += "/"
		}
		if len(foreign) < maxNamed {
			foreign = append(foreign, rel)
		}
		if de.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if count == 0 {
		return "", nil
	}
	list := strings.Join(foreign, ", ")
	if count > len(foreign) {
		list += fmt.Sprintf(" and %d more", count-len(foreign))
	}
	what := "its " + ManifestName + " does not list"
	if files == nil {
		what = "it has no " + ManifestName + ", so lectern did not write"
	}
	return fmt.Sprintf("%s %d of the files or folders in it: %s; move them away or choose another destination",
		what, count, list), nil
}

// readManifest returns the paths listed in dir's manifest, nil without error
// when there is none, or an error whose text is a reason to refuse dir.
func readManifest(dir string) (map[string]bool, error) {
	f, err := os.Open(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("its %s cannot be read: %v", ManifestName, err)
	}
	defer f.Close()
	files := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for first := true; sc.Scan(); first = false {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first {
			if line != manifestHeader {
				if strings.HasPrefix(line, manifestMagic) {
					return nil, fmt.Errorf("its %s is in a format this version of lectern does not know", ManifestName)
				}
				return nil, fmt.Errorf("its %s was not written by lectern", ManifestName)
			}
			continue
		}
		if line != "" {
			files[line] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("its %s cannot be read: %v", ManifestName, err)
	}
	return files, nil
}

// writeManifest writes the manifest of a finished build into dir.
func writeManifest(dir string, files map[string]struct{}) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var b strings.Builder
	b.WriteString(manifestHeader + "\n")
	for _, p := range paths {
		b.WriteString(p + "\n")
	}
	return os.WriteFile(filepath.Join(dir, ManifestName), []byte(b.String()), 0o644)
}

// Leftover folders are named ".<dest>.lectern-tmp-<16 hex>" (a build in
// progress, or after an exchange the previous tree) and
// ".<dest>.lectern-old-<16 hex>" (the previous tree, renamed aside).
const (
	leftoverInfix = ".lectern-"
	leftoverHex   = 16
)

func leftoverName(base, kind string) string {
	var b [leftoverHex / 2]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return "." + base + leftoverInfix + kind + "-" + hex.EncodeToString(b[:])
}

func isLeftover(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+leftoverInfix)
	if !ok {
		return false
	}
	if r, ok := strings.CutPrefix(rest, "tmp-"); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(rest, "old-"); ok {
		rest = r
	} else {
		return false
	}
	if len(rest) != leftoverHex {
		return false
	}
	for _, c := range []byte(rest) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// makeTemp creates the temporary folder for a build beside the destination
// and marks it as lectern's with a manifest that lists nothing yet.
func makeTemp(parent, base string) (string, error) {
	for tries := 0; ; tries++ {
		tmp := filepath.Join(parent, leftoverName(base, "tmp"))
		err := os.Mkdir(tmp, 0o755)
		if errors.Is(err, fs.ErrExist) && tries < 10 {
			continue
		} else if err != nil {
			return "", err
		}
		if err := writeManifest(tmp, nil); err != nil {
			_ = os.Remove(tmp)
			return "", err
		}
		return tmp, nil
	}
}

// cleanLeftovers removes what killed earlier builds left beside the
// destination: folders named exactly like ours that carry a manifest, or are
// empty (a build killed before it wrote its marker). Anything else is kept.
func cleanLeftovers(parent, base string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || !isLeftover(e.Name(), base) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if _, err := os.Lstat(filepath.Join(dir, ManifestName)); err == nil {
			if err := removeTree(dir); err != nil {
				return fmt.Errorf("output: removing a folder left by an earlier build: %w", err)
			}
		} else {
			_ = os.Remove(dir) // only succeeds when empty
		}
	}
	return nil
}

// removeTree removes dir, its manifest last: if the process is killed
// meanwhile, the marker is still there and the next OpenDir finishes the job.
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == ManifestName {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	if err := os.Remove(filepath.Join(dir, ManifestName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Remove(dir)
}
