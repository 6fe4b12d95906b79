package runner

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
				printCatalogWidth(app.Stdout, app.Theme, app.Width)
				return nil
			}
		},
	})
}

// printCatalog prints the catalog at the default width of 80 columns.
func printCatalog(w io.Writer, theme lesson.Theme) { printCatalogWidth(w, theme, 80) }

// catalogIndent is the width of "  NN  slug        ": wrapped lines start
// there so that titles stay in one column.
const catalogIndent = 18

// printCatalogWidth prints every lesson, and the exercises that practise
// it, one line each when it fits in width columns, otherwise wrapped under
// the title column.
func printCatalogWidth(w io.Writer, theme lesson.Theme, width int) {
	fmt.Fprintln(w, theme.Heading("Lessons"))
	for _, l := range lessons.All() {
		catalogEntry(w, theme, width, l.Number, l.Slug, l.Title+" —", l.Summary)
	}
	if all := exercises.All(); len(all) > 0 {
		fmt.Fprintln(w, theme.Heading("\nExercises"))
		for _, e := range all {
			catalogEntry(w, theme, width, e.Number, e.Slug, e.Title, "(lesson "+e.Lesson+")")
		}
	}
	fmt.Fprintln(w)
	for _, line := range wrapWords("conclab show <lesson> reads a lesson; conclab run <lesson> runs its demos.", width, 0, 0) {
		fmt.Fprintln(w, theme.Dim(line))
	}
}

// catalogEntry prints one numbered entry: the title plain, the note dimmed,
// both wrapped with a hanging indent under the title column.
func catalogEntry(w io.Writer, theme lesson.Theme, width, number int, slug, title, note string) {
	fmt.Fprintf(w, "  %2d  %-11s ", number, slug)
	titleLines := wrapWords(title, width, catalogIndent, catalogIndent)
	col := catalogIndent
	for i, line := range titleLines {
		if i > 0 {
			fmt.Fprint(w, "\n"+strings.Repeat(" ", catalogIndent))
		}
		fmt.Fprint(w, line)
		col = catalogIndent + utf8.RuneCountInString(line)
	}
	for i, line := range wrapWords(note, width, col+1, catalogIndent) {
		if i == 0 && col+1+utf8.RuneCountInString(line) <= width {
			fmt.Fprint(w, " ")
		} else {
			fmt.Fprint(w, "\n"+strings.Repeat(" ", catalogIndent))
		}
		fmt.Fprint(w, theme.Dim(line))
	}
	fmt.Fprintln(w)
}
