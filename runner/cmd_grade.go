package runner

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

func init() {
	register(Command{
		Name:    "grade",
		Args:    "[--dir SUBMISSION | --class DIR] [--format F] [--out FILE] [--only 1,3,5]",
		Summary: "grade exercises for CI: never prompts; exit 0 all passed, 1 something failed, 2 usage or set-up error",
		Order:   60,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			dir := fs.String("dir", "", "the submission: an exercises folder or a checkout (default: this workspace)")
			format := fs.String("format", "text", "report format: "+strings.Join(report.Formats, ", "))
			out := fs.String("out", "", "write the report to this file (a text summary still goes to stdout)")
			only := fs.String("only", "", "grade only these exercises (comma-separated numbers or slugs)")
			deadline := fs.Duration("deadline", 15*time.Minute, "give up on the whole run (with --class: on each submission) after this long")
			verbose := fs.Bool("v", false, "text format: show go test's output for each failure")
			class := classFlags(fs)
			from := fs.String("from", "", "grade nothing: write this JSON report (grade --format json) in --format")
			return func(ctx context.Context, app *App, args []string) error {
				if len(args) > 0 {
					return Usagef("grade takes no arguments (use --only %s)", strings.Join(args, ","))
				}
				if class.dir != "" || class.set(fs) {
					if *dir != "" {
						return Usagef("--dir grades one submission, --class a class folder: give one of them")
					}
					return gradeClass(ctx, app, class, *format, *out, *only, *deadline)
				}
				if !slices.Contains(report.Formats, *format) {
					return Usagef("unknown format %q; valid: %s", *format, strings.Join(report.Formats, ", "))
				}
				if *from != "" {
					// One grading, several reports (CI: JUnit, a summary,
					// annotations), without grading again.
					return rewriteReport(app, *from, *format, *out)
				}
				exs, err := selectExercises(*only)
				if err != nil {
					return err
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
				defer stop()
				if app.StdoutTTY {
					app.Printf("%s\n", app.Theme.Dim(fmt.Sprintf("grading %d exercise%s with the race detector (a line as each one's tests end)", len(exs), plural(len(exs)))))
				}
				res, err := runGrade(ctx, app, *dir, exs, *deadline, app.StdoutTTY)
				if err != nil {
					return err
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				opts := report.Options{Theme: app.Theme, Verbose: *verbose}
				if *format == "classroom" {
					if err := classroomOutput(app, res); err != nil {
						return err
					}
				}
				if *out != "" {
					f, err := os.Create(*out)
					if err != nil {
						return Usagef("cannot write the report: %v", err)
					}
					werr := report.Write(f, *format, res, opts)
					if err := f.Close(); werr == nil {
						werr = err
					}
					if werr != nil {
						return fmt.Errorf("writing %s: %w", *out, werr)
					}
					if err := report.Text(app.Stdout, res, opts); err != nil {
						return err
					}
				} else if err := report.Write(app.Stdout, *format, res, opts); err != nil {
					return err
				}
				if !res.Passed {
					return ExitCode(1)
				}
				return nil
			}
		},
	})
}

// rewriteReport writes the JSON report in path in format (to out, or
// standard output). It exits 0 when the report was written: the grading
// step's exit code already said whether the submission passed.
func rewriteReport(app *App, path, format, out string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Usagef("no report %s", path)
	}
	var res grade.Result
	if err := json.Unmarshal(raw, &res); err != nil || res.Version != grade.ReportVersion {
		return Usagef("%s is not a conclab JSON report of version %d", path, grade.ReportVersion)
	}
	w := app.Stdout
	var f *os.File
	if out != "" {
		if f, err = os.Create(out); err != nil {
			return Usagef("cannot write the report: %v", err)
		}
		w = f
	}
	werr := report.Write(w, format, &res, report.Options{Theme: app.Theme})
	if f != nil {
		if err := f.Close(); werr == nil {
			werr = err
		}
	}
	return werr
}

// selectExercises resolves --only's comma-separated names; empty means
// every exercise.
func selectExercises(only string) ([]exercises.Exercise, error) {
	if strings.TrimSpace(only) == "" {
		return exercises.All(), nil
	}
	var exs []exercises.Exercise
	for name := range strings.SplitSeq(only, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		e, err := exercises.Find(name)
		if err != nil {
			return nil, Usagef("%v", err)
		}
		if !slices.ContainsFunc(exs, func(x exercises.Exercise) bool { return x.Number == e.Number }) {
			exs = append(exs, e)
		}
	}
	return exs, nil
}

// runGrade grades exs from the submission dir (the workspace's exercises
// when empty). Set-up problems (no Go, no workspace, no such folder) are
// usage-class errors: exit 2, one line.
func runGrade(ctx context.Context, app *App, dir string, exs []exercises.Exercise, deadline time.Duration, progress bool) (*grade.Result, error) {
	// The toolchain first: without it nothing else can be checked.
	if _, err := exec.LookPath("go"); err != nil {
		return nil, Usagef("grading needs the Go toolchain (go is not on PATH)")
	}
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, Usagef("no submission folder %s", dir)
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, Usagef("%v", err)
		}
		dir = abs
	}
	root, dir, err := gradeRoot(app, dir)
	if err != nil {
		return nil, err
	}
	gopts := grade.Options{Root: root, Submission: dir, Exercises: exs, Deadline: deadline}
	if progress {
		start := time.Now()
		var mu sync.Mutex
		gopts.Progress = func(ex exercises.Exercise, action string) {
			mu.Lock()
			defer mu.Unlock()
			word := "tests ended"
			if action == "fail" {
				word = "tests ended, some failed"
			}
			app.Printf("%s\n", app.Theme.Dim(fmt.Sprintf("  %-14s %s (%.1fs)", ex.ID(), word, time.Since(start).Seconds())))
		}
	}
	res, err := grade.Grade(ctx, gopts)
	if err != nil {
		return nil, Usagef("%v", err)
	}
	return res, nil
}

// gradeRoot is the module to build in: one written from the binary's own
// canonical files (app.Module), or else the workspace around the working
// folder or dir; and the submission (the workspace's exercises folder
// when dir is empty).
func gradeRoot(app *App, dir string) (root, sub string, err error) {
	if dir == "" || app.Module == nil {
		ws, err := workspaceRoot(dir)
		if err != nil {
			return "", "", Usagef("%v", err)
		}
		root = ws
		if dir == "" {
			dir = filepath.Join(ws, "exercises")
		}
	}
	if app.Module != nil {
		// Build where nothing is the learner's: a module written from
		// the binary's own canonical files.
		if root, err = grade.BuildModule(app.Module, exercises.Canonical); err != nil {
			return "", "", Usagef("%v", err)
		}
	}
	return root, dir, nil
}

// workspaceRoot finds the learner's workspace (findWorkspace) around the
// working folder, or else around the submission.
func workspaceRoot(dir string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := findWorkspace(wd)
	if err != nil && dir != "" {
		if r, err2 := findWorkspace(dir); err2 == nil {
			return r, nil
		}
	}
	return root, err
}
