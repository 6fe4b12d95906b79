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
		Args:    "[packages] [--count N] [--cpu 1,2,4] [--noise N] [--format text|json|junit|github]",
		Summary: "run any Go package's tests and explain its races, deadlocks, lock-order inversions, leaks and panics",
		Order:   70,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			count := fs.Int("count", 3, "run each test this many times (some bugs show in a few runs of ten)")
			timeout := fs.Duration("timeout", 2*time.Minute, "per test binary: a deadlocked test ends here, with its goroutines explained")
			lockOrder := fs.Bool("lock-order", true, "also run with github.com/sasha-s/go-deadlock swapped in (your go.mod is not changed) to find lock-order inversions")
			cpu := fs.String("cpu", "", "run the tests under each GOMAXPROCS value in this list, e.g. 1,2,4 (some bugs show at one value only)")
			noiseRuns := fs.Int("noise", 0, "also run the tests N times with seeded yields and short delays injected at the package's synchronisation points")
			seed := fs.Uint64("seed", 0, "the seed of the --noise runs (to repeat one a report names); 0 picks one")
			watchdog := fs.Duration("watchdog", 0, "how long the tests must have run nothing before the runtime is asked which goroutines can never wake (default 200ms)")
			format := fs.String("format", "text", "report format: "+strings.Join(report.Formats, ", "))
			verbose := fs.Bool("v", false, "text format: show go test's output for each failure")
			return func(ctx context.Context, app *App, args []string) error {
				if !slices.Contains(report.Formats, *format) {
					return Usagef("unknown format %q; valid: %s", *format, strings.Join(report.Formats, ", "))
				}
				if *count < 1 {
					return Usagef("--count must be at least 1")
				}
				if *noiseRuns < 0 {
					return Usagef("--noise must be 0 or more")
				}
				var cpus []int
				if *cpu != "" {
					var err error
					if cpus, err = parseCPUs(*cpu); err != nil {
						return err
					}
				}
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
				defer stop()
				res, err := grade.Diagnose(ctx, grade.DiagnoseOptions{Dir: wd, Patterns: args, Count: *count, CPU: cpus,
					Timeout: *timeout, LockOrder: *lockOrder, Noise: *noiseRuns, Seed: *seed, Watchdog: *watchdog})
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					return Usagef("%v", err)
				}
				if err := report.Write(app.Stdout, *format, res, report.Options{Theme: app.Theme, Verbose: *verbose, NoHints: true, NoPoints: true, Noun: "packages"}); err != nil {
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
