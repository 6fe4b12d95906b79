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
	"time"
	"unicode/utf8"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/timeline"
)

// renderTimeline draws what the demo's goroutines did, after the demo.
func renderTimeline(app *App, s *lesson.Stage) {
	fmt.Fprintln(app.Stdout)
	// Drawn one column short of the terminal's width, which a line as
	// wide as the terminal would wrap; what is still wider wraps.
	out := terminalWriter(app)
	defer out.Flush()
	if err := timeline.Render(out, s.Lanes(), s.Events(), usable(app.Width), app.Theme); err != nil {
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
		fmt.Fprintln(app.Stdout, strings.Join(wrapWords("Claim: "+d.Claim, app.Width, 0, 7), "\n       "))
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
		tabulate(app.Stdout, runs, cpus, app.Width)
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
// (for a race: how many runs lost updates), in a table that fits a
// terminal of width columns (see layoutTable).
func tabulate(w io.Writer, runs []sweepRun, cpus []int, width int) {
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
	var rows []sweepRow
	for _, name := range names {
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
			rows = append(rows, sweepRow{name: name, unit: units[name], cells: []string{
				strconv.Itoa(cpu), strconv.Itoa(len(vals)),
				lesson.Number(vals[0]), lesson.Number(sweepMedian(vals)), lesson.Number(vals[len(vals)-1]),
				fmt.Sprintf("%d/%d", nonzero, len(vals)),
			}})
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
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		rows = append(rows, sweepRow{name: "wall time", unit: "ms", cells: []string{
			strconv.Itoa(cpu), strconv.Itoa(len(ds)),
			lesson.Number(ds[0]), lesson.Number(sweepMedian(ds)), lesson.Number(ds[len(ds)-1]), "",
		}})
		if errs > 0 {
			rows = append(rows, sweepRow{name: "errors", cells: []string{
				strconv.Itoa(cpu), strconv.Itoa(len(ds)), "", "", "", fmt.Sprintf("%d/%d", errs, len(ds)),
			}})
		}
	}
	for _, line := range layoutTable(rows, width) {
		fmt.Fprintln(w, line)
	}
	for _, r := range runs {
		if r.err != nil {
			for _, line := range wrapWords(fmt.Sprintf("GOMAXPROCS=%d: %v", r.cpu, r.err), width, 0, 2) {
				fmt.Fprintln(w, line)
			}
			break
		}
	}
}

// sweepRow is one row of the sweep's table: a finding (its name and
// unit) and its cells: GOMAXPROCS, runs, min, median, max, nonzero.
type sweepRow struct {
	name, unit string
	cells      []string
}

// layoutTable lays the sweep's rows out in columns two spaces apart (and
// two from the margin), every column aligned to the right, in lines that fit a terminal of width columns
// (at most width-1). A finding's label is "name (unit)" on its row; when
// the table is too wide for that, a label longer than the longest name
// or unit alone takes two rows, the unit under the name (sharing the row
// of the next GOMAXPROCS value) and the header "GOMAXPROCS" shortens to
// "procs"; when it is still too wide, each finding's label takes a line
// of its own above its rows (stackTable). A finding's name is written
// once, on its first row.
func layoutTable(rows []sweepRow, width int) []string {
	limit := usable(width)
	header := []string{"finding", "GOMAXPROCS", "runs", "min", "median", "max", "nonzero"}
	// build lays the label column out in labelWidth columns (0: as wide
	// as the labels on one row are).
	build := func(labelWidth int) [][]string {
		table := [][]string{header}
		for i := 0; i < len(rows); {
			j := i
			for j < len(rows) && rows[j].name == rows[i].name {
				j++
			}
			r := rows[i]
			labels := []string{r.name}
			if r.unit != "" {
				one := r.name + " (" + r.unit + ")"
				if labelWidth == 0 || utf8.RuneCountInString(one) <= labelWidth {
					labels = []string{one}
				} else {
					labels = append(labels, "("+r.unit+")")
				}
			}
			for k := i; k < j || k-i < len(labels); k++ {
				label := ""
				if k-i < len(labels) {
					label = labels[k-i]
				}
				cells := make([]string, len(header)-1)
				if k < j {
					cells = rows[k].cells
				}
				table = append(table, append([]string{label}, cells...))
			}
			i = j
		}
		return table
	}
	widths := func(table [][]string) ([]int, int) {
		ws := make([]int, len(header))
		for _, row := range table {
			for c, cell := range row {
				ws[c] = max(ws[c], utf8.RuneCountInString(cell))
			}
		}
		total := 2 * len(ws) // two spaces before each column, the first too
		for _, w := range ws {
			total += w
		}
		return ws, total
	}
	table := build(0)
	ws, total := widths(table)
	if total > limit {
		longest := utf8.RuneCountInString(header[0])
		for _, r := range rows {
			longest = max(longest, utf8.RuneCountInString(r.name))
			if r.unit != "" {
				longest = max(longest, utf8.RuneCountInString(r.unit)+2)
			}
		}
		table = build(longest)
		ws, total = widths(table)
	}
	if total > limit {
		header[1] = "procs"
		ws, total = widths(table)
	}
	if total > limit {
		return stackTable(rows, header[1:], width)
	}
	return formatRows(table, ws, "  ", width)
}

// stackTable lays the rows out for a terminal too narrow for a label
// column: each finding's label on a line of its own, its rows under it,
// indented, with the numbers' columns only.
func stackTable(rows []sweepRow, header []string, width int) []string {
	table := [][]string{header}
	for _, r := range rows {
		table = append(table, r.cells)
	}
	ws := make([]int, len(header))
	for _, row := range table {
		for c, cell := range row {
			ws[c] = max(ws[c], utf8.RuneCountInString(cell))
		}
	}
	lines := formatRows(table[:1], ws, "  ", width)
	for i, r := range rows {
		if i == 0 || r.name != rows[i-1].name {
			label := r.name
			if r.unit != "" {
				label += " (" + r.unit + ")"
			}
			lines = append(lines, wrapANSI(label, width)...)
		}
		lines = append(lines, formatRows(table[i+1:i+2], ws, "  ", width)...)
	}
	return lines
}

// formatRows writes rows in columns of widths ws, two spaces apart,
// aligned to the right, after indent. Below about 55 columns the numbers
// alone do not fit: their rows wrap rather than reach the terminal's
// edge.
func formatRows(rows [][]string, ws []int, indent string, width int) []string {
	var lines []string
	for _, row := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for c, cell := range row {
			if c > 0 {
				b.WriteString("  ")
			}
			b.WriteString(strings.Repeat(" ", ws[c]-utf8.RuneCountInString(cell)) + cell)
		}
		lines = append(lines, wrapANSI(strings.TrimRight(b.String(), " "), width)...)
	}
	return lines
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
