package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/lectern/lectern/generator/output"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/lectern/lectern/generator/content"
	"github.com/lectern/lectern/generator/diag"
)

const (
	assetDir  = "assets"
	staticDir = "static"
	// chromaAsset is generated from the configured highlight styles.
	chromaAsset = "css/chroma.css"
)

// writeAssets copies the theme's and the site's assets/ (the site's file wins)
// to /assets/: CSS and JS minified, then fingerprinted with their content hash
// so they can be cached forever; other files copied as they are. When no
// asset changed since the previous run, its output is written again as it was.
func (b *builder) writeAssets() error {
	files := map[string]fs.FS{}
	for _, fsys := range []fs.FS{b.opts.Theme, b.opts.Root} {
		if fsys == nil {
			continue
		}
		err := fs.WalkDir(fsys, assetDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == assetDir {
					return fs.SkipDir
				}
				return err
			}
			if content.Ignored(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				b.diags.Add(diag.Warnf(diag.Pos{File: p}, "symbolic link skipped: copy the file instead"))
				return nil
			}
			if d.Type().IsRegular() {
				files[strings.TrimPrefix(p, assetDir+"/")] = fsys
			}
			return nil
		})
		if err != nil {
			b.fail(diag.Errorf(diag.Pos{File: assetDir}, "cannot read assets: %v", err))
			return errStop
		}
	}
	names := make([]string, 0, len(files)+1)
	for n := range files {
		names = append(names, n)
	}
	if _, ok := files[chromaAsset]; !ok {
		names = append(names, chromaAsset)
	}
	sort.Strings(names)
	sources := make([][]byte, len(names))
	h := b.m.hash()
	for i, name := range names {
		if fsys, ok := files[name]; ok {
			data, err := fs.ReadFile(fsys, path.Join(assetDir, name))
			if err != nil {
				b.fail(diag.Errorf(diag.Pos{File: path.Join(assetDir, name)}, "cannot read: %v", err))
				return errStop
			}
			sources[i] = data
		} else {
			sources[i] = b.conv.CSS()
		}
		fmt.Fprintf(h, "%s|%d|", name, len(sources[i]))
		h.Write(sources[i])
	}
	if key := h.Sum64(); b.m.assetURLs == nil || key != b.m.assetKey {
		out, urls, ok := b.processAssets(names, sources)
		if !ok {
			return errStop
		}
		b.m.assetKey, b.m.assetOut, b.m.assetURLs = key, out, urls
		b.m.assetView.Store(&urls)
	}
	for _, f := range b.m.assetOut {
		if err := b.sinkWrite(f.Path, f.Data); err != nil {
			return err
		}
	}
	for name := range b.m.assetURLs {
		b.c.AddFiles("/" + path.Join(assetDir, name))
	}
	return nil
}

// processAssets minifies and fingerprints CSS and JS; other files pass as they are.
func (b *builder) processAssets(names []string, sources [][]byte) ([]output.File, map[string]string, bool) {
	var out []output.File
	urls := make(map[string]string, len(names))
	for i, name := range names {
		data := sources[i]
		p := path.Join(assetDir, name)
		ext := path.Ext(name)
		if ext == ".css" || ext == ".js" {
			if b.min != nil {
				m, err := b.min.Minify(name, data)
				if err != nil {
					b.fail(diag.Errorf(diag.Pos{File: p}, "minify: %v", err))
					return nil, nil, false
				}
				data = m
			}
			sum := sha256.Sum256(data)
			p = strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		}
		out = append(out, output.File{Path: p, Data: data})
		urls[name] = b.cfg.BasePath() + p
	}
	return out, urls, true
}

// assetURL is the template function behind {{asset "css/main.css"}}.
func (m *memo) assetURL(name string) (string, bool) {
	urls := m.assetView.Load()
	if urls == nil {
		return "", false
	}
	u, ok := (*urls)[strings.TrimPrefix(name, "/")]
	return u, ok
}

// readBlob reads a file copied as it is, reusing last run's bytes when the
// file did not change.
func (b *builder) readBlob(p string) ([]byte, error) {
	b.m.usedBlobs[p] = true
	if bl, ok := b.m.blobs[p]; ok && b.changed != nil && !b.changed(p) {
		return bl.data, nil
	}
	data, err := fs.ReadFile(b.opts.Root, p)
	if err != nil {
		delete(b.m.blobs, p)
		return nil, err
	}
	b.m.blobs[p] = blob{data: data}
	return data, nil
}

// writeStatic copies static/ to the site root untouched.
func (b *builder) writeStatic() error {
	var paths []string
	err := fs.WalkDir(b.opts.Root, staticDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == staticDir {
				return fs.SkipDir
			}
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			b.diags.Add(diag.Warnf(diag.Pos{File: p}, "symbolic link skipped: copy the file instead"))
			return nil
		}
		// Dotfiles are kept here on purpose: .well-known/ and _headers belong to hosts.
		if d.Type().IsRegular() && !strings.HasSuffix(d.Name(), "~") && d.Name() != ".DS_Store" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		b.diags.Add(diag.Errorf(diag.Pos{File: staticDir}, "cannot read static files: %v", err))
		return errStop
	}
	sort.Strings(paths)
	generated := b.generatedPaths()
	for _, p := range paths {
		out := strings.TrimPrefix(p, staticDir+"/")
		if generated[strings.ToLower(out)] || strings.HasPrefix(out, assetDir+"/") {
			b.diags.Add(diag.Errorf(diag.Pos{File: p}, "/%s is generated by lectern: rename or remove the static file", out))
			continue
		}
		data, err := b.readBlob(p)
		if err != nil {
			b.diags.Add(diag.Errorf(diag.Pos{File: p}, "cannot read: %v", err))
			continue
		}
		if err := b.sinkWrite(out, data); err != nil {
			return err
		}
		b.c.AddFiles("/" + out)
	}
	return nil
}

// generatedPaths lists the output files lectern makes itself (lowercase).
func (b *builder) generatedPaths() map[string]bool {
	m := map[string]bool{"404.html": true, "sitemap.xml": true, "feed.xml": true, "robots.txt": true}
	for _, p := range b.c.All {
		m[outPath(p.Path)] = true
	}
	for _, a := range b.c.Aliases {
		m[strings.ToLower(outPath(a.Path))] = true
	}
	for _, t := range b.c.Taxonomies {
		m[outPath(t.Path)] = true
		for _, term := range t.Terms {
			m[outPath(term.Path)] = true
		}
	}
	for _, r := range b.c.Resources {
		m[strings.ToLower(r.Path)] = true
	}
	return m
}

// writeResources copies files that sit next to lessons under content/.
func (b *builder) writeResources() error {
	for _, r := range b.c.Resources {
		data, err := b.readBlob(r.Src)
		if err != nil {
			b.diags.Add(diag.Errorf(diag.Pos{File: r.Src}, "cannot read: %v", err))
			continue
		}
		if err := b.sink.Write(r.Path, data); err != nil {
			var de *diag.Error
			if errors.As(err, &de) {
				b.diags.Add(err)
				continue
			}
			return err
		}
	}
	return nil
}
