package event_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	event "github.com/conclab/conclab/exercises/06-event"
)

// Tests that block run inside a synctest bubble: time is fake (a one-second
// timeout takes no real time), and a goroutine stuck forever is reported as
// a deadlock instead of hanging the test.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// result is what one waiter saw: its error and the (fake) time it returned.
type result struct {
	err error
	at  time.Time
}

// startWaiters starts n goroutines that each call e.Wait(ctx) once and
// send what they saw on the returned channel.
func startWaiters(ctx context.Context, e *event.Event, n int) <-chan result {
	out := make(chan result, n)
	for range n {
		go func() {
			err := e.Wait(ctx)
			out <- result{err, time.Now()}
		}()
	}
	return out
}

func TestNewEventIsNotSet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := event.New()
		assert.False(t, e.IsSet(), "a new event must not be set")

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := e.Wait(ctx)
		assert.ErrorIs(t, err, context.Canceled,
			"Wait on an event that is not set, with a cancelled context, must return ctx.Err()")
	})
}

func TestSetReleasesEveryWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const waiters = 50
		e := event.New()
		results := startWaiters(context.Background(), e, waiters)

		// A second of fake time passes: nobody may return before Set.
		time.Sleep(time.Second)
		synctest.Wait()
		require.Empty(t, results, "%d waiters returned from Wait before Set was called", len(results))

		e.Set()
		setAt := time.Now()
		// Wait until every goroutine of the test is blocked or gone: a
		// waiter released by Set has returned by now.
		synctest.Wait()
		assert.Len(t, results, waiters,
			"after one Set, only %d of %d waiters returned from Wait; Set must release every waiter, at once", len(results), waiters)
		assert.True(t, e.IsSet(), "IsSet must be true after Set")
		for range waiters {
			r := <-results
			assert.NoError(t, r.err, "Wait must return nil once the event is set")
			assert.Equal(t, time.Duration(0), r.at.Sub(setAt),
				"a waiter returned %v after Set; Set itself must wake the waiters (no polling with sleeps)", r.at.Sub(setAt))
		}
	})
}

func TestWaitOnSetEventReturnsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := event.New()
		e.Set()
		e.Set() // setting twice is allowed and changes nothing
		require.True(t, e.IsSet(), "IsSet must be true after Set")

		start := time.Now()
		assert.NoError(t, e.Wait(context.Background()), "Wait on a set event must return nil")
		assert.Equal(t, time.Duration(0), time.Since(start), "Wait on a set event must not block")

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.NoError(t, e.Wait(ctx), "Wait on a set event returns nil, even with a cancelled context")
	})
}

func TestWaitHonoursCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const waiters = 10
		e := event.New()
		ctx, cancel := context.WithCancel(context.Background())
		results := startWaiters(ctx, e, waiters)

		time.Sleep(time.Second)
		synctest.Wait()
		require.Empty(t, results, "waiters returned before the event was set or their context cancelled")

		cancel()
		cancelledAt := time.Now()
		synctest.Wait()
		assert.Len(t, results, waiters,
			"after cancel, only %d of %d waiters returned; Wait must return when its context is done", len(results), waiters)
		for range waiters {
			r := <-results
			assert.ErrorIs(t, r.err, context.Canceled, "a cancelled Wait must return ctx.Err()")
			assert.Equal(t, time.Duration(0), r.at.Sub(cancelledAt),
				"a waiter returned %v after its context was cancelled; it must return at once", r.at.Sub(cancelledAt))
		}
		assert.False(t, e.IsSet(), "cancelling a waiter must not set the event")
	})
}

func TestWaitHonoursTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := event.New()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := e.Wait(ctx)
		waited := time.Since(start)
		assert.ErrorIs(t, err, context.DeadlineExceeded, "Wait must return ctx.Err() when its deadline passes")
		assert.Equal(t, 500*time.Millisecond, waited,
			"Wait with a 500ms timeout returned after %v; it must return exactly when the deadline passes", waited)
	})
}

func TestClearRearms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := event.New()
		for round := range 5 {
			e.Set()
			e.Clear()
			require.False(t, e.IsSet(), "round %d: IsSet must be false after Clear", round)

			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err := e.Wait(ctx)
			cancel()
			require.ErrorIs(t, err, context.DeadlineExceeded,
				"round %d: after Set then Clear, Wait must block again until its timeout", round)

			results := startWaiters(context.Background(), e, 20)
			time.Sleep(time.Second)
			synctest.Wait()
			require.Empty(t, results, "round %d: waiters returned after Clear, before the next Set", round)

			e.Set()
			synctest.Wait()
			assert.Len(t, results, 20, "round %d: after Clear and Set again, only %d of 20 waiters returned", round, len(results))
			for range 20 {
				assert.NoError(t, (<-results).err)
			}
			e.Clear()
		}
	})
}

// TestClearOnAClearEventKeepsItsWaiters: Clear on an event that is not set
// does nothing, also for the goroutines already waiting on it. A Clear
// that re-arms unconditionally (a fresh channel, a fresh generation)
// strands them: the next Set releases only later waiters.
func TestClearOnAClearEventKeepsItsWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const waiters = 10
		e := event.New()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		results := startWaiters(ctx, e, waiters)
		synctest.Wait() // all of them blocked in Wait

		e.Clear()
		e.Clear()
		require.False(t, e.IsSet(), "Clear on a clear event must leave it clear")
		synctest.Wait()
		require.Empty(t, results, "Clear on a clear event released %d waiters; it must do nothing", len(results))

		e.Set()
		synctest.Wait()
		released := len(results)
		assert.Equal(t, waiters, released,
			"waiters blocked before a Clear on a clear event: Set released only %d of %d; "+
				"Clear on a clear event must do nothing (not re-arm under the waiters)", released, waiters)
		for range released {
			assert.NoError(t, (<-results).err)
		}
		cancel()
		for range waiters - released {
			<-results // the stranded ones, if any, return on the cancel
		}
	})
}

// TestSetReachesWaitersOnTheirWayIn: Set is called while the waiters are
// still inside Wait, past their first look at the event but not yet
// asleep. It runs in a synctest bubble with CONCLAB_GAPS=1: under
// conclab's grader, each unlock in the event then waits until every other
// goroutine has reached its own next step, so Set always falls between a
// waiter's look at the flag (under the lock) and its sleep. A Wait that
// unlocks after looking and locks again to wait, without looking again,
// misses Set's wakeup in every run. (Without the grader, in a plain go
// test, the test still holds a correct event to the same answer.)
func TestSetReachesWaitersOnTheirWayIn(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		const waiters = 10
		e := event.New()
		results := startWaiters(context.Background(), e, waiters)
		// Every waiter has looked at the event and is on its way to
		// sleep (under the grader: held in the gap after its unlock).
		synctest.Wait()
		require.Empty(t, results, "%d waiters returned from Wait before Set was called", len(results))

		e.Set()
		synctest.Wait()
		released := len(results)
		assert.Equal(t, waiters, released,
			"Set while the waiters were on their way into Wait released only %d of %d; "+
				"a waiter that looks at the flag, unlocks, then locks again to wait misses a Set in between: "+
				"look at the flag again under the lock you wait with (for !set { cond.Wait() }), or wait on a channel that Set closes",
			released, waiters)
		for range released {
			assert.NoError(t, (<-results).err, "Wait must return nil once the event is set")
		}
		// The late ones, if any, return when they notice the event at
		// last (a waiter that polls); one that missed the wakeup never
		// does, and the bubble reports it blocked.
		for range waiters - released {
			<-results
		}
	})
}

// TestManySetsAtOnce: goroutines set the event at the same moment, with
// waiters already waiting; Set on a set event does nothing. Like
// TestSetReachesWaitersOnTheirWayIn it runs in a synctest bubble with
// CONCLAB_GAPS=1, so under conclab's grader every Set that looks at the
// flag, unlocks, and locks again to set it finds the flag still clear,
// in every run.
func TestManySetsAtOnce(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		const waiters, setters = 10, 5
		e := event.New()
		results := startWaiters(context.Background(), e, waiters)
		synctest.Wait()
		var wg sync.WaitGroup
		for range setters {
			wg.Go(e.Set)
		}
		wg.Wait()
		synctest.Wait()
		assert.True(t, e.IsSet(), "IsSet must be true after %d Sets at once", setters)
		released := len(results)
		assert.Equal(t, waiters, released,
			"%d Sets at once released only %d of %d waiters", setters, released, waiters)
		for range waiters {
			assert.NoError(t, (<-results).err, "Wait must return nil once the event is set")
		}
	})
}

// TestTwoClearsAtOnce: two goroutines clear a set event at the same
// moment, and a waiter arrives between the two. Both Clears find the
// event set; whichever clears it first re-arms it, and the other must
// then leave the waiter's round alone, so that the next Set releases
// the waiter. It runs in a synctest bubble with CONCLAB_GAPS set to a
// length: under conclab's grader each unlock in the event then waits on
// the fake clock for that long, and the test staggers the goroutines by
// starting them while gaps have different lengths. A Clear that looks at
// the flag, unlocks, and locks again to re-arm then re-arms twice, the
// second time under the waiter, in every run.
func TestTwoClearsAtOnce(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "10ns")
	synctest.Test(t, func(t *testing.T) {
		e := event.New()
		e.Set()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var clears sync.WaitGroup
		clears.Go(e.Clear) // its steps are 10ns apart
		synctest.Wait()
		os.Setenv("CONCLAB_GAPS", "30ns")
		clears.Go(e.Clear) // and this one's 30ns: it goes second
		synctest.Wait()
		time.Sleep(20 * time.Nanosecond) // the first Clear is done
		results := startWaiters(ctx, e, 1)
		synctest.Wait()
		time.Sleep(20 * time.Nanosecond) // and so is the second
		clears.Wait()
		require.False(t, e.IsSet(), "IsSet after two Clears")
		require.Empty(t, results, "a waiter returned from Wait on a cleared event")

		e.Set()
		synctest.Wait()
		released := assert.Len(t, results, 1,
			"two Clears of a set event at once, a waiter, then Set: the waiter was not released. "+
				"A Clear that checks the flag, unlocks, and locks again to re-arm the event can re-arm it a second time, "+
				"under a waiter that arrived after the first: check and re-arm under one lock")
		cancel()
		if r := <-results; released {
			assert.NoError(t, r.err, "Wait must return nil once the event is set")
		}
	})
}

// TestConcurrentUse runs every method at once from many goroutines, in real
// time, for the race detector to watch.
func TestConcurrentUse(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	e := event.New()
	within(t, 5*time.Second, "goroutines calling Set, Clear, IsSet and Wait", func() {
		var wg sync.WaitGroup
		var released atomic.Int64
		for g := range 8 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 1))
				for range 300 {
					switch r.IntN(4) {
					case 0:
						e.Set()
					case 1:
						e.Clear()
					case 2:
						_ = e.IsSet()
					case 3:
						ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
						if err := e.Wait(ctx); err == nil {
							released.Add(1)
						} else if !errors.Is(err, context.DeadlineExceeded) {
							t.Errorf("Wait returned %v; want nil or context.DeadlineExceeded", err)
						}
						cancel()
					}
				}
			})
		}
		wg.Wait()
	})
	e.Set()
	within(t, 2*time.Second, "Wait on a set event", func() {
		assert.NoError(t, e.Wait(context.Background()), "Wait on a set event must return nil")
	})
}

// within runs f and fails the test, naming what got stuck, when f has not
// returned after d. Under the grader's watchdog it waits for as long as f
// takes: see guardTimeout.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-guardTimeout(d):
		t.Fatalf("deadlock or livelock: %s did not finish within %v", what, d)
	}
}

// guardTimeout returns the channel on which a deadlock guard gives up: it
// receives once d has passed. Under conclab's grader, which sets
// CONCLAB_WATCHDOG, it returns nil, a channel that never receives, so the
// guard waits for its body with no timer at all. The grader's watchdog
// reads the runtime's goroutine leak profile, which proves a deadlock the
// moment it forms by finding goroutines that nothing still able to run
// could ever wake. A guard waiting on a timer can still be woken, so
// everything it references (the body's locks, channels and WaitGroups)
// would stay reachable and hide the goroutines stuck on them from that
// proof until the deadline. The exercise's time limit still ends a run
// that hangs for any other reason.
func guardTimeout(d time.Duration) <-chan time.Time {
	if os.Getenv("CONCLAB_WATCHDOG") != "" {
		return nil
	}
	return time.After(d)
}
