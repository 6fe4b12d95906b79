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
	"time"

	"github.com/fsnotify/fsnotify"
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
				root, err := findWorkspace(wd)
				if err != nil {
					return Usagef("%v", err)
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
				defer stop()
				dir := filepath.Join(root, "exercises", ex.Dir())
				check := func(ctx context.Context) bool {
					ok, err := checkOnce(ctx, app, ex, false)
					if err != nil && ctx.Err() == nil {
						app.Warnf("%v", err)
					}
					return ok
				}
				ok := check(ctx)
				if !app.StdinTTY {
					// No terminal, no one to press Ctrl-C: a script or
					// CI gets one check and its exit code, never a wait.
					app.Printf("%s\n", app.Theme.Dim("standard input is not a terminal: checked once, not watching"))
					if !ok {
						return ExitCode(1)
					}
					return nil
				}
				saves, closeWatch, err := fileSaves(dir, ex.Files)
				if err != nil {
					// Some file systems (network mounts, full inotify
					// tables) cannot be watched: fall back to a key press.
					app.Warnf("cannot watch %s for changes (%v); press Enter to check again", relPath(dir), err)
					saves = keyPresses(ctx, app.Stdin)
				} else {
					defer closeWatch()
					app.Printf("%s\n", app.Theme.Dim(fmt.Sprintf("watching %s: save to check again, Ctrl-C to stop", relPath(dir))))
				}
				err = debounce(ctx, saves, *quiet, func(ctx context.Context) { check(ctx) })
				if ctx.Err() != nil {
					return nil // Ctrl-C is how watch ends
				}
				return err
			}
		},
	})
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
