package runner_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner"
)

// runWidth calls conclab in-process, without a terminal, as if the
// terminal were width columns wide.
func runWidth(t *testing.T, width int, args ...string) string {
	t.Helper()
	return runTerminal(t, width, false, args...)
}

// runTerminal is runWidth, with stdout a terminal when tty is set (colour
// on, since NO_COLOR is not set; stdin is still no terminal, so nothing
// waits for keys and nothing is paged).
func runTerminal(t *testing.T, width int, tty bool, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &runner.App{
		StdoutTTY: tty,
		Stdin:     strings.NewReader(""),
		Stdout:    &out,
		Stderr:    &errOut,
		Getenv:    func(string) string { return "" },
		Width:     width,
		StatePath: filepath.Join(t.TempDir(), "progress.json"),
		Solutions: os.DirFS(solutionsDir),
	}
	code := runner.Main(context.Background(), args, app)
	require.Equal(t, 0, code, "conclab %v failed: %s", args, errOut.String())
	return out.String()
}

// assertFits checks that every line of out fits in a terminal of width
// columns, has no trailing spaces and no markdown left over. Fitting
// means at most width-1 columns: a line exactly as wide as the terminal
// makes many terminals wrap, leaving an empty line after it.
func assertFits(t *testing.T, out string, width int) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		assert.Less(t, utf8.RuneCountInString(line), width, "line %d does not fit a terminal of %d columns (a line as wide as the terminal wraps in many): %q", i+1, width, line)
		assert.Equal(t, strings.TrimRight(line, " \t"), line, "line %d has trailing spaces: %q", i+1, line)
		assert.NotContains(t, line, "**", "line %d shows literal markdown: %q", i+1, line)
	}
}

func TestListFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 60} {
		out := runWidth(t, width, "list")
		assertFits(t, out, width)
		// Still one entry per number, in order, with the title after the slug,
		// and continuation lines indented under the title column.
		assert.Regexp(t, `(?m)^\s+1\s+goroutines\s+Goroutines`, out)
		assert.Regexp(t, `(?m)^\s+12\s+servers\s+Concurrent servers`, out)
		entry := regexp.MustCompile(`^  [ \d]\d  \S`)
		continued := regexp.MustCompile(`^ {18}\S`)
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, " ") {
				assert.True(t, entry.MatchString(line) || continued.MatchString(line),
					"a line is either an entry or continues under the title column: %q", line)
			}
		}
	}
	// A short entry still fits on one line at 80 columns.
	assert.Regexp(t, `(?m)^\s+1\s+counter\s+A counter safe for concurrent use \(lesson race\)$`, runWidth(t, 80, "list"))
}

func TestHelpFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 60} {
		out := runWidth(t, width, "help")
		assertFits(t, out, width)
		// Summaries still start in one column, at 31.
		assert.Regexp(t, `(?m)^  list {25}list the lessons`, out)
		assert.Contains(t, out, "grade exercises for CI")
	}
}

func TestHintFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 60} {
		out := runWidth(t, width, "hint", "counter")
		assertFits(t, out, width)
		// The hint's words are all there, only wrapped.
		assert.Contains(t, strings.Join(strings.Fields(out), " "), "c.n++ is three steps (load, add, store).")
	}
}

func TestCommandHelpFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 60} {
		for _, cmd := range []string{"grade", "run", "present", "diagnose", "check"} {
			out := runWidth(t, width, "help", cmd)
			assertFits(t, out, width)
			// A flag stays with its value when a usage wraps.
			assert.NotRegexp(t, `\[--\w+\n`, out, "help %s splits a flag from its value", cmd)
		}
		assert.Contains(t, runWidth(t, width, "help", "grade"), "[--out FILE]")
	}
}

func TestShowDemoListFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 60} {
		out := runWidth(t, width, "show", "2")
		demos := out[strings.Index(out, "\nDemos\n"):]
		assertFits(t, demos, width)
		// Every claim starts in one column, at 25.
		assert.Regexp(t, `(?m)^  lost-update {12}two goroutines`, demos)
	}
}

func TestShowPipedIsPlainText(t *testing.T) {
	for _, width := range []int{80, 60} {
		for _, lesson := range []string{"1", "2", "5", "12"} {
			out := runWidth(t, width, "show", lesson)
			assertFits(t, out, width)
			assert.NotContains(t, out, "\x1b[", "no escape codes without a terminal")
		}
	}
	// Strong emphasis reads as plain-text emphasis, not markdown.
	assert.Contains(t, strings.Join(strings.Fields(runWidth(t, 80, "show", "2")), " "), "is a *data race*.")
}

// escape matches a terminal escape sequence (colours, mostly).
var escape = regexp.MustCompile(`\x1b\[[0-9;?]*[@-~]|\x1b\][^\a]*\a`)

// codeSpans are the inline code spans of a lesson's markdown (outside
// its code blocks), one space between words as when rendered.
func codeSpans(md string) []string {
	var spans []string
	inBlock := false
	var para []string
	flush := func() {
		text := strings.Join(para, " ")
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(text, -1) {
			spans = append(spans, strings.Join(strings.Fields(m[1]), " "))
		}
		para = nil
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			flush()
			inBlock = !inBlock
			continue
		}
		if inBlock {
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
		}
		para = append(para, line)
	}
	flush()
	return spans
}

// TestShowKeepsInlineCodeWhole reads every lesson at several widths, with
// and without colour, and finds each of its inline code spans (`like
// this`) whole on one line: wrapping may move a span to the next line,
// never split it. The lines fit the terminal, colour escapes aside.
func TestShowKeepsInlineCodeWhole(t *testing.T) {
	for _, l := range lessons.All() {
		spans := codeSpans(l.Text)
		require.NotEmpty(t, spans, "lesson %d has no inline code to check", l.Number)
		for _, width := range []int{60, 80, 100} {
			for _, color := range []bool{false, true} {
				out := runTerminal(t, width, color, "show", strconv.Itoa(l.Number))
				if color {
					require.Contains(t, out, "\x1b[", "colour on a terminal")
				}
				lines := strings.Split(escape.ReplaceAllString(out, ""), "\n")
				for i, line := range lines {
					assert.Less(t, utf8.RuneCountInString(line), width, "lesson %d at %d columns (colour %v): line %d does not fit: %q", l.Number, width, color, i+1, line)
					assert.NotContains(t, line, "\t", "lesson %d: a tab takes more room on the screen than it counts", l.Number)
				}
				for _, span := range spans {
					if utf8.RuneCountInString(span) > width/2 {
						continue // a span this long may wrap
					}
					found := slices.ContainsFunc(lines, func(line string) bool { return strings.Contains(line, span) })
					assert.True(t, found, "lesson %d at %d columns (colour %v): the inline code %q is split over two lines", l.Number, width, color, span)
				}
			}
		}
	}
}

// TestRunNarrationFitsTheTerminal runs a demo whose narration and lane
// lines are longer than a narrow terminal: on a terminal they wrap at
// spaces, lane lines hang under their text, colours carry over, and
// nothing is lost. Without a terminal lines pass through whole.
func TestRunNarrationFitsTheTerminal(t *testing.T) {
	const sentence = "The lines interleave in no fixed order: the scheduler decides who prints first."
	for _, width := range []int{80, 50} {
		out := runTerminal(t, width, true, "run", "1", "serial-vs-concurrent", "--speed", "50")
		require.Contains(t, out, "\x1b[", "colour on a terminal")
		plain := escape.ReplaceAllString(out, "")
		assertFits(t, plain, width)
		assert.Contains(t, strings.Join(strings.Fields(plain), " "), sentence)
		assert.Contains(t, plain, "(conclab run goroutines serial-vs-concurrent)")
		for _, line := range strings.Split(out, "\n") {
			assert.Equal(t, strings.Count(line, "\x1b[0m") > 0, strings.Count(line, "\x1b[3") > 0,
				"at %d columns a coloured line (or piece of one) turns its colour on and off itself: %q", width, line)
		}
	}
	assert.Contains(t, runWidth(t, 50, "run", "1", "serial-vs-concurrent", "--speed", "50"), "\n"+sentence+"\n", "a pipe gets the demo's lines whole")

	// A title and its command as wide as the terminal go on two lines.
	out := runWidth(t, 87, "run", "1", "serial-vs-concurrent", "--speed", "50")
	assert.Contains(t, out, "── Sing and dance: serial vs concurrent\n   (conclab run goroutines serial-vs-concurrent)")
	out = runWidth(t, 88, "run", "1", "serial-vs-concurrent", "--speed", "50")
	assert.Contains(t, out, "── Sing and dance: serial vs concurrent   (conclab run goroutines serial-vs-concurrent)\n")
}

// TestSweepTableFitsTheTerminal sweeps the demo with the longest finding
// names and units: its table fits 80 columns with every finding and
// unit named, and a narrower terminal with each label over its rows.
func TestSweepTableFitsTheTerminal(t *testing.T) {
	out := runWidth(t, 80, "run", "9", "sync-pool", "--cpu", "1,2", "--speed", "50")
	assertFits(t, out, 80)
	for _, want := range []string{"concurrent-allocs-without", "(allocations per op)", "bytes-with", "(bytes per op)", "wall time"} {
		assert.Contains(t, out, want, "the sweep's table names every finding and unit at 80 columns")
	}
	assert.Regexp(t, `(?m)^ +concurrent-allocs-without +1 +1 `, out, "a finding's first row: name, GOMAXPROCS, runs")
	assert.Regexp(t, `(?m)^ +\(allocations per op\) +2 +1 `, out, "the unit under the name, on the next GOMAXPROCS value's row")

	out = runWidth(t, 60, "run", "9", "sync-pool", "--cpu", "1,2", "--speed", "50")
	assertFits(t, out, 60)
	assert.Regexp(t, `(?m)^ +procs +runs +min +median +max +nonzero$`, out)
	assert.Regexp(t, `(?m)^concurrent-allocs-without \(allocations per op\)\n +1 +1 .*\n +2 +1 `, out, "too narrow for a label column: the label over its rows")
}
