package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/manifoldco/promptui"
	"golang.org/x/term"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/progress"
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

// homeLabel is the label of the menu's first screen, the student's home.
const homeLabel = "conclab: choose a lesson or an exercise"

// menu is the student's home: every lesson and every exercise, each with
// a mark of the learner's progress. A lesson opens its menu (read it, run
// its demos); an exercise opens its own (read its statement, check it, a
// hint, watch it). Ctrl-C during a demo or a check stops it and comes
// back here; Ctrl-C or Ctrl-D at a menu quits.
func menu(ctx context.Context, app *App, o runOptions, start string) error {
	all, exs := lessons.All(), exercises.All()
	cursor := 0
	if start != "" {
		l, err := lessons.Find(start)
		if err != nil {
			return Usagef("%v", err)
		}
		cursor = l.Number - 1
		if err := lessonMenu(ctx, app, &o, l); err != nil {
			return quitIsFine(err)
		}
	}
	for {
		st := app.Progress()
		items := make([]string, 0, len(all)+len(exs)+1)
		for _, l := range all {
			items = append(items, lessonItem(l, st))
		}
		for _, e := range exs {
			items = append(items, exerciseItem(e, st))
		}
		items = append(items, "Quit")
		i, err := choose(app, homeLabel, items, cursor)
		if err != nil || i == len(items)-1 {
			return quitIsFine(err)
		}
		cursor = i
		if i < len(all) {
			err = lessonMenu(ctx, app, &o, all[i])
		} else {
			err = exerciseMenu(ctx, app, exs[i-len(all)])
		}
		if err != nil {
			return quitIsFine(err)
		}
	}
}

// lessonItem is a lesson's line in the home menu: its number, what the
// learner did with it (nothing yet, "read", or "2/6 demos" run), its
// title and summary.
func lessonItem(l lesson.Lesson, st *progress.State) string {
	mark := ""
	if p := st.Lessons[l.Slug]; p != nil {
		mark = "read"
		if n := demosRun(l, p); n > 0 {
			mark = fmt.Sprintf("%d/%d demos", n, len(l.Demos))
		}
	}
	return fmt.Sprintf("%-8s %2d  %-9s  %s — %s", "lesson", l.Number, mark, l.Title, l.Summary)
}

// exerciseItem is an exercise's line in the home menu: its number, where
// the learner stands ("solved", the last check's verdict, or nothing
// yet), its slug and title.
func exerciseItem(e exercises.Exercise, st *progress.State) string {
	mark := ""
	if p := st.Exercises[e.Slug]; p != nil {
		switch {
		case p.Solved:
			mark = "solved"
		case p.Attempts > 0:
			mark = p.LastVerdict
		}
	}
	return fmt.Sprintf("%-8s %2d  %-9s  %s — %s", "exercise", e.Number, mark, e.Slug, e.Title)
}

// demosRun counts the demos of l that p records as run.
func demosRun(l lesson.Lesson, p *progress.LessonProgress) int {
	n := 0
	for _, d := range l.Demos {
		if containsString(p.DemosRun, d.Name) {
			n++
		}
	}
	return n
}

func lessonMenu(ctx context.Context, app *App, o *runOptions, l lesson.Lesson) error {
	cursor := 0
	for {
		items := []string{"Read the lesson"}
		for _, d := range l.Demos {
			items = append(items, "Run demo: "+d.Title)
		}
		items = append(items, "Run all demos", "Back to the menu")
		i, err := choose(app, fmt.Sprintf("Lesson %d: %s", l.Number, l.Title), items, cursor)
		if err != nil {
			return err
		}
		cursor = i
		switch {
		case i == 0:
			app.Remember(func(st *progress.State) { st.OpenLesson(l.Slug) })
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
// interrupted or failed demo is reported, not fatal. A demo that shows
// the race detector itself runs in a -race copy of conclab, built the
// first time one is asked for (the other demos keep running in this
// binary, as without --race).
func demoFromMenu(ctx context.Context, app *App, l lesson.Lesson, demos []lesson.Demo, o *runOptions) error {
	err := detectorCopy(ctx, app, demos, o)
	if err == nil || (len(demos) > 1 && !errors.Is(err, context.Canceled)) {
		if err != nil {
			// Run the others; the detector's demo says what it needs.
			app.Warnf("%v", err)
		}
		err = runDemos(ctx, app, l, demos, *o)
	}
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

// detectorCopy builds the -race copy of conclab into o.detectorExe when
// one of demos needs the race detector and nothing else provides it. It
// is built once per menu session; Ctrl-C stops the build.
func detectorCopy(ctx context.Context, app *App, demos []lesson.Demo, o *runOptions) error {
	need := false
	for _, d := range demos {
		need = need || refuses(d, o.detectorExe)
	}
	if !need || o.race {
		return nil
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	exe, err := raceBinary(ctx, app)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(app.Stdout, app.Theme.Warning("interrupted: the -race copy was not built"))
			return context.Canceled
		}
		return fmt.Errorf("the race detector's demo needs a -race copy of conclab: %w", err)
	}
	o.detectorExe = exe
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
		Size:      max(1, min(len(items), 20, height-3)), // 20: all 18 lessons and the first exercise in 24 rows
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
