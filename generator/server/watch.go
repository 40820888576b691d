package server

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/lectern/lectern/generator/config"
	"github.com/lectern/lectern/generator/content"
)

// watchedDirs are the site folders whose changes trigger a rebuild (site.yaml too).
var watchedDirs = []string{"content", "layouts", "assets", "static"}

// relevant reports whether a site-relative slash path can affect the site:
// inside a watched folder (or site.yaml), and not an editor's temporary,
// backup or swap file.
func relevant(rel string) bool {
	if rel == config.FileName {
		return true
	}
	top, _, _ := strings.Cut(rel, "/")
	ok := false
	for _, d := range watchedDirs {
		ok = ok || top == d
	}
	if !ok {
		return false
	}
	for _, seg := range strings.Split(rel, "/") {
		if content.Ignored(seg) && seg != ".well-known" {
			return false
		}
	}
	return true
}

// watcher turns file system events under a site root into batches of changed
// paths. fsnotify is not recursive: every folder is watched, folders created
// later are added (and rescanned: files made before the watch would be
// missed), and renamed folders are dropped and re-added under their new name.
// When the OS watch limit is reached it falls back to polling.
type watcher struct {
	root  string
	b     *batcher
	logf  func(format string, args ...any)
	fsw   *fsnotify.Watcher
	mu    sync.Mutex
	dirs  map[string]bool // watched folders, absolute
	done  chan struct{}
	wg    sync.WaitGroup
	polls bool
	// add starts watching a folder: fsw.Add, unless a test stands in for
	// it (to hit the OS limit on demand).
	add func(dir string) error
}

func newWatcher(root string, b *batcher, logf func(string, ...any)) (*watcher, error) {
	w := &watcher{root: root, b: b, logf: logf, dirs: map[string]bool{}, done: make(chan struct{})}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		if isLimit(err) {
			w.startPolling(err)
			return w, nil
		}
		return nil, err
	}
	w.fsw = fsw
	if err := w.addDir(root, false); err != nil {
		if isLimit(err) {
			_ = fsw.Close()
			w.fsw = nil
			w.startPolling(err)
			return w, nil
		}
		_ = fsw.Close()
		return nil, err
	}
	for _, d := range watchedDirs {
		if err := w.addTree(filepath.Join(root, d)); err != nil {
			if isLimit(err) {
				_ = fsw.Close()
				w.fsw = nil
				w.startPolling(err)
				return w, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				_ = fsw.Close()
				return nil, err
			}
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE)
}

func (w *watcher) addDir(dir string, _ bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dirs[dir] {
		return nil
	}
	add := w.fsw.Add
	if w.add != nil {
		add = w.add
	}
	if err := add(dir); err != nil {
		return err
	}
	w.dirs[dir] = true
	return nil
}

// addTree watches dir and every folder below it.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && content.Ignored(d.Name()) && d.Name() != ".well-known" {
			return filepath.SkipDir
		}
		return w.addDir(p, false)
	})
}

// dropTree stops watching dir and the folders below it (it was renamed or removed).
func (w *watcher) dropTree(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	prefix := dir + string(filepath.Separator)
	for d := range w.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			_ = w.fsw.Remove(d)
			delete(w.dirs, d)
		}
	}
}

func (w *watcher) rel(abs string) (string, bool) {
	r, err := filepath.Rel(w.root, abs)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

func (w *watcher) loop() {
	defer w.wg.Done()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.logf("too many file events at once: rescanning the whole site")
				w.rescan()
				w.b.addAll()
				continue
			}
			w.logf("watching files: %v", err)
		}
	}
}

func (w *watcher) handle(ev fsnotify.Event) {
	rel, ok := w.rel(ev.Name)
	if !ok || !relevant(rel) {
		return
	}
	switch {
	case ev.Has(fsnotify.Create):
		if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
			if err := w.addTree(ev.Name); err != nil && isLimit(err) {
				w.logf("the OS limit on watched folders is reached (%v): raise fs.inotify.max_user_watches, or keep working — lectern now polls for changes", err)
				// The poller's first scan already holds this folder's
				// files: report them here, or they would never be built.
				w.b.add(rel)
				w.switchToPolling()
				return
			}
		}
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		w.dropTree(ev.Name)
		w.b.addRemoved(rel)
		return
	}
	// A folder's path stands for everything below it.
	w.b.add(rel)
}

// rescan re-adds watches for every folder (after an overflow, some creations
// may have been missed).
func (w *watcher) rescan() {
	for _, d := range watchedDirs {
		_ = w.addTree(filepath.Join(w.root, d))
	}
}

func (w *watcher) switchToPolling() {
	w.mu.Lock()
	if w.polls {
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	w.startPolling(nil)
}

// startPolling replaces events by a scan of the watched folders every
// pollEvery, comparing sizes and modification times.
func (w *watcher) startPolling(cause error) {
	w.mu.Lock()
	w.polls = true
	w.mu.Unlock()
	if cause != nil {
		w.logf("cannot watch files (%v): polling for changes every %v instead (on Linux, raise fs.inotify.max_user_watches)", cause, pollEvery)
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		prev := w.snapshot()
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-t.C:
				cur := w.snapshot()
				for p, s := range cur {
					if prev[p] != s {
						w.b.add(p)
					}
				}
				for p := range prev {
					if _, ok := cur[p]; !ok {
						w.b.add(p)
					}
				}
				prev = cur
			}
		}
	}()
}

const pollEvery = 300 * time.Millisecond

type stamp struct {
	size int64
	mod  time.Time
}

func (w *watcher) snapshot() map[string]stamp {
	out := map[string]stamp{}
	if st, err := os.Stat(filepath.Join(w.root, config.FileName)); err == nil {
		out[config.FileName] = stamp{st.Size(), st.ModTime()}
	}
	for _, d := range watchedDirs {
		_ = filepath.WalkDir(filepath.Join(w.root, d), func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			rel, ok := w.rel(p)
			if !ok || !relevant(rel) {
				if de.IsDir() && p != filepath.Join(w.root, d) {
					return filepath.SkipDir
				}
				return nil
			}
			if de.IsDir() {
				return nil // files added or removed are reported themselves
			}
			if info, err := de.Info(); err == nil {
				out[rel] = stamp{info.Size(), info.ModTime()}
			}
			return nil
		})
	}
	return out
}

func (w *watcher) close() {
	close(w.done)
	if w.fsw != nil {
		_ = w.fsw.Close()
	}
	w.wg.Wait()
}
