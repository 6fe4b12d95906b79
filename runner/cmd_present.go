package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner/present"
	"github.com/conclab/conclab/runner/progress"
)

func init() {
	register(Command{
		Name: "present", Args: "<lesson> [--from N]", Summary: "present a lesson to a class: paced steps, predict, run, reveal, timeline", Order: 32,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			var o runOptions
			o.declare(fs)
			from := fs.Int("from", 0, "start at step `N` (the status line counts the steps)")
			return func(ctx context.Context, app *App, args []string) error {
				if err := o.check(); err != nil {
					return err
				}
				if len(args) != 1 {
					return Usagef("present takes one lesson, e.g. conclab present 2 or conclab present race")
				}
				l, err := lessons.Find(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				var raceExe string
				if o.race {
					if raceExe, err = raceBinary(ctx, app); err != nil {
						return err
					}
				}
				po := present.Options{
					In: app.Stdin, Out: app.Stdout, Width: app.Width, Height: 24,
					Theme: app.Theme, Speed: o.speed, RaceExe: raceExe,
					Screen: app.StdinTTY && app.StdoutTTY, From: *from,
					// Ctrl-C ends the presentation, in a demo too. Between
					// steps the raw terminal hands it over as a key.
					Interrupt: func(ctx context.Context) (context.Context, context.CancelFunc) {
						return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
					},
				}
				if !po.Screen {
					// No one at a terminal to press keys (a pipe, CI, a
					// file): never wait, print the whole lesson instead.
					po.In = nil
					app.Warnf("not a terminal: presenting every step of lesson %d without waiting for keys", l.Number)
				}
				if f, ok := app.Stdout.(*os.File); ok && app.StdoutTTY {
					// Read again before each step, and at once when the
					// terminal is resized (SIGWINCH where there is one).
					po.Size = func() (int, int, bool) {
						w, h, err := term.GetSize(int(f.Fd()))
						return w, h, err == nil && w > 20 && h > 10
					}
					if _, h, ok := po.Size(); ok {
						po.Height = h
					}
					resized, stop := notifyResize()
					defer stop()
					po.Resized = resized
				}
				if f, ok := app.Stdin.(*os.File); ok && po.Screen {
					// Keys without Enter between steps; while a demo runs,
					// keys still one at a time and unechoed (its pauses
					// read them), but Ctrl-C a signal that ends the
					// presentation, and output as usual.
					fd := int(f.Fd())
					old, err := term.MakeRaw(fd)
					if err != nil {
						return fmt.Errorf("putting the terminal in raw mode: %v", err)
					}
					defer term.Restore(fd, old)
					po.DiscardInput = func() { discardInput(fd) }
					po.Out = crlfWriter{app.Stdout}
					fmt.Fprint(po.Out, "\x1b[?25l") // hide the cursor
					defer fmt.Fprint(po.Out, "\x1b[?25h")
					po.DemoMode = func() func() {
						raw, err := term.GetState(fd)
						if err != nil {
							return func() {}
						}
						_ = term.Restore(fd, old)
						// Where keys cannot come one at a time (Windows), a
						// pause's key comes with Enter, in the normal mode.
						_, _ = cbreak(f)
						return func() { _ = term.Restore(fd, raw) }
					}
				}
				app.Remember(func(st *progress.State) { st.OpenLesson(l.Slug) })
				err = present.Present(ctx, l, po)
				if errors.Is(err, present.ErrNoStep) {
					return Usagef("--from: %v", err)
				}
				return err
			}
		},
	})
}
