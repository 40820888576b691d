package course

import (
	"testing"
	"time"
)

func TestSegment(t *testing.T) {
	for in, want := range map[string]string{
		"01-foundations":     "foundations",
		"02_data-storage":    "data-storage",
		"3. Caching":         "caching",
		"What Is HTTP":       "what-is-http",
		"2024":               "2024",
		"Café":               "café",
		"Cafe\u0301":         "café", // NFD becomes NFC
		"a  b--c":            "a-b-c",
		"100%-pure: yes!":    "100-pure-yes",
		"v1.2-notes":         "v1.2-notes",
		"07-":                "07",
		"Ünïcödé Straße 01":  "ünïcödé-straße-01",
		"-leading-":          "leading",
		"snake_case_name":    "snake_case_name",
		"..hidden":           "hidden",
		"ends.":              "ends",
		"01-02-double-digit": "02-double-digit",
	} {
		if got := Segment(in); got != want {
			t.Errorf("Segment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTermSlugKeepsMeaning(t *testing.T) {
	for in, want := range map[string]string{
		"C":                  "c",
		"C#":                 "c-sharp",
		"C++":                "c-plus-plus",
		".NET":               "dotnet",
		"Node.js":            "node-js",
		"F#":                 "f-sharp",
		"Back-end developer": "back-end-developer",
		"  Go  ":             "go",
		"R&D":                "r-and-d",
		"ASP.NET Core":       "asp-net-core",
	} {
		if got := TermSlug(in); got != want {
			t.Errorf("TermSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitleFromName(t *testing.T) {
	for in, want := range map[string]string{
		"02-data-storage": "Data storage",
		"apis":            "Apis",
		"03_under_score":  "Under score",
	} {
		if got := TitleFromName(in); got != want {
			t.Errorf("TitleFromName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEstimate(t *testing.T) {
	for _, tc := range []struct {
		words, code int
		want        time.Duration
	}{
		{0, 0, 5 * time.Minute},
		{1000, 0, 5 * time.Minute},  // exactly 5 min of prose
		{1001, 0, 10 * time.Minute}, // rounded up
		{2000, 50, 15 * time.Minute},
		{200, 100, 15 * time.Minute}, // 1 + 10 min
	} {
		if got := Estimate(tc.words, tc.code); got != tc.want {
			t.Errorf("Estimate(%d, %d) = %v, want %v", tc.words, tc.code, got, tc.want)
		}
	}
}

func TestCleanAlias(t *testing.T) {
	for in, want := range map[string]string{
		"/old/page/": "/old/page/",
		"old/page":   "/old/page/",
		"/a":         "/a/",
	} {
		if got, msg := cleanAlias(in); got != want || msg != "" {
			t.Errorf("cleanAlias(%q) = %q %q, want %q", in, got, msg, want)
		}
	}
	for _, bad := range []string{"../x", "/a/../b", "https://e.org/x", "//e.org/x", "/a%2e%2e/", `a\b`, "/a\x00", "/a//b", "/a?x=1", "/a#f", "/c:d/"} {
		if got, msg := cleanAlias(bad); msg == "" {
			t.Errorf("cleanAlias(%q) accepted as %q", bad, got)
		}
	}
}
