package runner

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
)

func init() {
	register(Command{
		Name: "list", Summary: "list the lessons and exercises", Order: 10,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) > 0 {
					return Usagef("list takes no arguments")
				}
				printCatalog(app.Stdout, app.Theme)
				return nil
			}
		},
	})
}

// printCatalog prints every lesson, and the exercises that practise it.
func printCatalog(w io.Writer, theme lesson.Theme) {
	fmt.Fprintln(w, theme.Heading("Lessons"))
	for _, l := range lessons.All() {
		fmt.Fprintf(w, "  %2d  %-11s %s — %s\n", l.Number, l.Slug, l.Title, theme.Dim(l.Summary))
	}
	if all := exercises.All(); len(all) > 0 {
		fmt.Fprintln(w, theme.Heading("\nExercises"))
		for _, e := range all {
			fmt.Fprintf(w, "  %2d  %-11s %s %s\n", e.Number, e.Slug, e.Title, theme.Dim("(lesson "+e.Lesson+")"))
		}
	}
	fmt.Fprintln(w, theme.Dim("\nconclab show <lesson> reads a lesson; conclab run <lesson> runs its demos."))
}
