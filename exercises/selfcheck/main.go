// Command selfcheck proves that the graded tests of every exercise bite:
//
//  1. every reference solution (solutions/NN-slug) passes its exercise's
//     tests under -race, repeated with -count and -cpu 1,2,4;
//  2. every untouched stub fails them (and compiles);
//  3. every deliberately wrong solution (exercises/NN-slug/testdata/wrong)
//     fails them for the reason its first line names ("// want: race").
//
// Solutions and fixtures replace the stub file through go test -overlay, so
// the working tree is never modified. Every package runs with the grader's
// watchdog and census laid over it and the runtime's goroutine leak
// profile on (watchdog.go): a deadlock is proven as it forms, and a leak
// found after the tests fails the run, as when the grader grades a
// learner's answer. All exercises run in one go test
// invocation per step (and the k-th fixtures of all exercises in one per
// round), because building and starting test binaries is most of the cost.
//
// Usage, from anywhere in the module:
//
//	go run ./exercises/selfcheck [-count 10] [-only 1,counter] [-v]
//	go run ./exercises/selfcheck -only 1,2 -mutants all [-mutant-runs 5]
//
// It exits 0 only when every solution passes, every stub fails and every
// wrong solution is killed with the expected verdict.
//
// With -mutants all (or sample=N, N per exercise) it also makes the
// mutants of every reference solution that passed (package mutate: a
// deleted Lock/Unlock pair, a split critical section, a dropped
// ctx.Done() case, ...) and runs the tests against each, laid over the
// stub like the wrong solutions, -mutant-runs times under -race (one go
// test -count; a test binary that dies early, in a panic, owes the runs
// after, which run one go test each). A mutant is killed only if every
// run fails, stillborn if it does not compile, equivalent if it survives
// and equivalent.txt says why no test could kill it; any other survivor
// fails the self-check. A run that takes longer than -mutant-timeout (by
// default ten times the reference solution's run, at least 10s) is a
// hang, verdict deadlock. With sample=N, -mutant-seed picks which N: make
// test seeds it from the commit, so every commit checks another sample. The report names each survivor as
// equivalent.txt would ("02-ledger ledger.go:36 split-critical-section"),
// to be killed by a better test or listed there with its reason.
package main

import (
	"bufio"
	"cmp"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/conclab/conclab/exercises"
)

// minFixtures is how many wrong solutions each exercise must have.
const minFixtures = 3

// mutantsDeadline is -deadline's default with -mutants.
const mutantsDeadline = 90 * time.Minute

// wantable are the verdicts a fixture may expect.
var wantable = []verdict{vRace, vDeadlock, vLeak, vFail, vPanic}

func main() {
	count := flag.Int("count", 10, "runs of each reference solution per -cpu value")
	cpus := flag.String("cpu", "1,2,4", "GOMAXPROCS values for the reference solutions")
	only := flag.String("only", "", "check only these exercises (comma-separated numbers or slugs)")
	rounds := flag.Int("rounds", 2, "rounds of wrong solutions (and of mutants) run at once")
	parallel := flag.Int("p", 4, "packages tested at once for stubs, fixtures and mutants (mostly idle: they wait on deadlines)")
	overall := flag.Duration("deadline", 12*time.Minute, "give up (and kill everything) after this long (with -mutants, 90m unless given)")
	verbose := flag.Bool("v", false, "print the test output of every unexpected result in full")
	mutants := flag.String("mutants", "", "also test the mutants of the reference solutions: all, or sample=N per exercise")
	fixtureRuns := flag.Int("fixture-runs", 1, "runs of the tests per wrong solution (-count); it is killed only if every run fails with the verdict it wants")
	passCount := flag.Int("pass-count", 2, "runs of each pass fixture (a correct but unusual solution) per -cpu value")
	mutantRuns := flag.Int("mutant-runs", 5, "runs of the tests per mutant (-count); a mutant is killed only if every run fails")
	mutantSeed := flag.String("mutant-seed", "", "with -mutants sample=N: empty samples each operator's mutants in source order; any other text (a commit hash) seeds a shuffle, so that a rotating seed covers every mutant in time")
	mutantsOf := flag.String("mutants-of", "", "with -mutants: test the mutants of these exercises only (comma-separated numbers or slugs; empty: every exercise checked)")
	mutantTimeout := flag.Duration("mutant-timeout", 0, "time limit of one run of the tests against a mutant (0: ten times the reference solution's, 10s to the catalog's Timeout)")
	flag.Parse()
	log := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "selfcheck: "+format+"\n", args...) }
	mode, err := parseMutantsMode(*mutants)
	switch {
	case err != nil:
	case *mutantRuns < 1:
		err = fmt.Errorf("-mutant-runs must be at least 1, not %d", *mutantRuns)
	case *fixtureRuns < 1:
		err = fmt.Errorf("-fixture-runs must be at least 1, not %d", *fixtureRuns)
	case *passCount < 1:
		err = fmt.Errorf("-pass-count must be at least 1, not %d", *passCount)
	}
	if err != nil {
		log("%v", err)
		os.Exit(2)
	}
	if mode.on && !flagSet("deadline") {
		*overall = mutantsDeadline
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(ctx, *overall, fmt.Errorf("overall deadline of %v passed", *overall))
	defer cancel()

	c, err := newChecker(*only)
	if err != nil {
		log("%v", err)
		os.Exit(2)
	}
	c.count, c.cpus, c.parallel, c.rounds, c.verbose = *count, *cpus, *parallel, *rounds, *verbose
	c.mutants, c.mutantRuns, c.mutantTimeout, c.mutantSeed = mode, *mutantRuns, *mutantTimeout, seedOf(*mutantSeed)
	c.fixtureRuns, c.passCount = *fixtureRuns, *passCount
	if err == nil && *mutantsOf != "" {
		c.mutantsOf, err = exerciseNumbers(*mutantsOf)
	}
	if err != nil {
		log("%v", err)
		os.Exit(2)
	}
	if mode.on {
		if err := c.loadEquivalents(); err != nil {
			log("%v", err)
			os.Exit(2)
		}
	}
	watchdogs, err := os.MkdirTemp("", "selfcheck-watchdogs-*")
	if err == nil {
		defer os.RemoveAll(watchdogs)
		err = c.layWatchdogs(watchdogs)
	}
	if err == nil {
		err = c.layGapHelpers(watchdogs)
	}
	if err != nil {
		log("%v", err)
		os.Exit(2)
	}
	start := time.Now()
	err = c.run(ctx, log)
	if err == nil && mode.on {
		err = c.runMutants(ctx, log)
	}
	c.report(os.Stdout)
	if c.mutantsMade {
		c.reportMutants(os.Stdout)
	}
	fmt.Printf("selfcheck took %v\n", time.Since(start).Round(time.Second))
	if err != nil {
		log("%v", err)
		os.Exit(1)
	}
	if !c.ok() {
		os.Exit(1)
	}
}

// fixture is one deliberately wrong solution.
type fixture struct {
	name, path string
	// want is the verdict the tests must give it ("race"), or those
	// they may ("race or fail"): for a wrong answer whose failure shows
	// one way or the other depending on the schedule, both of them a
	// kill (an Add inside the goroutine: the race detector sees it when
	// the goroutine runs early, a test sees the missing results when it
	// runs late).
	want   verdict
	why    string // the second comment line: what is wrong with it
	got    verdict
	output string
	run    *mutant // its runs, judged like a mutant's
}

// passFixture is a correct but unusual solution (testdata/pass): another
// design the exercise's contract allows, which the tests must accept.
type passFixture struct {
	name, path string
	design     string // "// pass: <design>"
	why        string // the second line: why the contract allows it
	runs       int    // runs of every test that passed, when all did
	err        string // why it did not pass
}

// exercise is one exercise under check.
type exercise struct {
	exercises.Exercise
	pkg       string            // import path
	stub      string            // absolute path of the file fixtures replace
	solution  map[string]string // stub file -> solution file
	fixtures  []fixture
	passes    []passFixture
	problems  []string      // catalog problems (missing files, bad fixtures)
	solRuns   int           // runs of every test that passed
	solTime   time.Duration // the reference solution's test binary ran this long for all its runs
	solErr    string        // why the solution did not pass, if it did not
	stubGot   verdict
	stubFails int // tests that failed against the stub
	stubOut   string
	// With -mutants: the solution's mutants, or why there are none.
	mutants        []*mutant
	mutantsSkipped string
	// watchdog lays the grader's watchdog over the package: its path
	// there -> the file written for it (layWatchdogs).
	watchdog map[string]string
	// gapHelper lays the gap helper over the package of an exercise
	// with Gaps, the same way (layGapHelpers).
	gapHelper map[string]string
}

type checker struct {
	root, module  string
	exs           []*exercise
	count         int
	cpus          string
	parallel      int
	rounds        int
	verbose       bool
	mutants       mutantsMode
	mutantRuns    int
	mutantTimeout time.Duration
	mutantSeed    uint64 // -mutant-seed's hash; 0 for none
	mutantsOf     []int  // -mutants-of: the exercises whose mutants are tested; nil for all
	fixtureRuns   int
	passCount     int
	equivalents   map[string]string // equivalent.txt: mutant key -> why it is equivalent
	mutantsMade   bool
	env           []string // the test binaries' environment for the leak profile
	// The gapped copies of learner files (gaps.go): source path -> the
	// copy in gapDir, guarded by gapMu (go test runs go at once).
	gapDir string
	gapMu  sync.Mutex
	gapped map[string]string
}

func newChecker(only string) (*checker, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m: %v", err)
	}
	c := &checker{root: root, module: strings.TrimSpace(string(out))}
	var numbers []int
	if only != "" {
		if numbers, err = exerciseNumbers(only); err != nil {
			return nil, err
		}
	}
	for _, e := range exercises.All() {
		if numbers != nil && !slices.Contains(numbers, e.Number) {
			continue
		}
		c.exs = append(c.exs, c.load(e))
	}
	if len(c.exs) == 0 {
		return nil, fmt.Errorf("no exercises to check (catalog has %d; -only %q)", len(exercises.All()), only)
	}
	return c, nil
}

// exerciseNumbers reads a comma-separated list of exercise numbers or
// slugs, as -only and -mutants-of take them.
func exerciseNumbers(list string) ([]int, error) {
	var numbers []int
	for _, name := range strings.Split(list, ",") {
		e, err := exercises.Find(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		numbers = append(numbers, e.Number)
	}
	return numbers, nil
}

// load finds an exercise's files on disk and reads its fixtures.
func (c *checker) load(e exercises.Exercise) *exercise {
	x := &exercise{Exercise: e, pkg: c.module + "/exercises/" + e.Dir(), solution: map[string]string{}}
	dir := filepath.Join(c.root, "exercises", e.Dir())
	problem := func(format string, args ...any) { x.problems = append(x.problems, fmt.Sprintf(format, args...)) }
	if len(e.Files) == 0 {
		problem("the catalog lists no Files")
		return x
	}
	for _, f := range []string{"README.md", exercises.HintsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			problem("missing %s", f)
		}
	}
	for i, h := range e.Hints {
		if strings.TrimSpace(h) == "" {
			problem("hint %d is empty", i+1)
		}
	}
	if e.Timeout <= 0 {
		problem("no Timeout in the catalog")
	}
	for _, f := range e.Files {
		stub, sol := filepath.Join(dir, f), filepath.Join(c.root, "solutions", e.Dir(), f)
		for _, p := range []string{stub, sol} {
			if _, err := os.Stat(p); err != nil {
				problem("missing %s", p)
			}
		}
		x.solution[stub] = sol
	}
	x.stub = filepath.Join(dir, e.Files[0])
	paths, _ := filepath.Glob(filepath.Join(dir, "testdata", "wrong", "*.go"))
	for _, p := range paths {
		fx, err := readFixture(p)
		if err != nil {
			problem("%v", err)
			continue
		}
		x.fixtures = append(x.fixtures, fx)
	}
	paths, _ = filepath.Glob(filepath.Join(dir, "testdata", "pass", "*.go"))
	for _, p := range paths {
		pf, err := readPassFixture(p)
		if err != nil {
			problem("%v", err)
			continue
		}
		x.passes = append(x.passes, pf)
	}
	if len(x.fixtures) < minFixtures {
		problem("only %d wrong solutions in testdata/wrong; at least %d are needed", len(x.fixtures), minFixtures)
	}
	return x
}

// readFixture reads the "// want: <verdict>" and "// <why>" header lines.
func readFixture(path string) (fixture, error) {
	lines, err := headLines(path, 2)
	fx := fixture{name: filepath.Base(path), path: path}
	if err != nil {
		return fx, err
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "// want: ") || !strings.HasPrefix(lines[1], "// ") {
		return fx, fmt.Errorf("%s: must start with \"// want: <verdict>\" and a second comment line saying what is wrong", fx.name)
	}
	fx.want = verdict(strings.TrimSpace(strings.TrimPrefix(lines[0], "// want: ")))
	fx.why = strings.TrimPrefix(lines[1], "// ")
	for _, v := range fx.wants() {
		if !slices.Contains(wantable, v) {
			return fx, fmt.Errorf("%s: want %q is not one of %v (or two of them: \"race or fail\")", fx.name, fx.want, wantable)
		}
	}
	return fx, nil
}

// wants lists the verdicts fx accepts.
func (fx fixture) wants() []verdict {
	var vs []verdict
	for v := range strings.SplitSeq(string(fx.want), " or ") {
		vs = append(vs, verdict(v))
	}
	return vs
}

// accepts reports whether got is a verdict fx wants.
func (fx fixture) accepts(got verdict) bool { return slices.Contains(fx.wants(), got) }

// readPassFixture reads the "// pass: <design>" and "// <why>" lines.
func readPassFixture(path string) (passFixture, error) {
	lines, err := headLines(path, 2)
	pf := passFixture{name: filepath.Base(path), path: path}
	if err != nil {
		return pf, err
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "// pass: ") || !strings.HasPrefix(lines[1], "// ") {
		return pf, fmt.Errorf("pass/%s: must start with \"// pass: <design>\" and a second comment line saying why the contract allows it", pf.name)
	}
	pf.design = strings.TrimPrefix(lines[0], "// pass: ")
	pf.why = strings.TrimPrefix(lines[1], "// ")
	return pf, nil
}

// headLines returns the first n lines of the file at path.
func headLines(path string, n int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var lines []string
	for len(lines) < n && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

func (c *checker) maxTimeout(exs []*exercise) time.Duration {
	var d time.Duration
	for _, x := range exs {
		d = max(d, x.Timeout)
	}
	return max(d, 10*time.Second)
}

func pkgsOf(exs []*exercise) []string {
	var p []string
	for _, x := range exs {
		p = append(p, x.pkg)
	}
	return p
}

func (c *checker) run(ctx context.Context, log func(string, ...any)) error {
	ncpu := len(strings.Split(c.cpus, ","))

	// 1. Every reference solution, repeated.
	overlay := map[string]string{}
	for _, x := range c.exs {
		for stub, sol := range x.solution {
			overlay[stub] = sol
		}
	}
	t0 := time.Now()
	log("reference solutions: go test -race -count=%d -cpu %s over %d exercises", c.count, c.cpus, len(c.exs))
	runs, err := c.goTest(ctx, nil, overlay, c.exs, "-race", "-count="+strconv.Itoa(c.count), "-cpu", c.cpus,
		"-timeout", (c.maxTimeout(c.exs) * time.Duration(c.count*ncpu)).String())
	if err != nil {
		return err
	}
	for _, x := range c.exs {
		r := runs[x.pkg]
		x.solTime = r.Elapsed
		x.solRuns, x.solErr = passedEveryRun(r, c.count*ncpu, c.verbose)
	}
	log("  done in %v", time.Since(t0).Round(time.Second))

	// 2. Every stub as shipped.
	t0 = time.Now()
	log("stubs: go test -race over %d exercises", len(c.exs))
	runs, err = c.goTest(ctx, nil, nil, c.exs, "-race", "-count=1", "-p", strconv.Itoa(c.parallel),
		"-timeout", c.maxTimeout(c.exs).String())
	if err != nil {
		return err
	}
	for _, x := range c.exs {
		r := runs[x.pkg]
		x.stubGot, x.stubOut = r.Verdict(), r.Output.String()
		x.stubFails = len(r.Fails)
	}
	log("  done in %v", time.Since(t0).Round(time.Second))

	// 3. The correct but unusual solutions, the k-th of every exercise in
	// round k, each like the reference solution (fewer runs).
	if err := c.runPassFixtures(ctx, log, ncpu); err != nil {
		return err
	}

	// 4. The wrong solutions, each -fixture-runs times: killed only if
	// every run fails (runWaves, like the mutants).
	var jobs []job
	for _, x := range c.exs {
		for k := range x.fixtures {
			f := &x.fixtures[k]
			f.run = &mutant{stub: x.stub, key: x.Dir() + " wrong/" + f.name, path: f.path, limit: c.maxTimeout([]*exercise{x})}
			jobs = append(jobs, job{x, f.run, c.fixtureRuns})
		}
	}
	t0 = time.Now()
	log("wrong solutions: %d, each tested with -race -count=%d", len(jobs), c.fixtureRuns)
	if err := c.runWaves(ctx, log, "wrong solutions", jobs, c.fixtureRuns); err != nil {
		return err
	}
	for _, x := range c.exs {
		for k := range x.fixtures {
			f := &x.fixtures[k]
			f.got, f.output = f.run.verdict, f.run.output
		}
	}
	log("wrong solutions: done in %v", time.Since(t0).Round(time.Second))
	return nil
}

// passedEveryRun judges a correct solution's go test -count: how many
// runs every test passed (want, when all did), or why it did not pass.
func passedEveryRun(r *pkgRun, want int, verbose bool) (runs int, why string) {
	switch v := r.Verdict(); {
	case v != vPass:
		why = string(v)
	default:
		for _, name := range slices.Sorted(maps.Keys(r.Passes)) {
			if n := r.Passes[name]; n != want || r.Fails[name] > 0 {
				why = fmt.Sprintf("%s passed %d of %d runs", name, n, want)
				break
			}
		}
	}
	if why != "" {
		return 0, why + "\n" + excerpt(r.Output.String(), verbose)
	}
	return want, ""
}

// runPassFixtures runs the tests against every pass fixture, the k-th of
// every exercise in round k, -pass-count times per -cpu value.
func (c *checker) runPassFixtures(ctx context.Context, log func(string, ...any), ncpu int) error {
	var g errgroup.Group
	g.SetLimit(c.rounds)
	var mu sync.Mutex // guards the fixtures' results and the log
	for k := 0; ; k++ {
		var round []*exercise
		overlay := map[string]string{}
		for _, x := range c.exs {
			if k < len(x.passes) {
				round = append(round, x)
				overlay[x.stub] = x.passes[k].path
			}
		}
		if len(round) == 0 {
			break
		}
		g.Go(func() error {
			t0 := time.Now()
			runs, err := c.goTest(ctx, nil, overlay, round, "-race", "-count="+strconv.Itoa(c.passCount), "-cpu", c.cpus,
				"-p", strconv.Itoa(c.parallel), "-timeout", (c.maxTimeout(round) * time.Duration(c.passCount*ncpu)).String())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				return err
			}
			for _, x := range round {
				p := &x.passes[k]
				p.runs, p.err = passedEveryRun(runs[x.pkg], c.passCount*ncpu, c.verbose)
			}
			log("pass fixtures, round %d (%d exercises): done in %v", k+1, len(round), time.Since(t0).Round(time.Second))
			return nil
		})
	}
	return g.Wait()
}

func (x *exercise) killed() int {
	n := 0
	for _, f := range x.fixtures {
		if f.accepts(f.got) && f.run != nil && f.run.fate == fKilled {
			n++
		}
	}
	return n
}

func (x *exercise) passing() int {
	n := 0
	for _, p := range x.passes {
		if p.err == "" && p.runs > 0 {
			n++
		}
	}
	return n
}

func (x *exercise) ok() bool {
	return len(x.problems) == 0 && x.solErr == "" && x.solRuns > 0 &&
		x.stubGot != vPass && x.stubGot != vBuild && x.stubGot != vCut && x.stubGot != "" &&
		x.killed() == len(x.fixtures) && x.passing() == len(x.passes)
}

func (c *checker) ok() bool {
	for _, x := range c.exs {
		if !x.ok() || c.mutants.on && !x.mutantsOK() {
			return false
		}
	}
	return true
}

// flagSet reports whether the flag called name was given.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// report prints one line per exercise and the details of anything wrong.
func (c *checker) report(w *os.File) {
	var killed, total int
	for _, x := range c.exs {
		mark := "ok  "
		if !x.ok() {
			mark = "FAIL"
		}
		sol := fmt.Sprintf("reference passes (%d runs)", x.solRuns)
		if x.solErr != "" {
			sol = "SOLUTION FAILS"
		}
		stub := fmt.Sprintf("stub fails (%s, %d tests)", x.stubGot, x.stubFails)
		switch x.stubGot {
		case vPass, vBuild, vCut, "":
			stub = fmt.Sprintf("STUB DOES NOT FAIL PROPERLY (%s)", x.stubGot)
		}
		line := fmt.Sprintf("%s %-14s %s, %s, wrong killed %d/%d, pass fixtures pass %d/%d",
			mark, x.ID(), sol, stub, x.killed(), len(x.fixtures), x.passing(), len(x.passes))
		if c.mutantsMade {
			line += ", " + x.mutantSummary()
		}
		fmt.Fprintln(w, line)
		for _, p := range x.problems {
			fmt.Fprintf(w, "       problem: %s\n", p)
		}
		if x.solErr != "" {
			fmt.Fprintf(w, "       solution: %s\n", indent(x.solErr))
		}
		if x.stubGot == vBuild || x.stubGot == vPass {
			fmt.Fprintf(w, "       stub: %s\n", indent(excerpt(x.stubOut, c.verbose)))
		}
		for _, f := range x.fixtures {
			if !f.accepts(f.got) || f.run == nil || f.run.fate != fKilled {
				runs := ""
				if f.run != nil && f.run.runs > 0 {
					runs = fmt.Sprintf(", killed in %d of %d runs", f.run.kills, f.run.runs)
				}
				fmt.Fprintf(w, "       %s: want %s, got %s%s (%s)\n", f.name, f.want, cmp.Or(string(f.got), "no verdict"), runs, f.why)
				if f.got != "" {
					fmt.Fprintf(w, "         %s\n", indent(excerpt(f.output, c.verbose)))
				}
			}
		}
		for _, p := range x.passes {
			if p.err != "" {
				fmt.Fprintf(w, "       pass/%s (%s) does not pass: %s\n", p.name, p.design, indent(p.err))
			}
		}
		killed += x.killed()
		total += len(x.fixtures)
	}
	rate := 0.0
	if total > 0 {
		rate = 100 * float64(killed) / float64(total)
	}
	fmt.Fprintf(w, "kill rate %.0f%% (%d of %d wrong solutions failed for the expected reason in each of %d runs)\n", rate, killed, total, c.fixtureRuns)
}

// excerpt keeps the part of a test output worth reading: the first lines
// of the first failure, unless verbose.
func excerpt(out string, verbose bool) string {
	if verbose {
		return out
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines {
		if strings.Contains(l, "--- FAIL") || strings.Contains(l, "WARNING: DATA RACE") || strings.HasPrefix(l, "panic:") {
			lines = lines[i:]
			break
		}
	}
	if len(lines) > 25 {
		lines = append(lines[:25], "... (-v prints all)")
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n         ") }
