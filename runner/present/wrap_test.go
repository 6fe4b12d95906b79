package present

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/lessons"
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

func TestWrapKeepsInlineCodeWhole(t *testing.T) {
	md := "Run it (`conclab run race lost-update`) and see the `g_num` story: on amd64 the compiler emits `INCQ (mem)` for `n++`, and ``a `tick` inside`` stays too. A lone ` is text."
	for width := 20; width <= 100; width++ {
		lines := wrap(md, width)
		for _, l := range lines {
			assert.LessOrEqual(t, len([]rune(l)), width, "at %d: a line is too wide: %q", width, l)
		}
		noSpace := strings.NewReplacer(" ", "")
		assert.Equal(t, noSpace.Replace(md), noSpace.Replace(strings.Join(lines, "")), "at %d: every word, in order", width)
		for _, span := range []string{"`conclab run race lost-update`", "`INCQ (mem)`", "``a `tick` inside``"} {
			if len(span)+2 > width {
				continue // with the punctuation around it, wider than a line: broken at the width
			}
			found := false
			for _, l := range lines {
				found = found || strings.Contains(l, span)
			}
			assert.True(t, found, "at %d: %s is split over two lines:\n%s", width, span, strings.Join(lines, "\n"))
		}
	}
	// A list item's lines hang under its text; a span wider than the
	// line is broken at the width rather than overflowing it.
	assert.Equal(t, []string{"  - see `a b` and", "    `c d`"}, wrap("- see `a b` and `c d`", 20))
	long := "`" + strings.Repeat("x", 30) + "`"
	for _, l := range wrap(long, 20) {
		assert.LessOrEqual(t, len([]rune(l)), 20, "a span wider than the line: %q", l)
	}
}

func TestWrapLessonsKeepsInlineCodeWhole(t *testing.T) {
	span := regexp.MustCompile("`[^`\n]+`")
	for _, l := range lessons.All() {
		intro, sections := splitSections(l.Text)
		for _, body := range append([]string{intro}, bodies(sections)...) {
			for _, width := range []int{40, 60, 76} {
				lines := wrap(body, width)
				for _, line := range lines {
					assert.LessOrEqual(t, len([]rune(line)), width, "lesson %d at %d: %q", l.Number, width, line)
				}
				// The spans of each paragraph of prose (not in code blocks),
				// which may run over a line break of the source.
				for _, src := range strings.Split(stripBlocks(body), "\n\n") {
					src = strings.Join(strings.Fields(src), " ")
					for _, s := range span.FindAllString(emphasis.Replace(src), -1) {
						if len([]rune(s)) > width-6 {
							continue
						}
						found := false
						for _, line := range lines {
							found = found || strings.Contains(line, s)
						}
						assert.True(t, found, "lesson %d at %d: %s is split over two lines", l.Number, width, s)
					}
				}
			}
		}
	}
}

func bodies(sections []section) []string {
	var out []string
	for _, s := range sections {
		out = append(out, s.body)
	}
	return out
}

// stripBlocks removes fenced code blocks from md.
func stripBlocks(md string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			in = !in
			continue
		}
		if !in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
