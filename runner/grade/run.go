package grade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/procgroup"
)

// invocation is one `go test -json` run: the packages, what is laid over
// the tree, and the flags.
type invocation struct {
	dir     string            // where go runs (inside the module)
	overlay map[string]string // files replaced or added (go build -overlay)
	modfile string            // a go.mod to use instead of the module's own
	tmp     string            // where the overlay's JSON file is written
	pkgs    []string
	args    []string // flags after -json
	env     []string // added to the environment
	log     io.Writer
	// extra are files the go command (and so the test binaries it runs)
	// gets as descriptors 3, 4, ...
	extra []*os.File
	// maxRSS, if not zero, is the resident memory past which a test
	// binary is killed (where the system lets the grader see it).
	maxRSS uint64
	// tag, if set, is the run tag (runTagEnv) in env: processes that
	// carry it are killed when go test ends.
	tag string
}

// goTestSealed is goTest with a pipe handed to the test binaries as
// descriptor 3, on which each census says that its package's tests ran
// to the end: it returns the import paths it heard that from.
func goTestSealed(ctx context.Context, inv invocation, x *Execution) (map[string]bool, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	inv.extra = []*os.File{w}
	done := make(chan map[string]bool, 1)
	go func() {
		sealed := map[string]bool{}
		var c CappedText
		c.Cap = 1 << 20
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			c.WriteString(string(buf[:n]))
			if err != nil {
				break
			}
		}
		for line := range strings.SplitSeq(c.Kept(), "\n") {
			if pkg, ok := strings.CutPrefix(line, censusDone+" "); ok {
				sealed[pkg] = true
			}
		}
		done <- sealed
	}()
	err = goTest(ctx, inv, x)
	// Every process that had the pipe is gone (the group was killed),
	// unless one escaped the group: then what was written so far counts.
	select {
	case sealed := <-done:
		return sealed, err
	case <-time.After(time.Second):
		r.Close()
		return <-done, err
	}
}

// goTest runs inv in a process group that is killed with everything in it
// when ctx ends. Events go into x. It returns an error only when go test
// itself could not run.
func goTest(ctx context.Context, inv invocation, x *Execution) error {
	argv := []string{"test", "-json"}
	if len(inv.overlay) > 0 {
		f := filepath.Join(inv.tmp, fmt.Sprintf("overlay-%d.json", time.Now().UnixNano()))
		b, err := json.Marshal(map[string]any{"Replace": inv.overlay})
		if err != nil {
			return err
		}
		if err := os.WriteFile(f, b, 0o644); err != nil {
			return err
		}
		argv = append(argv, "-overlay", f)
	}
	if inv.modfile != "" {
		argv = append(argv, "-modfile", inv.modfile)
	}
	argv = append(argv, inv.args...)
	argv = append(argv, inv.pkgs...)
	if inv.log != nil {
		fmt.Fprintf(inv.log, "go %s\n", strings.Join(shortArgs(argv), " "))
	}
	cmd := exec.Command("go", argv...)
	cmd.Dir = inv.dir
	// GORACE is ours, not the learner's: log_path or halt_on_error from
	// the environment would hide races from the stream.
	env := withoutEnv(os.Environ(), "GORACE", watchdogEnv)
	cmd.Env = append(append(env, "GORACE="+goraceOptions), inv.env...)
	procgroup.Isolate(cmd)
	dieWithGrader(cmd)
	cmd.ExtraFiles = inv.extra
	var stderr CappedText
	stderr.Cap = 64 << 10
	cmd.Stderr = writerFunc(func(b []byte) { stderr.WriteString(string(b)) })
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	err = cmd.Start()
	for _, f := range inv.extra {
		f.Close() // the children have their own copies
	}
	if err != nil {
		return fmt.Errorf("starting go test: %w", err)
	}
	// On cancellation the whole group dies: go, its compilers, the test
	// binaries and anything a submission started.
	stop := context.AfterFunc(ctx, func() { _ = procgroup.Kill(cmd) })
	watching, stopWatching := context.WithCancel(ctx)
	killed := func() map[string]string { return nil }
	if inv.maxRSS > 0 {
		killed = watchMemory(watching, cmd.Process.Pid, inv.maxRSS)
	}
	readErr := x.Read(stdout)
	waitErr := cmd.Wait()
	stopWatching()
	for binary, why := range killed() {
		x.Limits = append(x.Limits, binary+": "+why)
	}
	stop()
	_ = procgroup.Kill(cmd) // stragglers a submission left behind
	if inv.tag != "" {
		killTagged(inv.tag) // and those that left the group
	}
	if ctx.Err() != nil {
		return nil // the packages that never ended are judged as cut off
	}
	if readErr != nil {
		return fmt.Errorf("reading go test output: %w", readErr)
	}
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		return fmt.Errorf("go test: %w", waitErr)
	}
	var missing []string
	for _, p := range inv.pkgs {
		if x.Packages[p] == nil {
			missing = append(missing, p)
		}
	}
	if len(missing) == len(inv.pkgs) && waitErr != nil {
		// go test could not even load the packages: that is ours to fix,
		// not the learner's, unless a package fails to load because of
		// the learner's file (then stderr names it).
		msg := strings.TrimSpace(stderr.String())
		for _, p := range inv.pkgs {
			pk := x.pkg(p)
			pk.BuildFailed = true
			pk.Build.WriteString(msg + "\n")
		}
	}
	return nil
}

// LeakProfileEnv is what a test binary's environment needs for the
// runtime's goroutine leak profile on this toolchain (see leakProfileEnv):
// a bare go test compared with grading must build with the same.
func LeakProfileEnv() []string { return slices.Clone(leakProfileEnv()) }

// leakProfileEnv is what the test binaries' environment needs for the
// runtime's goroutine leak profile: GOEXPERIMENT=goroutineleakprofile on
// Go 1.26 (it rebuilds the standard library once, then the build cache
// keeps it), nothing on a Go that has it on by default; and watchdogEnv,
// which tells the exercises' tests that deadlocks are proven for them.
// Empty when this toolchain has no leak profile: the census then falls
// back to goroutine dumps.
var leakProfileEnv = sync.OnceValue(func() []string {
	cur := strings.TrimSpace(goEnv("", "GOEXPERIMENT"))
	if strings.Contains(cur, "goroutineleakprofile") && !strings.Contains(cur, "nogoroutineleakprofile") {
		return []string{watchdogEnv + "=1"}
	}
	want := "goroutineleakprofile"
	if cur != "" {
		want = cur + "," + want
	}
	if goEnv("GOEXPERIMENT="+want, "GOEXPERIMENT") != "" {
		return []string{"GOEXPERIMENT=" + want, watchdogEnv + "=1"}
	}
	if v := goEnv("", "GOVERSION"); leakProfileByDefault(v) {
		return []string{watchdogEnv + "=1"}
	}
	return nil
})

// leakProfileByDefault reports whether a Go version ("go1.27.3") has the
// goroutine leak profile without an experiment.
func leakProfileByDefault(version string) bool {
	var major, minor int
	if _, err := fmt.Sscanf(version, "go%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 1 || minor >= 27
}

// goEnv runs `go env name` with extra in the environment; "" on error.
func goEnv(extra, name string) string {
	cmd := exec.Command("go", "env", name)
	cmd.Env = os.Environ()
	if extra != "" {
		cmd.Env = append(cmd.Env, extra)
	}
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// goraceOptions is the race detector's setting for the graded tests:
// every race is reported (halt_on_error=0) and the binary exits 66.
//
// atexit_sleep_ms=0: by default a -race binary sleeps 1 s before it exits,
// so that goroutines still running can report their races. Under go test
// nothing is lost without it: the testing package counts races per test
// while the test runs (and fails it), and goroutines left running after
// the tests are goleak's and the census's to report. Measured on a loaded
// 2-core machine (TestAtexitSleepMeasure): each of the 16 racy wrong
// fixtures and the counter's stub graded 30 times with each setting,
// alternating: the same verdict (race) in all 510 gradings of each, no
// race report printed after the tests (counted in 170 of each), report
// counts within run-to-run noise. Grading all 11 reference solutions:
// median 10.0 s with the sleep, 3.8 s without (8 rounds each).
var goraceOptions = "atexit_sleep_ms=0 halt_on_error=0 history_size=3 exitcode=66"

type writerFunc func([]byte)

func (w writerFunc) Write(b []byte) (int, error) { w(b); return len(b), nil }

// withoutEnv drops the variables names from env.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}

func shortArgs(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = strings.TrimPrefix(a, Module+"/")
	}
	return out
}
