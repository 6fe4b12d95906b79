package lesson

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/procgroup"
)

// The environment of a child process: which entry point to run, where to
// stream what its stage records, and at what speed.
const (
	ChildEnv       = "CONCLAB_CHILD"        // "lesson-slug/entry-name"
	ChildReportEnv = "CONCLAB_CHILD_REPORT" // file for the stage's records, one JSON object a line
	ChildSpeedEnv  = "CONCLAB_CHILD_SPEED"
)

// DefaultChildTimeout bounds a child whose spec gives no timeout.
const DefaultChildTimeout = 30 * time.Second

// ChildSpec says which entry point to run in a child process, and how.
type ChildSpec struct {
	Name string // a Demo or Child of the stage's lesson
	// Timeout is the child's watchdog at speed 1, stretched at a slower
	// speed like every time limit (Stage.Limit), never shortened. A child
	// still running then is sent SIGQUIT, so that Go prints every
	// goroutine's stack to its stderr, and killed if that does not end it.
	Timeout time.Duration
	Race    bool     // run under the race detector
	Env     []string // extra environment, "KEY=value"
	// Quiet keeps the child's standard output off the stage; it is in
	// ChildResult.Stdout either way.
	Quiet bool
	// Reached, when set, tells whether a child that timed out got to the
	// point its demo is about (the line it prints, or the events it
	// records, just before it blocks for good). A child that timed out
	// without reaching it was not stuck but slow to start: on a busy
	// machine a watchdog of a second or two can fire before the child
	// runs at all. Child then warns the learner and runs it once more,
	// and only once, with RetryTimeout. Reached is asked only about a
	// child that timed out.
	Reached func(*ChildResult) bool
	// RetryTimeout is the watchdog of that second run: 5 x Timeout if
	// zero. It is stretched like Timeout.
	RetryTimeout time.Duration
}

// ChildResult is what a child process did.
type ChildResult struct {
	Stdout   string
	Stderr   string // race reports, goroutine dumps, fatal errors
	ExitCode int    // -1 if killed by a signal
	TimedOut bool   // outlived its Timeout: Stderr holds the goroutine dump
	DumpErr  error  // why a child that timed out left no dump (procgroup.ErrNoDump)
	Elapsed  time.Duration
	Report   ChildReport // what its stage recorded, even if it was killed
	// Attempts is how many times the child was run: 2 when its first run
	// timed out before it reached its point (ChildSpec.Reached). The
	// other fields are the last run's.
	Attempts int
}

// ChildReport is what a child's stage recorded.
type ChildReport struct {
	Lanes    []string
	Events   []Event
	Findings []Finding
}

// Spawner starts the command for a child process. DefaultSpawner
// re-executes this binary; tests of the runner may substitute another.
type Spawner interface {
	Command(ctx context.Context, exe string) *exec.Cmd
}

// DefaultSpawner runs exe (this binary, or its -race build) with no
// arguments: the child's entry point comes from the environment, which
// main and TestMain read first (ServeChild).
type DefaultSpawner struct{}

// Command returns the command that starts exe.
func (DefaultSpawner) Command(ctx context.Context, exe string) *exec.Cmd {
	return exec.CommandContext(ctx, exe)
}

// Child runs spec.Name of the stage's lesson in a child process: the same
// binary (or its -race build) re-executed. Its standard output is shown on
// the stage as it comes; its records are added to this stage's timeline
// and findings. A child that fails is not an error here: the result says
// how it ended, and the demo explains it. The error is for a child that
// could not be run, or a cancelled ctx. A child that timed out before it
// reached its point (spec.Reached) is run once more: see ChildSpec.
func (s *Stage) Child(ctx context.Context, spec ChildSpec) (*ChildResult, error) {
	exe, err := s.childExe(spec.Race)
	if err != nil {
		return nil, err
	}
	return s.retrying(spec, func(spec ChildSpec) (*ChildResult, error) {
		return s.childOnce(ctx, spec, exe)
	})
}

// retrying applies the spec's retry policy to run, one run of a child:
// a run that timed out before it reached its point is run once more with
// the longer RetryTimeout, after a warning that says why. Each run's
// records stay on the stage, so the timeline shows the slow run too.
func (s *Stage) retrying(spec ChildSpec, run func(ChildSpec) (*ChildResult, error)) (*ChildResult, error) {
	if spec.Timeout <= 0 {
		spec.Timeout = DefaultChildTimeout
	}
	spec.Timeout = s.Limit(spec.Timeout)
	spec.RetryTimeout = s.Limit(spec.RetryTimeout)
	res, err := run(spec)
	if err != nil {
		return nil, err
	}
	res.Attempts = 1
	if !res.TimedOut || spec.Reached == nil || spec.Reached(res) {
		return res, nil
	}
	first := spec.Timeout
	spec.Timeout = spec.RetryTimeout
	if spec.Timeout <= 0 {
		spec.Timeout = 5 * first
	}
	s.Warn("The child %s timed out after %v before it reached the point of the demo (a busy machine, most likely): running it once more with a %v watchdog.",
		spec.Name, first, spec.Timeout)
	if res, err = run(spec); err != nil {
		return nil, err
	}
	res.Attempts = 2
	return res, nil
}

// childOnce runs the child once: exe re-executed as spec.Name, under
// spec.Timeout.
func (s *Stage) childOnce(ctx context.Context, spec ChildSpec, exe string) (*ChildResult, error) {
	report, err := os.CreateTemp("", "conclab-child-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("child %s: %w", spec.Name, err)
	}
	report.Close()
	defer os.Remove(report.Name())

	cmd := s.childCmd(ctx, exe, spec.Name, report.Name(), spec.Race)
	cmd.Env = append(cmd.Env, spec.Env...)
	begin := s.Since()
	res, err := s.supervise(ctx, cmd, spec)
	if err != nil {
		return nil, err
	}
	res.Report = readReport(report.Name())
	s.absorb(res.Report, begin)
	return res, nil
}

// childCmd is the command that runs entry point name of the stage's
// lesson: exe re-executed with the child environment. report is the file
// its stage streams its records to, "" for none.
func (s *Stage) childCmd(ctx context.Context, exe, name, report string, race bool) *exec.Cmd {
	cmd := s.opts.Spawn.Command(ctx, exe)
	cmd.Env = append(os.Environ(),
		ChildEnv+"="+s.opts.Lesson+"/"+name,
		ChildReportEnv+"="+report, // a grandchild must not write to its parent's report
		ChildSpeedEnv+"="+strconv.FormatFloat(s.opts.Speed, 'g', -1, 64),
		"GOTRACEBACK=all",
		childGORACE(race),
	)
	return cmd
}

// Command returns an unstarted command that runs entry point name (a Demo
// or Child of the stage's lesson) in a child process, as Child does, for a
// demo about processes themselves: it calls os/exec's Start, Wait, pipes
// and signals on it in plain sight. Nothing supervises it: the caller
// starts it, bounds it (ctx kills it, as with exec.CommandContext) and
// waits for it. Its stage records nothing to this one; the child talks
// through its standard output, its exit code and the pipes the caller
// gives it. A child can call Command too, for a grandchild.
func (s *Stage) Command(ctx context.Context, name string) (*exec.Cmd, error) {
	exe, err := s.childExe(false)
	if err != nil {
		return nil, err
	}
	cmd := s.childCmd(ctx, exe, name, "", false)
	cmd.WaitDelay = s.Limit(3 * time.Second) // a grandchild holding a pipe open cannot stall Wait for ever
	return cmd, nil
}

// supervise runs cmd in its own process group, showing its standard
// output on the stage unless spec.Quiet, and ends it at spec.Timeout
// (SIGQUIT first, for the goroutine dump) or when ctx is cancelled.
func (s *Stage) supervise(ctx context.Context, cmd *exec.Cmd, spec ChildSpec) (*ChildResult, error) {
	var stdout, stderr bytes.Buffer
	if spec.Quiet {
		cmd.Stdout = &stdout
	} else {
		cmd.Stdout = io.MultiWriter(&stdout, s)
	}
	cmd.Stderr = &stderr
	procgroup.Isolate(cmd) // own process group: Ctrl-C reaches us, and we end it all
	cmd.WaitDelay = s.Limit(3 * time.Second)

	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting child %s: %w", spec.Name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	res := &ChildResult{}
	timer := time.NewTimer(spec.Timeout)
	defer timer.Stop()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-timer.C:
		res.TimedOut = true
		if res.DumpErr = procgroup.Dump(cmd); res.DumpErr != nil {
			_ = procgroup.Kill(cmd)
		}
		select {
		case waitErr = <-done:
		case <-time.After(s.Limit(3 * time.Second)):
			_ = procgroup.Kill(cmd)
			waitErr = <-done
		}
	case <-ctx.Done():
		_ = procgroup.Kill(cmd)
		<-done
		return nil, ctx.Err()
	}
	res.Elapsed = time.Since(begin)
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	res.ExitCode = cmd.ProcessState.ExitCode()
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return nil, fmt.Errorf("child %s: %w", spec.Name, waitErr)
	}
	return res, nil
}

// Program builds source, a standalone main package, and runs it as a
// child process under the same supervision as Child (spec.Name names it
// in messages; spec.Race builds it with -race).
//
// Why a separate program: a binary that links cgo (as conclab and every
// test binary do, through the net package) never gets the runtime's "all
// goroutines are asleep - deadlock!" check; a program built with
// CGO_ENABLED=0 does. Building needs the go command; without it Program
// returns an error that says so. It is built once; spec.Reached may have
// it run twice, as for Child.
func (s *Stage) Program(ctx context.Context, spec ChildSpec, source string) (*ChildResult, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("building %s needs the Go toolchain (go) on PATH", spec.Name)
	}
	dir, err := os.MkdirTemp("", "conclab-program-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"go.mod":  "module conclab.local/" + spec.Name + "\n\ngo 1.25\n",
		"main.go": source,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	program := "program"
	if runtime.GOOS == "windows" {
		program += ".exe" // Windows runs only files with an executable extension
	}
	args := []string{"build", "-o", program}
	if spec.Race {
		args = append(args, "-race")
	}
	build := exec.CommandContext(ctx, goCmd, append(args, ".")...)
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if !spec.Race {
		build.Env = append(build.Env, "CGO_ENABLED=0")
	}
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s: %v: %s", spec.Name, err, out)
	}
	return s.retrying(spec, func(spec ChildSpec) (*ChildResult, error) {
		cmd := exec.CommandContext(ctx, filepath.Join(dir, program))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOTRACEBACK=all", childGORACE(spec.Race))
		cmd.Env = append(cmd.Env, spec.Env...)
		return s.supervise(ctx, cmd, spec)
	})
}

func (s *Stage) childExe(race bool) (string, error) {
	if race && !RaceEnabled {
		if s.opts.RaceExe == "" {
			return "", errors.New("this needs the race detector: run it with --race")
		}
		return s.opts.RaceExe, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding this program to run a child: %w", err)
	}
	return exe, nil
}

// record is one line of a child's report stream.
type record struct {
	Lane    *string  `json:"lane,omitempty"` // a new lane, in id order
	Event   *Event   `json:"event,omitempty"`
	Finding *Finding `json:"finding,omitempty"`
}

func readReport(path string) ChildReport {
	var r ChildReport
	f, err := os.Open(path)
	if err != nil {
		return r
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var rec record
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue // a line cut short by a kill
		}
		switch {
		case rec.Lane != nil:
			r.Lanes = append(r.Lanes, *rec.Lane)
		case rec.Event != nil:
			r.Events = append(r.Events, *rec.Event)
		case rec.Finding != nil:
			r.Findings = append(r.Findings, *rec.Finding)
		}
	}
	return r
}

// childGORACE is the race detector's setting for a child. A -race binary
// sleeps atexit_sleep_ms (1 s by default) before exiting, which would let
// goroutines run on after main returned: lesson 1 shows that they do not.
// Asked for the detector, the child reports every race and exits 66.
func childGORACE(race bool) string {
	if race {
		return "GORACE=atexit_sleep_ms=0 halt_on_error=0 exitcode=66"
	}
	return "GORACE=atexit_sleep_ms=0"
}

// ServeChild runs the child entry point named in the environment, if there
// is one, and exits with its status; otherwise it returns at once. main
// and every lesson package's TestMain call it first, so that a binary can
// re-execute itself as a child.
func ServeChild(lessons ...Lesson) {
	name := os.Getenv(ChildEnv)
	if name == "" {
		return
	}
	os.Exit(serveChild(name, lessons))
}

func serveChild(name string, lessons []Lesson) int {
	slug, entry, _ := strings.Cut(name, "/")
	var found *Demo
	for _, l := range lessons {
		if l.Slug == slug {
			if d, ok := l.child(entry); ok {
				found = &d
			}
		}
	}
	if found == nil {
		fmt.Fprintf(os.Stderr, "conclab: no child entry point %q\n", name)
		return 2
	}
	speed, _ := strconv.ParseFloat(os.Getenv(ChildSpeedEnv), 64)
	s := NewStage(Options{Out: os.Stdout, Speed: speed, Lesson: slug})
	if path := os.Getenv(ChildReportEnv); path != "" {
		f, err := os.OpenFile(filepath.Clean(path), os.O_WRONLY|os.O_APPEND, 0)
		if err == nil {
			defer f.Close()
			s.stream = json.NewEncoder(f)
		}
	}
	// No signal handling here: the child is in its own process group and
	// its parent ends it. os/signal would also keep the runtime from ever
	// reporting "all goroutines are asleep", which channel-deadlock demos
	// exist to show.
	if err := found.Run(context.Background(), s); err != nil {
		fmt.Fprintf(os.Stderr, "conclab: %s: %v\n", name, err)
		return 1
	}
	return 0
}

// Play runs demo d on s: in this process, or, when d is Racy and the race
// detector is on (this binary is a -race build, or s has a RaceExe), in a
// child process under the detector, whose result is returned.
func Play(ctx context.Context, s *Stage, d Demo) (*ChildResult, error) {
	if d.Racy && (RaceEnabled || s.opts.RaceExe != "") {
		return s.Child(ctx, ChildSpec{Name: d.Name, Race: true, Timeout: 2 * time.Minute})
	}
	return nil, d.Run(ctx, s)
}
