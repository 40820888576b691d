// Package browsertest starts the headless Chromium that end-to-end tests
// drive with chromedp, and finds axe-core for accessibility checks. In CI
// (the CI variable set) a missing browser or axe-core fails the test:
// .ci/run installs both; elsewhere the test is skipped.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium returns the browser's path: $LECTERN_CHROMIUM or a usual place.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("LECTERN_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium: CI must install it (apt-get install -y chromium); set LECTERN_CHROMIUM to another path")
	}
	t.Skip("no Chromium found (apt-get install chromium, or set LECTERN_CHROMIUM)")
	return ""
}

// Options are the allocator options for a headless Chromium at exe with a
// fresh profile in userDataDir (the flags of ../shared/TESTING-TOOLS.md:
// no sandbox as root, no GPU, no background network traffic), plus extra.
func Options(exe, userDataDir string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.UserDataDir(userDataDir),
	)
	return append(opts, extra...)
}

// Start starts a browser for one test and stops it when the test ends.
// The browser starts with no deadline; give each step its own.
func Start(t testing.TB) context.Context {
	t.Helper()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), Options(Chromium(t), t.TempDir())...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// AxeJS returns the path of axe-core's axe.min.js: $LECTERN_AXE_JS, or
// where .ci/run installs it; "" when it is missing outside CI.
func AxeJS(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("LECTERN_AXE_JS")}
	if cache, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(cache, "lectern-ci", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("axe-core is required in CI: .ci/run installs it with npm; set LECTERN_AXE_JS to axe.min.js")
	}
	return ""
}
