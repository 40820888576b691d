package markdown

import (
	"math"

	"github.com/alecthomas/chroma/v2"
)

// minContrast is WCAG 2.x level AA for normal text.
const minContrast = 4.5

// luminance is the WCAG 2.x relative luminance of c.
func luminance(c chroma.Colour) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.Red()) + 0.7152*lin(c.Green()) + 0.0722*lin(c.Blue())
}

// contrast is the WCAG 2.x contrast ratio of two colours, from 1 to 21.
func contrast(a, b chroma.Colour) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// readableLineNumbers fixes one common failure: chroma invents a line
// number colour halfway between text and background (#7f7f7f: 4.0:1 on
// white, 4.4:1 on modus-vivendi's highlighted line) for styles that define
// none. Such a style gets the first of its line number, comment and text
// colours that is readable on both the background and a highlighted line.
func readableLineNumbers(s *chroma.Style) (*chroma.Style, error) {
	ln := s.Get(chroma.LineNumbers)
	hl := s.Get(chroma.LineHighlight).Background
	readable := func(c chroma.Colour) bool {
		return contrast(c, ln.Background) >= minContrast && (!hl.IsSet() || contrast(c, hl) >= minContrast)
	}
	if readable(ln.Colour) {
		return s, nil
	}
	c := s.Get(chroma.Comment).Colour
	if !readable(c) {
		c = s.Get(chroma.Background).Colour
	}
	return s.Builder().
		AddEntry(chroma.LineNumbers, chroma.StyleEntry{Colour: c}).
		AddEntry(chroma.LineNumbersTable, chroma.StyleEntry{Colour: c}).
		Build()
}
