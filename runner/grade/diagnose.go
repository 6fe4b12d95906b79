package grade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DiagnoseOptions say which packages to diagnose and how hard to look.
type DiagnoseOptions struct {
	Dir      string   // where to run go (a folder inside the module)
	Patterns []string // package patterns; "./..." if none
	// Count runs each test this many times (per CPU value): some races
	// and deadlocks show only in a few runs of ten.
	Count int
	// CPU lists GOMAXPROCS values to run the tests with (go test -cpu);
	// some bugs show at one value only. Empty: the default.
	CPU []int
	// Timeout bounds one test binary (go test -timeout): a test that
	// hangs without being provably stuck ends there, with the goroutine
	// dump that explains it.
	Timeout time.Duration
	// LockOrder runs the tests a second time with sync.Mutex and
	// sync.RWMutex swapped for github.com/sasha-s/go-deadlock's, which
	// reports locks taken in inconsistent orders even when this run did
	// not deadlock. The module's go.mod is not touched: a temporary copy
	// that requires go-deadlock is used (go test -modfile).
	LockOrder bool
	// Noise adds this many runs with yields and short random delays
	// injected at the package's synchronisation points (see package
	// noise), each with its own seed, printed with what it found.
	Noise int
	// Seed, if not zero, is the first noise run's seed (to rerun one).
	Seed      uint64
	Watchdog  time.Duration // see Options.Watchdog
	DumpOnly  bool          // see Options.DumpOnly
	Deadline  time.Duration // the whole run; 10 minutes if zero
	OutputCap int
	Log       io.Writer
}

// deadlockModule is the lock-order checker swapped in by
// DiagnoseOptions.LockOrder, at the version conclab itself is tested with.
const deadlockModule = "github.com/sasha-s/go-deadlock"

// listedPackage is what `go list -json` says about a package.
type listedPackage struct {
	ImportPath   string
	Name         string
	Dir          string
	GoFiles      []string
	TestGoFiles  []string
	XTestGoFiles []string
	Module       *struct {
		Path  string
		Dir   string
		GoMod string
	}
}

// Diagnose runs the tests of any Go packages with the grading engine and
// explains what went wrong in each: races, deadlocks and leaks (proven by
// the runtime's goroutine leak profile where the toolchain has it, with
// no goleak needed), lock-order inversions that did not deadlock this
// time (LockOrder), timeouts and panics, all of them side by side. Every
// test that ran must pass.
func Diagnose(ctx context.Context, opts DiagnoseOptions) (*Result, error) {
	if opts.Count <= 0 {
		opts.Count = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.Deadline <= 0 {
		opts.Deadline = 10 * time.Minute
	}
	if opts.OutputCap <= 0 {
		opts.OutputCap = 256 << 10
	}
	if len(opts.Patterns) == 0 {
		opts.Patterns = []string{"./..."}
	}
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fmt.Errorf("diagnose needs the Go toolchain: %w", err)
	}
	pkgs, err := listPackages(ctx, opts.Dir, opts.Patterns)
	if err != nil {
		return nil, err
	}
	res := &Result{Version: ReportVersion, Started: time.Now()}
	sweepStale(os.TempDir(), "conclab-diagnose-", time.Now().Add(-staleAfter))
	tmp, err := os.MkdirTemp("", "conclab-diagnose-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(ctx, opts.Deadline)
	defer cancel()

	modDirs := map[string]bool{}
	for _, p := range pkgs {
		if p.Module != nil {
			modDirs[p.Module.Dir] = true
		}
	}
	own := func(file string) bool {
		for d := range modDirs {
			if strings.HasPrefix(file, d+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	gopts := Options{Root: opts.Dir, OutputCap: opts.OutputCap, Own: own, DumpOnly: opts.DumpOnly, tmp: tmp}
	overlay, paths, err := diagnoseCensus(pkgs, tmp, censusConfig{Watchdog: opts.Watchdog, DumpOnly: opts.DumpOnly,
		// Any package's bubbles may compute for a while: a livelock is
		// called only after longer than in the exercises.
		Spin: diagnoseSpin})
	if err != nil {
		return nil, err
	}
	args := []string{"-race", "-count=" + strconv.Itoa(opts.Count), "-timeout", opts.Timeout.String()}
	if len(opts.CPU) > 0 {
		args = append(args, "-cpu", cpuList(opts.CPU))
	}
	x := NewExecution(opts.OutputCap)
	inv := invocation{dir: opts.Dir, overlay: overlay, tmp: tmp, pkgs: paths, args: args, env: gopts.profileEnv(), log: opts.Log}
	if err := goTest(ctx, inv, x); err != nil {
		return nil, err
	}
	byPath := map[string]*ExerciseResult{}
	for i, p := range pkgs {
		er := &ExerciseResult{Number: i + 1, Slug: p.ImportPath, Title: "tests of " + p.ImportPath}
		if _, ok := overlay[filepath.Join(p.Dir, censusFile)]; ok {
			er.censusName = censusTest
		}
		Finish(er, x.Packages[p.ImportPath], gopts)
		byPath[p.ImportPath] = er
		res.Exercises = append(res.Exercises, er)
	}

	if opts.LockOrder && ctx.Err() == nil {
		lockOrder(ctx, opts, pkgs, overlay, tmp, byPath, gopts)
	}
	if opts.Noise > 0 && ctx.Err() == nil {
		scheduleNoise(ctx, opts, pkgs, overlay, tmp, byPath, gopts)
	}
	paths2 := relativePaths(gopts)
	for _, er := range res.Exercises {
		er.rewritePaths(paths2) // what the later runs added
	}
	res.Duration = time.Since(res.Started).Seconds()
	res.Passed = true
	for _, er := range res.Exercises {
		// A diagnosis has findings, not points.
		er.Points, er.MaxPoints = 0, 0
		for _, t := range er.Tests {
			t.Points, t.MaxPoints = 0, 0
		}
		if er.Verdict != Pass && er.Verdict != NoTests {
			res.Passed = false
		}
	}
	return res, nil
}

func cpuList(cpus []int) string {
	parts := make([]string, len(cpus))
	for i, c := range cpus {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, ",")
}

// diagnoseCensus lays the census test file into every package with
// tests (through the overlay: nothing on disk changes), so that leaks
// are found in packages that do not use goleak, and deadlocks are proven
// as they happen.
func diagnoseCensus(pkgs []listedPackage, tmp string, cfg censusConfig) (overlay map[string]string, paths []string, err error) {
	overlay = map[string]string{}
	for i, p := range pkgs {
		paths = append(paths, p.ImportPath)
		tests := map[string][]byte{}
		for _, name := range append(append([]string(nil), p.TestGoFiles...), p.XTestGoFiles...) {
			b, err := os.ReadFile(filepath.Join(p.Dir, name))
			if err != nil {
				return nil, nil, err
			}
			tests[name] = b
		}
		var ownDirs []string
		if p.Module != nil {
			ownDirs = append(ownDirs, p.Module.Dir+string(filepath.Separator))
		} else {
			ownDirs = append(ownDirs, p.Dir+string(filepath.Separator))
		}
		cfg.Own = ownDirs
		src, err := census(tests, cfg)
		if err != nil {
			continue // no test files that parse: go test says why
		}
		f := filepath.Join(tmp, fmt.Sprintf("census-%d.go", i))
		if err := os.WriteFile(f, src, 0o644); err != nil {
			return nil, nil, err
		}
		overlay[filepath.Join(p.Dir, censusFile)] = f
	}
	return overlay, paths, nil
}

func listPackages(ctx context.Context, dir string, patterns []string) ([]listedPackage, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"list", "-json"}, patterns...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v: %s", strings.Join(patterns, " "), err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list: %w", err)
		}
		if len(p.TestGoFiles)+len(p.XTestGoFiles) > 0 {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages with tests match %s", strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// lockOrder runs the tests again with go-deadlock's Mutex and RWMutex in
// place of package sync's (through an overlay: no file on disk changes)
// and adds what it reports to each package's result. A module whose
// go.mod does not require go-deadlock is built with a temporary copy of
// its go.mod and go.sum that do (go test -modfile): the module's own
// files stay as they are.
func lockOrder(ctx context.Context, opts DiagnoseOptions, pkgs []listedPackage, census map[string]string, tmp string, byPath map[string]*ExerciseResult, gopts Options) {
	overlay := maps.Clone(census)
	var paths []string
	dirs := map[string]string{}
	modfile := ""
	for _, p := range pkgs {
		dirs[p.ImportPath] = p.Dir
		if p.Module == nil {
			continue
		}
		swapped := false
		for _, name := range append(append(append([]string(nil), p.GoFiles...), p.TestGoFiles...), p.XTestGoFiles...) {
			path := filepath.Join(p.Dir, name)
			src, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			out, ok := swapLocks(src)
			if !ok {
				continue
			}
			dst := filepath.Join(tmp, fmt.Sprintf("lockorder-%d-%s", len(overlay), name))
			if os.WriteFile(dst, out, 0o644) == nil {
				overlay[path] = dst
				swapped = true
			}
		}
		if !swapped {
			continue
		}
		dst := filepath.Join(tmp, fmt.Sprintf("lockorder-%d-config.go", len(overlay)))
		if os.WriteFile(dst, deadlockConfig(p.Name, deadlockWait), 0o644) == nil {
			overlay[filepath.Join(p.Dir, deadlockConfigFile)] = dst
		}
		if !requires(p.Module.GoMod, deadlockModule) && modfile == "" {
			mf, err := deadlockModfile(p.Module.GoMod, tmp)
			if err != nil {
				byPath[p.ImportPath].Notes = append(byPath[p.ImportPath].Notes, "lock-order check skipped: "+err.Error())
				continue
			}
			modfile = mf
		}
		paths = append(paths, p.ImportPath)
	}
	if len(paths) == 0 {
		return
	}
	x := NewExecution(opts.OutputCap)
	args := []string{"-count=" + strconv.Itoa(opts.Count), "-timeout", opts.Timeout.String(), "-vet=off"}
	if len(opts.CPU) > 0 {
		args = append(args, "-cpu", cpuList(opts.CPU))
	}
	inv := invocation{dir: opts.Dir, overlay: overlay, modfile: modfile, tmp: tmp, pkgs: paths, args: args, env: slices.Clone(gopts.profileEnv()), log: opts.Log}
	if modfile != "" {
		// -modfile does not mix with a go.work, and a vendor folder would
		// lack go-deadlock.
		inv.env = append(inv.env, "GOWORK=off", "GOFLAGS=-mod=mod")
	}
	if err := goTest(ctx, inv, x); err != nil {
		return
	}
	src := sources{own: gopts.Own, root: opts.Dir, seen: map[string]bool{}}
	for _, path := range paths {
		p, er := x.Packages[path], byPath[path]
		if p == nil {
			continue
		}
		if p.BuildFailed {
			er.Notes = append(er.Notes, "lock-order check skipped: the package did not build with go-deadlock: "+firstDiagnostic(p.Build.Kept()))
			continue
		}
		text := p.Output.Kept()
		for _, name := range p.TestOrder {
			text += p.Tests[name].Output.Kept()
		}
		findings := explainLockOrder(text, dirs[path], src)
		if len(findings) == 0 {
			continue
		}
		for _, f := range findings {
			er.found(f.kind)
			if er.Verdict == Pass || er.Verdict == NoTests || er.Verdict == Fail || er.Verdict == Leak {
				er.Verdict, er.Message = Deadlock, f.message
			}
			er.Explanation = append(er.Explanation, f.lines...)
			// Shown as the first run's are, so that the same line merges.
			rewriteLocations(f.locs, relativePaths(gopts))
			er.Locations = sortLocations(append(er.Locations, f.locs...))
		}
		er.Hint = 1
	}
}

// requires reports whether the go.mod file gomod requires module.
func requires(gomod, module string) bool {
	b, err := os.ReadFile(gomod)
	return err == nil && bytes.Contains(b, []byte(module+" "))
}

// diagnoseSpin is how long diagnose lets a synctest bubble run without
// settling before the watchdog proves a livelock (DefaultSpin is the
// exercises').
const diagnoseSpin = 10 * time.Second
