package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/conclab/conclab/exercises"
)

// exerciseMenu is an exercise's menu: read its statement, check it, the
// next hint, watch it (check on every save), back. Every action comes
// back here; only Ctrl-C or Ctrl-D at the menu itself quits.
func exerciseMenu(ctx context.Context, app *App, ex exercises.Exercise) error {
	root, wsErr := menuWorkspace()
	if wsErr != nil {
		noWorkspace(app)
	} else {
		app.Printf("%s\n", app.Theme.Dim(ellipsize("your file: "+relPath(exerciseFile(root, ex)), usable(app.Width))))
	}
	cursor := 0
	for {
		hints, state := 0, "not tried yet"
		if p := app.Progress().Exercises[ex.Slug]; p != nil {
			hints = p.HintsShown
			switch {
			case p.Solved:
				state = "solved"
			case p.Attempts > 0:
				state = "last check: " + p.LastVerdict
			}
		}
		items := []string{
			"Read the statement",
			"Check it: its tests under the race detector",
			fmt.Sprintf("Show a hint (%d of %d seen)", hints, len(ex.Hints)),
			"Watch it: check again each time you save",
			"Back to the menu",
		}
		i, err := choose(app, fmt.Sprintf("Exercise %s (%s): %s", ex.ID(), state, ex.Title), items, cursor)
		if err != nil {
			return err
		}
		cursor = i
		switch i {
		case 0:
			err = showStatement(app, ex, root)
		case 1:
			err = checkFromMenu(ctx, app, ex)
		case 2:
			showHint(app, ex)
			app.Printf("\n")
		case 3:
			err = watchFromMenu(app, ex)
		default:
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// menuWorkspace is the learner's workspace, found from the working folder
// as every command finds it.
func menuWorkspace() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return learnerWorkspace(wd)
}

// exerciseFile is the file of ex the learner edits, in the workspace root.
func exerciseFile(root string, ex exercises.Exercise) string {
	return filepath.Join(root, "exercises", ex.Dir(), ex.Files[0])
}

// noWorkspace says, instead of failing, that there is no workspace here
// and how to make one.
func noWorkspace(app *App) {
	msg := "There is no workspace here to solve the exercises in. " +
		selfCommand() + " init [folder] writes one (in conclab's repository, make run writes " +
		defaultWorkspace + "/ and starts the menu in it); then start conclab in that folder. " +
		"The statements and hints can be read without one."
	for _, l := range wrapWords(msg, app.Width, 0, 0) {
		app.Printf("%s\n", app.Theme.Warning(l))
	}
}

// showStatement shows ex's README, paged like a lesson, and where the
// learner's file is.
func showStatement(app *App, ex exercises.Exercise, root string) error {
	folder, err := ex.Folder()
	if err != nil {
		return err
	}
	md, err := fs.ReadFile(folder, "README.md")
	if err != nil {
		return fmt.Errorf("reading the statement of exercise %s: %w", ex.ID(), err)
	}
	text, err := renderMarkdown(string(md), app.Width, app.Color)
	if err != nil {
		return fmt.Errorf("rendering the statement of exercise %s: %w", ex.ID(), err)
	}
	var b strings.Builder
	b.WriteString(text)
	if root != "" {
		fmt.Fprintf(&b, "%s\n", app.Theme.Dim(strings.Join(wrapWords("Your file: "+relPath(exerciseFile(root, ex)), app.Width, 0, 2), "\n  ")))
	}
	return pageText(app, b.String())
}

// checkFromMenu checks ex once, as conclab check does, and comes back to
// the menu whatever the verdict; Ctrl-C stops the check.
func checkFromMenu(ctx context.Context, app *App, ex exercises.Exercise) error {
	if _, err := menuWorkspace(); err != nil {
		noWorkspace(app)
		return nil
	}
	cctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	_, err := checkOnce(cctx, app, ex, false)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case cctx.Err() != nil:
		app.Printf("%s\n", app.Theme.Warning("interrupted: the check was stopped"))
	case err != nil:
		app.Warnf("%v", err)
	}
	app.Printf("\n")
	return nil
}

// watchFromMenu runs conclab watch on ex, in a child process that has the
// terminal until the learner quits it (q or Ctrl-C), then comes back.
//
// A child, not watchSession in this process: watch reads single keys
// with a goroutine that stays blocked in a read of the terminal after
// the session ends, and back in the menu it would take the learner's
// next key away from it. The child's reader ends with the child.
func watchFromMenu(app *App, ex exercises.Exercise) error {
	if _, err := menuWorkspace(); err != nil {
		noWorkspace(app)
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		app.Warnf("cannot start watch: %v", err)
		return nil
	}
	args := []string{os.Args[0], "watch"}
	if !app.Color {
		args = append(args, "--no-color")
	}
	cmd := &exec.Cmd{Path: self, Args: append(args, ex.Slug), Stdin: app.Stdin, Stdout: app.Stdout, Stderr: app.Stderr}
	// Ctrl-C reaches the child too (the terminal signals its whole
	// foreground process group): it ends watch, not the menu.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		app.Warnf("watch ended with %v", err)
	case err != nil:
		app.Warnf("cannot start watch: %v", err)
	}
	app.Printf("\n")
	return nil
}
