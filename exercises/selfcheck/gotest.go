package main

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
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/procgroup"
	"github.com/conclab/conclab/runner/grade"
)

// maxOutput caps the output kept per package: a fixture that prints in a
// loop must not eat the machine's memory. The markers we look for come
// early (a race report, a panic) or are remembered separately (below).
const maxOutput = 4 << 20

// event is one line of go test -json (test2json, plus the build events
// that go test adds since Go 1.24).
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string // build-output and build-fail events
	FailedBuild string // set on a package's fail when its build failed
	Elapsed     float64
	Time        time.Time
}

// pkgRun is what one package did in one go test invocation.
type pkgRun struct {
	Action      string         // the package's final action: pass, fail, skip; "" if it never ended
	Elapsed     time.Duration  // the test binary's run time, from the final action
	BuildFailed bool           // the package or its test did not compile
	Passes      map[string]int // top-level test name -> pass events
	Fails       map[string]int // top-level test name -> fail events
	// Starts counts each top-level test's run events, and Results holds
	// its pass, fail and skip actions in order: with -count=n, its k-th
	// result is from the k-th run. A test that started more often than
	// it ended was running when the test binary died.
	Starts  map[string]int
	Results map[string][]string
	// SlowestTest took SlowestTime, the longest any top-level test ran;
	// a test still running when the binary died counts until its last
	// event. started is when each test running now started.
	SlowestTest string
	SlowestTime time.Duration
	started     map[string]time.Time
	last        time.Time
	Output      strings.Builder
	markers     map[verdict]bool // markers seen, even past maxOutput
}

func (p *pkgRun) add(out string) {
	for _, m := range markers {
		if strings.Contains(out, m.text) {
			p.markers[m.verdict] = true
		}
	}
	if p.Output.Len() < maxOutput {
		p.Output.WriteString(out)
	}
}

// verdict is why a package failed (or "pass").
type verdict string

const (
	vPass     verdict = "pass"
	vFail     verdict = "fail"
	vRace     verdict = "race"
	vDeadlock verdict = "deadlock"
	vLeak     verdict = "leak"
	vPanic    verdict = "panic"
	vBuild    verdict = "build error"
	vVet      verdict = "vet" // go vet found a mistake: the grader runs no test
	vNoTests  verdict = "no tests ran"
	vCut      verdict = "cut off" // the run ended before the package did
)

// markers are the texts that name a failure's cause in the output. The
// graded tests' own deadline helpers print "deadlock or livelock:".
var markers = []struct {
	text    string
	verdict verdict
}{
	{"WARNING: DATA RACE", vRace},
	{grade.DeadlockMarker, vDeadlock},
	{grade.LivelockMarker, vDeadlock},
	{grade.BubbleDeadlockMarker, vDeadlock},
	{grade.LeakMarker, vLeak},
	{grade.StillRunningMarker, vLeak},
	{"fatal error: concurrent map", vRace},
	{"panic: test timed out", vDeadlock},
	{"all goroutines in bubble are blocked", vDeadlock},
	{"main bubble goroutine has exited but blocked goroutines remain", vDeadlock},
	{"all goroutines are asleep - deadlock", vDeadlock},
	{"deadlock or livelock:", vDeadlock},
	{"panic:", vPanic},
	{"found unexpected goroutines", vLeak},
}

// precedence decides between several markers in one run: a race explains
// whatever followed it; a deadlocked test leaves blocked goroutines behind
// (which goleak then also reports); a panic ends the binary before goleak
// could look.
var precedence = []verdict{vRace, vDeadlock, vPanic, vLeak}

// Verdict classifies the run of one package.
func (p *pkgRun) Verdict() verdict {
	if p.BuildFailed {
		return vBuild
	}
	for _, v := range precedence {
		if p.markers[v] {
			return v
		}
	}
	switch {
	case p.Action == "":
		return vCut
	case p.Action == "fail":
		return vFail
	case len(p.Passes) == 0:
		return vNoTests
	}
	return vPass
}

// writeOverlay writes overlay (file path -> replacement path) as a go
// command -overlay file and returns its path, for the caller to remove.
func writeOverlay(overlay map[string]string) (string, error) {
	f, err := os.CreateTemp("", "selfcheck-overlay-*.json")
	if err != nil {
		return "", err
	}
	if err := json.NewEncoder(f).Encode(map[string]any{"Replace": overlay}); err != nil {
		return "", errors.Join(err, f.Close(), os.Remove(f.Name()))
	}
	if err := f.Close(); err != nil {
		return "", errors.Join(err, os.Remove(f.Name()))
	}
	return f.Name(), nil
}

// goVet runs go vet over pkg with the files of overlay swapped in, and
// reports whether one of vet's checks rejected it, with vet's output. A
// package that does not type-check is not rejected: that is for the
// build to report.
func goVet(ctx context.Context, root string, overlay map[string]string, pkg string) (out string, rejected bool, err error) {
	overlayFile, err := writeOverlay(overlay)
	if err != nil {
		return "", false, err
	}
	defer os.Remove(overlayFile)
	// With -json, vet's findings come on standard output and it exits 0;
	// a package that does not type-check makes it exit 1.
	cmd := exec.CommandContext(ctx, "go", "vet", "-json", "-overlay", overlayFile, pkg)
	cmd.Dir = root
	procgroup.Isolate(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if ctx.Err() != nil {
		return "", false, context.Cause(ctx)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return stderr.String(), false, nil // not a finding: the build says what
	case err != nil:
		return "", false, err
	}
	var findings map[string]map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() { // one object per package vetted, "{}" when clean
		if err := dec.Decode(&findings); err != nil {
			return "", false, fmt.Errorf("go vet -json: %w", err)
		}
		if len(findings[pkg]) > 0 {
			return string(b), true, nil
		}
	}
	return string(b), false, nil
}

// goTestEnv runs go test -json over pkgs with the files of overlay (stub
// path -> replacement path) swapped in and env ("NAME=value") added to the
// environment that go test and the test binaries inherit, in its own
// process group so that everything it started dies with it, and returns
// what each package did.
func goTestEnv(ctx context.Context, env []string, root string, overlay map[string]string, pkgs []string, args ...string) (map[string]*pkgRun, error) {
	argv := []string{"test", "-json"}
	if len(overlay) > 0 {
		overlayFile, err := writeOverlay(overlay)
		if err != nil {
			return nil, err
		}
		defer os.Remove(overlayFile)
		argv = append(argv, "-overlay", overlayFile)
	}
	argv = append(argv, args...)
	argv = append(argv, pkgs...)

	cmd := exec.CommandContext(ctx, "go", argv...)
	cmd.Dir = root
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	procgroup.Isolate(cmd) // cancelling kills go, the test binaries and what they started
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}

	runs := readRuns(stdout)
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return runs, fmt.Errorf("go test cut off: %w", context.Cause(ctx))
	}
	// go test exits 1 when a test fails; anything else with nothing
	// reported means go test itself could not run.
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) || len(runs) == 0 {
		return runs, fmt.Errorf("go %s: %v\n%s", strings.Join(argv, " "), waitErr, stderr.String())
	}
	for _, p := range pkgs {
		if runs[p] == nil {
			// A package that fails to load is reported on stderr only.
			r := newPkgRun()
			r.BuildFailed = true
			r.add(stderr.String())
			runs[p] = r
		}
	}
	return runs, nil
}

func newPkgRun() *pkgRun {
	return &pkgRun{Passes: map[string]int{}, Fails: map[string]int{}, Starts: map[string]int{}, Results: map[string][]string{},
		markers: map[verdict]bool{}, started: map[string]time.Time{}}
}

// ran notes that test ran for d.
func (p *pkgRun) ran(test string, d time.Duration) {
	if d > p.SlowestTime {
		p.SlowestTest, p.SlowestTime = test, d
	}
}

// readRuns reads a go test -json stream into what each package did.
func readRuns(r io.Reader) map[string]*pkgRun {
	runs := map[string]*pkgRun{}
	get := func(pkg string) *pkgRun {
		pkg, _, _ = strings.Cut(pkg, " ") // "p [p.test]" in build events
		r := runs[pkg]
		if r == nil {
			r = newPkgRun()
			runs[pkg] = r
		}
		return r
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // go test prints a few non-JSON lines (e.g. "FAIL" summaries)
		}
		switch {
		case e.Action == "build-output":
			get(e.ImportPath).add(e.Output)
		case e.Action == "build-fail":
			get(e.ImportPath).BuildFailed = true
		case e.Package == "":
		case e.Action == "output":
			r := get(e.Package)
			r.add(e.Output)
			r.last = e.Time
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			r := get(e.Package)
			r.Action = e.Action
			r.Elapsed = time.Duration(e.Elapsed * float64(time.Second))
			if e.FailedBuild != "" {
				r.BuildFailed = true
			}
			for test, t0 := range r.started { // cut off when the binary died
				r.ran(test, r.last.Sub(t0))
			}
			clear(r.started)
		case e.Test != "" && !strings.Contains(e.Test, "/") && e.Action == "run":
			r := get(e.Package)
			r.Starts[e.Test]++
			r.started[e.Test], r.last = e.Time, e.Time
		case e.Test != "" && !strings.Contains(e.Test, "/") && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			r := get(e.Package)
			delete(r.started, e.Test)
			r.ran(e.Test, time.Duration(e.Elapsed*float64(time.Second)))
			r.last = e.Time
			r.Results[e.Test] = append(r.Results[e.Test], e.Action)
			switch e.Action {
			case "pass":
				r.Passes[e.Test]++
			case "fail":
				r.Fails[e.Test]++
			}
		}
	}
	return runs
}

// moduleRoot is the folder holding go.mod, found from the working folder.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run selfcheck inside the conclab module")
	}
	return filepath.Dir(gomod), nil
}
