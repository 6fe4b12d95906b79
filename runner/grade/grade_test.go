package grade_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// submit writes files (name -> source) as exercise ex's part of a scratch
// submission and returns the submission folder.
func submit(t *testing.T, sub string, ex exercises.Exercise, files map[string]string) {
	t.Helper()
	dir := filepath.Join(sub, ex.Dir())
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
}

func reference(t *testing.T, ex exercises.Exercise, name string) string {
	t.Helper()
	b, err := fs.ReadFile(os.DirFS(solutionsDir), ex.Dir()+"/"+name)
	require.NoError(t, err, "reference solution of %s", ex.ID())
	return string(b)
}

func find(t *testing.T, name string) exercises.Exercise {
	t.Helper()
	ex, err := exercises.Find(name)
	require.NoError(t, err)
	return ex
}

// TestGradeOwnTimeLimit grades two exercises in one go test run, one with
// a short time limit and a solution that deadlocks, the other with the
// reference solution: the short limit holds for its exercise alone (go
// test's -timeout is the longest limit of the run), the goroutine dump it
// prints shows the learner's blocked lines, and the other exercise passes.
func TestGradeOwnTimeLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two exercises under -race")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	counter, ledger := find(t, "counter"), find(t, "ledger")
	// Shorter than the counter tests' own 3 s deadline, so that it is the
	// census's alarm, not the test, that ends the deadlock.
	counter.Timeout = time.Second
	wrong, err := fs.ReadFile(exercises.Canonical, counter.Dir()+"/testdata/wrong/forgot_unlock.go")
	require.NoError(t, err)
	sub := t.TempDir()
	submit(t, sub, counter, map[string]string{"counter.go": string(wrong)})
	submit(t, sub, ledger, map[string]string{"ledger.go": reference(t, ledger, "ledger.go")})

	// Goroutine dumps only: with the leak profile the watchdog proves the
	// deadlock long before the limit (TestGradeProvesDeadlockAtOnce).
	res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{counter, ledger}, DumpOnly: true})
	require.NoError(t, err)
	require.Len(t, res.Exercises, 2)
	c, l := res.Exercises[0], res.Exercises[1]
	assert.Equal(t, grade.MethodDump, c.Method)
	assert.Equal(t, grade.Deadlock, c.Verdict, "forgot_unlock deadlocks: %s\n%s", c.Message, c.Output)
	assert.Contains(t, c.Message, "after 1s", "the counter's own 1 s limit ended it, not go test's -timeout of %v", ledger.Timeout)
	var lines []string
	for _, loc := range c.Locations {
		lines = append(lines, fmt.Sprintf("%s:%d", loc.File, loc.Line))
	}
	assert.NotEmpty(t, lines, "the blocked goroutines are shown at the learner's lines")
	for _, loc := range lines {
		assert.Contains(t, loc, "counter.go", "locations are in the learner's file: %v", lines)
	}
	assert.Equal(t, grade.Pass, l.Verdict, "the ledger's reference solution passes in the same run: %s\n%s", l.Message, l.Output)
	assert.False(t, res.Passed)
}

// TestGradeForgedPasses grades a submission that prints test2json's own
// framing for a pass of every graded test, and of the census, then exits
// before any test runs: the census's nonce, set at link time, is missing,
// so nothing it printed counts.
func TestGradeForgedPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an exercise under -race")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	counter := find(t, "counter")
	src := reference(t, counter, "counter.go")
	imports := `import (
	xfmt "fmt"
	xos "os"
)

`
	forge := `
func init() {
	for _, name := range []string{"TestZeroValueCountsFromZero", "TestIncFromManyGoroutines",
		"TestAddFromManyGoroutines", "TestValueWhileCounting", "TestZZConclabGoroutineCensus"} {
		xfmt.Printf("\x16=== RUN   %s\n\x16--- PASS: %s (0.00s)\n", name, name)
	}
	xfmt.Println("conclab census: done 0123456789abcdef")
	xfmt.Println("\x16PASS")
	xos.Exit(0)
}
`
	// The extra imports go before the solution's own, the init at the end.
	i := strings.Index(src, "\nimport ")
	require.Positive(t, i, "the reference solution has an import declaration")
	src = src[:i+1] + imports + src[i+1:] + forge
	sub := t.TempDir()
	submit(t, sub, counter, map[string]string{"counter.go": src})

	res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{counter}})
	require.NoError(t, err)
	er := res.Exercises[0]
	assert.NotEqual(t, grade.Pass, er.Verdict, "forged passes must not pass: %s\n%s", er.Message, er.Output)
	assert.Zero(t, er.Points, "no points for forged passes")
	assert.False(t, res.Passed)
	t.Logf("verdict %s: %s", er.Verdict, er.Message)
}

// TestGradeLockCycle grades exercise 4 with a transfer that locks the
// payer, then the payee: the goroutine dump shows who waits, and the run
// again with go-deadlock names the wait-for cycle and both Lock lines.
func TestGradeLockCycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an exercise twice")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	transfer := find(t, "transfer")
	wrong, err := fs.ReadFile(exercises.Canonical, transfer.Dir()+"/testdata/wrong/argument_order.go")
	require.NoError(t, err)
	var lockLines []int
	for i, line := range strings.Split(string(wrong), "\n") {
		if strings.Contains(line, ".mu.Lock()") && (strings.Contains(line, "from") || strings.Contains(line, "to.")) {
			lockLines = append(lockLines, i+1)
		}
	}
	require.Len(t, lockLines, 2, "argument_order.go locks from, then to")
	sub := t.TempDir()
	submit(t, sub, transfer, map[string]string{"transfer.go": string(wrong)})

	res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{transfer}})
	require.NoError(t, err)
	er := res.Exercises[0]
	assert.Equal(t, grade.Deadlock, er.Verdict, "%s\n%s", er.Message, er.Output)
	// Proven by the runtime the moment it formed: the tests wait without
	// deadlines of their own under the watchdog, so nothing else could
	// have ended them before the exercise's 30 s limit. (How soon is
	// measured by make bench, not asserted here.)
	assert.Equal(t, grade.MethodLeakProfile, er.Method)
	assert.Contains(t, er.Message, "proven")
	text := strings.Join(er.Explanation, "\n")
	assert.Contains(t, text, "nothing running can ever wake these goroutines", "the proof is explained:\n%s", text)
	assert.Contains(t, text, "lock-order inversion", "the wait-for cycle is named:\n%s", text)
	// The deadlock stopped the run, yet every test was judged: the others
	// ran again without it, in a run that reached its census.
	passed := 0
	for _, tr := range er.Tests {
		assert.NotContains(t, tr.Message, "did not run", "%s was judged", tr.Name)
		assert.NotContains(t, tr.Message, "not trusted", "%s was confirmed", tr.Name)
		if tr.Verdict == grade.Pass {
			passed++
		}
	}
	assert.Positive(t, passed, "the transfers from one goroutine work: those tests pass")
	assert.Positive(t, er.Points)
	var taken []int
	for _, loc := range er.Locations {
		if strings.Contains(loc.What, "lock taken here") {
			taken = append(taken, loc.Line)
		}
	}
	assert.ElementsMatch(t, lockLines, taken, "both Lock lines of the cycle are pointed at:\n%s", text)
	// The tests' own time, not the builds' (a busy CI machine builds slowly).
	assert.Less(t, er.Duration, transfer.Timeout.Seconds(), "the deadlocked tests end within the exercise's limit")
	// The goroutine dump and go-deadlock's report name files by their
	// absolute paths: the reports must not.
	assertRelative(t, res, root, sub)
}

// TestGradeLivelock grades exercise 16 with a merge whose copiers poll
// (a default case in their select): in the tests' synctest bubbles they
// never block, so the bubbles never settle, and the watchdog proves the
// livelock instead of the exercise's time limit ending it.
func TestGradeLivelock(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an exercise")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	merge := find(t, "merge")
	ref, err := os.ReadFile(filepath.Join(solutionsDir, merge.Dir(), "merge.go"))
	require.NoError(t, err)
	const wait = "\t\t\t\tcase <-ctx.Done():\n\t\t\t\t\treturn\n\t\t\t\t}\n\t\t\t}\n"
	require.Equal(t, 1, strings.Count(string(ref), wait), "the reference's outer select ends so")
	spinning := strings.Replace(string(ref), wait, "\t\t\t\tcase <-ctx.Done():\n\t\t\t\t\treturn\n\t\t\t\tdefault:\n\t\t\t\t}\n\t\t\t}\n", 1)
	sub := t.TempDir()
	submit(t, sub, merge, map[string]string{"merge.go": spinning})

	res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{merge}})
	require.NoError(t, err)
	er := res.Exercises[0]
	assert.Equal(t, grade.Timeout, er.Verdict, "%s\n%s", er.Message, er.Output)
	assert.Contains(t, er.Message, "livelock, proven")
	text := strings.Join(er.Explanation, "\n")
	assert.Contains(t, text, "kept running, without ever waiting", "the proof is explained:\n%s", text)
	assert.Contains(t, text, "merge.go:", "at the learner's lines:\n%s", text)
	for _, tr := range er.Tests {
		if tr.Verdict == grade.Timeout {
			assert.Less(t, tr.Duration, 10.0, "%s: proven within the 3 s spin limit and a look or two", tr.Name)
		}
	}
}

// TestGradeBubbleDeadlock grades exercise 7 with a queue whose Close
// returns holding its lock: a Put it wakes then waits on that Mutex in a
// synctest bubble, which the bubble does not count as durably blocked,
// so synctest.Wait never returns and the leak profile proves nothing
// while the test waits in it. The watchdog sees the bubble make no
// progress and proves the deadlock at the Lock line.
func TestGradeBubbleDeadlock(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an exercise")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	queue := find(t, "queue")
	ref, err := os.ReadFile(filepath.Join(solutionsDir, queue.Dir(), "queue.go"))
	require.NoError(t, err)
	const closeLocks = "func (q *Queue[T]) Close() {\n\tq.mu.Lock()\n\tdefer q.mu.Unlock()\n"
	require.Equal(t, 1, strings.Count(string(ref), closeLocks), "the reference's Close starts so")
	keepsLock := strings.Replace(string(ref), closeLocks, "func (q *Queue[T]) Close() {\n\tq.mu.Lock()\n\n", 1)
	sub := t.TempDir()
	submit(t, sub, queue, map[string]string{"queue.go": keepsLock})

	res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{queue}})
	require.NoError(t, err)
	er := res.Exercises[0]
	assert.Equal(t, grade.Deadlock, er.Verdict, "%s\n%s", er.Message, er.Output)
	text := strings.Join(er.Explanation, "\n")
	assert.Contains(t, text, "synctest bubble made no progress", "the proof is explained:\n%s", text)
	assert.Contains(t, text, "blocked in Mutex.Lock at queue.go:", "at the learner's Lock line:\n%s", text)
	assert.Less(t, er.Duration, 15.0, "proven within the 3 s limit, not at the exercise's 30 s")
}

// solutionsDir is the repository's reference solutions (conclab's main
// embeds them; these tests read them where they lie).
var solutionsDir = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..", "solutions")
}()
