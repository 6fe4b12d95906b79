//go:build unix

package grade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// benchSetup is the current round's scratch submission and overlay.
var benchSetup struct {
	root, sub, overlay string
	pkgs               []string
	all                []exercises.Exercise
}

// warmUp is done once for all the rounds of BenchmarkGradeVsGoTest (the
// testing package runs it with b.N=1 before the real round).
var warmUp sync.Once

// BenchmarkGradeVsGoTest grades every exercise (the reference solutions as
// the submission, from a scratch folder) from a warm build cache, side by
// side with a bare `go test -race -json` over the same packages with the
// same files (laid over by an overlay), alternating the two, and reports
// the ratio of the medians of the wall-clock times (target: 1.15 or
// lower), and of the CPU times, which the other users of a busy machine
// disturb less:
//
//	go test -run '^$' -bench GradeVsGoTest -benchtime 5x ./runner/grade
func BenchmarkGradeVsGoTest(b *testing.B) {
	s := &benchSetup
	require.NoError(b, setupBench(b.TempDir()))
	warmUp.Do(func() {
		// Warm the build cache (race builds, vet) for both.
		require.NoError(b, bare())
		require.NoError(b, graded())
	})

	var bares, grades, bareCPU, gradeCPU []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate, so that a burst of load on the machine hits both.
		wall, cpu := measure(b, bare)
		bares, bareCPU = append(bares, wall), append(bareCPU, cpu)
		wall, cpu = measure(b, graded)
		grades, gradeCPU = append(grades, wall), append(gradeCPU, cpu)
	}
	b.StopTimer()
	mb, mg := median(bares), median(grades)
	ratio := mg.Seconds() / mb.Seconds()
	cpuRatio := median(gradeCPU).Seconds() / median(bareCPU).Seconds()
	b.ReportMetric(mb.Seconds(), "bare-s")
	b.ReportMetric(mg.Seconds(), "grade-s")
	b.ReportMetric(ratio, "ratio")
	b.ReportMetric(cpuRatio, "cpu-ratio")
	// Printed, not logged: go test cuts a benchmark's log to ten lines.
	fmt.Printf("%d exercises, %d runs each, warm build cache\n"+
		"  go test -race -json  wall %s, cpu %s\n"+
		"  conclab grade        wall %s, cpu %s\n"+
		"  grading overhead ratio (medians): wall %.2f (target 1.10 or lower), cpu %.2f\n",
		len(s.all), b.N, seconds(bares), seconds(bareCPU), seconds(grades), seconds(gradeCPU), ratio, cpuRatio)
}

// BenchmarkDeadlockVerdict grades every wrong solution that deadlocks
// (testdata/wrong/*.go starting "// want: deadlock") twice, alternating:
// with goroutine dumps only, as before the leak profile (each test's own
// deadline, then a dump), and with the watchdog, which proves the
// deadlock from the runtime's goroutine leak profile. It prints, per
// fixture, the time of the test binary (the exercise's run, builds not
// counted) and the wall time of the whole grading, medians of b.N runs:
//
//	go test -run '^$' -bench DeadlockVerdict -benchtime 3x ./runner/grade
func BenchmarkDeadlockVerdict(b *testing.B) {
	root, err := grade.FindRoot(".")
	require.NoError(b, err)
	type fixture struct {
		ex   exercises.Exercise
		name string
		src  []byte
	}
	var fixtures []fixture
	for _, ex := range exercises.All() {
		wrong, _ := fs.Glob(exercises.Canonical, ex.Dir()+"/testdata/wrong/*.go")
		for _, w := range wrong {
			src, err := fs.ReadFile(exercises.Canonical, w)
			require.NoError(b, err)
			if bytes.HasPrefix(src, []byte("// want: deadlock")) {
				fixtures = append(fixtures, fixture{ex, filepath.Base(w), src})
			}
		}
	}
	type times struct{ test, wall []time.Duration }
	before, after := make([]times, len(fixtures)), make([]times, len(fixtures))
	run := func(i int, dumpOnly bool, into *times) {
		f := fixtures[i]
		sub := b.TempDir()
		dir := filepath.Join(sub, f.ex.Dir())
		require.NoError(b, os.MkdirAll(dir, 0o755))
		require.NoError(b, os.WriteFile(filepath.Join(dir, f.ex.Files[0]), f.src, 0o644))
		start := time.Now()
		res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{f.ex}, DumpOnly: dumpOnly})
		require.NoError(b, err)
		er := res.Exercises[0]
		if er.Verdict != grade.Deadlock {
			// Printed, not logged: go test cuts a benchmark's log to ten lines.
			fmt.Printf("%s %s: verdict %s (%s), want deadlock\n", f.ex.Slug, f.name, er.Verdict, er.Message)
		}
		into.wall = append(into.wall, time.Since(start))
		into.test = append(into.test, time.Duration(er.Duration*float64(time.Second)))
	}
	for i := range fixtures { // warm the build cache of both
		run(i, true, &times{})
		run(i, false, &times{})
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i := range fixtures {
			run(i, true, &before[i])
			run(i, false, &after[i])
		}
	}
	b.StopTimer()
	var lines []string
	worst := time.Duration(0)
	for i, f := range fixtures {
		worst = max(worst, median(after[i].test))
		lines = append(lines, fmt.Sprintf("  %-9s %-28s dump %5.1fs (wall %5.1fs)   leak profile %4.1fs (wall %5.1fs)",
			f.ex.Slug, f.name, median(before[i].test).Seconds(), median(before[i].wall).Seconds(),
			median(after[i].test).Seconds(), median(after[i].wall).Seconds()))
	}
	b.ReportMetric(worst.Seconds(), "worst-s")
	// Printed, not logged: go test cuts a benchmark's log to ten lines.
	fmt.Printf("time to a deadlock verdict, test binary (and whole grading), medians of %d runs:\n%s\n  slowest with the leak profile: %.1fs (target 2 s or less)\n",
		b.N, strings.Join(lines, "\n"), worst.Seconds())
}

// setupBench writes the reference solutions into a scratch submission in
// tmp and the overlay that lays them over the exercises for the bare run.
func setupBench(tmp string) error {
	s := &benchSetup
	root, err := grade.FindRoot(".")
	if err != nil {
		return err
	}
	s.root, s.sub, s.all, s.pkgs = root, filepath.Join(tmp, "submission"), exercises.All(), nil
	replace := map[string]string{}
	for _, ex := range s.all {
		if err := os.MkdirAll(filepath.Join(s.sub, ex.Dir()), 0o755); err != nil {
			return err
		}
		for _, f := range ex.Files {
			src, err := fs.ReadFile(os.DirFS(solutionsDir), ex.Dir()+"/"+f)
			if err != nil {
				return err
			}
			p := filepath.Join(s.sub, ex.Dir(), f)
			if err := os.WriteFile(p, src, 0o644); err != nil {
				return err
			}
			replace[filepath.Join(root, "exercises", ex.Dir(), f)] = p
		}
		s.pkgs = append(s.pkgs, grade.Module+"/exercises/"+ex.Dir())
	}
	s.overlay = filepath.Join(tmp, "overlay.json")
	j, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return err
	}
	return os.WriteFile(s.overlay, j, 0o644)
}

// bare is what a learner would type: go test -race -json over the
// exercises, with the reference solutions in place, and the grader's
// atexit_sleep_ms=0, so that the ratio is what grading adds and not the
// race detector's 1 s exit sleep that grading turns off.
func bare() error {
	s := &benchSetup
	cmd := exec.Command("go", append([]string{"test", "-race", "-json", "-count=1", "-overlay", s.overlay}, s.pkgs...)...)
	cmd.Dir = s.root
	// The same build flags as grading: the leak profile's experiment.
	cmd.Env = append(append(os.Environ(), "GORACE=atexit_sleep_ms=0"), grade.LeakProfileEnv()...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		return fmt.Errorf("the reference solutions must pass go test: %v: %s%s", err, failures(out), stderr)
	}
	return nil
}

// failures names the packages and tests that did not pass in a go test
// -json stream.
func failures(stream []byte) string {
	x := grade.NewExecution(64 << 10)
	if err := x.Read(bytes.NewReader(stream)); err != nil {
		return err.Error()
	}
	var failed []string
	for _, name := range x.Order {
		p := x.Packages[name]
		if p.Action == "pass" {
			continue
		}
		what := strings.TrimPrefix(name, grade.Module+"/")
		for _, t := range p.TestOrder {
			if p.Tests[t].Action != "pass" {
				what += " " + t
			}
		}
		failed = append(failed, what)
	}
	return strings.Join(failed, "; ")
}

// graded is conclab grade over the same submission.
func graded() error {
	s := &benchSetup
	res, err := grade.Grade(context.Background(), grade.Options{Root: s.root, Submission: s.sub, Exercises: s.all})
	if err != nil {
		return err
	}
	if !res.Passed {
		var failed []string
		for _, er := range res.Exercises {
			if er.Verdict != grade.Pass {
				failed = append(failed, er.Slug+": "+er.Message)
			}
		}
		return fmt.Errorf("the reference solutions must pass grading: %s", strings.Join(failed, "; "))
	}
	return nil
}

// measure runs f and returns the wall-clock time and the CPU time spent
// by this process and the processes it waited for (go, the compilers,
// the test binaries).
func measure(b *testing.B, f func() error) (wall, cpu time.Duration) {
	b.Helper()
	before := cpuTime()
	start := time.Now()
	require.NoError(b, f())
	return time.Since(start), cpuTime() - before
}

func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// seconds is the median of ds, then each of them.
func seconds(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.2f", d.Seconds()))
	}
	return fmt.Sprintf("%.2fs (%s)", median(ds).Seconds(), strings.Join(parts, " "))
}

// BenchmarkScheduleNoise measures what diagnose's schedule noise buys on
// testdata/corpus-rare, bugs that show in a few runs of twenty: each
// package is diagnosed b.N times with ten plain runs (--count 10), and
// b.N times with one plain run and nine with noise injected at its
// synchronisation points (--count 1 --noise 9, a new seed each time),
// alternating. It prints, per package and in all, how often each found
// the bug and how long it took, and the bugs found per second of each:
//
//	go test -run '^$' -bench ScheduleNoise -benchtime 5x ./runner/grade
func BenchmarkScheduleNoise(b *testing.B) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "corpus-rare", "*"))
	require.NoError(b, err)
	type tally struct {
		found int
		spent time.Duration
	}
	run := func(dir string, opts grade.DiagnoseOptions) (bool, time.Duration) {
		abs, err := filepath.Abs(dir)
		require.NoError(b, err)
		opts.Dir, opts.Timeout = abs, 30*time.Second
		start := time.Now()
		res, err := grade.Diagnose(context.Background(), opts)
		require.NoError(b, err)
		return !res.Passed, time.Since(start)
	}
	for _, dir := range dirs { // warm the build cache of both
		run(dir, grade.DiagnoseOptions{Count: 1})
		run(dir, grade.DiagnoseOptions{Count: 1, Noise: 1, Seed: 1})
	}
	plain, noisy := make([]tally, len(dirs)), make([]tally, len(dirs))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, dir := range dirs {
			found, took := run(dir, grade.DiagnoseOptions{Count: 10})
			plain[i].spent += took
			if found {
				plain[i].found++
			}
			found, took = run(dir, grade.DiagnoseOptions{Count: 1, Noise: 9, Seed: uint64(1000*n + i + 1)})
			noisy[i].spent += took
			if found {
				noisy[i].found++
			}
		}
	}
	b.StopTimer()
	var lines []string
	var tp, tn tally
	for i, dir := range dirs {
		lines = append(lines, fmt.Sprintf("  %-20s plain %d/%d in %5.1fs   noise %d/%d in %5.1fs",
			filepath.Base(dir), plain[i].found, b.N, plain[i].spent.Seconds(), noisy[i].found, b.N, noisy[i].spent.Seconds()))
		tp.found, tp.spent = tp.found+plain[i].found, tp.spent+plain[i].spent
		tn.found, tn.spent = tn.found+noisy[i].found, tn.spent+noisy[i].spent
	}
	perSec := func(t tally) float64 { return float64(t.found) / t.spent.Seconds() }
	b.ReportMetric(perSec(tp), "plain-bugs/s")
	b.ReportMetric(perSec(tn), "noise-bugs/s")
	// Printed, not logged: go test cuts a benchmark's log to ten lines.
	fmt.Printf("bugs found in %d diagnoses of each package, ten test runs each (warm build cache):\n%s\n"+
		"  in all: plain %d of %d in %.0fs (%.3f bugs/s), with noise %d of %d in %.0fs (%.3f bugs/s), ratio %.2f\n",
		b.N, strings.Join(lines, "\n"), tp.found, b.N*len(dirs), tp.spent.Seconds(), perSec(tp),
		tn.found, b.N*len(dirs), tn.spent.Seconds(), perSec(tn), perSec(tn)/perSec(tp))
}

// BenchmarkDiagnoseCorpus diagnoses each package of testdata/corpus
// (--count 3, the lock-order run included) side by side with a bare
// `go test -race -count 3 -timeout 10s` of it, warm build cache: a bare
// run of a package that hangs lasts its whole timeout, a diagnosis ends
// when the deadlock is proven. It prints both wall times per package and
// in all:
//
//	go test -run '^$' -bench DiagnoseCorpus -benchtime 1x ./runner/grade
func BenchmarkDiagnoseCorpus(b *testing.B) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "corpus", "*", "go.mod"))
	require.NoError(b, err)
	bareRun := func(dir string) time.Duration {
		cmd := exec.Command("go", "test", "-race", "-count=3", "-timeout=10s", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), grade.LeakProfileEnv()...)
		start := time.Now()
		_ = cmd.Run() // the bugs make it fail
		return time.Since(start)
	}
	diagnose := func(dir string) time.Duration {
		start := time.Now()
		_, err := grade.Diagnose(context.Background(), grade.DiagnoseOptions{Dir: dir, Count: 3, LockOrder: true, Timeout: 10 * time.Second})
		require.NoError(b, err)
		return time.Since(start)
	}
	abs := make([]string, len(dirs))
	for i, d := range dirs {
		abs[i], err = filepath.Abs(filepath.Dir(d))
		require.NoError(b, err)
		diagnose(abs[i]) // warm the build cache
	}
	bare, diag := make([][]time.Duration, len(dirs)), make([][]time.Duration, len(dirs))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, dir := range abs {
			bare[i] = append(bare[i], bareRun(dir))
			diag[i] = append(diag[i], diagnose(dir))
		}
	}
	b.StopTimer()
	var lines []string
	var tb, td time.Duration
	for i, dir := range abs {
		mb, md := median(bare[i]), median(diag[i])
		tb, td = tb+mb, td+md
		lines = append(lines, fmt.Sprintf("  %-27s go test %5.1fs   diagnose %5.1fs", filepath.Base(dir), mb.Seconds(), md.Seconds()))
	}
	b.ReportMetric(td.Seconds()/tb.Seconds(), "ratio")
	// Printed, not logged: go test cuts a benchmark's log to ten lines.
	fmt.Printf("wall time per package, medians of %d runs (diagnose includes its lock-order run):\n%s\n  in all: go test %.0fs, diagnose %.0fs (ratio %.2f)\n",
		b.N, strings.Join(lines, "\n"), tb.Seconds(), td.Seconds(), td.Seconds()/tb.Seconds())
}
