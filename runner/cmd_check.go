package runner

import (
	"context"
	"flag"
	"os"
	"os/signal"
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
	app.Printf("%s\n", app.Theme.Dim("checking "+ex.ID()+" with the race detector..."))
	res, err := runGrade(ctx, app, "", []exercises.Exercise{ex}, 5*time.Minute)
	if err != nil {
		return false, err
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if p := app.Progress().Exercises[ex.Slug]; p != nil && res.Exercises[0].Hint > 0 {
		res.Exercises[0].Hint = min(p.HintsShown+1, len(ex.Hints))
	}
	if err := report.Text(app.Stdout, res, report.Options{Theme: app.Theme, Verbose: verbose, HintCommand: selfCommand() + " hint %s"}); err != nil {
		return false, err
	}
	er := res.Exercises[0]
	app.Remember(func(st *progress.State) {
		p := st.Exercise(ex.Slug)
		p.Attempts++
		p.LastVerdict = string(er.Verdict)
		if er.Verdict == grade.Pass && !p.Solved {
			p.Solved, p.SolvedAt = true, time.Now()
		}
	})
	if er.Verdict == grade.Pass {
		app.Printf("%s\n", app.Theme.Finding("Solved! "+selfCommand()+" solution "+ex.Slug+" shows the reference solution to compare."))
	}
	return er.Verdict == grade.Pass, nil
}
