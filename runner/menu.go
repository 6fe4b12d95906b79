package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/manifoldco/promptui"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
)

func init() {
	register(Command{
		Name: "menu", Summary: "the interactive menu (what conclab alone opens)", Order: 0,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			var o runOptions
			o.declare(fs)
			start := fs.String("lesson", "", "open the menu at this lesson")
			return func(ctx context.Context, app *App, args []string) error {
				if err := o.check(); err != nil {
					return err
				}
				if len(args) > 0 {
					return Usagef("the menu takes no arguments; valid commands: %s", commandNames())
				}
				if !app.StdinTTY {
					// Nobody can answer a prompt: show what there is and end.
					printCatalog(app.Stdout, app.Theme)
					return nil
				}
				return menu(ctx, app, o, *start)
			}
		},
	})
}

// errQuit ends the menu.
var errQuit = errors.New("quit")

// menu lets the learner choose a lesson, read it, run its demos, go back
// and quit. Ctrl-C during a demo stops the demo and comes back here;
// Ctrl-C or Ctrl-D at a menu quits.
func menu(ctx context.Context, app *App, o runOptions, start string) error {
	all := lessons.All()
	cursor := 0
	if start != "" {
		l, err := lessons.Find(start)
		if err != nil {
			return Usagef("%v", err)
		}
		cursor = l.Number - 1
		if err := lessonMenu(ctx, app, o, l); err != nil {
			return quitIsFine(err)
		}
	}
	for {
		items := make([]string, 0, len(all)+1)
		for _, l := range all {
			items = append(items, fmt.Sprintf("%2d  %s — %s", l.Number, l.Title, l.Summary))
		}
		items = append(items, "Quit")
		i, err := choose(app, "conclab: choose a lesson", items, cursor)
		if err != nil || i == len(all) {
			return quitIsFine(err)
		}
		cursor = i
		if err := lessonMenu(ctx, app, o, all[i]); err != nil {
			return quitIsFine(err)
		}
	}
}

func lessonMenu(ctx context.Context, app *App, o runOptions, l lesson.Lesson) error {
	cursor := 0
	for {
		items := []string{"Read the lesson"}
		for _, d := range l.Demos {
			items = append(items, "Run demo: "+d.Title)
		}
		items = append(items, "Run all demos", "Back to the lessons")
		i, err := choose(app, fmt.Sprintf("Lesson %d: %s", l.Number, l.Title), items, cursor)
		if err != nil {
			return err
		}
		cursor = i
		switch {
		case i == 0:
			if err := showLesson(app.Stdout, app, l); err != nil {
				return err
			}
		case i <= len(l.Demos):
			if err := demoFromMenu(ctx, app, l, l.Demos[i-1:i], o); err != nil {
				return err
			}
		case i == len(l.Demos)+1:
			if err := demoFromMenu(ctx, app, l, l.Demos, o); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// demoFromMenu runs demos and comes back to the menu whatever happens; an
// interrupted or failed demo is reported, not fatal.
func demoFromMenu(ctx context.Context, app *App, l lesson.Lesson, demos []lesson.Demo, o runOptions) error {
	err := runDemos(ctx, app, l, demos, o)
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() == nil:
		// Ctrl-C stopped the demo; the learner stays in the menu.
	case err != nil && ctx.Err() == nil:
		app.Warnf("%v", err)
	case err != nil:
		return err
	}
	fmt.Fprintln(app.Stdout)
	return nil
}

// choose shows a menu and returns the index chosen; Ctrl-C and Ctrl-D
// give errQuit.
func choose(app *App, label string, items []string, cursor int) (int, error) {
	sel := promptui.Select{
		Label:     label,
		Items:     items,
		Size:      min(len(items), 14),
		CursorPos: cursor,
		HideHelp:  false,
		Stdout:    noBell{os.Stdout},
	}
	if !app.Color {
		sel.Templates = &promptui.SelectTemplates{
			Label:    "{{ . }}",
			Active:   "> {{ . }}",
			Inactive: "  {{ . }}",
			Selected: "> {{ . }}",
		}
	}
	i, _, err := sel.Run()
	if errors.Is(err, promptui.ErrInterrupt) || errors.Is(err, promptui.ErrEOF) || errors.Is(err, io.EOF) {
		return 0, errQuit
	}
	return i, err
}

func quitIsFine(err error) error {
	if errors.Is(err, errQuit) {
		return nil
	}
	return err
}

// noBell drops the terminal bell that promptui's line reader rings on
// every key press in some terminals.
type noBell struct{ w io.WriteCloser }

func (n noBell) Write(p []byte) (int, error) {
	if len(p) == 1 && p[0] == '\a' {
		return 1, nil
	}
	return n.w.Write(p)
}

func (n noBell) Close() error { return n.w.Close() }
