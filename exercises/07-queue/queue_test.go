package queue_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	queue "github.com/conclab/conclab/exercises/07-queue"
)

// Tests that block run inside a synctest bubble: time is fake, and a
// goroutine stuck forever is reported as a deadlock instead of hanging.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[string](5)
		for _, s := range []string{"a", "b", "c", "d", "e"} {
			require.NoError(t, q.Put(ctx, s), "Put into a queue with room must succeed")
		}
		for _, want := range []string{"a", "b", "c", "d", "e"} {
			got, err := q.Get(ctx)
			require.NoError(t, err, "Get from a queue holding items must succeed")
			assert.Equal(t, want, got, "Get must return items in the order they were Put (first in, first out)")
		}
	})
}

func TestPutBlocksWhenFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](3)
		var puts atomic.Int64
		producerErr := make(chan error, 1)
		go func() {
			for i := range 10 {
				if err := q.Put(ctx, i); err != nil {
					producerErr <- err
					return
				}
				puts.Add(1)
			}
			producerErr <- nil
		}()

		// Wait until the producer is blocked (or done).
		synctest.Wait()
		assert.Equal(t, int64(3), puts.Load(),
			"with capacity 3 and nobody calling Get, %d Puts returned; the 4th Put must wait for room", puts.Load())

		v, err := q.Get(ctx)
		assert.NoError(t, err)
		assert.Equal(t, 0, v, "the first item out must be the first one in")
		synctest.Wait()
		assert.Equal(t, int64(4), puts.Load(),
			"one Get made room for exactly one more Put, but %d Puts have returned", puts.Load())

		// The producer is blocked on its 5th Put: Close must release it.
		q.Close()
		synctest.Wait()
		select {
		case err := <-producerErr:
			assert.ErrorIs(t, err, queue.ErrClosed, "a Put blocked on a full queue must return ErrClosed when the queue is closed")
		default:
			t.Errorf("Close did not release the Put blocked on a full queue")
			q.Get(ctx) // make room so that the producer can finish
			<-producerErr
		}
		// What was in the queue is still delivered, then ErrClosed.
		for _, want := range []int{1, 2, 3} {
			v, err := q.Get(ctx)
			assert.NoError(t, err, "after Close, Get must still return the items left in the queue")
			assert.Equal(t, want, v, "after Close, the remaining items come out in order")
		}
		_, err = q.Get(ctx)
		assert.ErrorIs(t, err, queue.ErrClosed, "once a closed queue is empty, Get must return ErrClosed")
	})
}

func TestGetBlocksWhenEmpty(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](2)
		type got struct {
			v   int
			err error
			at  time.Time
		}
		done := make(chan got, 1)
		go func() {
			v, err := q.Get(ctx)
			done <- got{v, err, time.Now()}
		}()
		time.Sleep(time.Second)
		synctest.Wait()
		require.Empty(t, done, "Get on an empty queue returned instead of waiting for an item")

		require.NoError(t, q.Put(ctx, 42))
		putAt := time.Now()
		r := <-done
		assert.NoError(t, r.err)
		assert.Equal(t, 42, r.v, "the waiting Get must receive the item that was Put")
		assert.Equal(t, time.Duration(0), r.at.Sub(putAt),
			"the waiting Get returned %v after the Put; Put must wake it (no polling)", r.at.Sub(putAt))
	})
}

func TestCloseReleasesBlockedGets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](2)
		const getters = 5
		errs := make(chan error, getters)
		for range getters {
			go func() {
				_, err := q.Get(ctx)
				errs <- err
			}()
		}
		synctest.Wait()
		require.Empty(t, errs, "Get on an empty, open queue returned instead of waiting")

		q.Close()
		q.Close() // closing twice is allowed
		synctest.Wait()
		assert.Len(t, errs, getters, "Close released only %d of %d Gets blocked on an empty queue", len(errs), getters)
		for range getters {
			assert.ErrorIs(t, <-errs, queue.ErrClosed, "a Get blocked on an empty queue must return ErrClosed when it is closed")
		}
		assert.ErrorIs(t, q.Put(ctx, 1), queue.ErrClosed, "Put after Close must return ErrClosed")
	})
}

func TestGetAfterCloseDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](10)
		for i := range 7 {
			require.NoError(t, q.Put(ctx, i*i))
		}
		q.Close()
		assert.ErrorIs(t, q.Put(ctx, 99), queue.ErrClosed, "Put after Close must return ErrClosed")
		for i := range 7 {
			v, err := q.Get(ctx)
			assert.NoError(t, err, "item %d: after Close, Get must first return the items still in the queue", i)
			assert.Equal(t, i*i, v, "item %d: after Close, the items come out in order", i)
		}
		for range 3 {
			v, err := q.Get(ctx)
			assert.ErrorIs(t, err, queue.ErrClosed, "Get on a closed, empty queue must return ErrClosed (every time)")
			assert.Zero(t, v, "Get that fails must return the zero value")
		}
	})
}

func TestBlockedCallsHonourContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := queue.New[int](2)

		// Get on an empty queue, with a timeout.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		start := time.Now()
		_, err := q.Get(ctx)
		cancel()
		assert.ErrorIs(t, err, context.DeadlineExceeded, "Get on an empty queue must return ctx.Err() when the deadline passes")
		assert.Equal(t, time.Second, time.Since(start), "Get with a 1s timeout must return when the deadline passes")

		// Put on a full queue, cancelled.
		bg := context.Background()
		require.NoError(t, q.Put(bg, 1))
		require.NoError(t, q.Put(bg, 2))
		ctx, cancel = context.WithCancel(bg)
		putErr := make(chan error, 1)
		go func() { putErr <- q.Put(ctx, 3) }()
		time.Sleep(time.Second)
		synctest.Wait()
		require.Empty(t, putErr, "Put on a full queue returned instead of waiting for room")
		cancel()
		synctest.Wait()
		select {
		case err := <-putErr:
			assert.ErrorIs(t, err, context.Canceled, "a Put blocked on a full queue must return ctx.Err() when cancelled")
		default:
			t.Errorf("cancelling its context did not release a Put blocked on a full queue")
			q.Close() // release it the other way, so that the test can end
			<-putErr
		}

		// The cancelled item was not added.
		for _, want := range []int{1, 2} {
			v, err := q.Get(bg)
			assert.NoError(t, err)
			assert.Equal(t, want, v)
		}
		ctx, cancel = context.WithTimeout(bg, time.Second)
		defer cancel()
		v, err := q.Get(ctx)
		assert.Error(t, err, "the queue must be empty now, but Get returned %v: a cancelled Put must not add its item", v)
	})
}

// The next three tests start a call and let it run as far as it can
// before the test acts. They run in a synctest bubble with
// CONCLAB_GAPS=1: under conclab's grader, each unlock in the queue then
// waits until every other goroutine has reached its own next step, so a
// call that looks at the queue under the lock, unlocks, and locks again
// to act on what it saw always finds the queue changed in between, in
// every run. (Without the grader, in a plain go test, the tests still
// hold a correct queue to the same answers.)

// TestGetMeetsPutOnItsWayIn: a Put comes while a Get on the empty queue
// is on its way to wait (under the grader: past its look at the queue,
// held in the gap after its unlock). The Get must still get the item.
func TestGetMeetsPutOnItsWayIn(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](2)
		type got struct {
			v   int
			err error
		}
		done := make(chan got, 1)
		go func() {
			v, err := q.Get(ctx)
			done <- got{v, err}
		}()
		synctest.Wait()
		require.Empty(t, done, "Get on an empty queue returned instead of waiting for an item")

		require.NoError(t, q.Put(ctx, 42), "Put into an empty queue must succeed")
		// Give the Get all the time it needs to finish (under the
		// grader it still passes a gap after its last unlock).
		time.Sleep(time.Second)
		synctest.Wait()
		select {
		case r := <-done:
			assert.NoError(t, r.err)
			assert.Equal(t, 42, r.v, "the waiting Get must receive the item that was Put")
		default:
			t.Errorf("a Put came while a Get was on its way to wait, and the Get never woke: the item sits in the queue. " +
				"Did Get look at the queue, unlock, then lock again to pick what it waits on? " +
				"The Put's wakeup came in between and was missed: decide to wait, and take what you wait on, under one lock")
			q.Close() // wake it the other way, so that the test can end
			<-done
		}
	})
}

// TestPutMeetsGetOnItsWayIn: a Get makes room while a Put on the full
// queue is on its way to wait (under the grader: past its look at the
// queue, held in the gap after its unlock). The Put must still go in.
func TestPutMeetsGetOnItsWayIn(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](1)
		require.NoError(t, q.Put(ctx, 1), "Put into an empty queue must succeed")
		putErr := make(chan error, 1)
		go func() { putErr <- q.Put(ctx, 2) }()
		synctest.Wait()
		require.Empty(t, putErr, "Put on a full queue returned instead of waiting for room")

		v, err := q.Get(ctx)
		require.NoError(t, err, "Get from a queue holding an item must succeed")
		assert.Equal(t, 1, v, "the first item out must be the first one in")
		// Give the Put all the time it needs to finish (under the
		// grader it still passes a gap after its last unlock).
		time.Sleep(time.Second)
		synctest.Wait()
		select {
		case err := <-putErr:
			assert.NoError(t, err, "a Put waiting on a full queue must succeed once a Get makes room")
		default:
			t.Errorf("a Get made room while a Put was on its way to wait, and the Put never woke: the queue has room and nobody fills it. " +
				"Did Put look at the queue, unlock, then lock again to pick what it waits on? " +
				"The Get's wakeup came in between and was missed: decide to wait, and take what you wait on, under one lock")
			q.Close() // release it the other way, so that the test can end
			<-putErr
			return
		}
		v, err = q.Get(ctx)
		assert.NoError(t, err)
		assert.Equal(t, 2, v, "the Put that waited for room must have added its item")
	})
}

// TestCloseMeetsPutOnItsWayIn: Close comes while a Put into an empty,
// open queue is on its way (under the grader: past its look at the queue,
// held in the gap after its unlock), and a Get is waiting. Either the Put
// went in before Close, and its item comes out before any Get returns
// ErrClosed, or it returns ErrClosed: a Put that succeeds after a Get
// has seen the queue closed and empty adds an item nobody will get.
func TestCloseMeetsPutOnItsWayIn(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](2)
		type got struct {
			v   int
			err error
		}
		getter := make(chan got, 1)
		go func() {
			v, err := q.Get(ctx)
			getter <- got{v, err}
		}()
		// Let the Get settle into its wait.
		time.Sleep(time.Second)
		synctest.Wait()
		require.Empty(t, getter, "Get on an empty queue returned instead of waiting for an item")

		putErr := make(chan error, 1)
		go func() { putErr <- q.Put(ctx, 7) }()
		synctest.Wait()
		q.Close()
		synctest.Wait()

		// Every Get, in the order they returned: the waiting one, then
		// ours until ErrClosed (at most two: a closed queue never waits).
		gets := []got{<-getter}
		for range 2 {
			if gets[len(gets)-1].err != nil {
				break
			}
			v, err := q.Get(ctx)
			gets = append(gets, got{v, err})
		}
		// The Put and Close overlap, so either may come first: the Put
		// succeeds, or it returns ErrClosed.
		err := <-putErr
		if err != nil {
			assert.ErrorIs(t, err, queue.ErrClosed, "a Put that overlaps Close must succeed or return ErrClosed")
		}
		putOK := err == nil
		var before []int  // the items that came out before the first ErrClosed
		var said []string // what each Get returned, for the message
		for _, g := range gets {
			if g.err != nil {
				said = append(said, g.err.Error())
			} else {
				said = append(said, fmt.Sprint(g.v))
			}
		}
		for _, g := range gets {
			if g.err != nil {
				assert.ErrorIs(t, g.err, queue.ErrClosed, "Get on a closed queue failed with an unexpected error")
				break
			}
			before = append(before, g.v)
		}
		if putOK {
			assert.Equal(t, []int{7}, before,
				"Put returned nil, so its item must come out before any Get returns ErrClosed, but the Gets returned %q. "+
					"Did Put check closed, unlock, then lock again to add the item? "+
					"Close came in between, a Get saw the queue closed and empty, and then the item went in: "+
					"check closed and add the item under one lock", said)
		}
		v, err := q.Get(ctx)
		assert.ErrorIs(t, err, queue.ErrClosed,
			"once a Get has returned ErrClosed, every later Get must too, but this one returned %v", v)
	})
}

// TestTwoGetsForOneItem: two Gets at once on a queue holding one item.
// Like the tests above it runs with CONCLAB_GAPS=1, so under conclab's
// grader both Gets look at the queue before either takes the item: a Get
// that sees an item, unlocks, and locks again to take it finds it gone.
func TestTwoGetsForOneItem(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		q := queue.New[int](2)
		require.NoError(t, q.Put(ctx, 5), "Put into an empty queue must succeed")
		type got struct {
			v   int
			err error
		}
		results := make(chan got, 2)
		for range 2 {
			go func() {
				v, err := q.Get(ctx)
				results <- got{v, err}
			}()
		}
		time.Sleep(time.Second)
		synctest.Wait()
		require.Len(t, results, 1,
			"two Gets on a queue holding one item: exactly one must return with it and the other must wait, but %d returned. "+
				"Did Get see an item, unlock, then lock again to take it? The other Get took it in between: look and take under one lock",
			len(results))
		r := <-results
		assert.NoError(t, r.err)
		assert.Equal(t, 5, r.v, "the Get that returned must have the one item")
		q.Close()
		r = <-results
		assert.ErrorIs(t, r.err, queue.ErrClosed, "the Get left waiting on the empty queue must return ErrClosed when it is closed")
	})
}

// TestManyProducersManyConsumers runs in real time, for the race detector:
// 8 producers and 5 consumers share a queue of capacity 4.
func TestManyProducersManyConsumers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const producers, perProducer, consumers = 8, 250, 5
	const total = producers * perProducer
	ctx := context.Background()
	q := queue.New[int](4)

	received := make([][]int, consumers)
	within(t, 5*time.Second, "8 producers and 5 consumers", func() {
		var cons sync.WaitGroup
		var delivered atomic.Int64
		for c := range consumers {
			cons.Go(func() {
				for {
					v, err := q.Get(ctx)
					if err != nil {
						assert.ErrorIs(t, err, queue.ErrClosed, "consumer %d: Get failed with an unexpected error", c)
						return
					}
					received[c] = append(received[c], v)
					if delivered.Add(1) > total {
						t.Errorf("Get returned more items than were Put: after Close, an empty queue must return ErrClosed")
						return
					}
				}
			})
		}
		var prods sync.WaitGroup
		for p := range producers {
			prods.Go(func() {
				for i := range perProducer {
					if err := q.Put(ctx, p*perProducer+i); err != nil {
						t.Errorf("producer %d: Put failed on an open queue: %v", p, err)
						return
					}
				}
			})
		}
		// Close only when every Put has returned; the consumers then
		// drain the queue and stop at ErrClosed.
		prods.Wait()
		q.Close()
		cons.Wait()
	})

	seen := make(map[int]int, total)
	for c, items := range received {
		last := make(map[int]int) // producer -> last item this consumer got from it
		for _, v := range items {
			seen[v]++
			p := v / perProducer
			if prev, ok := last[p]; ok && v < prev {
				t.Errorf("consumer %d got %d after %d, both from producer %d: items must come out in the order they went in", c, v, prev, p)
			}
			last[p] = v
		}
	}
	var missing, dup []string
	for v := range total {
		switch n := seen[v]; {
		case n == 0:
			missing = append(missing, fmt.Sprint(v))
		case n > 1:
			dup = append(dup, fmt.Sprintf("%d (x%d)", v, n))
		}
	}
	assert.Empty(t, missing, "%d of %d items were Put but never delivered by Get", len(missing), total)
	assert.Empty(t, dup, "items delivered more than once")
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
