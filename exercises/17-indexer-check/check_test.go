package check_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	check "github.com/conclab/conclab/exercises/17-indexer-check"
	"github.com/conclab/conclab/exercises/17-indexer-check/indexer"
)

// The graded tests run the learner's CheckIndexer, a test body, against
// indexers that work and indexers that do not, many times, and look at
// what it reported through a testing.TB of their own (recorder).
//
// Every run is a testing/synctest bubble: time is fake, so an indexer
// that takes half a second, or a check that waits ten seconds for a hook
// that never comes, costs no real time; and nothing moves on the fake
// clock while any goroutine of the bubble can run, so each run is
// deterministic. A check that sleeps and then looks is therefore never
// lucky: on an indexer slower than its sleep it looks too early, on one
// quicker it returns later than the event it should have waited for.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runs is how many times each indexer is checked.
const runs = 50

// delays are how long the correct indexers take per document, run after
// run: from nearly nothing to well beyond any sleep a flaky test uses,
// and none a round number a sleep might tie with.
var delays = []time.Duration{
	time.Microsecond,
	300 * time.Microsecond,
	3*time.Millisecond + 7*time.Microsecond,
	30*time.Millisecond + 70*time.Microsecond,
	170*time.Millisecond + 30*time.Microsecond,
	450*time.Millisecond + 3*time.Microsecond,
}

// hang is how long (fake) a check may run before it counts as stuck.
const hang = time.Hour

// recorder is the testing.TB the check runs with: it records failures,
// skips and logs instead of reporting them, and ends the check's
// goroutine on FailNow and SkipNow as testing does. The embedded TB is
// nil: every method a check may call is defined below, so the check
// never reaches the real test.
type recorder struct {
	testing.TB
	ctx      context.Context
	mu       sync.Mutex
	failed   bool
	skipped  bool
	said     []string // what the check reported or logged, in order
	cleanups []func()
}

func (r *recorder) note(failed bool, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = r.failed || failed
	if msg != "" {
		r.said = append(r.said, msg)
	}
}

func (r *recorder) Error(args ...any)                 { r.note(true, sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.note(true, fmt.Sprintf(format, args...)) }
func (r *recorder) Fail()                             { r.note(true, "") }
func (r *recorder) FailNow()                          { r.note(true, ""); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Log(args ...any)                 { r.note(false, sprint(args...)) }
func (r *recorder) Logf(format string, args ...any) { r.note(false, fmt.Sprintf(format, args...)) }
func (r *recorder) Skip(args ...any)                { r.Log(args...); r.SkipNow() }
func (r *recorder) Skipf(format string, args ...any) {
	r.Logf(format, args...)
	r.SkipNow()
}
func (r *recorder) SkipNow() {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recorder) Skipped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped
}
func (r *recorder) Helper()                  {}
func (r *recorder) Name() string             { return "CheckIndexer" }
func (r *recorder) Context() context.Context { return r.ctx }
func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}
func (r *recorder) Output() io.Writer { return recorderOutput{r} }

// The rest reach outside the test, which this check has no need for.
func (r *recorder) Attr(key, value string) { r.note(false, "") }
func (r *recorder) Setenv(key, value string) {
	r.Fatal("t.Setenv: this check has no environment to set")
}
func (r *recorder) Chdir(dir string) { r.Fatal("t.Chdir: this check has no folder to change to") }
func (r *recorder) TempDir() string {
	r.Fatal("t.TempDir: this check has no files to write")
	return ""
}
func (r *recorder) ArtifactDir() string {
	r.Fatal("t.ArtifactDir: this check has no files to write")
	return ""
}

type recorderOutput struct{ r *recorder }

func (o recorderOutput) Write(p []byte) (int, error) { o.r.note(false, string(p)); return len(p), nil }

func sprint(args ...any) string { return strings.TrimSuffix(fmt.Sprintln(args...), "\n") }

// outcome is what one run of the check did, times in fake time since
// the check started.
type outcome struct {
	failed, skipped bool
	said            []string
	returned        time.Duration // when the check returned
	hung            bool          // it had not returned after an hour
	indexed         time.Duration // the last hook call (a document indexed); -1 if none
	made, unclosed  int           // indexers the check made, and left open
}

// runCheck runs the check once, in a bubble of its own, with indexers
// made with opts.
func runCheck(t *testing.T, opts ...indexer.Option) outcome {
	t.Helper()
	var o outcome
	synctest.Test(t, func(*testing.T) {
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := &recorder{ctx: ctx}

		// made holds every indexer the check made, with the documents
		// added to it and reported by its hook.
		type made struct {
			ix        *indexer.Indexer
			onIndexed func(string)
			added     []string
			hooked    map[string]bool
			closed    bool
		}
		var (
			mu      sync.Mutex
			all     []*made
			indexed = time.Duration(-1)
		)
		newIndexer := func(onIndexed func(doc string)) *indexer.Indexer {
			m := &made{onIndexed: onIndexed, hooked: map[string]bool{}}
			hook := func(doc string) {
				mu.Lock()
				m.hooked[doc] = true
				indexed = time.Since(start)
				mu.Unlock()
				if onIndexed != nil {
					onIndexed(doc)
				}
			}
			observe := indexer.Observe(indexer.Observer{
				Added: func(doc string) {
					mu.Lock()
					defer mu.Unlock()
					m.added = append(m.added, doc)
				},
				Closed: func() {
					mu.Lock()
					defer mu.Unlock()
					m.closed = true
				},
			})
			m.ix = indexer.New(hook, append(opts, observe)...)
			mu.Lock()
			all = append(all, m)
			mu.Unlock()
			return m.ix
		}

		returned := make(chan struct{})
		var end time.Duration
		go func() {
			defer close(returned)
			defer func() { // the check's cleanups, last first, as testing runs them
				for i := len(rec.cleanups) - 1; i >= 0; i-- {
					rec.cleanups[i]()
				}
				end = time.Since(start)
			}()
			check.CheckIndexer(rec, newIndexer)
		}()
		select {
		case <-returned:
		case <-time.After(hang):
			o.hung = true
			// Release a check that waits for a hook without a deadline:
			// report every document its indexers never reported, so that
			// it can return and the bubble end.
			mu.Lock()
			var release []func()
			for _, m := range all {
				for _, doc := range m.added {
					if !m.hooked[doc] && m.onIndexed != nil {
						release = append(release, func() { m.onIndexed(doc) })
					}
				}
			}
			mu.Unlock()
			for _, f := range release {
				f()
			}
			select {
			case <-returned:
			case <-time.After(hang):
				t.Errorf("deadlock or livelock: the check was still running two hours (of fake time) after it started, "+
					"an hour after it was handed the hooks it waited for; it said: %s", said(rec.said))
				return
			}
		}
		cancel()

		mu.Lock()
		o.indexed = indexed
		o.made = len(all)
		for _, m := range all {
			if !m.closed {
				o.unclosed++
			}
		}
		mu.Unlock()
		for _, m := range all {
			m.ix.Close()
		}
		rec.mu.Lock()
		o.failed, o.skipped, o.said = rec.failed, rec.skipped, rec.said
		rec.mu.Unlock()
		o.returned = end
	})
	return o
}

// said is what the check reported, for a message.
func said(msgs []string) string {
	if len(msgs) == 0 {
		return "(nothing)"
	}
	return fmt.Sprintf("%q", strings.Join(msgs, "; "))
}

// TestCheckPassesCorrectIndexers: correct indexers that take from a
// microsecond to 450 ms per document. The check must pass every run, and
// return as soon as the last document it waited for is indexed, at the
// same instant of the fake clock: a check that sleeps either looks too
// early or returns late.
func TestCheckPassesCorrectIndexers(t *testing.T) {
	bad, first := 0, ""
	for run := range runs {
		d := delays[run%len(delays)]
		o := runCheck(t, indexer.Delay(d))
		var why string
		switch {
		case o.hung:
			why = fmt.Sprintf("your check had not returned an hour after it started: on a correct indexer it must end as soon as the document is indexed; it said: %s", said(o.said))
		case o.skipped:
			why = fmt.Sprintf("your check skipped (%s): it must check the indexer, every time", said(o.said))
		case o.failed && (o.indexed < 0 || o.indexed > o.returned):
			why = fmt.Sprintf("your check failed on a correct indexer that takes %v per document: it returned after %v, before the document was indexed (no hook had fired yet), so it looked too early: wait for the hook, not for time; it said: %s",
				d, o.returned, said(o.said))
		case o.failed:
			why = fmt.Sprintf("your check failed on a correct indexer that takes %v per document: it said: %s", d, said(o.said))
		case o.made == 0:
			why = "your check made no indexer: it must call newIndexer and check what it makes"
		case o.unclosed > 0:
			why = fmt.Sprintf("your check left %d of the %d indexers it made running: Close each one (defer ix.Close()), or its goroutine leaks", o.unclosed, o.made)
		case o.indexed >= 0 && o.returned > o.indexed:
			why = fmt.Sprintf("your check returned %v (of fake time) after the last document was indexed, on an indexer that takes %v per document: it waited for time (a sleep, a poll) instead of for the event; the hook says when, to the instant",
				o.returned-o.indexed, d)
		}
		if why != "" {
			bad++
			if first == "" {
				first = why
			}
		}
	}
	if bad > 0 {
		t.Errorf("on correct indexers your check went wrong in %d of %d runs; the first: %s", bad, runs, first)
	}
}

// checkFails runs the check against a broken indexer, made with opts, and
// fails unless the check reports a failure in every run.
func checkFails(t *testing.T, broken string, opts ...indexer.Option) {
	t.Helper()
	bad, first := 0, ""
	for run := range runs {
		d := delays[run%len(delays)]
		o := runCheck(t, append([]indexer.Option{indexer.Delay(d)}, opts...)...)
		var why string
		switch {
		case o.hung:
			why = fmt.Sprintf("your check was still waiting an hour (of fake time) after it started, on the indexer that %s: bound the wait with a deadline (time.After, context.WithTimeout) and fail when it passes", broken)
		case o.skipped:
			why = fmt.Sprintf("your check skipped on the indexer that %s: it must fail there", broken)
		case !o.failed:
			why = fmt.Sprintf("your check passed the indexer that %s: it must fail there (t.Error or t.Fatal); it said: %s", broken, said(o.said))
		}
		if why != "" {
			bad++
			if first == "" {
				first = why
			}
		}
	}
	if bad > 0 {
		t.Errorf("in %d of %d runs: %s", bad, runs, first)
	}
}

func TestCheckFailsAnIndexerThatNeverIndexes(t *testing.T) {
	checkFails(t, "never indexes a document (Add takes it, Has stays false, the hook never runs)", indexer.NeverIndexes())
}

func TestCheckFailsAnIndexerWhoseHookComesFirst(t *testing.T) {
	checkFails(t, "calls the hook before the document is stored (Has is false when the hook runs, true a millisecond later)", indexer.HookBeforeStore())
}

func TestCheckFailsAnIndexerThatForgets(t *testing.T) {
	checkFails(t, "calls the hook but never stores the document (Has stays false)", indexer.ForgetsDocuments())
}
