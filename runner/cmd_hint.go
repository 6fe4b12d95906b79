package runner

import (
	"context"
	"flag"
	"strconv"

	"github.com/conclab/conclab/runner/progress"
)

func init() {
	register(Command{
		Name:    "hint",
		Args:    "[exercise]",
		Summary: "show the next of an exercise's three hints (default: the first one not solved yet)",
		Order:   52,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				ex, err := chooseExercise(app, args)
				if err != nil {
					return err
				}
				shown := 0
				if p := app.Progress().Exercises[ex.Slug]; p != nil {
					shown = p.HintsShown
				}
				// Each call reveals one more hint; once all three are out,
				// the last one is shown again rather than nothing.
				n := min(shown+1, len(ex.Hints))
				app.Printf("%s\n", app.Theme.Heading(ex.ID()+": hint "+strconv.Itoa(n)+" of "+strconv.Itoa(len(ex.Hints))))
				for _, line := range wrapWords(ex.Hints[n-1], app.Width, 0, 0) {
					app.Printf("%s\n", line)
				}
				if n == len(ex.Hints) {
					app.Printf("%s\n", app.Theme.Dim("That was the last hint. "+selfCommand()+" check "+ex.Slug+" tells you how close you are."))
				} else {
					app.Printf("%s\n", app.Theme.Dim("Still stuck? "+selfCommand()+" hint "+ex.Slug+" shows the next one."))
				}
				app.Remember(func(st *progress.State) {
					if p := st.Exercise(ex.Slug); p.HintsShown < n {
						p.HintsShown = n
					}
				})
				return nil
			}
		},
	})
}
