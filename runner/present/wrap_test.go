package present

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWrapVisible(t *testing.T) {
	red, reset := "\x1b[31m", "\x1b[0m"
	for _, c := range []struct {
		line  string
		width int
		want  []string
	}{
		{"short", 20, []string{"short"}},
		{"", 20, []string{""}},
		{"exactly twenty chars", 20, []string{"exactly twenty chars"}},
		{"one two three four five six", 20, []string{"one two three four", "five six"}},
		{"  [g1] one two three four five six", 20, []string{"  [g1] one two three", "  four five six"}},
		// Colour escapes take no room on the screen.
		{red + "one two three four" + reset + " five", 20, []string{red + "one two three four" + reset, "five"}},
		// No space to break at: cut at the width.
		{strings.Repeat("x", 25), 20, []string{strings.Repeat("x", 20), strings.Repeat("x", 5)}},
	} {
		assert.Equal(t, c.want, wrapVisible(c.line, c.width), "%q at %d", c.line, c.width)
	}
}
