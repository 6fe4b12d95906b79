package runner

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

func init() {
	register(Command{
		Name:    "diagnose",
		Args:    "[packages] [--count N] [--format text|json|junit|github]",
		Summary: "run any Go package's tests and explain its races, deadlocks, lock-order inversions and leaks",
		Order:   70,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			count := fs.Int("count", 3, "run each test this many times (some bugs show in a few runs of ten)")
			timeout := fs.Duration("timeout", 2*time.Minute, "per test binary: a deadlocked test ends here, with its goroutines explained")
			lockOrder := fs.Bool("lock-order", true, "also run with github.com/sasha-s/go-deadlock swapped in to find lock-order inversions")
			format := fs.String("format", "text", "report format: "+strings.Join(report.Formats, ", "))
			verbose := fs.Bool("v", false, "text format: show go test's output for each failure")
			return func(ctx context.Context, app *App, args []string) error {
				if !slices.Contains(report.Formats, *format) {
					return Usagef("unknown format %q; valid: %s", *format, strings.Join(report.Formats, ", "))
				}
				if *count < 1 {
					return Usagef("--count must be at least 1")
				}
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
				defer stop()
				res, err := grade.Diagnose(ctx, grade.DiagnoseOptions{Dir: wd, Patterns: args, Count: *count, Timeout: *timeout, LockOrder: *lockOrder})
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					return Usagef("%v", err)
				}
				if err := report.Write(app.Stdout, *format, res, report.Options{Theme: app.Theme, Verbose: *verbose, NoHints: true, Noun: "packages"}); err != nil {
					return err
				}
				if !res.Passed {
					return ExitCode(1)
				}
				return nil
			}
		},
	})
}
