package grade

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/conclab/conclab/lessons/traceback"
)

// Verdict is the outcome of a test or an exercise.
type Verdict string

// The verdicts, from best to worst as far as a learner is concerned.
const (
	Pass       Verdict = "pass"
	Fail       Verdict = "fail"
	Race       Verdict = "race"
	Deadlock   Verdict = "deadlock"
	Leak       Verdict = "leak"
	Timeout    Verdict = "timeout"
	Panic      Verdict = "panic"
	BuildError Verdict = "build error"
	VetError   Verdict = "vet error"
	NoTests    Verdict = "no tests ran"
	// Policy: the learner's files break the exercise's capability
	// policy (or are not files the grader reads): nothing was built.
	Policy Verdict = "policy"
	// NotSubmitted: the submission lacks the learner's files.
	NotSubmitted Verdict = "not submitted"
	// ResourceLimit: the test binary went past a limit (goroutines,
	// memory) and was stopped.
	ResourceLimit Verdict = "resource limit"
)

// severity orders the failures when several tests fail differently: the
// exercise takes the verdict that best explains the others. A race
// explains the wrong counts that follow it; a deadlock explains the
// timeout and the leaked goroutines it leaves behind.
var severity = map[Verdict]int{
	Pass: 0, NoTests: 1, Fail: 2, Leak: 3, Timeout: 4, Panic: 5, Deadlock: 6, Race: 7, ResourceLimit: 8,
	VetError: 9, BuildError: 10, NotSubmitted: 11, Policy: 12,
}

// Worse reports whether v explains more than w.
func (v Verdict) Worse(w Verdict) bool { return severity[v] > severity[w] }

// markers name a failure's cause in the text a test printed. Order
// matters: the first that matches wins.
var markers = []struct {
	text    string
	verdict Verdict
	message string
}{
	{"WARNING: DATA RACE", Race, "data race: two goroutines touched the same memory without synchronisation"},
	{watchdogLimit, ResourceLimit, "stopped: past a resource limit"},
	{watchdogSpin, Timeout, "livelock, proven: goroutines of the test kept running while the others waited, so it could never finish (a loop that polls instead of blocking)"},
	{watchdogStall, Deadlock, "deadlock, proven: goroutines of the test's synctest bubble wait for a lock that nothing will release, so it could never finish"},
	{watchdogProof, Deadlock, "deadlock, proven: nothing running can ever wake the goroutines this test waits for (the runtime's goroutine leak profile)"},
	{"race detected during execution of test", Race, "data race detected during the test"},
	{"fatal error: concurrent map", Race, "concurrent map access: the runtime stopped the program"},
	{"all goroutines are asleep - deadlock", Deadlock, "deadlock: every goroutine is blocked"},
	{"all goroutines in bubble are blocked", Deadlock, "deadlock: every goroutine of the test is blocked"},
	{"blocked goroutines remain", Deadlock, "the test returned but goroutines it started are blocked forever"},
	{"deadlock or livelock:", Deadlock, "deadlock or livelock: the test's own deadline expired"},
	{"found unexpected goroutines", Leak, "goroutine leak: goroutines still running after the tests"},
	{"panic: test timed out", Timeout, "timed out"},
	{"panic: Log in goroutine after", Panic, "a goroutine used t after its test had returned"},
	{"panic: ", Panic, "panic"},
}

// classify names the cause of failure in out, if any marker matches.
func classify(out string) (Verdict, string, bool) {
	for _, m := range markers {
		if strings.Contains(out, m.text) {
			return m.verdict, m.message, true
		}
	}
	return "", "", false
}

// TestResult is the verdict on one top-level test.
type TestResult struct {
	Name      string     `json:"name"`
	Verdict   Verdict    `json:"verdict"`
	Message   string     `json:"message,omitempty"`
	Points    int        `json:"points"`
	MaxPoints int        `json:"max_points"`
	Duration  float64    `json:"duration_seconds"`
	Locations []Location `json:"locations,omitempty"`
	Output    string     `json:"-"`
}

// Judge decides the verdict of every test of p. expected lists the
// top-level tests that must pass (nil: whatever ran); points gives each
// one's weight. learner reports whether a file path is the learner's own.
func Judge(p *Package, expected []string, points func(string) int, learner func(string) bool) []*TestResult {
	names := append([]string(nil), expected...)
	if expected == nil {
		names = p.TestOrder
	}
	timedOut := strings.Contains(p.Output.Kept(), "panic: test timed out")
	var results []*TestResult
	for _, name := range names {
		r := &TestResult{Name: name, MaxPoints: points(name)}
		results = append(results, r)
		t := p.Tests[name]
		if t == nil {
			r.Verdict, r.Message = Fail, "did not run"
			if stuck := provenStuck(p); stuck != "" {
				r.Message = "did not run: the test binary was stopped when " + stuck + " deadlocked"
			}
			if spun := provenSpinning(p); spun != "" {
				r.Message = "did not run: the test binary was stopped when " + spun + " livelocked"
			}
			if p.Action == "pass" {
				r.Verdict, r.Message = NoTests, "did not run, yet the test binary said it was done: did something exit early (os.Exit in init)?"
			}
			continue
		}
		r.Duration = t.Elapsed.Seconds()
		r.Output = t.Output.String()
		judgeTest(r, t, timedOut, learner)
		if r.Verdict == Pass {
			r.Points = r.MaxPoints
		}
	}
	return results
}

func judgeTest(r *TestResult, t *Test, pkgTimedOut bool, learner func(string) bool) {
	out := t.Output.Kept()
	v, msg, found := classify(out)
	switch {
	case t.Action == "pass" && !found && !t.Ran:
		r.Verdict, r.Message = Fail, "reported as passed without ever starting: printed by the submission, not run"
	case t.Action == "pass" && !found:
		r.Verdict = Pass
	case found && v == Panic:
		r.Verdict, r.Message = Panic, panicLine(out)
	case found && v == ResourceLimit:
		_, rest, _ := strings.Cut(out, watchdogLimit)
		line, _, _ := strings.Cut(rest, "\n")
		r.Verdict, r.Message = ResourceLimit, "stopped:"+line
	case found && v == Timeout && !strings.Contains(out, watchdogSpin):
		r.Verdict, r.Message = timeoutVerdict(out, learner)
	case found:
		r.Verdict, r.Message = v, msg
	case t.Action == "run" && pkgTimedOut:
		r.Verdict, r.Message = Timeout, "still running when the time limit expired"
	case t.Action == "run":
		r.Verdict, r.Message = Fail, "never finished: the test binary exited while this test was running (os.Exit or a crash?)"
	case t.Action == "skip":
		r.Verdict, r.Message = Fail, "skipped: a graded test must run and pass"
	case t.Errors.Kept() != "":
		r.Verdict, r.Message = Fail, failureMessage(t.Errors.Kept())
	default:
		r.Verdict, r.Message = Fail, failureMessage(out)
	}
}

// panicLine is the panic's own line: "panic: runtime error: ...".
func panicLine(out string) string {
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			line, _, _ = strings.Cut(strings.TrimSpace(line), " [recovered")
			return line
		}
	}
	return "panic"
}

// timeoutVerdict tells a deadlock from a slow test by the goroutine dump
// that the timeout printed: goroutines blocked at the learner's lines mean
// they wait for each other.
func timeoutVerdict(dump string, learner func(string) bool) (Verdict, string) {
	limit := ""
	if m := timedOutAfter.FindStringSubmatch(dump); m != nil {
		limit = " after " + m[1]
	}
	for _, g := range traceback.ParseDump(dump) {
		if _, ok := traceback.UserFrame(g.Frames, learner); !ok {
			continue
		}
		switch g.WaitingOn() {
		case traceback.ChanSend, traceback.ChanReceive, traceback.Select, traceback.MutexLock, traceback.RWMutexLock,
			traceback.RWMutexRLock, traceback.WaitGroupWait, traceback.CondWait, traceback.Sleep, "semacquire":
			return Deadlock, "deadlock: the test timed out" + limit + " with goroutines blocked in your code"
		}
	}
	return Timeout, "timed out" + limit + " (too slow, or a livelock: nothing in your code was blocked)"
}

var (
	timedOutAfter = regexp.MustCompile(`panic: test timed out after (\S+)`)
)

// failureMessage picks what a failed test said about its first failure:
// testify's Messages and Error fields (with expected/actual), or else the
// text of the first t.Errorf.
func failureMessage(out string) string {
	var field string
	fields := map[string][]string{}
	var plain []string
	for line := range strings.SplitSeq(out, "\n") {
		l := strings.TrimSpace(line)
		if name, value, ok := strings.Cut(l, ":"); ok && testifyField(name) {
			if fields[name] != nil && name == "Error Trace" {
				break // the second failure's block
			}
			field = name
			fields[name] = append(fields[name], strings.TrimSpace(value))
			continue
		}
		if field != "" && strings.HasPrefix(line, "        ") && l != "" {
			fields[field] = append(fields[field], l)
			continue
		}
		field = ""
		if m := errorfLine.FindStringSubmatch(line); m != nil && m[1] != "" {
			plain = append(plain, m[1])
		}
	}
	if errs := fields["Error"]; len(errs) > 0 {
		msg := strings.Join(errs, " ")
		if m := fields["Messages"]; len(m) > 0 {
			msg = strings.Join(m, " ") + " (" + msg + ")"
		}
		return strings.Join(strings.Fields(msg), " ")
	}
	if len(plain) > 0 {
		return plain[0]
	}
	return "failed"
}

func testifyField(name string) bool {
	switch name {
	case "Error Trace", "Error", "Test", "Messages":
		return true
	}
	return false
}

// errorfLine is t.Errorf's "    file_test.go:12: message".
var errorfLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// packageVerdict decides what went wrong at the level of the whole test
// binary, apart from any test: build and vet errors, leaks found after the
// tests, a crash or an early exit.
func packageVerdict(p *Package, tests []*TestResult, census string) (Verdict, string) {
	if p.BuildFailed {
		if p.VetOnly || isVet(p.Build.Kept()) {
			return VetError, "go vet found a problem: " + firstDiagnostic(p.Build.Kept())
		}
		return BuildError, "does not compile: " + firstDiagnostic(p.Build.Kept())
	}
	worst, msg := Pass, ""
	for _, t := range tests {
		if t.Verdict.Worse(worst) {
			worst, msg = t.Verdict, fmt.Sprintf("%s: %s", t.Name, t.Message)
		}
	}
	if v, m, found := censusVerdict(census); found && v.Worse(worst) {
		worst, msg = v, m
	}
	if v, m, found := classify(p.Output.Kept()); found && v.Worse(worst) {
		worst, msg = v, m
		if v == Timeout {
			worst, msg = timeoutVerdict(p.Output.Kept(), func(string) bool { return false })
		}
	}
	switch {
	case worst != Pass:
		return worst, msg
	case p.Action == "":
		return Timeout, "cut off: the overall deadline expired before the tests finished"
	case p.Action != "pass":
		return Fail, "the test binary failed after its tests passed (a crash or os.Exit?)"
	case len(tests) == 0:
		return NoTests, "no tests ran"
	}
	return Pass, ""
}

// isVet tells vet's findings from the compiler's: go test heads vet's
// with "# [pkg]", the compiler's with "# pkg [pkg.test]" or "# pkg".
func isVet(build string) bool {
	for line := range strings.SplitSeq(build, "\n") {
		if strings.HasPrefix(line, "# [") {
			return true
		}
	}
	return false
}

func firstDiagnostic(build string) string {
	for line := range strings.SplitSeq(build, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			return strings.TrimSpace(line)
		}
	}
	return strings.TrimSpace(build)
}

// censusVerdict reads what the census found after the tests: goroutines
// the leak profile proved stuck, or goroutines of the learner's code
// still running (a loop nobody stops, a sleep), which goleak would call
// a leak too.
func censusVerdict(census string) (Verdict, string, bool) {
	if n := censusCount(census, censusLeaked); n > 0 {
		return Leak, fmt.Sprintf("goroutine leak, proven: %s can never wake (the runtime's goroutine leak profile, after the tests)", goroutines(n)), true
	}
	if n := censusCount(census, censusMarker); n > 0 {
		return Leak, fmt.Sprintf("goroutine leak: %s of your code still running a second after the tests returned", goroutines(n)), true
	}
	return "", "", false
}

// censusCount is the count the census printed after marker (0 if none).
func censusCount(census, marker string) int {
	_, rest, ok := strings.Cut(census, marker+" ")
	if !ok {
		return 0
	}
	n := 0
	fmt.Sscanf(rest, "%d", &n)
	return n
}

func goroutines(n int) string {
	if n == 1 {
		return "1 goroutine"
	}
	return fmt.Sprintf("%d goroutines", n)
}

// provenStuck names the test(s) the watchdog proved stuck in p's run, ""
// if none.
func provenStuck(p *Package) string {
	if stuck := provenBy(p, watchdogProof); stuck != "" {
		return stuck
	}
	return provenBy(p, watchdogStall)
}

// provenSpinning names the test the watchdog proved livelocked in p's
// run, "" if none.
func provenSpinning(p *Package) string { return provenBy(p, watchdogSpin) }

// provenBy names the test of the watchdog's proof in p's run that starts
// with marker, "" if there is none.
func provenBy(p *Package, marker string) string {
	texts := []string{p.Output.Kept()}
	for _, name := range p.TestOrder {
		texts = append(texts, p.Tests[name].Output.Kept())
	}
	for _, text := range texts {
		if _, rest, ok := strings.Cut(text, marker+" in "); ok {
			test, _, _ := strings.Cut(rest, ":")
			return test
		}
	}
	return ""
}

// methodOf says how blocked goroutines were found in p's run: the
// watchdog's proof or the census's own line.
func methodOf(p *Package, census string) string {
	if provenBy(p, watchdogProof) != "" {
		return MethodLeakProfile
	}
	if provenBy(p, watchdogStall) != "" || provenSpinning(p) != "" {
		return MethodDump // the watchdog's look at the bubbles
	}
	if _, rest, ok := strings.Cut(census, censusMethod+" "); ok {
		m, _, _ := strings.Cut(rest, "\n")
		return strings.TrimSpace(m)
	}
	// The census did not run: what explains blocked goroutines is a dump
	// (a time limit's, the runtime's, goleak's).
	texts := []string{p.Output.Kept()}
	for _, name := range p.TestOrder {
		texts = append(texts, p.Tests[name].Output.Kept())
	}
	for _, text := range texts {
		for _, dump := range []string{"panic: test timed out", "all goroutines are asleep", "found unexpected goroutines"} {
			if strings.Contains(text, dump) {
				return MethodDump
			}
		}
	}
	return ""
}
