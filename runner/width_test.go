package runner_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner"
)

// runWidth calls conclab in-process, without a terminal, as if the
// terminal were width columns wide.
func runWidth(t *testing.T, width int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &runner.App{
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

// assertFits checks that every line of out fits in width columns, has no
// trailing spaces and no markdown left over.
func assertFits(t *testing.T, out string, width int) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), width, "line %d is wider than %d columns: %q", i+1, width, line)
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
