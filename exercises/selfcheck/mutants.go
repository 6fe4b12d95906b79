package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/conclab/conclab/exercises/selfcheck/mutate"
)

// equivalentFile lists the mutants that no test could kill, relative to
// the module root.
const equivalentFile = "exercises/selfcheck/equivalent.txt"

// raceEnv makes the race detector report a race every time it sees one.
// By default it reports each pair of racing stacks once per process, so
// with -count=5 a racy mutant would fail the first run and pass the four
// others, and never count as killed in every run.
func raceEnv() []string {
	flags := "suppress_equal_stacks=0 suppress_equal_addresses=0"
	if old := os.Getenv("GORACE"); old != "" {
		flags = old + " " + flags
	}
	return []string{"GORACE=" + flags}
}

// mutantsMode is what -mutants asked for.
type mutantsMode struct {
	on     bool
	sample int // mutants per exercise; 0 for all
}

func parseMutantsMode(s string) (mutantsMode, error) {
	switch {
	case s == "":
		return mutantsMode{}, nil
	case s == "all":
		return mutantsMode{on: true}, nil
	case strings.HasPrefix(s, "sample="):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "sample="))
		if err != nil || n < 1 {
			return mutantsMode{}, fmt.Errorf("-mutants sample=N needs a positive number, not %q", s)
		}
		return mutantsMode{on: true, sample: n}, nil
	}
	return mutantsMode{}, fmt.Errorf("-mutants is all or sample=N, not %q", s)
}

// fate is what became of a mutant.
type fate string

const (
	fKilled     fate = "killed"     // every run failed
	fSurvived   fate = "survived"   // some run passed
	fEquivalent fate = "equivalent" // survived, and equivalent.txt says why no test can kill it
	fStillborn  fate = "stillborn"  // does not compile
)

// mutant is one mutant of a reference solution under check.
type mutant struct {
	mutate.Mutant
	stub    string // the stub file its source replaces
	key     string // its name in equivalent.txt: "02-ledger ledger.go:36 split-critical-section"
	path    string // its source, written out for -overlay
	runs    int    // runs of the tests watched so far
	kills   int    // runs that killed it
	fate    fate   // "" while runs remain to be watched
	verdict verdict
	output  string        // of its first go test
	reason  string        // equivalent.txt's, when it is listed there
	time    time.Duration // its test binaries ran this long
	limit   time.Duration // one run's time limit
	slowest time.Duration // its slowest run (a go test's binary time over its runs)
	// slowTest is the test that ran longest against it, for slowTime.
	slowTest string
	slowTime time.Duration
}

// loadEquivalents reads equivalent.txt: one mutant per line,
//
//	NN-slug file.go:LINE operator: reason
//
// with blank lines and lines starting with # ignored.
func (c *checker) loadEquivalents() error {
	path := filepath.Join(c.root, equivalentFile)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	c.equivalents = map[string]string{}
	line := regexp.MustCompile(`^(\d\d-[a-z0-9-]+) ([^ :]+\.go):(\d+) ([a-z0-9-]+): *(.*)$`)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		m := line.FindStringSubmatch(text)
		switch {
		case m == nil:
			return fmt.Errorf("%s:%d: want \"NN-slug file.go:LINE operator: reason\", got %q", equivalentFile, n, text)
		case mutate.Operator(m[4]).Doc() == "":
			return fmt.Errorf("%s:%d: no operator %q (there are %v)", equivalentFile, n, m[4], mutate.Operators())
		case strings.TrimSpace(m[5]) == "":
			return fmt.Errorf("%s:%d: say why %s %s:%s %s is equivalent", equivalentFile, n, m[1], m[2], m[3], m[4])
		}
		c.equivalents[fmt.Sprintf("%s %s:%s %s", m[1], m[2], m[3], m[4])] = strings.TrimSpace(m[5])
	}
	return sc.Err()
}

// makeMutants makes the mutants of x's reference solution (a sample of
// them with -mutants sample=N) and writes each into dir.
func (c *checker) makeMutants(x *exercise, dir string) error {
	var all []mutate.Mutant
	var stubs []string // the stub file each of all replaces
	for _, stub := range slices.Sorted(maps.Keys(x.solution)) {
		src, err := os.ReadFile(x.solution[stub])
		if err != nil {
			return err
		}
		ms, err := mutate.All(x.solution[stub], src)
		if err != nil {
			return err
		}
		all = append(all, ms...)
		for range ms {
			stubs = append(stubs, stub)
		}
	}
	picked := sample(all, len(all), 0)
	if c.mutants.sample > 0 {
		picked = sample(all, c.mutants.sample, c.mutantSeed)
	}
	for _, i := range picked {
		m, stub := all[i], stubs[i]
		mu := &mutant{Mutant: m, stub: stub, key: fmt.Sprintf("%s %s:%d %s", x.Dir(), filepath.Base(stub), m.Line, m.Operator)}
		mu.path = filepath.Join(dir, fmt.Sprintf("%s-%03d-%s", x.Dir(), i+1, filepath.Base(stub)))
		if err := os.WriteFile(mu.path, m.Source, 0o644); err != nil {
			return err
		}
		x.mutants = append(x.mutants, mu)
	}
	return nil
}

// seedOf is -mutant-seed's text as a seed for sample: 0 for none.
func seedOf(text string) uint64 {
	if text == "" {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(text))
	return max(h.Sum64(), 1)
}

// sample picks n of ms, one operator after the other, so that a sample
// covers as many operators as it can, and returns their indexes in order.
// With seed 0 it takes each operator's mutants in source order; any other
// seed shuffles them first (the same seed, the same sample), so that
// samples under different seeds cover different mutants in time.
func sample(ms []mutate.Mutant, n int, seed uint64) []int {
	byOp := map[mutate.Operator][]int{}
	for i, m := range ms {
		byOp[m.Operator] = append(byOp[m.Operator], i)
	}
	if seed != 0 {
		r := rand.New(rand.NewPCG(seed, 0))
		for _, op := range mutate.Operators() {
			r.Shuffle(len(byOp[op]), func(i, j int) { byOp[op][i], byOp[op][j] = byOp[op][j], byOp[op][i] })
		}
	}
	var picked []int
	for k := 0; len(picked) < min(n, len(ms)); k++ {
		for _, op := range mutate.Operators() {
			if k < len(byOp[op]) && len(picked) < n {
				picked = append(picked, byOp[op][k])
			}
		}
	}
	slices.Sort(picked)
	return picked
}

// runMutants runs the tests c.mutantRuns times against every mutant of
// every exercise whose reference solution passed (runWaves).
func (c *checker) runMutants(ctx context.Context, log func(string, ...any)) error {
	dir, err := os.MkdirTemp("", "selfcheck-mutants-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	total := 0
	for _, x := range c.exs {
		if x.solErr != "" || x.solRuns == 0 {
			x.mutantsSkipped = "the reference solution does not pass"
			continue
		}
		if c.mutantsOf != nil && !slices.Contains(c.mutantsOf, x.Number) {
			x.mutantsSkipped = notSelected
			continue
		}
		if err := c.makeMutants(x, dir); err != nil {
			return fmt.Errorf("%s: %v", x.ID(), err)
		}
		total += len(x.mutants)
	}
	c.mutantsMade = true
	t0 := time.Now()
	var limits []string
	for _, x := range c.exs {
		if x.mutantsSkipped == "" {
			limits = append(limits, fmt.Sprintf("%s %v", x.Slug, c.runLimit(x)))
		}
	}
	what := "all"
	if c.mutants.sample > 0 {
		what = fmt.Sprintf("a sample of %d per exercise, in source order", c.mutants.sample)
		if c.mutantSeed != 0 {
			what = fmt.Sprintf("a sample of %d per exercise, shuffled by seed %d", c.mutants.sample, c.mutantSeed)
		}
	}
	log("mutants: %d (%s), each tested with -race -count=%d; time limit per run: %s", total, what, c.mutantRuns, strings.Join(limits, ", "))
	if err := c.vetMutants(ctx, log); err != nil {
		return err
	}
	var jobs []job
	for _, x := range c.exs {
		for _, m := range x.mutants {
			if m.fate != "" {
				continue // vet rejected it: the grader would not run its tests
			}
			m.limit = c.runLimit(x)
			jobs = append(jobs, job{x, m, c.mutantRuns})
		}
	}
	if err := c.runWaves(ctx, log, "mutants", jobs, c.mutantRuns); err != nil {
		return err
	}
	for _, x := range c.exs {
		for _, m := range x.mutants {
			if reason, ok := c.equivalents[m.key]; ok {
				m.reason = reason
				if m.fate == fSurvived {
					m.fate = fEquivalent
				}
			}
		}
	}
	log("mutants: done in %v", time.Since(t0).Round(time.Second))
	return nil
}

// vetMutants vets every mutant as the grader vets a submission (its go
// test runs every vet check first, and a finding fails the exercise
// before any test runs): a wg.Add moved into the goroutine it counts is
// vet's waitgroup finding, a dropped cancel its lostcancel, a copied
// lock its copylocks. A mutant vet rejects is killed, by vet, in every
// run; one that does not compile is left to the tests' build to call
// stillborn.
func (c *checker) vetMutants(ctx context.Context, log func(string, ...any)) error {
	t0 := time.Now()
	var mu sync.Mutex // guards the mutants' fates
	var g errgroup.Group
	g.SetLimit(c.parallel)
	vetted := 0
	for _, x := range c.exs {
		if len(x.mutants) == 0 {
			continue
		}
		// A finding in the reference would reject all its mutants.
		if out, rejected, err := goVet(ctx, c.root, x.solution, x.pkg); err != nil || rejected {
			return fmt.Errorf("%s: go vet of the reference solution: %v\n%s", x.ID(), err, out)
		}
		for _, m := range x.mutants {
			g.Go(func() error {
				overlay := map[string]string{}
				for stub, sol := range x.solution {
					overlay[stub] = sol
				}
				overlay[m.stub] = m.path
				out, rejected, err := goVet(ctx, c.root, overlay, x.pkg)
				if err != nil {
					return fmt.Errorf("%s: vet: %w", m.key, err)
				}
				mu.Lock()
				defer mu.Unlock()
				vetted++
				if rejected {
					m.fate, m.verdict, m.output = fKilled, vVet, out
					m.runs, m.kills = c.mutantRuns, c.mutantRuns
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	log("mutants: %d vetted in %v", vetted, time.Since(t0).Round(time.Second))
	return nil
}

// runWaves runs the tests against every subject of jobs (mutants, or
// wrong solutions) runs times each. Like the wrong solutions, the k-th
// subjects of all exercises go into one go test invocation (a round), and
// c.rounds rounds run at once. Each round runs the tests with -count. A
// subject whose test binary died before the last run (a panic ends every
// run after it) owes the runs after: a later wave runs each of them as a
// go test -count=1 of its own, in rounds side by side, so that a hang
// costs one run's time limit each, until it has been watched runs times
// or some run let it live.
func (c *checker) runWaves(ctx context.Context, log func(string, ...any), label string, jobs []job, runs int) error {
	var mu sync.Mutex // guards the subjects' results and the log
	for wave := 1; len(jobs) > 0; wave++ {
		rounds := roundsOf(c.exs, jobs)
		if wave > 1 {
			log("%s: %d runs owed by test binaries that died, in %d rounds", label, len(jobs), len(rounds))
		}
		var g errgroup.Group
		g.SetLimit(c.rounds)
		for i, r := range rounds {
			g.Go(func() error {
				t0 := time.Now()
				overlay := map[string]string{}
				var exs []*exercise
				var limit time.Duration
				for _, j := range r {
					for stub, sol := range j.x.solution {
						overlay[stub] = sol
					}
					overlay[j.m.stub] = j.m.path
					exs = append(exs, j.x)
					limit = max(limit, j.m.limit)
				}
				count := r[0].count
				out, err := c.goTest(ctx, raceEnv(), overlay, exs, "-race", "-vet=off",
					"-count="+strconv.Itoa(count), "-p", strconv.Itoa(c.parallel),
					"-timeout", (limit * time.Duration(count)).String())
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					return err
				}
				var got []string
				for _, j := range r {
					j.m.record(out[j.x.pkg], count, runs)
					got = append(got, fmt.Sprintf("%s %s", j.x.Slug, cmp.Or(string(j.m.fate), "owes runs")))
				}
				log("%s, wave %d, round %d/%d (%s): done in %v", label, wave, i+1, len(rounds),
					strings.Join(got, ", "), time.Since(t0).Round(time.Second))
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		var owed []job
		for _, j := range jobs {
			if j.m.fate == "" && !slices.ContainsFunc(owed, func(o job) bool { return o.m == j.m }) {
				for range runs - j.m.runs {
					owed = append(owed, job{j.x, j.m, 1})
				}
			}
		}
		jobs = owed
	}
	return nil
}

// runLimit is how long one run of x's tests may take against a mutant
// before it counts as hung (go test -timeout, times the runs): ten times
// what the reference solution took, at least 10s, at most the catalog's
// Timeout. A mutant that hangs costs that much per run it owes, and most
// tests' own deadlock guards only fail a test: what they guard stays
// stuck, and a later test, or goleak, may wait on it.
func (c *checker) runLimit(x *exercise) time.Duration {
	if c.mutantTimeout > 0 {
		return c.mutantTimeout
	}
	d := 10 * time.Second
	if x.solRuns > 0 {
		d = max(d, 10*x.solTime/time.Duration(x.solRuns))
	}
	return min(d, max(x.Timeout, 10*time.Second))
}

// job is one go test -count of a mutant.
type job struct {
	x     *exercise
	m     *mutant
	count int
}

// roundsOf puts jobs into rounds: one go test each, so one count and at
// most one mutant of each exercise (the overlay replaces its stub). Round
// k holds the k-th job of every exercise.
func roundsOf(exs []*exercise, jobs []job) [][]job {
	var rounds [][]job
	byCount := map[int]map[*exercise][]job{}
	for _, j := range jobs {
		if byCount[j.count] == nil {
			byCount[j.count] = map[*exercise][]job{}
		}
		byCount[j.count][j.x] = append(byCount[j.count][j.x], j)
	}
	for _, n := range slices.Sorted(maps.Keys(byCount)) {
		for k := 0; ; k++ {
			var r []job
			for _, x := range exs {
				if q := byCount[n][x]; k < len(q) {
					r = append(r, q[k])
				}
			}
			if len(r) == 0 {
				break
			}
			rounds = append(rounds, r)
		}
	}
	return rounds
}

// record adds one go test -count=n of m to what was seen of it, out of the
// want runs it must be killed in.
func (m *mutant) record(r *pkgRun, n, want int) {
	if m.fate != "" {
		return // decided by another of its runs
	}
	if r.BuildFailed {
		m.fate, m.output = fStillborn, r.Output.String()
		return
	}
	watched, killed := tally(r, n)
	if m.runs == 0 {
		m.verdict, m.output = r.Verdict(), r.Output.String()
	}
	m.time += r.Elapsed
	if r.SlowestTime > m.slowTime {
		m.slowTest, m.slowTime = r.SlowestTest, r.SlowestTime
	}
	if watched > 0 {
		m.slowest = max(m.slowest, r.Elapsed/time.Duration(watched))
	}
	m.runs += watched
	m.kills += killed
	switch {
	case killed < watched || watched == 0:
		m.fate = fSurvived
	case m.runs >= want:
		m.fate = fKilled
	}
}

// tally reads one go test -count=n of a mutant: how many of the n runs it
// watched, and how many of those killed the mutant. A run kills it when a
// test fails in it, or when the test binary dies during it (a panic, a
// fatal error, the test timeout): the runs after a death never happened
// and are not watched. A failure that the package reports only once,
// after the last run (goleak's check in TestMain), counts for every run
// when no run failed on its own.
func tally(r *pkgRun, n int) (watched, killed int) {
	most := 0 // runs begun
	for _, s := range r.Starts {
		most = max(most, s)
	}
	incomplete := false // the last run begun never ended
	for t, s := range r.Starts {
		if s < most || len(r.Results[t]) < s {
			incomplete = true
		}
	}
	failed := make([]bool, most)
	for _, res := range r.Results {
		for j, a := range res {
			if a == "fail" && j < most {
				failed[j] = true
			}
		}
	}
	died := r.Action != "pass" && (most < n || incomplete)
	switch {
	case died && (most == 0 || most >= 2 && !incomplete):
		// Before the first test began, or after a run that every test
		// (known from the first run) finished: it died in the next run.
		failed = append(failed, true)
	case died:
		// In the last run begun (or, with one run begun and every test
		// seen finished, just after it: the binary owes the runs after).
		failed[most-1] = true
	}
	for _, f := range failed {
		if f {
			killed++
		}
	}
	if r.Action != "pass" && !died && killed == 0 {
		killed = len(failed)
	}
	return len(failed), killed
}

func (x *exercise) count(f fate) int {
	n := 0
	for _, m := range x.mutants {
		if m.fate == f {
			n++
		}
	}
	return n
}

// notSelected is why an exercise left out by -mutants-of has no mutants
// tested: a choice, not a failure.
const notSelected = "not in -mutants-of"

func (x *exercise) mutantsOK() bool {
	if x.mutantsSkipped == notSelected {
		return true
	}
	return x.mutantsSkipped == "" && x.count(fSurvived) == 0 &&
		!slices.ContainsFunc(x.mutants, func(m *mutant) bool { return m.fate == "" })
}

// reportMutants prints one line per exercise and every survivor that is
// not listed as equivalent, ready to be killed by a better test or listed.
func (c *checker) reportMutants(w io.Writer) {
	fmt.Fprintf(w, "mutants (tests run %d times under -race; killed only if every run fails):\n", c.mutantRuns)
	var killed, judged int
	for _, x := range c.exs {
		mark := "ok  "
		if x.mutantsSkipped == notSelected {
			mark = "--  "
		}
		if !x.mutantsOK() {
			mark = "FAIL"
		}
		if x.mutantsSkipped != "" {
			fmt.Fprintf(w, "%s %-14s mutants not run: %s\n", mark, x.ID(), x.mutantsSkipped)
			continue
		}
		fmt.Fprintf(w, "%s %-14s %s\n", mark, x.ID(), x.mutantSummary())
		for _, m := range x.mutants {
			switch {
			case m.fate == fSurvived:
				fmt.Fprintf(w, "       survived: %s: %s (killed in %d of %d runs)\n", m.key, what(m), m.kills, m.runs)
			case m.fate == "":
				fmt.Fprintf(w, "       not finished: %s: %s\n", m.key, what(m))
			case m.fate == fKilled && m.reason != "":
				fmt.Fprintf(w, "       note: %s is listed in %s but was killed (%s)\n", m.key, filepath.Base(equivalentFile), m.verdict)
			case m.fate == fStillborn && c.verbose:
				fmt.Fprintf(w, "       stillborn: %s: %s\n         %s\n", m.key, what(m), indent(firstError(m.output)))
			case m.fate == fKilled && c.verbose:
				fmt.Fprintf(w, "       killed (%s, %d runs, %v): %s: %s\n", m.verdict, m.runs, m.time.Round(time.Second), m.key, what(m))
			case m.fate == fEquivalent && c.verbose:
				fmt.Fprintf(w, "       equivalent: %s: %s (%s)\n", m.key, what(m), m.reason)
			}
		}
		killed += x.count(fKilled)
		judged += x.count(fKilled) + x.count(fSurvived)
	}
	if c.mutants.sample == 0 {
		for _, key := range slices.Sorted(maps.Keys(c.equivalents)) {
			dir, _, _ := strings.Cut(key, " ")
			for _, x := range c.exs {
				if x.Dir() == dir && x.mutantsSkipped == "" && !slices.ContainsFunc(x.mutants, func(m *mutant) bool { return m.key == key }) {
					fmt.Fprintf(w, "       note: %s in %s names no mutant (a line moved?)\n", key, filepath.Base(equivalentFile))
				}
			}
		}
	}
	score := 100.0
	if judged > 0 {
		score = 100 * float64(killed) / float64(judged)
	}
	fmt.Fprintf(w, "mutation score %.0f%% (%d of %d mutants that compile and are not equivalent were killed in every run)\n",
		score, killed, judged)
}

// mutantSummary is a line's worth: killed, by which verdicts, equivalent,
// survived (if any) and stillborn, of how many.
func (x *exercise) mutantSummary() string {
	if x.mutantsSkipped != "" {
		return "mutants not run: " + x.mutantsSkipped
	}
	verdicts := map[verdict]int{}
	for _, m := range x.mutants {
		if m.fate == fKilled {
			verdicts[m.verdict]++
		}
	}
	var by []string
	for _, v := range append(slices.Clone(wantable), vVet, vNoTests, vCut) {
		if verdicts[v] > 0 {
			by = append(by, fmt.Sprintf("%s %d", v, verdicts[v]))
		}
	}
	s := fmt.Sprintf("mutants killed/equivalent/total %d/%d/%d", x.count(fKilled), x.count(fEquivalent), len(x.mutants))
	if len(by) > 0 {
		s += " (" + strings.Join(by, ", ") + ")"
	}
	if n := x.count(fSurvived); n > 0 {
		s += fmt.Sprintf(", %d SURVIVED", n)
	}
	if n := x.count(fStillborn); n > 0 {
		s += fmt.Sprintf(", %d stillborn", n)
	}
	var slowest, slowTest *mutant
	for _, m := range x.mutants {
		if slowest == nil || m.slowest > slowest.slowest {
			slowest = m
		}
		if slowTest == nil || m.slowTime > slowTest.slowTime {
			slowTest = m
		}
	}
	if slowest == nil {
		return s
	}
	name := func(m *mutant) string { _, n, _ := strings.Cut(m.key, " "); return n }
	return s + fmt.Sprintf(", slowest run %.1fs (%s), slowest test %.1fs (%s, %s)", slowest.slowest.Seconds(), name(slowest),
		slowTest.slowTime.Seconds(), slowTest.slowTest, name(slowTest))
}

// what is m's description without its "file.go:LINE: ", which m.key has.
func what(m *mutant) string {
	_, d, ok := strings.Cut(m.Description, ": ")
	if !ok {
		return m.Description
	}
	return d
}

// firstError is the first compiler message in a build's output.
func firstError(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, ".go:") {
			return strings.TrimSpace(l)
		}
	}
	return excerpt(out, false)
}
