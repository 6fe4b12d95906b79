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

// wrapUsage wraps a command's usage like wrapWords, but keeps each
// bracketed group ("[--out FILE]") whole, so a flag stays with its value.
func wrapUsage(usage string, width, used, indent int) []string {
	const glue = "\x1f" // holds a group together while wrapping; not a space to strings.Fields
	var b strings.Builder
	depth := 0
	for _, r := range usage {
		switch {
		case r == '[' || r == '<':
			depth++
		case (r == ']' || r == '>') && depth > 0:
			depth--
		case r == ' ' && depth > 0:
			b.WriteString(glue)
			continue
		}
		b.WriteRune(r)
	}
	lines := wrapWords(b.String(), width, used, indent)
	for i := range lines {
		lines[i] = strings.ReplaceAll(lines[i], glue, " ")
	}
	return lines
}
