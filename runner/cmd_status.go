package runner

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/lessons"
)

func init() {
	register(Command{
		Name:    "status",
		Summary: "show your progress through the lessons and exercises",
		Order:   56,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) > 0 {
					return Usagef("status takes no arguments")
				}
				st := app.Progress()
				th := app.Theme
				app.Printf("%s\n", th.Heading("Lessons"))
				opened, demos, ran := 0, 0, 0
				all := lessons.All()
				for _, l := range all {
					p := st.Lessons[l.Slug]
					n := 0
					if p != nil {
						opened++
						n = demosRun(l, p) // only demos that really ran are recorded
					}
					demos += len(l.Demos)
					ran += n
					app.Printf("  %2d %-12s %s %d/%d demos\n", l.Number, l.Slug, bar(n, len(l.Demos), 10), n, len(l.Demos))
				}
				app.Printf("\n%s\n", th.Heading("Exercises"))
				solved := 0
				exs := exercises.All()
				for _, e := range exs {
					p := st.Exercises[e.Slug]
					state := th.Dim("not tried")
					switch {
					case p != nil && p.Solved:
						solved++
						state = th.Finding("solved") + th.Dim(" "+p.SolvedAt.Format("2006-01-02"))
					case p != nil && p.Attempts > 0:
						state = th.Warning(p.LastVerdict) + th.Dim(fmt.Sprintf(" after %d check(s)", p.Attempts))
					}
					hints := 0
					if p != nil {
						hints = p.HintsShown
					}
					app.Printf("  %2d %-12s %s  %s %s\n", e.Number, e.Slug, mark(p != nil && p.Solved), state, th.Dim(fmt.Sprintf("(hints %d/3)", hints)))
				}
				app.Printf("\n  lessons   %s %d/%d opened, %d/%d demos run\n", bar(opened, len(all), 20), opened, len(all), ran, demos)
				app.Printf("  exercises %s %d/%d solved\n", bar(solved, len(exs), 20), solved, len(exs))
				return nil
			}
		},
	})
}

// bar draws n of total as a bar width characters wide: [#####-----].
func bar(n, total, width int) string {
	filled := 0
	if total > 0 {
		filled = n * width / total
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat("-", width-filled) + "]"
}

func mark(done bool) string {
	if done {
		return "[x]"
	}
	return "[ ]"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
