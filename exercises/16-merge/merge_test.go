package merge_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	merge "github.com/conclab/conclab/exercises/16-merge"
)

// Most tests run inside a synctest bubble: time is fake, a goroutine
// stuck forever is reported as a deadlock rather than a hang, and
// synctest.Wait lets a test look at Merge once every goroutine has done
// all it can. A bubble also ends only when every goroutine started in it
// has returned: a leaked copier fails the test that leaked it.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// send starts a producer that sends from, from+1, ..., from+n-1 on a new
// channel and closes it.
func send(from, n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for v := from; v < from+n; v++ {
			ch <- v
		}
	}()
	return ch
}

// endless starts a producer that sends from, from+1, ... until stop is
// closed; it never closes its channel. It stops sending after 10,000
// values, as if its source ran dry, so that a Merge that keeps draining
// it ends up blocked (a deadlock the bubble reports) instead of spinning
// with it forever.
func endless(from int, stop <-chan struct{}) <-chan int {
	ch := make(chan int)
	go func() {
		for v := from; v < from+10_000; v++ {
			select {
			case ch <- v:
			case <-stop:
				return
			}
		}
		<-stop
	}()
	return ch
}

// checkDelivered checks that got holds every value of inputs*per (input i
// sends i*1000, i*1000+1, ...) exactly once, each input's in order.
func checkDelivered(t *testing.T, got []int, inputs, per int) {
	t.Helper()
	next := make([]int, inputs) // the next value expected from each input
	for i := range next {
		next[i] = i * 1000
	}
	for _, v := range got {
		i := v / 1000
		if i < 0 || i >= inputs {
			assert.Failf(t, "a value no input sent", "got %d", v)
			return
		}
		if v != next[i] {
			assert.Failf(t, "values lost, repeated or reordered",
				"from input %d got %d where %d was next: each value must arrive once, and each input's in the order it sent them", i, v, next[i])
			return
		}
		next[i]++
	}
	assert.Len(t, got, inputs*per, "lost %d of %d values", inputs*per-len(got), inputs*per)
}

func TestMergeDeliversEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const inputs, per = 5, 100
		var chans []<-chan int
		for i := range inputs {
			chans = append(chans, send(i*1000, per))
		}
		var got []int
		for v := range merge.Merge(context.Background(), chans...) {
			got = append(got, v)
		}
		checkDelivered(t, got, inputs, per)
	})
}

func TestMergeOfNothingIsClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := merge.Merge[int](context.Background())
		synctest.Wait()
		select {
		case v, ok := <-out:
			assert.False(t, ok, "Merge of no inputs sent %d", v)
		default:
			t.Errorf("Merge of no inputs must close its channel at once")
		}
	})
}

// TestMergeIsConcurrent: input a is open and silent; b's values must
// still come through. Reading the inputs one after another waits on a
// forever.
func TestMergeIsConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := make(chan int)
		out := merge.Merge(context.Background(), a, send(1000, 3))
		var got []int
		for range 3 {
			select {
			case v := <-out:
				got = append(got, v)
			case <-time.After(time.Second): // fake time: passes only when all else is stuck
				t.Errorf("Merge delivered %v of input b's 3 values while input a was silent: it must forward from every input at once", got)
			}
		}
		assert.Equal(t, []int{1000, 1001, 1002}, got)
		close(a)
		for v := range out {
			t.Errorf("Merge sent %d, which nobody sent", v)
		}
	})
}

// TestMergeClosesOnlyWhenAllAreClosed: one input closed, one open: out
// stays open; then the other closes: out closes.
func TestMergeClosesOnlyWhenAllAreClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan int), make(chan int)
		out := merge.Merge(context.Background(), a, b)
		close(a)
		synctest.Wait() // Merge has done all it does about a's closing
		select {
		case v, ok := <-out:
			if ok {
				t.Errorf("Merge sent %d, which nobody sent", v)
			} else {
				t.Errorf("Merge closed its channel when one of two inputs closed: it must wait for all")
			}
			close(b)
			return
		default:
		}
		go func() { b <- 7; close(b) }()
		v, ok := <-out
		assert.True(t, ok, "the channel was closed before the open input's value")
		assert.Equal(t, 7, v)
		synctest.Wait()
		select {
		case v, ok := <-out:
			assert.False(t, ok, "Merge sent %d after every input was closed", v)
		default:
			t.Errorf("every input is closed and delivered: Merge must close its channel")
		}
	})
}

// TestMergeStopsWhenTheReaderLeaves: endless inputs, a reader that takes
// a few values and stops reading, then cancels. Merge must close its
// channel and every goroutine it started must return, though its inputs
// stay open and nobody reads.
func TestMergeStopsWhenTheReaderLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stop := make(chan struct{})
		defer close(stop) // the producers' own way out, at the end
		ctx, cancel := context.WithCancel(context.Background())
		out := merge.Merge(ctx, endless(0, stop), endless(1000, stop), endless(2000, stop))
		for range 5 {
			<-out
		}
		synctest.Wait() // the copiers are blocked handing over values nobody takes
		cancel()
		synctest.Wait() // Merge has done all it does on cancel
		assertClosed(t, out, "after cancel, with nobody reading, Merge must give up its pending sends and close its channel")
		// The bubble ends only if every goroutine Merge started has
		// returned: one still blocked fails here as a deadlock.
	})
}

// TestMergeStopsWhileInputsAreSilent: nothing is ever sent; cancel must
// still end Merge.
func TestMergeStopsWhileInputsAreSilent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		a, b := make(chan int), make(chan int)
		out := merge.Merge(ctx, a, b)
		synctest.Wait()
		cancel()
		synctest.Wait()
		assertClosed(t, out, "after cancel, with silent inputs, Merge must close its channel")
		// Still open inputs a and b: Merge must not be waiting on them.
	})
}

// TestMergeStopsAtTheDeadline: a reader ranging over out with inputs that
// never close returns exactly when ctx's deadline passes.
func TestMergeStopsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		a := make(chan int)
		go func() {
			for i := range 3 {
				time.Sleep(100 * time.Millisecond)
				a <- i
			}
			// a stays open: only the deadline ends Merge.
		}()
		start := time.Now()
		var got []int
		for v := range merge.Merge(ctx, a) {
			got = append(got, v)
		}
		assert.Equal(t, []int{0, 1, 2}, got, "values sent before the deadline must be delivered")
		assert.Equal(t, time.Second, time.Since(start), "Merge must close its channel as soon as the deadline passes")
	})
}

// TestMergeUnderLoad runs in real time, on real threads, for the race
// detector: 8 inputs, each with 4 producers, and a reader.
func TestMergeUnderLoad(t *testing.T) {
	const inputs, per = 8, 2000
	var chans []<-chan int
	for i := range inputs {
		ch := make(chan int)
		chans = append(chans, ch)
		go func() {
			defer close(ch)
			for v := i * million; v < i*million+per; v++ {
				ch <- v
			}
		}()
	}
	got := make(chan []int, 1)
	go func() {
		var vs []int
		for v := range merge.Merge(context.Background(), chans...) {
			vs = append(vs, v)
		}
		got <- vs
	}()
	select {
	case vs := <-got:
		counts := map[int]int{}
		for _, v := range vs {
			counts[v]++
		}
		for i := range inputs {
			for v := i * million; v < i*million+per; v++ {
				if counts[v] != 1 {
					require.Failf(t, "a value lost or repeated", "value %d arrived %d times", v, counts[v])
				}
			}
		}
		assert.Len(t, vs, inputs*per)
	case <-guardTimeout(5 * time.Second):
		t.Fatalf("deadlock: Merge of %d inputs of %d values each did not close its channel within 5s", inputs, per)
	}
}

// TestMergeCancelUnderLoad: real time, many readers, cancel in the middle.
func TestMergeCancelUnderLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	stop := make(chan struct{})
	defer close(stop)
	ctx, cancel := context.WithCancel(context.Background())
	var chans []<-chan int
	for i := range 8 {
		chans = append(chans, endless(i*million, stop))
	}
	out := merge.Merge(ctx, chans...)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen, twice := map[int]bool{}, false
	for range 4 {
		wg.Go(func() {
			for v := range out {
				mu.Lock()
				if seen[v] && !twice {
					twice = true
					t.Errorf("value %d arrived twice", v)
				}
				seen[v] = true
				mu.Unlock()
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-guardTimeout(5 * time.Second):
		t.Fatalf("deadlock: after cancel Merge did not close its channel within 5s")
	}
	mu.Lock()
	defer mu.Unlock()
	assert.NotEmpty(t, seen, fmt.Sprintf("no value arrived in 20ms from %d busy inputs", len(chans)))
}

// assertClosed checks, once the bubble has settled, that out is closed:
// at most the values already in its buffer (none if it is unbuffered)
// may still be received first, and no receive may block.
func assertClosed(t *testing.T, out <-chan int, what string) {
	t.Helper()
	for got := 0; ; got++ {
		select {
		case _, ok := <-out:
			if !ok {
				return
			}
			if got == cap(out) {
				t.Errorf("%s; it delivered %d values after cancel, more than its buffer of %d holds: someone was still sending", what, got+1, cap(out))
				return
			}
		default:
			t.Errorf("%s; it is still open", what)
			return
		}
	}
}

// million keeps the values of each input of the load tests apart.
const million = 1_000_000

// guardTimeout returns the channel on which a deadlock guard gives up: it
// receives once d has passed. Under conclab's grader, which sets
// CONCLAB_WATCHDOG, it returns nil, a channel that never receives: the
// grader's watchdog reads the runtime's goroutine leak profile, which
// proves a deadlock the moment it forms, and a guard waiting on a timer
// would keep what it references reachable and hide it. The exercise's
// time limit still ends a run that hangs for any other reason.
func guardTimeout(d time.Duration) <-chan time.Time {
	if os.Getenv("CONCLAB_WATCHDOG") != "" {
		return nil
	}
	return time.After(d)
}
