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
// number colour halfway between text and background (#7f7f7f on white is
// 4.0:1) for styles that define none. Such a style gets its comment colour,
// or failing that its text colour, for line numbers.
func readableLineNumbers(s *chroma.Style) (*chroma.Style, error) {
	bg := s.Get(chroma.Background)
	ln := s.Get(chroma.LineNumbers)
	if contrast(ln.Colour, ln.Background) >= minContrast {
		return s, nil
	}
	c := s.Get(chroma.Comment).Colour
	if contrast(c, ln.Background) < minContrast {
		c = bg.Colour
	}
	return s.Builder().
		AddEntry(chroma.LineNumbers, chroma.StyleEntry{Colour: c}).
		AddEntry(chroma.LineNumbersTable, chroma.StyleEntry{Colour: c}).
		Build()
}
