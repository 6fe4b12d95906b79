package pipeline_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	pipeline "github.com/conclab/conclab/exercises/10-pipeline"
)

// Most tests run inside a synctest bubble: time is fake, a goroutine stuck
// forever is reported as a deadlock, and synctest.Wait lets a test look at
// the pipeline once every goroutine has done all it can.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func square(v int) int { return v * v }

func squares(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i*i)
	}
	return s
}

// pollCountingCtx counts how often a stage asks it whether it is done
// (Done or Err). A stage that waits blocks in a select, and asks a few
// times per value; a stage that spins (a select with a default: case, or a
// loop that polls ctx.Err()) asks again and again. Inside a synctest bubble
// a spinner is worse than slow: fake time never advances and
// synctest.Wait never returns while a goroutine of the bubble keeps
// running, so the test would hang. At its limit-th question the ctx
// therefore cancels itself: a spinning stage ends, and the test reports it.
type pollCountingCtx struct {
	context.Context
	cancel context.CancelFunc
	limit  int64
	polls  atomic.Int64
}

// countPolls returns a ctx derived from parent that gives up after limit
// questions, and its cancel func.
func countPolls(parent context.Context, limit int64) (*pollCountingCtx, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	return &pollCountingCtx{Context: ctx, cancel: cancel, limit: limit}, cancel
}

func (c *pollCountingCtx) poll() {
	if c.polls.Add(1) == c.limit {
		c.cancel()
	}
}

func (c *pollCountingCtx) Done() <-chan struct{} {
	c.poll()
	return c.Context.Done()
}

func (c *pollCountingCtx) Err() error {
	c.poll()
	return c.Context.Err()
}

// assertNoSpin fails the test if the stage named who asked ctx whether it
// was done as often as ctx allows.
func assertNoSpin(t *testing.T, ctx *pollCountingCtx, who string) {
	t.Helper()
	polls := ctx.polls.Load()
	assert.Less(t, polls, ctx.limit,
		"%s asked its ctx %d times (the test stops it at %d) whether it was done: it spins instead of waiting. "+
			"A select with a default: case never blocks; leave the default out, so that the select waits for a value "+
			"or ctx.Done()", who, polls, ctx.limit)
}

func TestGenerateThenCollect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		got, err := pipeline.Collect(ctx, pipeline.Generate(ctx, 5))
		assert.NoError(t, err, "Collect of a channel that gets closed must return nil")
		assert.Equal(t, []int{1, 2, 3, 4, 5}, got, "Generate(5) must send 1..5, in order")

		got, err = pipeline.Collect(ctx, pipeline.Generate(ctx, 0))
		assert.NoError(t, err)
		assert.Empty(t, got, "Generate(0) must send nothing and close its channel")
	})
}

// TestTransformKeepsOrder uses an f whose running time varies, so that
// results computed in parallel would come out shuffled.
func TestTransformKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A Collect that returns early leaves the stages sending: the
		// test cancels their ctx at the end, so that they exit.
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		slowly := func(v int) int {
			time.Sleep(time.Duration(v*7%5) * time.Millisecond)
			return v * v
		}
		// Collect waits while f sleeps: it must block, not spin (a
		// spinner would freeze fake time; this ctx stops it instead). A
		// few questions per value are fine: 200 values, up to 50 each.
		collectCtx, cancel := countPolls(ctx, 10_000)
		defer cancel()
		out := pipeline.Transform(ctx, pipeline.Generate(ctx, 200), slowly)
		got, err := pipeline.Collect(collectCtx, out)
		assertNoSpin(t, collectCtx, "Collect")
		assert.NoError(t, err)
		assert.Equal(t, squares(1, 200), got, "Transform must send f(v) for every v, once each, in the order the v arrived")

		// After a Collect that returned early, Transform may be in f (at
		// most 4 ms of fake time); it sees the cancellation after that.
		stop()
		time.Sleep(time.Second)
	})
}

func TestFirstStopsEarly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got, err := pipeline.First(context.Background(), 5, 10, square)
		assert.NoError(t, err)
		assert.Equal(t, squares(1, 5), got, "First(n=5, k=10) must return all 5 results")
	})

	// In real time, for goleak: the producers of a pipeline whose consumer
	// stopped early must not stay blocked on their sends.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var calls atomic.Int64
	counted := func(v int) int {
		calls.Add(1)
		return v * v
	}
	done := make(chan struct{})
	var got []int
	var err error
	go func() {
		defer close(done)
		got, err = pipeline.First(context.Background(), 1_000_000, 10, counted)
	}()
	select {
	case <-done:
	case <-guardTimeout(5 * time.Second):
		t.Fatalf("deadlock or livelock: First(n=1000000, k=10) did not return within 5s")
	}
	assert.NoError(t, err)
	assert.Equal(t, squares(1, 10), got, "First(k=10) must return the first 10 results, in order")
	time.Sleep(50 * time.Millisecond) // stages that were told to stop get a moment to exit
	assert.Less(t, calls.Load(), int64(1000),
		"f was called %d times for 10 results: the pipeline must stop once First has what it needs", calls.Load())
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

// TestGenerateStopsOnCancel: nobody reads; after cancel, Generate must
// close its channel instead of waiting forever to send.
func TestGenerateStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := pipeline.Generate(ctx, 1000)
		assert.Zero(t, cap(out), "Generate's channel has a buffer of %d; the README asks for an unbuffered one, "+
			"so that Generate never runs ahead of its reader and sends nothing after a cancel", cap(out))
		assert.Equal(t, 1, <-out, "Generate must start at 1")
		synctest.Wait() // Generate waits to send 2 (and, with a buffer, has filled it)
		cancel()
		synctest.Wait() // Generate has done whatever it does on cancel
		v, ok := <-out
		assert.False(t, ok, "after cancel, Generate sent %d; it must stop sending and close its channel", v)
		if ok {
			for range out { // drain, so that a Generate that ignores ctx can end
			}
		}
	})
}

// TestTransformStopsOnCancel cancels a Transform in both places it can
// block: waiting to receive, and waiting to send.
func TestTransformStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Blocked receiving: in stays open and empty.
		ctx, cancel := context.WithCancel(context.Background())
		in := make(chan int)
		out := pipeline.Transform(ctx, in, square)
		in <- 3
		assert.Equal(t, 9, <-out)
		cancel()
		synctest.Wait()
		select {
		case _, ok := <-out:
			assert.False(t, ok, "after cancel, Transform sent a value it had no input for")
		default:
			t.Errorf("Transform waiting for input did not close its channel when ctx was cancelled")
			close(in) // let it end
		}

		// Blocked sending: it has a result nobody reads.
		ctx, cancel = context.WithCancel(context.Background())
		in = make(chan int, 1)
		out = pipeline.Transform(ctx, in, square)
		in <- 4
		synctest.Wait()
		cancel()
		synctest.Wait()
		v, ok := <-out
		assert.False(t, ok, "after cancel, Transform sent %d; it must give up the send and close its channel", v)
		close(in)
		for range out {
		}
	})
}

// TestTransformWaitsWithoutSpinning: a Transform with no input yet must
// block until a value or the cancellation arrives. A select with a
// default: case (or a loop that polls ctx.Err()) never blocks: it keeps a
// CPU core busy doing nothing for as long as it waits.
func TestTransformWaitsWithoutSpinning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := countPolls(context.Background(), 1000)
		defer cancel()
		in := make(chan int)
		out := pipeline.Transform(ctx, in, square)
		// Every goroutine in the bubble is blocked: Transform waits for
		// input (or has spun until ctx gave up on it).
		synctest.Wait()
		assertNoSpin(t, ctx, "Transform, with no input,")
		close(in)
		for range out { // Transform ends once in is closed
		}
	})
}

func TestCollectHonoursDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		deadline, cancelDeadline := context.WithTimeout(context.Background(), time.Second)
		defer cancelDeadline()
		// Collect waits a whole (fake) second for a value that never
		// comes: it must block, not spin (this ctx stops a spinner).
		ctx, cancel := countPolls(deadline, 1000)
		defer cancel()
		in := make(chan int)
		stop := make(chan struct{}) // a Collect that returned early does not take every value
		go func() {
			for i := 1; i <= 3; i++ {
				select {
				case in <- i:
				case <-stop:
					return
				}
			}
			// in stays open: only the deadline can end Collect.
		}()
		start := time.Now()
		got, err := pipeline.Collect(ctx, in)
		close(stop)
		assertNoSpin(t, ctx, "Collect, waiting for a value that never comes,")
		assert.ErrorIs(t, err, context.DeadlineExceeded, "Collect must return ctx.Err() when the deadline passes before in is closed")
		assert.Equal(t, []int{1, 2, 3}, got, "Collect must return the values it received before the deadline")
		assert.Equal(t, time.Second, time.Since(start), "Collect must return as soon as the deadline passes")
	})
}

// TestFirstIsPrompt: f takes 90ms (fake time) per value, the caller gives
// First 1s. First must return at the deadline with the results it has: at
// 1s exactly, while f is busy with the twelfth value until 1.08s. A First
// that only waits for the results channel to close returns when that value
// is done, not at once.
// Not 100ms: the tenth value would then be ready at the very instant of the
// deadline, and which of the two a select sees first would be chance.
func TestFirstIsPrompt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		slow := func(v int) int {
			time.Sleep(90 * time.Millisecond)
			return v * v
		}
		start := time.Now()
		got, err := pipeline.First(ctx, 100, 50, slow)
		took := time.Since(start)
		assert.ErrorIs(t, err, context.DeadlineExceeded, "First must return ctx.Err() when its context ends first")
		assert.Equal(t, time.Second, took,
			"First with a 1s deadline took %v; it must return the moment ctx is done, not when Transform has finished "+
				"the value it is working on and closed its channel: select on ctx.Done() as well as on the results", took)
		require.NotEmpty(t, got, "First returned no results, but several were ready before the deadline")
		assert.Equal(t, squares(1, len(got)), got, "the partial results must be the first ones, in order")

		// The value being transformed at the deadline takes up to 90ms
		// more; then every stage must have exited, or the bubble reports
		// the goroutines left behind.
		time.Sleep(time.Second)
	})
}
