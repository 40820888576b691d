package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// checkDiags lists the diagnostics of one named check as "line:col".
func checkDiags(src string, d *Doc, check string) []string {
	var out []string
	for _, g := range d.Diags {
		if g.Check == check {
			out = append(out, pos(src, g.Offset))
		}
	}
	return out
}

func TestHeadingSkipReportsSkippedLevelsAndBodyH1(t *testing.T) {
	c := mustNew(t, Options{})
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"## A\n\n### B\n\n## C\n\n### D\n\n#### E\n", nil},
		{"## A\n\n#### B\n", []string{"3:1"}},
		{"Text.\n\n### Starts too deep\n", []string{"3:1"}},
		{"## A\n\n# Second title\n\n## B\n", []string{"3:1"}},
		// The opening "# Title" beside a front matter title: package content reports it.
		{"# Title\n\n## A\n", nil},
		{"Title\n=====\n", []string{"1:1"}},
		{"> [!NOTE]\n> #### Deep\n", []string{"2:3"}},
		{"- item\n\n  ### In a list\n", []string{"3:3"}},
		{"## A\n\n##### E\n\n###### F\n", []string{"3:1"}},
	} {
		d := c.Convert([]byte(tt.in), nil)
		if got := checkDiags(tt.in, d, CheckHeadingSkip); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q: heading-skip at %v, want %v (%v)", tt.in, got, tt.want, diagStrings(tt.in, d))
		}
	}
}

func TestLinkTextReportsVagueText(t *testing.T) {
	c := mustNew(t, Options{})
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"See [the REST lesson](y.md).", nil},
		{"Read it [here](y.md).", []string{"1:9"}},
		{"[Click here!](https://example.org/)", []string{"1:1"}},
		{"[ Read  *More* … ](y.md)", []string{"1:1"}},
		{"[THIS PAGE](y.md) and [this](y.md) and [link](y.md) and [more](y.md)", []string{"1:1", "1:23", "1:40", "1:57"}},
		{"[here is why](y.md)", nil},
		{"<https://example.org/here>", nil},
		{"[here][r]\n\n[r]: y.md\n", []string{"1:1"}},
		{"> [here](y.md)", []string{"1:3"}},
	} {
		d := c.Convert([]byte(tt.in), testSite)
		if got := checkDiags(tt.in, d, CheckLinkText); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q: link-text at %v, want %v (%v)", tt.in, got, tt.want, diagStrings(tt.in, d))
		}
	}
	d := c.Convert([]byte("[here](y.md)"), testSite)
	if len(d.Diags) != 1 || !d.Diags[0].Warning || !strings.Contains(d.Diags[0].Msg, `"here"`) {
		t.Errorf("diags = %+v", d.Diags)
	}
}

func TestLinksListsResolvedLinksAndImages(t *testing.T) {
	src := "[a](y.md) ![d](diagram.svg) [x](https://example.org/) [s](#top) [n](nope.md)"
	d := mustNew(t, Options{}).Convert([]byte(src), testSite)
	var got []string
	for _, l := range d.Links {
		got = append(got, fmt.Sprintf("%s %q %v", pos(src, l.Offset), l.Target, l.Image))
	}
	want := []string{`1:1 "y" false`, `1:11 "" true`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("links = %v, want %v", got, want)
	}
}
