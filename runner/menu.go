package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/manifoldco/promptui"
	"golang.org/x/term"

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
			if err := showLesson(app, l); err != nil {
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
//
// promptui redraws the menu by moving the cursor up one row per line it
// printed, so every line must fit on one row: the items and the label
// are cut to the terminal's width (read again for every menu, so a
// resized terminal gets menus that fit it), and the list scrolls within
// the terminal's height.
func choose(app *App, label string, items []string, cursor int) (int, error) {
	width, height := terminalSize(app)
	sel := selectMenu(app.Color, label, items, cursor, width, height)
	sel.Stdout = noBell{os.Stdout}
	i, _, err := sel.Run()
	if errors.Is(err, promptui.ErrInterrupt) || errors.Is(err, promptui.ErrEOF) || errors.Is(err, io.EOF) {
		return 0, errQuit
	}
	return i, err
}

// terminalSize is the size of the terminal on stdout now, or the app's
// width and 24 rows when it cannot be read.
func terminalSize(app *App) (width, height int) {
	if f, ok := app.Stdout.(*os.File); ok && app.StdoutTTY {
		if w, h, err := term.GetSize(int(f.Fd())); err == nil && w > 20 && h > 5 {
			return w, h
		}
	}
	return app.Width, 24
}

// menuPrefix is what promptui prints before an item: a scroll mark
// ("↑", "↓" or a space), a space, and the template's two columns.
const menuPrefix = 4

// selectMenu is the menu as promptui's Select, laid out for a terminal of
// width x height: items and label cut to fit (with an ellipsis), at most
// height-3 items shown at once (the help line, the label and the row the
// cursor rests on take the others), and without colour, no escape
// sequence of promptui's own styles at all (its default help line is
// dimmed, even under NO_COLOR).
func selectMenu(color bool, label string, items []string, cursor, width, height int) promptui.Select {
	fitted := make([]string, len(items))
	for i, it := range items {
		fitted[i] = ellipsize(it, usable(width)-menuPrefix)
	}
	sel := promptui.Select{
		Label:     ellipsize(label, usable(width)-4),
		Items:     fitted,
		Size:      max(1, min(len(items), 14, height-3)),
		CursorPos: cursor,
	}
	if !color {
		sel.Templates = &promptui.SelectTemplates{
			Label:    "{{ . }}",
			Active:   "> {{ . }}",
			Inactive: "  {{ . }}",
			Selected: "> {{ . }}",
			Help:     "Use the arrow keys to navigate: {{ .NextKey }} {{ .PrevKey }} {{ .PageDownKey }} {{ .PageUpKey }}",
		}
	}
	return sel
}

// ellipsize cuts s to at most width columns, at a word when one ends in
// the last third, and marks the cut with an ellipsis.
func ellipsize(s string, width int) string {
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	if width < 2 {
		return string(r[:max(width, 0)])
	}
	cut := width - 1
	for i := cut; i > width*2/3; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,;:—-") + "…"
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
