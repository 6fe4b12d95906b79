package lesson_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
)

// fixture is a lesson whose children exercise the child-process machinery.
var fixture = lesson.Lesson{
	Number: 1, Slug: "fixture", Title: "Fixture",
	Demos: []lesson.Demo{{Name: "hello", Title: "Hello", Claim: "says hello", Run: hello}},
	Children: []lesson.Demo{
		{Name: "records", Run: records},
		{Name: "mutex-deadlock", Run: mutexDeadlock},
		{Name: "channel-deadlock", Run: channelDeadlock},
		{Name: "fails", Run: func(context.Context, *lesson.Stage) error { return errors.New("boom") }},
		{Name: "sleeps", Run: func(ctx context.Context, s *lesson.Stage) error { return s.Sleep(ctx, time.Hour) }},
		{Name: "slow-start", Run: slowStart},
	},
}

// The environment of the slow-start child: a file it adds a line to each
// time it runs (so a test counts the runs), whether its first run dawdles
// (a child the machine was too busy to get going), and whether it blocks
// for good once it has reached its point.
const (
	runsEnv        = "FIXTURE_RUNS"
	dawdleFirstEnv = "FIXTURE_DAWDLE_FIRST"
	blockEnv       = "FIXTURE_BLOCK"
	reachedLine    = "reached the point"
)

func slowStart(ctx context.Context, s *lesson.Stage) error {
	f, err := os.OpenFile(os.Getenv(runsEnv), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	first := info.Size() == 0
	if _, err := f.WriteString("run\n"); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if dawdle := os.Getenv(dawdleFirstEnv); dawdle == "always" || (dawdle != "" && first) {
		return s.Sleep(ctx, time.Hour) // never gets to the point: the watchdog ends it
	}
	s.Say(reachedLine)
	if os.Getenv(blockEnv) != "" {
		return s.Sleep(ctx, time.Hour) // stuck for good, at the point: the watchdog ends it
	}
	return nil
}

func hello(_ context.Context, s *lesson.Stage) error { s.Say("hello"); return nil }

func records(_ context.Context, s *lesson.Stage) error {
	l := s.Lane("worker")
	l.Start()
	l.Acquired("mu")
	l.Released("mu")
	l.Done()
	s.Finding("answer", 42, "units")
	s.Say("child says hi")
	return nil
}

func mutexDeadlock(_ context.Context, s *lesson.Stage) error {
	var mu sync.Mutex
	l := s.Lane("main")
	mu.Lock()
	l.Acquired("mu")
	l.Waiting("mu")
	mu.Lock() // the runtime cannot see this: a timer or signal could still wake us
	return nil
}

func channelDeadlock(_ context.Context, s *lesson.Stage) error {
	ch := make(chan int)
	ch <- 1 // nobody receives: "all goroutines are asleep"
	return nil
}

func TestMain(m *testing.M) {
	lesson.ServeChild(fixture)
	os.Exit(m.Run())
}

func newStage(out *bytes.Buffer) *lesson.Stage {
	return lesson.NewStage(lesson.Options{Out: out, Lesson: "fixture", Speed: 1})
}

func TestChildReportsFindingsEventsAndOutput(t *testing.T) {
	var out bytes.Buffer
	s := newStage(&out)
	res, err := s.Child(context.Background(), lesson.ChildSpec{Name: "records", Timeout: 20 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode)
	assert.False(t, res.TimedOut)
	assert.Contains(t, out.String(), "child says hi", "the child's output is shown on the parent's stage")
	f, ok := s.Lookup("answer")
	require.True(t, ok, "the child's finding reaches the parent")
	assert.Equal(t, 42.0, f.Value)
	assert.Equal(t, []string{"worker"}, s.Lanes())
	kinds := []lesson.Kind{}
	for _, e := range s.Events() {
		kinds = append(kinds, e.Kind)
	}
	assert.Equal(t, []lesson.Kind{lesson.Started, lesson.Acquired, lesson.Released, lesson.Done}, kinds)
}

func TestChildMutexDeadlockIsCutAtItsTimeoutWithADump(t *testing.T) {
	var out bytes.Buffer
	s := newStage(&out)
	begin := time.Now()
	res, err := s.Child(context.Background(), lesson.ChildSpec{Name: "mutex-deadlock", Timeout: time.Second})
	require.NoError(t, err)
	assert.Less(t, time.Since(begin), 8*time.Second, "the deadlocked child is ended promptly")
	assert.True(t, res.TimedOut)
	assert.Contains(t, res.Stderr, "goroutine ", "SIGQUIT makes Go print every goroutine")
	assert.Contains(t, res.Stderr, "mutexDeadlock", "the dump shows where the child is stuck")
	// Events streamed before the child was killed are kept.
	var waiting bool
	for _, e := range s.Events() {
		waiting = waiting || (e.Kind == lesson.Waiting && e.Object == "mu")
	}
	assert.True(t, waiting, "the parent kept the events the child recorded before it was killed")
}

// A test binary links cgo (through net, which testify imports), and such a
// binary never gets the runtime's "all goroutines are asleep" check: a
// channel deadlock in a Child is cut at its timeout instead.
func TestChildChannelDeadlockInACgoBinaryIsCutAtTheTimeout(t *testing.T) {
	var out bytes.Buffer
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{Name: "channel-deadlock", Timeout: time.Second})
	require.NoError(t, err)
	assert.True(t, res.TimedOut, "if this fails, the runtime now detects deadlocks in cgo binaries: lesson 5 may use Child")
	assert.Contains(t, res.Stderr, "[chan send]")
}

const deadlockProgram = `package main

import "fmt"

func main() {
	ch := make(chan int)
	fmt.Println("sending")
	ch <- 1
}
`

func TestProgramShowsTheRuntimesOwnDeadlockReport(t *testing.T) {
	var out bytes.Buffer
	s := newStage(&out)
	res, err := s.Program(context.Background(), lesson.ChildSpec{Name: "chan-deadlock", Timeout: 20 * time.Second}, deadlockProgram)
	require.NoError(t, err)
	assert.False(t, res.TimedOut)
	assert.Equal(t, 2, res.ExitCode)
	assert.Contains(t, firstLines(res.Stderr, 5), "fatal error: all goroutines are asleep - deadlock!")
	assert.Contains(t, out.String(), "sending", "the program's output is shown on the stage")
}

func TestProgramThatDoesNotBuildIsAnError(t *testing.T) {
	var out bytes.Buffer
	_, err := newStage(&out).Program(context.Background(), lesson.ChildSpec{Name: "broken"}, "package main\nfunc main() { x }\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "building broken")
}

// runs counts the lines the slow-start child wrote to path: one a run.
func runs(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, "the child never ran")
	return strings.Count(string(b), "\n")
}

func reachedPoint(r *lesson.ChildResult) bool { return strings.Contains(r.Stdout, reachedLine) }

const retryWarning = "before it reached the point of the demo (a busy machine, most likely): running it once more"

func TestChildThatTimedOutBeforeItsPointRunsOnceMore(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "runs")
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{
		Name: "slow-start", Timeout: time.Second, RetryTimeout: 30 * time.Second,
		Env:     []string{runsEnv + "=" + path, dawdleFirstEnv + "=1"},
		Reached: reachedPoint,
	})
	require.NoError(t, err)
	assert.Equal(t, 2, runs(t, path), "the child dawdled once, so it ran exactly twice")
	assert.Equal(t, 2, res.Attempts)
	assert.False(t, res.TimedOut, "the result is the second run's: it reached its point and ended")
	assert.Equal(t, 0, res.ExitCode)
	assert.True(t, reachedPoint(res), "the second run reached its point; stdout:\n%s", res.Stdout)
	assert.Equal(t, 1, strings.Count(out.String(), retryWarning), "one warning, for one retry; output:\n%s", out.String())
	assert.Contains(t, out.String(), "The child slow-start timed out after 1s before", "the warning names the child and its watchdog")
	assert.Contains(t, out.String(), "once more with a 30s watchdog", "and the retry's longer watchdog")
}

func TestChildIsRetriedOnlyOnceWithFiveTimesTheWatchdog(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "runs")
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{
		Name: "slow-start", Timeout: 300 * time.Millisecond,
		Env:     []string{runsEnv + "=" + path, dawdleFirstEnv + "=always"},
		Reached: reachedPoint,
	})
	require.NoError(t, err)
	assert.Equal(t, 2, runs(t, path), "a child that never reaches its point is retried once, not again and again")
	assert.Equal(t, 2, res.Attempts)
	assert.True(t, res.TimedOut, "the retry timed out too, and the demo is told so")
	assert.GreaterOrEqual(t, res.Elapsed, 1500*time.Millisecond, "the retry's watchdog defaults to 5 x 300 ms")
	assert.Equal(t, 1, strings.Count(out.String(), retryWarning), "output:\n%s", out.String())
	assert.Contains(t, out.String(), "once more with a 1.5s watchdog")
}

func TestChildThatReachedItsPointIsNotRunAgain(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "runs")
	asked := 0
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{
		Name: "slow-start", Timeout: time.Second,
		Env: []string{runsEnv + "=" + path, blockEnv + "=1"},
		// Whether the child got to print its line within the watchdog
		// depends on how busy the machine is; the policy under test is
		// what Child does with a yes.
		Reached: func(*lesson.ChildResult) bool { asked++; return true },
	})
	require.NoError(t, err)
	assert.True(t, res.TimedOut, "the child blocks for good: the watchdog ended it")
	assert.Equal(t, 1, asked, "Reached is asked about the run that timed out")
	assert.Equal(t, 1, runs(t, path), "a child that reached its point and timed out is stuck, not slow: no retry")
	assert.Equal(t, 1, res.Attempts)
	assert.NotContains(t, out.String(), retryWarning)
}

func TestChildThatEndedIsNotAskedWhetherItReachedItsPoint(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "runs")
	asked := 0
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{
		Name: "slow-start", Timeout: 20 * time.Second,
		Env:     []string{runsEnv + "=" + path},
		Reached: func(*lesson.ChildResult) bool { asked++; return false },
	})
	require.NoError(t, err)
	assert.False(t, res.TimedOut)
	assert.Equal(t, 0, asked, "only a child that timed out can have been too slow")
	assert.Equal(t, 1, runs(t, path))
	assert.Equal(t, 1, res.Attempts)
	assert.NotContains(t, out.String(), retryWarning)
}

func TestChildErrorIsAnExitCodeNotAnError(t *testing.T) {
	var out bytes.Buffer
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{Name: "fails"})
	require.NoError(t, err)
	assert.Equal(t, 1, res.ExitCode)
	assert.Contains(t, res.Stderr, "boom")
}

func TestChildIsKilledWhenCancelled(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err := newStage(&out).Child(ctx, lesson.ChildSpec{Name: "sleeps"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(begin), 5*time.Second)
}

func TestUnknownChildExits2(t *testing.T) {
	var out bytes.Buffer
	res, err := newStage(&out).Child(context.Background(), lesson.ChildSpec{Name: "nope"})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode)
	assert.Contains(t, res.Stderr, `no child entry point "fixture/nope"`)
}

func TestSleepIsScaledAndCancellable(t *testing.T) {
	s := lesson.NewStage(lesson.Options{Speed: 100})
	begin := time.Now()
	require.NoError(t, s.Sleep(context.Background(), time.Second))
	assert.Less(t, time.Since(begin), 500*time.Millisecond, "1 s at speed 100 is 10 ms")
	assert.Equal(t, 10*time.Millisecond, s.Scale(time.Second))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, s.Sleep(ctx, time.Hour), context.Canceled)
}

func TestPauseWaitsOnlyWhenPresenting(t *testing.T) {
	paused := 0
	pause := func(context.Context, string) error { paused++; return nil }
	require.NoError(t, lesson.NewStage(lesson.Options{PauseFunc: pause}).Pause(context.Background(), "next"))
	assert.Equal(t, 0, paused)
	require.NoError(t, lesson.NewStage(lesson.Options{PauseFunc: pause, Presenting: true}).Pause(context.Background(), "next"))
	assert.Equal(t, 1, paused)
}

func TestFindingsArePrintedAndLookedUp(t *testing.T) {
	var out bytes.Buffer
	s := lesson.NewStage(lesson.Options{Out: &out})
	s.Finding("lost", 612331, "updates")
	s.FindingDuration("elapsed", 1500*time.Millisecond)
	assert.Contains(t, out.String(), "» lost: 612,331 updates")
	assert.Contains(t, out.String(), "» elapsed: 1,500 ms")
	f, ok := s.Lookup("lost")
	require.True(t, ok)
	assert.Equal(t, 612331.0, f.Value)
	_, ok = s.Lookup("missing")
	assert.False(t, ok)
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 2000000: "2,000,000",
		-1234: "-1,234", 3.5: "3.5", 2.25: "2.25", 0.999: "1", 1234.5: "1,234.5",
	} {
		assert.Equal(t, want, lesson.Number(v), "Number(%v)", v)
	}
}

func TestDemoLookupNamesValidChoices(t *testing.T) {
	_, err := fixture.Demo("nope")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "valid: hello")
}

func TestLanesAreSafeForConcurrentUse(t *testing.T) {
	var out bytes.Buffer
	s := lesson.NewStage(lesson.Options{Out: &out})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := s.Lane([]string{"a", "b"}[i%2])
			l.Start()
			l.Printf("hi")
			l.Done()
		}()
	}
	wg.Wait()
	assert.ElementsMatch(t, []string{"a", "b"}, s.Lanes())
	assert.Len(t, s.Events(), 24, "each of the 8 goroutines records started, printed and done")
}

// firstLines keeps failure messages short: a goroutine dump is long.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func TestCommandIsAnUnstartedChildTheCallerRuns(t *testing.T) {
	var out bytes.Buffer
	s := newStage(&out)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd, err := s.Command(ctx, "hello")
	require.NoError(t, err)
	got, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, "hello\n", string(got), "the child's output is the caller's to read")
	assert.Empty(t, out.String(), "nothing reaches the parent's stage by itself")

	cmd, err = s.Command(ctx, "fails")
	require.NoError(t, err)
	var exitErr *exec.ExitError
	require.ErrorAs(t, cmd.Run(), &exitErr)
	assert.Equal(t, 1, exitErr.ExitCode())
}
