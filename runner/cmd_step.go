package runner

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner/stepgame"
)

func init() {
	register(Command{
		Name: "step", Args: "[level]", Summary: "interleaving stepper: schedule goroutines by hand until the bug appears", Order: 35,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			auto := fs.Bool("auto", false, "find the shortest schedule that shows the bug and play it step by step (or prove there is none)")
			delay := fs.Duration("delay", 0, "pause between --auto steps (default 0.8s on a terminal, none otherwise)")
			list := fs.Bool("list", false, "list the levels")
			return func(ctx context.Context, app *App, args []string) error {
				if len(args) > 1 {
					return Usagef("step takes at most one level, e.g. conclab step 1 or conclab step lost-update")
				}
				if *list {
					for _, l := range lessons.Levels() {
						fixed := ""
						if l.Fixed {
							fixed = "  (fixed: cannot be won)"
						}
						fmt.Fprintf(app.Stdout, "%2d  %-16s %s — lesson %s%s\n", l.Number, l.Slug, l.Title, l.Lesson, fixed)
					}
					return nil
				}
				name := "1"
				if len(args) == 1 {
					name = args[0]
				}
				l, err := lessons.FindLevel(name)
				if err != nil {
					return Usagef("%v", err)
				}
				return stepLevels(ctx, app, l.Number, *auto, *delay)
			}
		},
	})
}

// stepLevels plays level n, then the following ones while the player asks
// for the next. On a terminal the keys are read raw (no Enter needed);
// otherwise they are read from standard input as a script ("1 1 2 1 2 2").
func stepLevels(ctx context.Context, app *App, n int, auto bool, delay time.Duration) error {
	screen := app.StdinTTY && app.StdoutTTY
	out := app.Stdout
	if f, ok := app.Stdin.(*os.File); ok && app.StdinTTY && !auto {
		old, err := term.MakeRaw(int(f.Fd()))
		if err != nil {
			return fmt.Errorf("putting the terminal in raw mode: %v", err)
		}
		defer term.Restore(int(f.Fd()), old)
		out = crlfWriter{app.Stdout}
	}
	if delay == 0 && screen {
		delay = 800 * time.Millisecond
	}
	levels := lessons.Levels()
	for {
		outcome, err := stepgame.Play(ctx, levels[n-1], stepgame.Options{
			In: app.Stdin, Out: out, Screen: screen, Width: app.Width, Theme: app.Theme,
			Auto: auto, Delay: delay,
		})
		if err == stepgame.ErrNoKeys {
			return ExitCode(1)
		}
		if err != nil {
			return err
		}
		if outcome != stepgame.Next || n == len(levels) {
			return nil
		}
		n++
	}
}

// crlfWriter ends lines with CR LF, as a terminal in raw mode needs.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	var b []byte
	for _, ch := range p {
		if ch == '\n' {
			b = append(b, '\r')
		}
		b = append(b, ch)
	}
	if _, err := c.w.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}
