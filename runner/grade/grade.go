// Package grade is conclab's grading engine, shared by the student's check
// and watch and by CI's grade: it assembles a workspace from the learner's
// files and the canonical tests embedded in the binary, runs
// `go test -race -json` over it with time limits, an output cap and a
// process-group kill, reads the test2json stream and decides a verdict per
// test and per exercise, with an explanation of what went wrong.
package grade

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/conclab/conclab/exercises"
)

// ReportVersion is the version of the JSON report's shape.
const ReportVersion = 1

// Module is the import path of the conclab module.
const Module = "github.com/conclab/conclab"

// Options say what to grade and how.
type Options struct {
	// Progress, if set, is called as each exercise's tests end (before
	// its verdict is known): action is go test's, pass or fail.
	Progress func(ex exercises.Exercise, action string)
	// Root is the conclab module's folder (holding go.mod); the graded
	// packages are built there, with the submission laid over them.
	Root string
	// Submission holds the learner's files: either NN-slug/<file> or
	// exercises/NN-slug/<file> below it. Empty: Root's exercises folder.
	Submission string
	Exercises  []exercises.Exercise
	// NoRace turns the race detector off (for tests of the engine only).
	NoRace bool
	// Deadline bounds the whole run; zero means 10 minutes.
	Deadline time.Duration
	// OutputCap bounds the output kept per test and per exercise; zero
	// means 256 KiB.
	OutputCap int
	// Log, if set, receives a line as each go test invocation starts.
	Log io.Writer
	// Own, if set, says which other files (absolute paths) explanations
	// may point at, besides the exercise's learner files: diagnose uses
	// the module's own files.
	Own func(file string) bool
	// Watchdog is how long a test binary must have run nothing before
	// the watchdog looks for goroutines that can never wake; zero means
	// DefaultWatchdog.
	Watchdog time.Duration
	// DumpOnly finds blocked goroutines from goroutine dumps alone, the
	// fallback where the toolchain has no goroutine leak profile (for
	// tests of that fallback).
	DumpOnly bool

	tmp     string            // the grader's scratch folder
	aliases map[string]string // the grader's copies in tmp -> the paths they stand for
	sandbox []string          // the graded code's HOME, TMPDIR and run tag (sandboxEnv)
	runTag  string
}

// Result is the outcome of one grading run.
type Result struct {
	Version   int               `json:"version"`
	Started   time.Time         `json:"started"`
	Duration  float64           `json:"duration_seconds"`
	Passed    bool              `json:"passed"`
	Points    int               `json:"points"`
	MaxPoints int               `json:"max_points"`
	Exercises []*ExerciseResult `json:"exercises"`
}

// ExerciseResult is the verdict on one exercise.
type ExerciseResult struct {
	Number    int           `json:"number"`
	Slug      string        `json:"slug"`
	Title     string        `json:"title"`
	Verdict   Verdict       `json:"verdict"`
	Message   string        `json:"message,omitempty"`
	Points    int           `json:"points"`
	MaxPoints int           `json:"max_points"`
	Duration  float64       `json:"duration_seconds"`
	Tests     []*TestResult `json:"tests"`
	// Locations are the learner's lines that the explanation points at.
	Locations []Location `json:"locations,omitempty"`
	// Explanation says, in words, what the failure was.
	Explanation []string `json:"explanation,omitempty"`
	// Findings lists the kinds of problem the explanation explains, in
	// the order found: race, deadlock, leak, panic, timeout, lock-order
	// inversion, recursive locking, lock held too long.
	Findings []string `json:"findings,omitempty"`
	// Notes report what the engine did with the submission: ignored
	// test files that differ from the canonical ones, missing files,
	// truncated output.
	Notes []string `json:"notes"`
	// Method says how blocked or leaked goroutines were looked for: the
	// runtime's "goroutine leak profile" (proof that nothing can wake
	// them), or a "goroutine dump" (a toolchain without the profile).
	Method string `json:"method,omitempty"`
	// Hint is the next hint's number (1-3) for a failed exercise.
	Hint int `json:"next_hint,omitempty"`
	// Output is what go test printed for the exercise (capped).
	Output    string `json:"output,omitempty"`
	Truncated bool   `json:"output_truncated"`

	Exercise exercises.Exercise `json:"-"`
	census   string             // what the census test printed
	// packageOutput is what the test binary printed outside any test
	// (a fatal error, goleak's report), without the build's output.
	packageOutput string
	censusName    string   // the census test's name ("" when there is none)
	run           *Package // the package's run, as judged
	// sealRequired: the tests count as run to the end only if the
	// census said so on the sealed pipe (sealedDone).
	sealRequired, sealedDone bool
	// Files maps the paths that appear in the test output to the
	// learner's real files (those shown as code).
	Files map[string]string `json:"-"`
}

// Location is one of the learner's lines.
type Location struct {
	File string   `json:"file"` // as the learner knows it, e.g. exercises/01-counter/counter.go
	Line int      `json:"line"`
	What string   `json:"what"`           // e.g. "write by goroutine 8", "compile error"
	Code []string `json:"code,omitempty"` // the line and its neighbours, "NN| text"
}

// Grade grades opts.Exercises. It returns an error only when grading
// itself could not run (no go command, no such folder): a failing
// submission is a Result whose Passed is false.
func Grade(ctx context.Context, opts Options) (*Result, error) {
	if opts.Deadline == 0 {
		opts.Deadline = 10 * time.Minute
	}
	if opts.OutputCap == 0 {
		opts.OutputCap = 256 << 10
	}
	if opts.Submission == "" {
		opts.Submission = filepath.Join(opts.Root, "exercises")
	}
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fmt.Errorf("grading needs the Go toolchain: %w", err)
	}
	if st, err := os.Stat(opts.Submission); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("no submission folder %s", opts.Submission)
	}
	res := &Result{Version: ReportVersion, Started: time.Now()}
	sweepStale(os.TempDir(), "conclab-grade-", time.Now().Add(-staleAfter))
	tmp, err := os.MkdirTemp("", "conclab-grade-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	overlay := map[string]string{}
	byPkg := map[string]*ExerciseResult{}
	var pkgs []string
	var longest time.Duration
	for _, ex := range opts.Exercises {
		er, err := assemble(opts, ex, tmp, overlay)
		if err != nil {
			return nil, err
		}
		res.Exercises = append(res.Exercises, er)
		if er.Verdict == Policy || er.Verdict == NotSubmitted {
			er.notRun()
			continue
		}
		pkg := Module + "/exercises/" + ex.Dir()
		byPkg[pkg] = er
		pkgs = append(pkgs, pkg)
		longest = max(longest, limitOf(ex))
	}
	if len(pkgs) == 0 && len(res.Exercises) > 0 && !slices.ContainsFunc(res.Exercises, func(er *ExerciseResult) bool { return er.Verdict != NotSubmitted }) {
		return nil, fmt.Errorf("nothing to grade in %s: no exercise's files (NN-slug/<file>.go or exercises/NN-slug/<file>.go)", opts.Submission)
	}

	// What go prints of the grader's copies names the files they stand for.
	opts.tmp, opts.aliases = tmp, map[string]string{}
	if opts.sandbox, opts.runTag, err = sandboxEnv(filepath.Join(tmp, "sandbox")); err != nil {
		return nil, err
	}
	for target, copyPath := range overlay {
		if copyPath != "" && strings.HasPrefix(copyPath, tmp+string(filepath.Separator)) {
			opts.aliases[copyPath] = target
		}
	}
	// The copy of a learner's file stands for the learner's own file.
	for _, er := range res.Exercises {
		for target, learner := range er.Files {
			if c := overlay[target]; c != "" && c != learner {
				opts.aliases[c] = learner
			}
		}
	}

	ctx, cancel := context.WithTimeout(ctx, opts.Deadline)
	defer cancel()
	x := NewExecution(opts.OutputCap)
	if opts.Progress != nil {
		x.OnDone = func(pkg, action string) {
			if er := byPkg[pkg]; er != nil {
				opts.Progress(er.Exercise, action)
			}
		}
	}
	// One go test for every exercise, as fast as a bare go test over the
	// same packages: go test's -timeout is the longest limit, and each
	// exercise's census holds that exercise's own limit.
	args := []string{"-count=1", "-vet=all", "-timeout", longest.String()}
	if !opts.NoRace {
		args = append(args, "-race")
	}
	var sealed map[string]bool
	inv := opts.gradedRun(invocation{dir: opts.Root, overlay: overlay, tmp: tmp, pkgs: pkgs, args: args, log: opts.Log, maxRSS: maxRSS})
	// Writes into the submission or the grader's exercises, which no
	// test should make, are noticed by comparing before and after.
	watched := []string{opts.Submission, filepath.Join(opts.Root, "exercises")}
	before := snapshot(watched...)
	if len(pkgs) > 0 {
		var err error
		if sealed, err = goTestSealed(ctx, inv, x); err != nil {
			return nil, err
		}
	}
	if ctx.Err() == nil {
		markVetOnly(ctx, opts, overlay, tmp, pkgs, x)
	}
	for pkg, er := range byPkg {
		er.sealedDone = sealed[pkg]
		Finish(er, x.Packages[pkg], opts)
		for _, l := range x.Limits {
			if why, ok := strings.CutPrefix(l, er.Exercise.Dir()+".test: "); ok {
				er.Verdict, er.Message, er.Points = ResourceLimit, why, 0
				er.Explanation = append([]string{why}, er.Explanation...)
				for _, t := range er.Tests {
					if strings.HasPrefix(t.Message, "never finished") {
						t.Verdict, t.Message = ResourceLimit, why
					}
				}
			}
		}
	}
	if ctx.Err() == nil && sealable {
		confirmAfterDeadlock(ctx, opts, inv, byPkg)
	}
	if ctx.Err() == nil {
		explainLockCycles(ctx, opts, res.Exercises, overlay, tmp)
	}
	if len(pkgs) > 0 {
		dirs := map[*ExerciseResult][]string{}
		for _, er := range byPkg {
			dirs[er] = []string{submissionDir(opts.Submission, er.Exercise), filepath.Join(opts.Root, "exercises", er.Exercise.Dir())}
		}
		workspaceNotes(changed(before, snapshot(watched...)), res.Exercises, dirs, opts.shownPath)
	}
	if ctx.Err() == nil {
		paths := relativePaths(opts)
		for _, er := range res.Exercises {
			er.rewritePaths(paths) // what the second run added
		}
	}
	res.Duration = time.Since(res.Started).Seconds()
	res.Passed = len(res.Exercises) > 0
	for _, er := range res.Exercises {
		res.Points += er.Points
		res.MaxPoints += er.MaxPoints
		if er.Verdict != Pass {
			res.Passed = false
		}
	}
	return res, nil
}

// The resource limits of a graded test binary: far above what any
// exercise's tests need with a correct solution (hundreds of goroutines,
// tens of MiB), far below what would take the grading machine down.
const (
	maxGoroutines = 100_000
	maxMemory     = 1 << 30 // the Go runtime's own, without the race detector's shadow
	// maxRSS bounds a test binary's resident memory, race detector's
	// included (an exercise's correct solution needs under 300 MiB).
	maxRSS = 2 << 30
)

// sealable: this system passes the sealed pipe to the test binaries
// (os/exec has no ExtraFiles on Windows, where the census's line on
// standard output, which a submission could print too, is all there is).
const sealable = runtime.GOOS != "windows"

// notRun scores an exercise that was not built (refused by the policy,
// or not submitted): every test failed without running.
func (er *ExerciseResult) notRun() {
	for _, t := range er.Tests {
		t.Verdict, t.Points = Fail, 0
		t.Message = "not run: " + string(er.Verdict)
	}
	er.Points = 0
	if er.Verdict == Policy {
		er.Hint = 1
	}
	er.Locations = sortLocations(er.Locations)
}

// staleAfter is how old a grader's scratch folder must be before a later
// run takes it for the leftover of a run that was killed (kill -9 leaves
// no chance to clean up): far longer than the longest deadline.
const staleAfter = 2 * time.Hour

// sweepStale removes the folders prefix* in dir last changed before
// cutoff: scratch folders of earlier runs that were killed.
func sweepStale(dir, prefix string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// profileEnv is the test binaries' environment for the goroutine leak
// profile, unless opts asks for dumps only.
// gradedRun is inv with the environment the graded code runs in: the
// leak profile's, and a home, temporary folder and run tag of its own.
func (opts Options) gradedRun(inv invocation) invocation {
	inv.env = slices.Concat(opts.profileEnv(), opts.sandbox)
	inv.tag = opts.runTag
	return inv
}

// shownPath is p relative to the submission, or else to the grader's
// tree, when it is inside one of them.
func (opts Options) shownPath(p string) string {
	for _, base := range []string{opts.Submission, opts.Root} {
		if rel, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return p
}

func (opts Options) profileEnv() []string {
	if opts.DumpOnly {
		return nil
	}
	return leakProfileEnv()
}

// assemble lays the exercise's canonical files, with the learner's files
// from the submission in place of the stubs, over the exercise's folder in
// opts.Root, recording the replacements in overlay.
func assemble(opts Options, ex exercises.Exercise, tmp string, overlay map[string]string) (*ExerciseResult, error) {
	er := &ExerciseResult{Number: ex.Number, Slug: ex.Slug, Title: ex.Title, Exercise: ex, Files: map[string]string{}}
	canon, err := ex.Folder()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(opts.Root, "exercises", ex.Dir())
	sub := submissionDir(opts.Submission, ex)
	canonical := map[string][]byte{}
	entries, err := fs.ReadDir(canon, ".")
	if err != nil {
		return nil, fmt.Errorf("exercise %s has no canonical files: %w", ex.ID(), err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		b, err := fs.ReadFile(canon, e.Name())
		if err != nil {
			return nil, err
		}
		canonical[e.Name()] = b
	}
	// Whatever is in the folder on disk but not in the catalog does not
	// exist for the build: a learner's extra test cannot join the run.
	if disk, err := os.ReadDir(dir); err == nil {
		for _, e := range disk {
			if _, ok := canonical[e.Name()]; !ok && strings.HasSuffix(e.Name(), ".go") {
				overlay[filepath.Join(dir, e.Name())] = ""
			}
		}
	}
	learnerSrc := admit(er, sub, ex, canonical)
	for name, b := range canonical {
		target := filepath.Join(dir, name)
		if slices.Contains(ex.Files, name) {
			learner := filepath.Join(sub, name)
			// What was checked is what is built: a copy, which nothing
			// the submission runs can change afterwards.
			copyPath := filepath.Join(tmp, ex.Dir()+"-"+name)
			src, ok := learnerSrc[name]
			if !ok {
				src, learner = b, copyPath // not built: the exercise is not run
			} else {
				// A file that does not parse is built as it is, for
				// the compiler to say why.
				if gapped, err := Gapped(ex, src); err == nil {
					src = gapped
				}
				if clocked, ok := withClock(src, clockImport(ex)); ok {
					src = clocked
				}
			}
			if err := os.WriteFile(copyPath, src, 0o644); err != nil {
				return nil, err
			}
			overlay[target] = copyPath
			er.Files[target] = learner
			continue
		}
		copyPath := filepath.Join(tmp, ex.Dir()+"-"+name)
		if err := os.WriteFile(copyPath, b, 0o644); err != nil {
			return nil, err
		}
		overlay[target] = copyPath
	}
	if err := layClock(overlay, dir, tmp, ex); err != nil {
		return nil, err
	}
	if err := layGapHelper(overlay, dir, tmp, ex, canonical); err != nil {
		return nil, err
	}
	var targets []string
	for target := range er.Files {
		targets = append(targets, target)
	}
	slices.Sort(targets)
	cfg := censusConfig{Own: targets, Watchdog: opts.Watchdog, DumpOnly: opts.DumpOnly,
		ImportPath: Module + "/exercises/" + ex.Dir(), Sealed: sealable,
		MaxGoroutines: maxGoroutines, MaxMemory: maxMemory, Spin: DefaultSpin}
	if src, err := census(canonical, cfg); err == nil {
		p := filepath.Join(tmp, ex.Dir()+"-"+censusFile)
		if err := os.WriteFile(p, src, 0o644); err != nil {
			return nil, err
		}
		overlay[filepath.Join(dir, censusFile)] = p
		er.censusName, er.sealRequired = censusTest, sealable
	}
	er.Notes = append(er.Notes, compareTests(sub, canonical, ex.Files)...)
	for _, name := range canonicalTests(canonical) {
		er.Tests = append(er.Tests, &TestResult{Name: name, MaxPoints: ex.PointsFor(name)})
		er.MaxPoints += ex.PointsFor(name)
	}
	return er, nil
}

// limitOf is the time limit of one run of ex's tests.
func limitOf(ex exercises.Exercise) time.Duration {
	if ex.Timeout > 0 {
		return ex.Timeout
	}
	return time.Minute
}

// submissionDir finds the exercise's folder in a submission, which may be
// an exercises folder or a whole checkout.
func submissionDir(sub string, ex exercises.Exercise) string {
	for _, d := range []string{filepath.Join(sub, ex.Dir()), filepath.Join(sub, "exercises", ex.Dir())} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return filepath.Join(sub, ex.Dir())
}

// compareTests reports the submission's .go files that are not the
// learner's to edit and differ from (or are absent from) the catalog.
func compareTests(sub string, canonical map[string][]byte, learnerFiles []string) []string {
	var notes []string
	entries, _ := os.ReadDir(sub)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || slices.Contains(learnerFiles, name) {
			continue
		}
		got, err := os.ReadFile(filepath.Join(sub, name))
		if err != nil {
			continue
		}
		want, ok := canonical[name]
		switch {
		case !ok:
			notes = append(notes, fmt.Sprintf("%s is not part of the exercise: ignored", name))
		case !bytes.Equal(got, want):
			notes = append(notes, fmt.Sprintf("%s differs from the canonical copy: ignored, graded with the canonical tests", name))
		}
	}
	return notes
}

// canonicalTests lists the top-level Test functions of the canonical test
// files, in order: each must report "pass" for the exercise to pass.
func canonicalTests(files map[string][]byte) []string {
	var names []string
	fset := token.NewFileSet()
	for _, name := range slices.Sorted(mapsKeys(files)) {
		if !strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") && fn.Name.Name != "TestMain" &&
				fn.Type.Params != nil && len(fn.Type.Params.List) == 1 {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Finish decides er's verdict, points and explanation from p, the run of
// its package. The tests listed in er.Tests must each pass; when there are
// none listed, whatever ran is judged (diagnose, recorded streams).
// er.Files maps the paths in the output to the learner's files.
func Finish(er *ExerciseResult, p *Package, opts Options) {
	if p == nil {
		p = &Package{Tests: map[string]*Test{}}
	}
	er.run = p
	var names []string
	for _, t := range er.Tests {
		names = append(names, t.Name)
	}
	if names == nil {
		for _, n := range p.TestOrder {
			if !strings.HasPrefix(n, censusTest) {
				names = append(names, n)
			}
		}
		if names == nil {
			names = []string{}
		}
	}
	if er.censusName != "" {
		// With -cpu, the census runs once per value, as TestZZ...-2 and so on.
		for _, n := range p.TestOrder {
			if strings.HasPrefix(n, er.censusName) {
				er.census += p.Tests[n].Output.Kept()
			}
		}
	}
	learner := func(file string) bool {
		_, ok := er.Files[file]
		return ok || opts.Own != nil && opts.Own(file)
	}
	points := er.Exercise.PointsFor
	if er.Exercise.Slug == "" {
		points = func(string) int { return 1 }
	}
	er.Tests = Judge(p, names, points, learner)
	er.MaxPoints = 0
	for _, t := range er.Tests {
		er.MaxPoints += t.MaxPoints
	}
	er.Verdict, er.Message = packageVerdict(p, er.Tests, er.census)
	er.Method = methodOf(p, er.census)
	if er.Verdict == Pass && (er.sealRequired && !er.sealedDone ||
		er.censusName != "" && !er.sealRequired && !strings.Contains(er.census, censusDone+" ")) {
		// The graded tests reported passing but the grader's own last
		// test never ran: the binary stopped early, and the passes it
		// reported cannot be trusted.
		er.Verdict, er.Message = Fail, "the test binary exited before all tests had run (os.Exit, or passes printed by the submission?)"
		for _, t := range er.Tests {
			t.Verdict, t.Points = Fail, 0
			t.Message = "not trusted: the test binary exited before all tests had run"
		}
	}
	er.Duration = p.Elapsed.Seconds()
	er.packageOutput = p.Output.Kept()
	er.Output = p.Build.String() + p.Output.String()
	er.Truncated = p.Output.Dropped > 0 || p.Build.Dropped > 0
	for _, t := range er.Tests {
		if t.Verdict == Pass {
			er.Points += t.Points
		}
		if t.Verdict != Pass {
			er.Output += t.Output
		}
		if strings.Contains(t.Output, "[output truncated:") {
			er.Truncated = true
		}
	}
	if er.Truncated {
		er.Notes = append(er.Notes, fmt.Sprintf("output was more than %d bytes per test: truncated", opts.OutputCap))
	}
	switch er.Verdict {
	case BuildError, VetError, Race, Leak, ResourceLimit:
		// Nothing the tests measured can be trusted: a race makes every
		// count a matter of luck, a leak was found after all of them.
		er.Points = 0
	}
	explain(er, opts)
	er.rewritePaths(relativePaths(opts))
}

// FindRoot finds the conclab module's folder from dir upwards.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "module "+Module) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("not inside the conclab workspace (no go.mod of %s above %s)", Module, dir)
		}
	}
}

// sortLocations orders locations by file and line, merging those at the
// same line (two goroutines racing on one line are one place to fix).
func sortLocations(locs []Location) []Location {
	sort.SliceStable(locs, func(i, j int) bool {
		if locs[i].File != locs[j].File {
			return locs[i].File < locs[j].File
		}
		return locs[i].Line < locs[j].Line
	})
	var out []Location
	for _, l := range locs {
		if n := len(out); n > 0 && out[n-1].File == l.File && out[n-1].Line == l.Line {
			if !strings.Contains(out[n-1].What, l.What) {
				out[n-1].What += "; " + l.What
			}
			continue
		}
		out = append(out, l)
	}
	return out
}
