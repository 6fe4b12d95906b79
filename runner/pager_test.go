package runner

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
)

// screen is one screen the pager drew: its text rows and its status line.
type screen struct {
	rows   []string
	status string
}

// screens splits what the pager wrote into the screens it drew (each
// starts by clearing the terminal) and what it wrote when it left.
func screens(t *testing.T, out string) (drawn []screen, left string) {
	t.Helper()
	parts := strings.Split(out, "\x1b[H\x1b[2J")
	require.Empty(t, parts[0], "the pager writes nothing before its first screen")
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			// The last screen, then what leaving wrote.
			if j := strings.LastIndex(p, "\r\x1b[2K"); j >= 0 {
				p, left = p[:j], p[j:]
			}
		}
		rows := strings.Split(p, "\r\n")
		drawn = append(drawn, screen{rows: rows[:len(rows)-1], status: rows[len(rows)-1]})
	}
	return drawn, left
}

// numbered is n lines, "line 1" to "line n".
func numbered(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i+1)
	}
	return lines
}

// page runs a pager over lines on a width x height terminal with keys as
// its input, and returns the screens it drew.
func page(t *testing.T, lines []string, width, height int, keys string) ([]screen, string, *strings.Reader) {
	t.Helper()
	in := strings.NewReader(keys)
	var out bytes.Buffer
	p := &pager{in: in, out: &out, lines: lines, width: width, height: height}
	require.NoError(t, p.run())
	drawn, left := screens(t, out.String())
	return drawn, left, in
}

func TestPagerMovesByPageLineAndEnd(t *testing.T) {
	const (
		down, up, pgDn, pgUp = "\x1b[B", "\x1b[A", "\x1b[6~", "\x1b[5~"
		downSS3, home, end   = "\x1bOB", "\x1b[H", "\x1b[F"
	)
	// 50 lines on a 24-row terminal: 23 rows of text and the status line.
	steps := []struct {
		key string
		top int // the first line shown after it, from 1
	}{
		{"", 1},        // the first screen
		{" ", 24},      // space: a page on
		{"j", 25},      // j: a line on
		{down, 26},     // ↓
		{downSS3, 27},  // ↓ in application cursor mode
		{up, 26},       // ↑
		{"k", 25},      // k
		{"b", 2},       // b: a page back
		{pgDn, 25},     // PgDn
		{pgUp, 2},      // PgUp
		{"\r", 3},      // Enter: a line on
		{"G", 28},      // G: the end (50-23+1)
		{home, 1},      // Home
		{end, 28},      // End
		{"g", 1},       // g: the top
		{"x", -1},      // not a key of the pager's: nothing drawn
		{"\x1b[Z", -1}, // an escape sequence it does not know: nothing drawn
	}
	var keys strings.Builder
	var want []int
	for _, s := range steps {
		keys.WriteString(s.key)
		if s.top > 0 {
			want = append(want, s.top)
		}
	}
	keys.WriteString("q")
	drawn, left, _ := page(t, numbered(50), 80, 24, keys.String())
	require.Len(t, drawn, len(want), "one screen for each key that moved the text, and the first")
	for i, s := range drawn {
		require.Len(t, s.rows, 23, "screen %d: all rows but the last hold text", i+1)
		assert.Equal(t, fmt.Sprintf("line %d", want[i]), s.rows[0], "screen %d starts at the wrong line", i+1)
		assert.Equal(t, fmt.Sprintf("line %d", want[i]+22), s.rows[22], "screen %d ends at the wrong line", i+1)
		assert.True(t, strings.HasPrefix(s.status, fmt.Sprintf("lines %d-%d of 50", want[i], want[i]+22)), "screen %d's status says where it is: %q", i+1, s.status)
	}
	assert.Contains(t, drawn[len(drawn)-2].status, "(end)", "the last page says so")
	assert.NotContains(t, drawn[0].status, "(end)")
	assert.Equal(t, "\r\x1b[2K", left, "q erases the status line and leaves the screen")
}

func TestPagerStopsAtBothEnds(t *testing.T) {
	// At the top, back keys draw nothing; at the end, on keys draw
	// nothing: the text never scrolls past either end.
	drawn, _, _ := page(t, numbered(30), 80, 24, "kb\x1b[A\x1b[5~G j\x1b[B\x1b[6~q")
	require.Len(t, drawn, 2, "the first screen and the end, nothing else")
	assert.Equal(t, "line 1", drawn[0].rows[0])
	assert.Equal(t, "line 8", drawn[1].rows[0], "the end shows the last 23 lines")
	assert.Equal(t, "line 30", drawn[1].rows[22])
}

func TestPagerLeavesOnQCtrlCCtrlDAndEndOfInput(t *testing.T) {
	for _, keys := range []string{"q", "Q", "\x03", "\x04", ""} {
		drawn, left, _ := page(t, numbered(40), 80, 24, " "+keys)
		assert.Len(t, drawn, 2, "keys %q: the first screen, a page on, then leave", keys)
		assert.Equal(t, "\r\x1b[2K", left, "keys %q: leaving erases the status line", keys)
	}
}

func TestPagerReadsNothingAfterQ(t *testing.T) {
	// The menu reads the keys typed after q: the pager must not have
	// taken them into a buffer of its own.
	_, _, in := page(t, numbered(40), 80, 24, "jq\x1b[Bx")
	assert.Equal(t, 4, in.Len(), "the pager read past its q")
}

func TestPagerScreensFitTheTerminal(t *testing.T) {
	for _, size := range []struct{ width, height int }{{80, 24}, {40, 10}, {25, 6}} {
		lines := screenLines(strings.Repeat("a long line of words that is wider than a narrow terminal ", 20), size.width)
		drawn, _, _ := page(t, lines, size.width, size.height, " G q")
		require.NotEmpty(t, drawn)
		for i, s := range drawn {
			assert.Len(t, s.rows, size.height-1, "%dx%d screen %d: a row for the status line is left", size.width, size.height, i+1)
			for _, r := range append(s.rows, s.status) {
				assert.Less(t, utf8.RuneCountInString(r), size.width, "%dx%d screen %d: a row does not fit: %q", size.width, size.height, i+1, r)
			}
		}
	}
	// Fewer lines than rows: the rest of the screen is marked empty.
	drawn, _, _ := page(t, numbered(3), 80, 6, "q")
	assert.Equal(t, []string{"line 1", "line 2", "line 3", "~", "~"}, drawn[0].rows)
}

func TestPageTextPrintsAllWithoutATerminal(t *testing.T) {
	text := strings.Join(numbered(100), "\n") + "\n"
	for _, c := range []struct {
		name             string
		stdinTTY, outTTY bool
	}{
		{"stdin and stdout not terminals", false, false},
		{"stdin not a terminal", false, true},
		{"stdout not a terminal", true, false},
		// Flags that say "terminal" over streams that are not files
		// (a test's buffers): still no pager.
		{"buffers", true, true},
	} {
		in := strings.NewReader("q")
		var out bytes.Buffer
		app := &App{Stdin: in, Stdout: &out, StdinTTY: c.stdinTTY, StdoutTTY: c.outTTY, Width: 80}
		require.NoError(t, pageText(app, text), c.name)
		assert.Equal(t, text, out.String(), "%s: the text is printed whole, as it is", c.name)
		assert.Equal(t, 1, in.Len(), "%s: no key is read", c.name)
	}
}

func TestWrapANSI(t *testing.T) {
	red, reset := "\x1b[31m", "\x1b[0m"
	for _, c := range []struct {
		line  string
		width int
		want  []string
	}{
		{"short", 21, []string{"short"}},
		{"", 21, []string{""}},
		// A line exactly as wide as the terminal is one column too wide.
		{"exactly twenty chars", 21, []string{"exactly twenty chars"}},
		{"exactly twenty chars", 20, []string{"exactly twenty chars"}}, // 20 is below the narrowest, 21
		{"exactly twenty-one c", 21, []string{"exactly twenty-one c"}},
		{"exactly twenty-one ch", 21, []string{"exactly twenty-one", "ch"}},
		// Lane lines hang under their text, findings under their mark.
		{"  [sing]     one two three four five", 30, []string{"  [sing]     one two three", "             four five"}},
		// ... unless the hang would take over half the room.
		{"  [sing]     one two three four five", 24, []string{"  [sing]     one two", "three four five"}},
		{"» lost updates: 1,234 of 2,000", 21, []string{"» lost updates:", "  1,234 of 2,000"}},
		// Colours take no room, and each piece has its own.
		{red + "one two three four five six" + reset, 21, []string{red + "one two three four" + reset, red + "five six" + reset}},
		// No space to break at: cut at the width.
		{strings.Repeat("x", 25), 21, []string{strings.Repeat("x", 20), strings.Repeat("x", 5)}},
	} {
		got := wrapANSI(c.line, c.width)
		assert.Equal(t, c.want, got, "%q at %d", c.line, c.width)
		for _, piece := range got {
			assert.Less(t, visibleWidth(piece), max(c.width, 21), "%q at %d: a piece is too wide: %q", c.line, c.width, piece)
		}
	}
}

func TestWrapANSIKeepsEveryWord(t *testing.T) {
	text := "The lines interleave in no fixed order: the scheduler decides who prints first, and a run that loses nothing is still a race."
	for width := 21; width <= 130; width++ {
		pieces := wrapANSI("  [worker 1] "+text, width)
		for _, p := range pieces {
			require.Less(t, utf8.RuneCountInString(p), width, "at %d columns: %q", width, p)
		}
		assert.Equal(t, "[worker 1] "+text, strings.Join(strings.Fields(strings.Join(pieces, " ")), " "), "at %d columns every word is kept, in order", width)
	}
}

func TestWrapWriterWrapsEachLine(t *testing.T) {
	var out bytes.Buffer
	w := newWrapWriter(&out, 30)
	fmt.Fprint(w, "one two three four five six seven eight\nsh")
	fmt.Fprint(w, "ort\r\n")
	fmt.Fprint(w, "a last line without an end")
	assert.Equal(t, "one two three four five six\nseven eight\nshort\r\n", out.String(), "complete lines are written as they end, keeping their line ends")
	require.NoError(t, w.Flush())
	assert.Equal(t, "one two three four five six\nseven eight\nshort\r\na last line without an end", out.String())
}

func TestLayoutTableFits(t *testing.T) {
	rows := []sweepRow{
		{name: "concurrent-allocs-without", unit: "allocations per op", cells: []string{"1", "10", "1", "1", "1", "10/10"}},
		{name: "concurrent-allocs-without", unit: "allocations per op", cells: []string{"2", "10", "1", "1", "1", "10/10"}},
		{name: "lost", unit: "", cells: []string{"1", "10", "0", "1,234", "56,789", "9/10"}},
		{name: "wall time", unit: "ms", cells: []string{"1", "10", "100", "120", "4,096.81", ""}},
	}
	for _, c := range []struct {
		width int
		want  []string
	}{
		{100, []string{
			"                                         finding  GOMAXPROCS  runs  min  median       max  nonzero",
			"  concurrent-allocs-without (allocations per op)           1    10    1       1         1    10/10",
			"                                                           2    10    1       1         1    10/10",
			"                                            lost           1    10    0   1,234    56,789     9/10",
			"                                  wall time (ms)           1    10  100     120  4,096.81",
		}},
		// Too wide for 80 (the 88 columns of issue 13): the long
		// label's unit goes under its name.
		{80, []string{
			"                    finding  GOMAXPROCS  runs  min  median       max  nonzero",
			"  concurrent-allocs-without           1    10    1       1         1    10/10",
			"       (allocations per op)           2    10    1       1         1    10/10",
			"                       lost           1    10    0   1,234    56,789     9/10",
			"             wall time (ms)           1    10  100     120  4,096.81",
		}},
		// Too narrow for a label column: each label on a line of its own.
		{60, []string{
			"  procs  runs  min  median       max  nonzero",
			"concurrent-allocs-without (allocations per op)",
			"      1    10    1       1         1    10/10",
			"      2    10    1       1         1    10/10",
			"lost",
			"      1    10    0   1,234    56,789     9/10",
			"wall time (ms)",
			"      1    10  100     120  4,096.81",
		}},
	} {
		assert.Equal(t, c.want, layoutTable(rows, c.width), "the table at %d columns", c.width)
	}
	for width := 21; width <= 130; width++ {
		for _, l := range layoutTable(rows, width) {
			assert.Less(t, utf8.RuneCountInString(l), width, "at %d columns a row does not fit: %q", width, l)
		}
	}
}

// A resized terminal (SIGWINCH) gets the text laid out again for its new
// size, with the same part of it at the top of the screen.
func TestPagerRelaysOutOnResize(t *testing.T) {
	text := strings.Repeat("a line of words that a narrower terminal has to wrap in two\n", 60)
	var out bytes.Buffer
	p := &pager{out: &out, lines: screenLines(text, 80), width: 80, height: 24, theme: lesson.Plain{}}
	p.top = 30 // line 31 of 60 at the top
	p.resize(screenLines(text, 40), 40, 12)

	assert.Equal(t, 60, p.top, "row 60 of 120 starts the 31st line once each line takes two rows")
	drawn, _ := screens(t, out.String())
	require.Len(t, drawn, 1)
	for _, l := range strings.Split(out.String(), "\r\n") {
		assert.LessOrEqual(t, visibleWidth(stripEscapes(l)), 40, "a row wider than the new width: %q", l)
	}
	assert.Contains(t, out.String(), "lines 61-71 of 120")

	out.Reset()
	require.NoError(t, p.leave())
	p.resize(screenLines(text, 80), 80, 24)
	assert.Equal(t, "\r\x1b[2K", out.String(), "after leave, a resize draws nothing")
}
