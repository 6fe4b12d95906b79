package runner

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/gradebook"
	"github.com/conclab/conclab/runner/report"
)

// classOpts are grade's flags for a whole class.
type classOpts struct {
	dir   string
	shard string
	force bool
	jobs  int
}

func classFlags(fs *flag.FlagSet) *classOpts {
	c := &classOpts{}
	fs.StringVar(&c.dir, "class", "", "grade a class: a folder holding one folder per student (and optionally roster.csv)")
	fs.StringVar(&c.shard, "shard", "", "with --class: grade only shard i of n (i/n), split by sorted folder name")
	fs.BoolVar(&c.force, "force", false, "with --class: grade again the students already graded by an earlier run")
	fs.IntVar(&c.jobs, "jobs", 0, "with --class: submissions graded at once (default: one per 2 cores)")
	return c
}

// set says whether any of the class flags was given (without --class,
// an error).
func (c *classOpts) set(fs *flag.FlagSet) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "shard" || f.Name == "force" || f.Name == "jobs" {
			given = true
		}
	})
	return given
}

// defaultJobs is how many submissions are graded at once. Each grade is
// already a go test -race that compiles, links and runs in parallel: on
// 2 cores (make bench, a class of 30, exercises 1 and 9, warm cache)
// grading them one at a time took 2.03 s per submission, as grading each
// alone (2.01 s), two at a time 2.86 s and three 2.37 s. So one per two
// cores: one here, more where the cores outnumber what a grade uses.
func defaultJobs() int { return max(1, runtime.NumCPU()/2) }

// gradeClass is grade --class: every submission of the class folder, each
// graded as grade --dir grades it, into a gradebook.
func gradeClass(ctx context.Context, app *App, c *classOpts, format, out, only string, deadline time.Duration) error {
	if c.dir == "" {
		return Usagef("--shard, --force and --jobs go with --class DIR")
	}
	if format == "text" { // grade's default, for one submission
		format = "csv"
	}
	if !slices.Contains(gradebook.Formats, format) {
		return Usagef("unknown gradebook format %q; valid: %s", format, strings.Join(gradebook.Formats, ", "))
	}
	shardI, shardN := 1, 1
	if c.shard != "" {
		var err error
		if shardI, shardN, err = gradebook.ParseShard(c.shard); err != nil {
			return Usagef("%v", err)
		}
	}
	if c.jobs < 0 {
		return Usagef("--jobs %d: want 1 or more (0: the default)", c.jobs)
	}
	jobs := c.jobs
	if jobs == 0 {
		jobs = defaultJobs()
	}
	if out == "" {
		out = "gradebook." + format
	}
	exs, err := selectExercises(only)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("go"); err != nil {
		return Usagef("grading needs the Go toolchain (go is not on PATH)")
	}
	classDir, err := filepath.Abs(c.dir)
	if err != nil {
		return Usagef("%v", err)
	}
	outAbs, err := filepath.Abs(out)
	if err != nil {
		return Usagef("%v", err)
	}
	state := outAbs + ".state"
	students, err := gradebook.Discover(classDir, state)
	if err != nil {
		return Usagef("%v", err)
	}
	students = gradebook.Shard(students, shardI, shardN)
	if len(students) == 0 {
		return Usagef("shard %d/%d of %s is empty: fewer students than shards", shardI, shardN, c.dir)
	}
	// One module for the whole class: every grade builds in it, with the
	// student's files laid over it, and shares its build cache.
	root, _, err := gradeRoot(app, classDir)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	opts := gradebook.Options{
		Students: students, Exercises: exs, State: state, Force: c.force, Jobs: jobs,
		Grade: func(ctx context.Context, s gradebook.Student) (*grade.Result, error) {
			return grade.Grade(ctx, grade.Options{Root: root, Submission: s.Dir, Exercises: exs, Deadline: deadline})
		},
		Progress: classProgress(app),
	}
	res, err := gradebook.Run(ctx, opts)
	if app.StdoutTTY {
		app.Printf("\r\x1b[K")
	}
	if err != nil {
		if res != nil && ctx.Err() != nil {
			app.Warnf("interrupted after %d of %d students; run the same command again to grade the rest (kept in %s)", res.Graded+res.Skipped, len(students), state)
		}
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return Usagef("cannot write the gradebook: %v", err)
	}
	werr := gradebook.Write(f, format, res.Book)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("writing %s: %w", out, werr)
	}
	if err := gradebook.Summary(app.Stdout, res.Book); err != nil {
		return err
	}
	app.Printf("%s\n", app.Theme.Dim(fmt.Sprintf("gradebook: %s (%d graded now, %d kept from an earlier run; --force grades them again)", out, res.Graded, res.Skipped)))
	return nil
}

// classProgress shows a class run's progress: on a terminal one line,
// rewritten (graded/total, who is being graded, elapsed and remaining);
// otherwise a line per student graded.
func classProgress(app *App) func(gradebook.Progress) {
	return func(p gradebook.Progress) {
		if !app.StdoutTTY {
			if e := p.Finished; e != nil {
				app.Printf("%d/%d %s: %s (%.1fs)\n", p.Done, p.Total, report.Sanitize(e.Folder), outcome(e.Report), p.Took.Seconds())
			}
			return
		}
		left := "?"
		if p.Remaining > 0 {
			left = "~" + p.Remaining.Round(time.Second).String()
		}
		who := report.Sanitize(strings.Join(p.Grading, ", "))
		line := fmt.Sprintf("graded %d/%d  %s elapsed, %s left  grading %s", p.Done, p.Total, p.Elapsed.Round(time.Second), left, who)
		if r := []rune(line); app.Width > 0 && len(r) >= app.Width {
			line = string(r[:app.Width-1])
		}
		app.Printf("\r\x1b[K%s", line)
	}
}

// outcome is a report in a few words: points and what failed.
func outcome(res *grade.Result) string {
	if len(res.Exercises) > 0 && !slices.ContainsFunc(res.Exercises, func(er *grade.ExerciseResult) bool { return er.Verdict != grade.NotSubmitted }) {
		// No exercise's files at all (gradebook.Failed has no maximum to
		// show: "0/0 points" and a list of every exercise said nothing).
		return "nothing submitted"
	}
	points, maxPoints := 0, 0
	var failed []string
	for _, er := range res.Exercises {
		points += er.Points
		maxPoints += er.MaxPoints
		if er.Verdict != grade.Pass {
			failed = append(failed, fmt.Sprintf("%d %s", er.Number, er.Verdict))
		}
	}
	s := fmt.Sprintf("%d/%d points", points, maxPoints)
	if len(failed) > 0 {
		s += ", " + strings.Join(failed, ", ")
	}
	return s
}

// classroomOutput hands the classroom report to the GitHub Classroom
// reporter as the step output "result", when the step has one
// ($GITHUB_OUTPUT): the reporter reads it back through the step's env
// (<STEP_ID>_RESULTS: ${{ steps.<id>.outputs.result }}).
func classroomOutput(app *App, res *grade.Result) error {
	path := app.Getenv("GITHUB_OUTPUT")
	if path == "" {
		return nil
	}
	var b strings.Builder
	if err := report.Classroom(&b, res); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_OUTPUT: %w", err)
	}
	_, werr := fmt.Fprintf(f, "result=%s\n", strings.TrimSpace(b.String()))
	if err := f.Close(); werr == nil {
		werr = err
	}
	return werr
}
