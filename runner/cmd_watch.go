package runner

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/conclab/conclab/exercises"
)

func init() {
	register(Command{
		Name:    "watch",
		Args:    "[exercise]",
		Summary: "check an exercise again each time you save it (Ctrl-C to stop; without a terminal, check once)",
		Order:   51,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			quiet := fs.Duration("debounce", 300*time.Millisecond, "wait this long after the last save before checking")
			return func(ctx context.Context, app *App, args []string) error {
				ex, err := chooseExercise(app, args)
				if err != nil {
					return err
				}
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				root, err := learnerWorkspace(wd)
				if err != nil {
					return Usagef("%v", err)
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
				defer stop()
				if !app.StdinTTY {
					// No terminal, no one to press Ctrl-C: a script or
					// CI gets one check and its exit code, never a wait.
					ok, err := checkOnce(ctx, app, ex, false)
					if err != nil {
						return err
					}
					app.Printf("%s\n", app.Theme.Dim("standard input is not a terminal: checked once, not watching"))
					if !ok {
						return ExitCode(1)
					}
					return nil
				}
				return watchSession(ctx, app, root, ex, *quiet)
			}
		},
	})
}

// watchKeys is the footer of a watch session: its single-key commands.
const watchKeys = "h hint · n next exercise · r check again · l list · q quit"

// watchSession is watch on a terminal, like rustlings: the screen cleared
// before each check, the verdict at the top, single keys (watchKeys), and
// after a pass, n moves on to the next exercise. It ends on q or Ctrl-C.
func watchSession(ctx context.Context, app *App, root string, ex exercises.Exercise, quiet time.Duration) error {
	keys, stopKeys := readKeys(app)
	defer stopKeys()
	for {
		next, err := watchExercise(ctx, app, root, ex, quiet, keys)
		if err != nil || next == nil {
			if ctx.Err() != nil {
				return nil // Ctrl-C is how watch ends
			}
			return err
		}
		ex = *next
	}
}

// watchExercise checks ex, then again on each save or r, until the learner
// asks for another exercise (returned) or to quit (nil).
func watchExercise(ctx context.Context, app *App, root string, ex exercises.Exercise, quiet time.Duration, keys <-chan rune) (*exercises.Exercise, error) {
	dir := filepath.Join(root, "exercises", ex.Dir())
	requests := make(chan struct{}, 1)
	request := func(context.Context) {
		select {
		case requests <- struct{}{}:
		default:
		}
	}
	watching := fmt.Sprintf("watching %s", relPath(dir))
	saves, closeWatch, err := fileSaves(dir, ex.Files)
	if err != nil {
		// Some file systems (network mounts, full inotify tables) cannot
		// be watched: r checks by hand.
		watching = fmt.Sprintf("cannot watch %s for saves (%v): press r to check", relPath(dir), err)
	} else {
		defer closeWatch()
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go func() { _ = debounce(wctx, saves, quiet, request) }()
	}
	footer := func(passed bool) {
		app.Printf("\n%s\n", app.Theme.Dim(watching))
		if passed {
			if n, ok := nextExercise(ex); ok {
				app.Printf("%s\n", app.Theme.Finding("Solved! Press n for exercise "+n.ID()+"."))
			} else {
				app.Printf("%s\n", app.Theme.Finding("Solved, and it was the last exercise."))
			}
		}
		app.Printf("%s\n", app.Theme.Dim(watchKeys))
	}
	check := func() bool {
		app.Printf("\x1b[H\x1b[2J") // the verdict at the top of a clean screen
		ok, err := checkOnce(ctx, app, ex, false)
		if err != nil && ctx.Err() == nil {
			app.Warnf("%v", err)
		}
		return ok
	}
	passed := check()
	footer(passed)
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-requests:
			passed = check()
			footer(passed)
		case k, ok := <-keys:
			if !ok {
				return nil, nil // the keyboard is gone
			}
			switch k {
			case 'q', 'Q', 4: // 4: Ctrl-D
				return nil, nil
			case 'r', 'R', '\n', '\r':
				passed = check()
				footer(passed)
			case 'h', 'H':
				app.Printf("\n")
				showHint(app, ex)
				footer(false)
			case 'l', 'L':
				app.Printf("\n")
				listExercises(app, ex)
				footer(false)
			case 'n', 'N':
				if n, ok := nextExercise(ex); ok {
					return &n, nil
				}
				app.Printf("%s\n", app.Theme.Dim(ex.ID()+" is the last exercise."))
			}
		}
	}
}

// nextExercise is the exercise after ex in the catalogue.
func nextExercise(ex exercises.Exercise) (exercises.Exercise, bool) {
	all := exercises.All()
	for i, e := range all {
		if e.Number == ex.Number && i+1 < len(all) {
			return all[i+1], true
		}
	}
	return exercises.Exercise{}, false
}

// listExercises prints the exercises with the learner's progress, current
// marked.
func listExercises(app *App, current exercises.Exercise) {
	st := app.Progress()
	for _, e := range exercises.All() {
		p := st.Exercises[e.Slug]
		state := "not tried"
		switch {
		case p != nil && p.Solved:
			state = "solved"
		case p != nil && p.Attempts > 0:
			state = p.LastVerdict
		}
		here := "  "
		if e.Number == current.Number {
			here = "> "
		}
		app.Printf("%s%2d %-10s %s %s\n", here, e.Number, e.Slug, mark(p != nil && p.Solved), state)
	}
}

// readKeys reads single keys from the terminal (a key at a time, no echo)
// until stop is called, which also puts the terminal back. Where single
// keys cannot be had, each line typed counts as its first character.
func readKeys(app *App) (<-chan rune, func()) {
	keys := make(chan rune, 16)
	restore := func() {}
	byLine := true
	if f, ok := app.Stdin.(*os.File); ok {
		if r, err := cbreak(f); err == nil {
			restore, byLine = r, false
		}
	}
	go func() {
		// This reader outlives the session when it ends on Ctrl-C: it
		// waits in a read of the terminal until conclab exits.
		defer close(keys)
		br := bufio.NewReader(app.Stdin)
		for {
			r, _, err := br.ReadRune()
			if err != nil {
				return
			}
			if byLine && r != '\n' {
				_, _ = br.ReadString('\n') // the key, then Enter: the rest of the line is not a key
			}
			keys <- r
		}
	}()
	return keys, sync.OnceFunc(restore)
}

// fileSaves reports each change to one of files in dir. Editors save in
// different ways (write in place, or write a temporary file and rename it
// over the original), so the folder is watched, not the files.
func fileSaves(dir string, files []string) (<-chan struct{}, func(), error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, nil, err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return nil, nil, err
	}
	saves := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(saves)
		for {
			select {
			case e, ok := <-w.Events:
				if !ok {
					return
				}
				if !slices.Contains(files, filepath.Base(e.Name)) || !e.Has(fsnotify.Write|fsnotify.Create|fsnotify.Rename) {
					continue
				}
				select {
				case saves <- struct{}{}:
				default: // one pending save is as good as many
				}
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			case <-done:
				return
			}
		}
	}()
	return saves, func() { close(done); w.Close() }, nil
}

// keyPresses reports each line read from r (the fallback when files
// cannot be watched), and closes when r ends.
func keyPresses(ctx context.Context, r io.Reader) <-chan struct{} {
	presses := make(chan struct{})
	go func() {
		defer close(presses)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case presses <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return presses
}

// debounce calls fire once events have been quiet for quiet: saving three
// times in a row checks once. It returns when ctx ends or events closes
// (after firing for a request still pending).
func debounce(ctx context.Context, events <-chan struct{}, quiet time.Duration, fire func(context.Context)) error {
	timer := time.NewTimer(quiet)
	timer.Stop()
	defer timer.Stop()
	pending := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-events:
			if !ok {
				if pending {
					fire(ctx) // the last request still counts
				}
				return nil
			}
			pending = true
			timer.Reset(quiet)
		case <-timer.C:
			pending = false
			fire(ctx)
		}
	}
}
