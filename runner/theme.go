package runner

import (
	"github.com/fatih/color"

	"github.com/conclab/conclab/lessons/lesson"
)

// colorTheme paints stage output with the terminal's colours: one colour
// per goroutine lane, so that interleaved output can be told apart.
type colorTheme struct {
	lanes                          []*color.Color
	heading, finding, warning, dim *color.Color
}

func newColorTheme() lesson.Theme {
	c := func(attrs ...color.Attribute) *color.Color {
		col := color.New(attrs...)
		col.EnableColor() // the decision was made in dispatch, not by fatih/color's own guess
		return col
	}
	return colorTheme{
		lanes: []*color.Color{
			c(color.FgCyan), c(color.FgMagenta), c(color.FgYellow), c(color.FgGreen),
			c(color.FgBlue), c(color.FgRed), c(color.FgHiCyan), c(color.FgHiMagenta),
			c(color.FgHiYellow), c(color.FgHiGreen), c(color.FgHiBlue), c(color.FgHiRed),
		},
		heading: c(color.Bold, color.Underline),
		finding: c(color.Bold, color.FgGreen),
		warning: c(color.Bold, color.FgRed),
		dim:     c(color.Faint),
	}
}

func (t colorTheme) Lane(id int, text string) string {
	return t.lanes[id%len(t.lanes)].Sprint(text)
}
func (t colorTheme) Heading(text string) string { return t.heading.Sprint(text) }
func (t colorTheme) Finding(text string) string { return t.finding.Sprint(text) }
func (t colorTheme) Warning(text string) string { return t.warning.Sprint(text) }
func (t colorTheme) Dim(text string) string     { return t.dim.Sprint(text) }

func plainTheme() lesson.Theme { return lesson.Plain{} }
