package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/progress"
)

// runOptions are the settings of a demo run.
type runOptions struct {
	speed float64
	race  bool
	// timeline draws the demo's lanes after it (runner/timeline).
	timeline bool
	// detectorExe is a -race copy of conclab for the demos that show the
	// race detector itself (lesson.Demo.NeedsRace) when race is off: the
	// menu builds it so that those demos run instead of refusing, while
	// the other racy demos still run in-process and lose their updates.
	detectorExe string
}

func (o *runOptions) declare(fs *flag.FlagSet) {
	fs.Float64Var(&o.speed, "speed", 1, "demo speed: 0.25 is four times slower, 2 twice as fast")
	fs.BoolVar(&o.race, "race", false, "run racy demos under the race detector (builds a -race copy of conclab)")
}

func (o *runOptions) check() error {
	if o.speed <= 0 || o.speed > 1000 {
		return Usagef("--speed must be a number above 0 and at most 1000, like 0.25 or 2; got %v", o.speed)
	}
	return nil
}

func init() {
	register(Command{
		Name: "run", Args: "<lesson> [demo]", Summary: "run a lesson's demos (all, or one)", Order: 30,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			var o runOptions
			o.declare(fs)
			fs.BoolVar(&o.timeline, "timeline", false, "after each demo, draw its goroutines as lanes over time")
			cpu := fs.String("cpu", "", "sweep: run under each GOMAXPROCS value in this list, e.g. 1,2,4, and tabulate the findings")
			repeat := fs.Int("repeat", 1, "sweep: runs per GOMAXPROCS value")
			return func(ctx context.Context, app *App, args []string) error {
				if err := o.check(); err != nil {
					return err
				}
				if *repeat < 1 || *repeat > 1000 {
					return Usagef("--repeat must be between 1 and 1000; got %d", *repeat)
				}
				if len(args) < 1 || len(args) > 2 {
					return Usagef("run takes a lesson and optionally one of its demos, e.g. conclab run race lost-update")
				}
				l, err := lessons.Find(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				demos := l.Demos
				if len(args) == 2 {
					d, err := l.Demo(args[1])
					if err != nil {
						return Usagef("%v", err)
					}
					demos = []lesson.Demo{d}
					if refuses(d, "") && !o.race {
						return Usagef("demo %s shows the race detector: add --race (conclab run %s %s --race)", d.Name, l.Slug, d.Name)
					}
				}
				if *cpu != "" || *repeat > 1 {
					cpus := []int{runtime.GOMAXPROCS(0)}
					if *cpu != "" {
						if cpus, err = parseCPUs(*cpu); err != nil {
							return err
						}
					}
					return runSweep(ctx, app, l, demos, o, cpus, *repeat)
				}
				return runDemos(ctx, app, l, demos, o)
			}
		},
	})
}

// runDemos runs demos of l one after the other. Ctrl-C stops the demo
// under way (and its child processes) and returns context.Canceled.
func runDemos(ctx context.Context, app *App, l lesson.Lesson, demos []lesson.Demo, o runOptions) error {
	var raceExe string
	if o.race {
		exe, err := raceBinary(ctx, app)
		if err != nil {
			return err
		}
		raceExe = exe
	}
	for i, d := range demos {
		if i > 0 {
			fmt.Fprintln(app.Stdout)
		}
		exe := raceExe
		if exe == "" && d.NeedsRace {
			exe = o.detectorExe
		}
		if err := runDemo(ctx, app, l, d, o, exe); err != nil {
			return err
		}
	}
	return nil
}

// refuses reports whether d will only say that it needs the race
// detector instead of running: it shows the detector itself, and neither
// this binary nor a -race copy (raceExe) has it.
func refuses(d lesson.Demo, raceExe string) bool {
	return d.NeedsRace && raceExe == "" && !lesson.RaceEnabled
}

// runDemo runs one demo on a stage that prints to the app's stdout.
func runDemo(ctx context.Context, app *App, l lesson.Lesson, d lesson.Demo, o runOptions, raceExe string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The title and the command that reruns the demo share a line when
	// they fit; otherwise the command goes under the title. On a
	// terminal, everything the demo prints is wrapped to its width, lines
	// of its goroutines hanging under their text.
	out := terminalWriter(app)
	defer out.Flush()
	title, rerun := "── "+d.Title, fmt.Sprintf("(conclab run %s %s)", l.Slug, d.Name)
	sep := "   "
	if utf8.RuneCountInString(title+sep+rerun) > usable(app.Width) {
		sep = "\n   "
	}
	fmt.Fprintln(out, app.Theme.Heading(title)+app.Theme.Dim(sep+rerun))
	fmt.Fprintf(out, "%s\n\n", strings.Join(wrapWords("Claim: "+d.Claim, app.Width, 0, 7), "\n       "))
	s := lesson.NewStage(lesson.Options{
		Out:     out,
		Theme:   app.Theme,
		Speed:   o.speed,
		Lesson:  l.Slug,
		RaceExe: raceExe,
	})
	child, err := lesson.Play(ctx, s, d)
	out.Flush()
	if child != nil {
		reportRaceChild(app, child)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(out, app.Theme.Warning("\ninterrupted: the demo and its child processes were stopped"))
		return context.Canceled
	}
	if o.timeline {
		renderTimeline(app, s)
	}
	if err != nil {
		return fmt.Errorf("demo %s/%s: %w", l.Slug, d.Name, err)
	}
	if refuses(d, raceExe) {
		// It said it needs the detector and ran nothing: status counts
		// only the demos that really ran.
		return nil
	}
	app.Remember(func(st *progress.State) { st.RanDemo(l.Slug, d.Name) })
	return nil
}

// reportRaceChild shows what the race detector printed for a racy demo
// run in a -race child.
func reportRaceChild(app *App, child *lesson.ChildResult) {
	if !strings.Contains(child.Stderr, "WARNING: DATA RACE") {
		fmt.Fprintln(app.Stdout, app.Theme.Dim("(the race detector reported nothing this run)"))
		return
	}
	fmt.Fprintln(app.Stdout, app.Theme.Heading("\nWhat the race detector printed"))
	fmt.Fprint(app.Stdout, child.Stderr)
	explainRaces(app, child.Stderr)
}

var errNoSource = errors.New("--race needs conclab's source to build a -race copy: run conclab inside its repository (where go.mod is)")
