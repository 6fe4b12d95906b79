package runner

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/timeline"
)

// renderTimeline draws what the demo's goroutines did, after the demo.
func renderTimeline(app *App, s *lesson.Stage) {
	fmt.Fprintln(app.Stdout)
	if err := timeline.Render(app.Stdout, s.Lanes(), s.Events(), app.Width, app.Theme); err != nil {
		app.Warnf("drawing the timeline: %v", err)
	}
}

// parseCPUs reads a --cpu list such as "1,2,4".
func parseCPUs(list string) ([]int, error) {
	var cpus []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, Usagef("--cpu takes a comma-separated list of GOMAXPROCS values, like 1,2,4; got %q", list)
		}
		cpus = append(cpus, n)
	}
	return cpus, nil
}

// sweepRun is one run of a demo in a sweep.
type sweepRun struct {
	cpu      int
	elapsed  time.Duration
	findings []lesson.Finding
	err      error
}

// runSweep runs each demo repeat times under each GOMAXPROCS value in cpus
// and tabulates its findings, so that an instructor can show that a race
// is intermittent and how parallelism changes it. The demos run quietly;
// only the table is printed.
func runSweep(ctx context.Context, app *App, l lesson.Lesson, demos []lesson.Demo, o runOptions, cpus []int, repeat int) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var raceExe string
	if o.race {
		exe, err := raceBinary(ctx, app)
		if err != nil {
			return err
		}
		raceExe = exe
	}
	failed := false
	for i, d := range demos {
		if i > 0 {
			fmt.Fprintln(app.Stdout)
		}
		fmt.Fprintln(app.Stdout, app.Theme.Heading(fmt.Sprintf("── Sweep: %s/%s, %d %s per GOMAXPROCS value", l.Slug, d.Name, repeat, sweepPlural(repeat, "run", "runs"))))
		fmt.Fprintf(app.Stdout, "Claim: %s\n", d.Claim)
		var runs []sweepRun
		for _, cpu := range cpus {
			for k := range repeat {
				if app.StdoutTTY {
					fmt.Fprint(app.Stdout, app.Theme.Dim(fmt.Sprintf("\rGOMAXPROCS=%d run %d/%d ", cpu, k+1, repeat)))
				}
				r := sweepOnce(ctx, l, d, o, raceExe, cpu)
				if ctx.Err() != nil {
					fmt.Fprintln(app.Stdout, app.Theme.Warning("\ninterrupted: the demo and its child processes were stopped"))
					return context.Canceled
				}
				if r.err != nil {
					failed = true
				}
				runs = append(runs, r)
			}
		}
		if app.StdoutTTY {
			fmt.Fprint(app.Stdout, "\r"+strings.Repeat(" ", 30)+"\r")
		}
		tabulate(app.Stdout, runs, cpus)
	}
	if failed {
		return ExitCode(1)
	}
	return nil
}

// sweepOnce runs d once with GOMAXPROCS set to cpu. A racy demo under
// --race runs in a child, which inherits GOMAXPROCS from its environment.
func sweepOnce(ctx context.Context, l lesson.Lesson, d lesson.Demo, o runOptions, raceExe string, cpu int) sweepRun {
	prev := runtime.GOMAXPROCS(cpu)
	defer runtime.GOMAXPROCS(prev)
	restore := setenv("GOMAXPROCS", strconv.Itoa(cpu))
	defer restore()
	s := lesson.NewStage(lesson.Options{Out: io.Discard, Speed: o.speed, Lesson: l.Slug, RaceExe: raceExe})
	start := time.Now()
	_, err := lesson.Play(ctx, s, d)
	return sweepRun{cpu: cpu, elapsed: time.Since(start), findings: s.Findings(), err: err}
}

// setenv sets an environment variable for child processes and returns a
// function that puts the old value back.
func setenv(key, value string) func() {
	old, had := os.LookupEnv(key)
	os.Setenv(key, value)
	return func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	}
}

// tabulate prints, per finding and GOMAXPROCS value, the smallest, median
// and largest value over the runs and how many runs saw a nonzero value
// (for a race: how many runs lost updates).
func tabulate(w io.Writer, runs []sweepRun, cpus []int) {
	var names []string
	units := make(map[string]string)
	for _, r := range runs {
		for _, f := range r.findings {
			if !slices.Contains(names, f.Name) {
				names = append(names, f.Name)
				units[f.Name] = f.Unit
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "finding\tGOMAXPROCS\truns\tmin\tmedian\tmax\tnonzero\t")
	for _, name := range names {
		label, next := name, ""
		if u := units[name]; u != "" {
			// A long name and unit take two rows when there are two, so
			// that the table fits an 80-column terminal.
			if len(name)+len(u) > 24 && len(cpus) > 1 {
				next = "(" + u + ")"
			} else {
				label += " (" + u + ")"
			}
		}
		for _, cpu := range cpus {
			var vals []float64
			for _, r := range runs {
				if r.cpu != cpu {
					continue
				}
				for _, f := range r.findings {
					if f.Name == name {
						vals = append(vals, f.Value)
					}
				}
			}
			if len(vals) == 0 {
				continue
			}
			slices.Sort(vals)
			nonzero := 0
			for _, v := range vals {
				if v != 0 {
					nonzero++
				}
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d/%d\t\n", label, cpu, len(vals),
				lesson.Number(vals[0]), lesson.Number(sweepMedian(vals)), lesson.Number(vals[len(vals)-1]), nonzero, len(vals))
			label, next = next, ""
		}
	}
	for _, cpu := range cpus {
		var ds []float64
		errs := 0
		for _, r := range runs {
			if r.cpu == cpu {
				ds = append(ds, math.Round(float64(r.elapsed)/float64(time.Millisecond)))
				if r.err != nil {
					errs++
				}
			}
		}
		slices.Sort(ds)
		label := ""
		if cpu == cpus[0] {
			label = "wall time (ms)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t\t\n", label, cpu, len(ds), lesson.Number(ds[0]), lesson.Number(sweepMedian(ds)), lesson.Number(ds[len(ds)-1]))
		if errs > 0 {
			fmt.Fprintf(tw, "errors\t%d\t%d\t\t\t\t%d/%d\t\n", cpu, len(ds), errs, len(ds))
		}
	}
	tw.Flush()
	for _, r := range runs {
		if r.err != nil {
			fmt.Fprintf(w, "GOMAXPROCS=%d: %v\n", r.cpu, r.err)
			break
		}
	}
}

func sweepMedian(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func sweepPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
