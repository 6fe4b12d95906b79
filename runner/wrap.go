package runner

import (
	"strings"
	"unicode/utf8"
)

// wrapWords breaks text into lines of at most width columns, never cutting
// a word. The first line starts at column used (the text before it on that
// line is the caller's); later lines are meant to be printed after an
// indent of indent columns, so that wrapped columns still line up. A word
// wider than the space left stays whole on a line of its own.
func wrapWords(text string, width, used, indent int) []string {
	var lines []string
	var line strings.Builder
	col := used
	for _, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		if line.Len() > 0 && col+1+n > width {
			lines = append(lines, line.String())
			line.Reset()
			col = indent
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
			col++
		}
		line.WriteString(w)
		col += n
	}
	return append(lines, line.String())
}
