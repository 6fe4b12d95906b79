package runner

import (
	"context"
	"errors"
	"flag"
	"io/fs"

	"github.com/conclab/conclab/exercises"
)

func init() {
	register(Command{
		Name:    "solution",
		Args:    "<exercise> [--force]",
		Summary: "show the reference solution of an exercise you have solved",
		Order:   54,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			force := fs.Bool("force", false, "show it even though you have not solved the exercise yet")
			return func(_ context.Context, app *App, args []string) error {
				if len(args) != 1 {
					return Usagef("solution needs one exercise; valid: %s", exerciseNames())
				}
				ex, err := exercises.Find(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				solved := false
				if p := app.Progress().Exercises[ex.Slug]; p != nil {
					solved = p.Solved
				}
				if !solved && !*force {
					return errors.New("you have not solved " + ex.ID() + " yet: " + selfCommand() + " check " + ex.Slug + " grades your attempt, " + selfCommand() + " hint " + ex.Slug + " helps; --force shows the solution anyway")
				}
				if !solved {
					app.Warnf("showing the solution of %s before you solved it: reading it now trades the exercise for the answer", ex.ID())
				}
				return printSolution(app, ex)
			}
		},
	})
}

func printSolution(app *App, ex exercises.Exercise) error {
	for _, f := range ex.Files {
		if app.Solutions == nil {
			return errors.New("this build of conclab has no reference solutions; they are in the solutions folder of its source")
		}
		b, err := fs.ReadFile(app.Solutions, ex.Dir()+"/"+f)
		if err != nil {
			return errors.New("no reference solution for " + ex.ID() + ": " + err.Error())
		}
		app.Printf("%s\n%s", app.Theme.Heading("solutions/"+ex.Dir()+"/"+f), b)
	}
	return nil
}

func exerciseNames() string {
	s := ""
	for i, e := range exercises.All() {
		if i > 0 {
			s += ", "
		}
		s += e.ID()
	}
	return s
}
