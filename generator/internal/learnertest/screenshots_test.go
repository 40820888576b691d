package learnertest

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots writes docs/screenshots/{home,lesson}-{light,dark}-{desktop,phone}.png
// for the README. It runs only with LECTERN_SCREENSHOTS=1:
//
//	LECTERN_SCREENSHOTS=1 go test ./generator/internal/learnertest -run Screenshots
func TestScreenshots(t *testing.T) {
	if os.Getenv("LECTERN_SCREENSHOTS") != "1" {
		t.Skip("set LECTERN_SCREENSHOTS=1 to regenerate docs/screenshots")
	}
	s := getSite(t)
	dir := filepath.Join(repoRoot, "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := newTab(t)
	pages := []struct{ name, rel string }{{"home", ""}, {"lesson", quizLesson}}
	for _, p := range pages {
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, ctx, scheme)
			for _, vp := range []viewport{desktop, phone} {
				setViewport(t, ctx, vp)
				open(t, ctx, s, p.rel)
				// Wait for the scripts' controls and the fonts, then shoot the viewport.
				waitFor(t, ctx, "the page is ready", `document.readyState === "complete" && document.fonts.status === "loaded"`, `document.readyState`)
				img := step(t, ctx, "screenshot", chromedp.CaptureScreenshot())
				cfg, err := png.DecodeConfig(bytes.NewReader(img))
				if err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				if cfg.Width != int(vp.width) || cfg.Height != int(vp.height) {
					t.Errorf("%s %s %s: screenshot is %d×%d, want %d×%d", p.name, scheme, vp.name, cfg.Width, cfg.Height, vp.width, vp.height)
				}
				name := filepath.Join(dir, p.name+"-"+scheme+"-"+vp.name+".png")
				if err := os.WriteFile(name, img, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s (%d bytes)", name, len(img))
			}
		}
	}
}
