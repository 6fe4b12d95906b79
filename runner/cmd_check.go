package runner

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/progress"
	"github.com/conclab/conclab/runner/report"
)

func init() {
	register(Command{
		Name:    "check",
		Args:    "[exercise]",
		Summary: "check your solution of an exercise (default: the first one not solved yet)",
		Order:   50,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			verbose := fs.Bool("v", false, "also show go test's output")
			return func(ctx context.Context, app *App, args []string) error {
				ex, err := chooseExercise(app, args)
				if err != nil {
					return err
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
				defer stop()
				ok, err := checkOnce(ctx, app, ex, *verbose)
				if err != nil {
					return err
				}
				if !ok {
					return ExitCode(1)
				}
				return nil
			}
		},
	})
}

// chooseExercise is the exercise named in args, or the first one the
// learner has not solved.
func chooseExercise(app *App, args []string) (exercises.Exercise, error) {
	switch len(args) {
	case 0:
		all := exercises.All()
		if len(all) == 0 {
			return exercises.Exercise{}, Usagef("there are no exercises yet")
		}
		st := app.Progress()
		for _, e := range all {
			if p := st.Exercises[e.Slug]; p == nil || !p.Solved {
				return e, nil
			}
		}
		return all[len(all)-1], nil
	case 1:
		e, err := exercises.Find(args[0])
		if err != nil {
			return e, Usagef("%v", err)
		}
		return e, nil
	}
	return exercises.Exercise{}, Usagef("expected at most one exercise, got %d arguments", len(args))
}

// checkOnce grades ex in the workspace, prints the verdict with its
// explanation, and remembers the attempt. It reports whether ex passed.
func checkOnce(ctx context.Context, app *App, ex exercises.Exercise, verbose bool) (bool, error) {
	if wd, err := os.Getwd(); err == nil {
		if err := refuseSourceTree(wd); err != nil {
			return false, Usagef("%v", err)
		}
	}
	what := "checking " + ex.ID() + " with the race detector"
	var stopSpinner func()
	if app.StdoutTTY {
		stopSpinner = spinner(app, what, ex.Timeout)
	} else {
		app.Printf("%s\n", app.Theme.Dim(what+"..."))
	}
	res, err := runGrade(ctx, app, "", []exercises.Exercise{ex}, 5*time.Minute, false)
	if stopSpinner != nil {
		stopSpinner()
	}
	if err != nil {
		return false, err
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if p := app.Progress().Exercises[ex.Slug]; p != nil && res.Exercises[0].Hint > 0 {
		res.Exercises[0].Hint = min(p.HintsShown+1, len(ex.Hints))
	}
	var text bytes.Buffer
	opts := report.Options{Theme: app.Theme, Verbose: verbose, HintCommand: selfCommand() + " hint %s"}
	if app.StdoutTTY {
		opts.Width = app.Width
	}
	if err := report.Text(&text, res, opts); err != nil {
		return false, err
	}
	if _, err := app.Stdout.Write(text.Bytes()); err != nil {
		return false, err
	}
	er := res.Exercises[0]
	if app.StdoutTTY && er.Verdict != grade.Pass && bytes.Count(text.Bytes(), []byte("\n")) > recapAfter {
		// The verdict has scrolled off a 24-row screen: say it again
		// where the eye is, with the first thing that explains it.
		app.Printf("%s\n", app.Theme.Warning(fmt.Sprintf("── %s: %s", ex.ID(), strings.ToUpper(string(er.Verdict)))))
		first := er.Message
		if len(er.Explanation) > 0 {
			first = er.Explanation[0]
		}
		for _, l := range wrapWords(report.Sanitize(first), app.Width, 3, 3) {
			app.Printf("   %s\n", l)
		}
	}
	app.Remember(func(st *progress.State) {
		p := st.Exercise(ex.Slug)
		p.Attempts++
		p.LastVerdict = string(er.Verdict)
		if er.Verdict == grade.Pass && !p.Solved {
			p.Solved, p.SolvedAt = true, time.Now()
		}
	})
	if er.Verdict == grade.Pass {
		for _, l := range wrapWords("Solved! "+selfCommand()+" solution "+ex.Slug+" shows the reference solution to compare.", app.Width, 0, 0) {
			app.Printf("%s\n", app.Theme.Finding(l))
		}
	}
	return er.Verdict == grade.Pass, nil
}

// recapAfter is how many lines of report a 24-row terminal shows with
// the prompt and the recap: past it, the verdict is said again at the end.
const recapAfter = 20

// spinner shows, on the terminal, that a long check is alive: a turning
// mark, the time so far and the exercise's limit, redrawn in place ten
// times a second until the returned func is called, which erases it.
func spinner(app *App, what string, limit time.Duration) func() {
	start := time.Now()
	done := make(chan struct{})
	stopped := make(chan struct{})
	frames := `|/-\`
	line := func(i int) string {
		s := fmt.Sprintf("%c %s... %.1fs", frames[i%len(frames)], what, time.Since(start).Seconds())
		if limit > 0 {
			s += fmt.Sprintf(" (its tests have %v)", limit)
		}
		if w := app.Width - 1; w > 0 && len(s) > w {
			s = s[:w] // never wrap: \r returns to the start of this line only
		}
		return s
	}
	go func() {
		defer close(stopped)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(app.Stdout, "\r\x1b[K%s", app.Theme.Dim(line(i)))
			select {
			case <-done:
				fmt.Fprint(app.Stdout, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-stopped }
}
