package markdown

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
)

func TestContrastFormula(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the classic lightest AA grey on white
		{"#777777", "#ffffff", 4.48},
	}
	for _, tt := range tests {
		got := contrast(chroma.MustParseColour(tt.a), chroma.MustParseColour(tt.b))
		if math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// contrastFailures lists every text colour of s under WCAG AA (4.5:1):
// each token type against its background, and against the highlighted-line
// background (hl_lines), plus line numbers.
func contrastFailures(s *chroma.Style) []string {
	bg := s.Get(chroma.Background).Background
	hl := s.Get(chroma.LineHighlight).Background
	var out []string
	for tt := range chroma.StandardTypes {
		if tt <= 0 && tt != chroma.Error && tt != chroma.LineNumbers && tt != chroma.LineNumbersTable {
			continue
		}
		e := s.Get(tt)
		if r := contrast(e.Colour, e.Background); r < minContrast {
			out = append(out, fmt.Sprintf("%s %s on %s: %.2f", tt, e.Colour, e.Background, r))
		}
		if e.Background == bg && hl.IsSet() {
			if r := contrast(e.Colour, hl); r < minContrast {
				out = append(out, fmt.Sprintf("%s %s on highlighted line %s: %.2f", tt, e.Colour, hl, r))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestDefaultStylesContrast checks the styles a Converter really uses (after
// readableLineNumbers) for the defaults, modus-operandi and modus-vivendi.
func TestDefaultStylesContrast(t *testing.T) {
	c := mustNew(t, Options{})
	for _, s := range []*chroma.Style{c.hl.light, c.hl.dark} {
		if f := contrastFailures(s); len(f) > 0 {
			t.Errorf("%s fails WCAG AA:\n%s", s.Name, strings.Join(f, "\n"))
		}
	}
}

// TestStyleSurvey logs which chroma styles pass, to help pick others.
func TestStyleSurvey(t *testing.T) {
	var pass []string
	for _, name := range styles.Names() {
		s, err := style(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(contrastFailures(s)) == 0 {
			pass = append(pass, name+"("+s.Mode().String()+")")
		}
	}
	t.Logf("chroma styles meeting WCAG AA for every token: %s", strings.Join(pass, ", "))
}
