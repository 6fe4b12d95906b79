package present

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/lessons/lesson"
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

func TestTimelineFitsTheScreen(t *testing.T) {
	s := lesson.NewStage(lesson.Options{})
	for i := range 20 {
		lane := s.Lane(fmt.Sprintf("worker %d", i+1))
		lane.Start()
		lane.Waiting("sem")
		lane.Acquired("sem")
		lane.Released("sem")
		lane.Done()
	}
	r := &run{stage: s}
	for _, c := range []struct {
		screen bool
		height int
		lanes  int
	}{
		{true, 24, 12}, // 24 - 6 lines around the drawing - 6 of its own (title, count, holding, axis, legend, peak)
		{true, 50, 20},
		{false, 24, 20}, // a transcript has no height to fit
	} {
		p := &presenter{o: Options{Screen: c.screen, Width: 80, Height: c.height, Theme: lesson.Plain{}}}
		lines := p.timeline(r)
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "worker ") {
				n++
			}
		}
		assert.Equal(t, c.lanes, n, "lanes drawn on a %v screen of %d lines:\n%s", c.screen, c.height, strings.Join(lines, "\n"))
		if c.screen {
			assert.LessOrEqual(t, len(lines), c.height-6, "the drawing fits under the heading")
		}
		if n < 20 {
			assert.Contains(t, lines, fmt.Sprintf("… %d more lanes (conclab run --timeline shows them all)", 20-n))
		}
	}
}
