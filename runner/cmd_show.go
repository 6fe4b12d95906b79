package runner

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/progress"
)

func init() {
	register(Command{
		Name: "show", Args: "<lesson>", Summary: "read a lesson's text", Order: 20,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) != 1 {
					return Usagef("show takes one lesson, by number or slug; try conclab list")
				}
				l, err := lessons.Find(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				app.Remember(func(st *progress.State) { st.OpenLesson(l.Slug) })
				return showLesson(app.Stdout, app, l)
			}
		},
	})
}

// showLesson prints a lesson's text rendered for the terminal, then its
// demos and exercises.
func showLesson(w io.Writer, app *App, l lesson.Lesson) error {
	text, err := renderMarkdown(l.Text, app.Width, app.Color)
	if err != nil {
		return fmt.Errorf("rendering lesson %s: %w", l.Slug, err)
	}
	fmt.Fprintln(w, app.Theme.Heading(fmt.Sprintf("Lesson %d: %s", l.Number, l.Title)))
	fmt.Fprint(w, text)
	fmt.Fprintln(w, app.Theme.Heading("Demos"))
	for _, d := range l.Demos {
		// Claims wrap under their own column, at 25; a long name gets a
		// line of its own.
		name := d.Name
		if len(name) > 22 {
			fmt.Fprintf(w, "  %s\n", name)
			name = ""
		}
		claim := strings.Join(wrapWords(d.Claim, app.Width, 25, 25), "\n"+strings.Repeat(" ", 25))
		fmt.Fprintf(w, "  %-22s %s\n", name, claim)
	}
	fmt.Fprintf(w, "  run them: conclab run %s [demo]\n", l.Slug)
	if len(l.Exercises) > 0 {
		fmt.Fprintf(w, "%s\n  %s\n", app.Theme.Heading("Exercises"), strings.Join(l.Exercises, ", "))
	}
	return nil
}

// renderMarkdown renders markdown for a terminal of the given width, with
// colour or without. Without colour it uses glamour's notty style with
// plain-text emphasis (*strong*, _emphasis_) instead of its literal
// markdown markers, and drops the spaces glamour pads every line with.
func renderMarkdown(md string, width int, color bool) (string, error) {
	opt := glamour.WithStandardStyle("dark")
	if !color {
		style := styles.NoTTYStyleConfig
		style.Strong.BlockPrefix, style.Strong.BlockSuffix = "*", "*"
		style.Emph.BlockPrefix, style.Emph.BlockSuffix = "_", "_"
		opt = glamour.WithStyles(style)
	}
	r, err := glamour.NewTermRenderer(opt, glamour.WithWordWrap(min(width, 100)-2))
	if err != nil {
		return "", err
	}
	out, err := r.Render(md)
	if err != nil || color {
		return out, err
	}
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, " ")
	}
	return strings.Join(lines, "\n"), nil
}
