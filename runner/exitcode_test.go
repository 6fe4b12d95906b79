package runner_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/runner"
)

// run calls conclab in-process with no terminal attached.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &runner.App{
		Stdin:     strings.NewReader(""),
		Stdout:    &out,
		Stderr:    &errOut,
		Getenv:    func(string) string { return "" },
		StatePath: filepath.Join(t.TempDir(), "progress.json"),
		Solutions: os.DirFS(solutionsDir),
	}
	code = runner.Main(context.Background(), args, app)
	return code, out.String(), errOut.String()
}

func TestExitCodesAndOneLineErrors(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		stderrRe string
	}{
		{[]string{"list"}, 0, `^$`},
		{[]string{"version"}, 0, `^$`},
		{[]string{}, 0, `^$`}, // the menu without a terminal lists and ends
		{[]string{"run", "99"}, 2, `no lesson "99"; valid: 1 goroutines`},
		{[]string{"run", "1", "nosuchdemo"}, 2, `has no demo "nosuchdemo"; valid: .*serial-vs-concurrent`},
		{[]string{"run"}, 2, `run takes a lesson`},
		{[]string{"run", "1", "--speed", "0"}, 2, `--speed must be a number above 0`},
		{[]string{"run", "1", "--speed", "fast"}, 2, `invalid value "fast" for flag -speed`},
		{[]string{"run", "1", "--speed"}, 2, `flag --speed needs a value`},
		{[]string{"list", "--bogus"}, 2, `unknown flag --bogus for list; valid: .*--no-color`},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"; valid: .*run`},
		{[]string{"show"}, 2, `show takes one lesson`},
		{[]string{"show", "nope"}, 2, `no lesson "nope"; valid:`},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			assert.Equal(t, tc.code, code, "exit code; stderr: %s", stderr)
			assert.Regexp(t, tc.stderrRe, stderr)
			assert.LessOrEqual(t, strings.Count(stderr, "\n"), 1, "an error is one line: %q", stderr)
		})
	}
}

func TestFlagsMayComeBeforeOrAfterArguments(t *testing.T) {
	for _, args := range [][]string{
		{"run", "1", "serial-vs-concurrent", "--speed", "50"},
		{"run", "--speed", "50", "1", "serial-vs-concurrent"},
		{"--speed=50", "run", "1", "serial-vs-concurrent"},
		{"--no-color", "run", "goroutines", "serial-vs-concurrent", "--speed=50"},
	} {
		code, stdout, stderr := run(t, args...)
		assert.Equal(t, 0, code, "%v: %s", args, stderr)
		assert.Contains(t, stdout, "concurrent:", "%v", args)
	}
}

func TestNoColourWithoutATerminal(t *testing.T) {
	_, stdout, _ := run(t, "run", "1", "serial-vs-concurrent", "--speed", "50")
	assert.NotContains(t, stdout, "\x1b[", "no escape codes when stdout is not a terminal")
}
