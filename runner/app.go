// Package runner is the conclab program: its commands, its terminal user
// interface, and the wiring between lessons, exercises and grading.
//
// main hands os.Args to Main; everything else is testable without a
// process. Each command lives in its own file (cmd_<name>.go) and
// registers itself; Main finds it, parses its flags (before or after the
// arguments), and turns what it returns into an exit code:
//
//	0  everything asked for worked (or passed)
//	1  something failed (a demo errored, an exercise failed)
//	2  the command line was wrong, or the tools conclab needs are missing
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/progress"
)

// App is one run of conclab: its streams, its environment, and the
// settings decided from them.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StdinTTY and StdoutTTY say whether the streams are terminals: no
	// prompt waits when stdin is not one, and no colour goes to a pipe.
	StdinTTY, StdoutTTY bool

	Color     bool         // decided by Main: a terminal, no NO_COLOR, no --no-color
	Theme     lesson.Theme // coloured when Color, else lesson.Plain
	Width     int          // terminal width in columns, 80 if unknown
	StatePath string       // the progress file

	// Solutions holds the reference solutions, "01-counter/counter.go"
	// and so on. main embeds them: the solutions folder holds nothing but
	// the exercise folders, so that `cp -r solutions/* exercises/` solves
	// every exercise. Nil in a build without them.
	Solutions fs.FS

	// Module holds conclab's go.mod and go.sum (main embeds them): with
	// the canonical exercises, what the grader writes the module it builds
	// in from (grade.BuildModule), so that grading needs no checkout and
	// never builds a learner-edited copy of a test. Nil: the grader builds
	// in the conclab module around the working folder (a checkout).
	Module fs.FS
}

// Stdio returns an App on the process's own streams and environment.
func Stdio() *App {
	app := &App{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		Width:     80,
	}
	if app.StdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 20 {
			app.Width = w
		}
	}
	return app
}

// Printf writes to the app's standard output.
func (a *App) Printf(format string, args ...any) { fmt.Fprintf(a.Stdout, format, args...) }

// Warnf writes a one-line warning to standard error.
func (a *App) Warnf(format string, args ...any) {
	fmt.Fprintln(a.Stderr, a.Theme.Warning("conclab: "+fmt.Sprintf(format, args...)))
}

// Progress loads the learner's state, printing a warning if the file had
// to be set aside. It never fails: without a readable state file conclab
// still works, it just forgets.
func (a *App) Progress() *progress.State {
	st, warning, err := progress.Load(a.StatePath)
	if warning != "" {
		a.Warnf("%s", warning)
	}
	if err != nil {
		a.Warnf("%v", err)
	}
	return st
}

// Remember applies change to the learner's state and saves it, warning
// (not failing) if it cannot.
func (a *App) Remember(change func(*progress.State)) {
	if a.StatePath == "" {
		return
	}
	warning, err := progress.Update(a.StatePath, change)
	if warning != "" {
		a.Warnf("%s", warning)
	}
	if err != nil {
		a.Warnf("could not save progress: %v", err)
	}
}

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Usagef reports a mistake on the command line: the message (one line,
// naming what would have been valid) goes to stderr and conclab exits 2.
func Usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// ExitCode is an error that only sets the exit code: the command has
// already said what happened.
type ExitCode int

func (c ExitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// Main runs conclab with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, app *App) int {
	if app.Getenv == nil {
		app.Getenv = func(string) string { return "" }
	}
	if app.Width <= 0 {
		app.Width = 80
	}
	if app.Theme == nil {
		app.Theme = lesson.Plain{}
	}
	if app.StatePath == "" {
		app.StatePath = statePath(app.Getenv)
	}
	err := dispatch(ctx, args, app)
	return exitCode(app, err)
}

// statePath is where the learner's progress lives: $CONCLAB_STATE; else,
// in a workspace, a file of the workspace's own (as rustlings keeps its
// state beside the exercises), so that a fresh workspace starts at
// exercise 0 and a workspace carried to another machine keeps its
// marks; else the user's config folder.
func statePath(getenv func(string) string) string {
	if getenv(progress.EnvPath) == "" {
		if wd, err := os.Getwd(); err == nil {
			if ws, err := findWorkspace(wd); err == nil && isWorkspace(ws) {
				return filepath.Join(ws, workspaceState)
			}
		}
	}
	p, err := progress.Path(getenv)
	if err != nil {
		return ""
	}
	return p
}

func exitCode(app *App, err error) int {
	if err == nil {
		return 0
	}
	var code ExitCode
	if errors.As(err, &code) {
		return int(code)
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintln(app.Stderr, "conclab: "+usage.msg)
		return 2
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(app.Stderr, "conclab: interrupted")
		return 130
	}
	fmt.Fprintln(app.Stderr, "conclab: "+strings.TrimSpace(err.Error()))
	return 1
}
