package rwmutex

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The story: 8 readers, each holding the lock 50 ms to read.
const (
	nReaders = 8
	readHold = 50 * time.Millisecond
)

// gauge counts the goroutines inside a section and remembers the peak.
type gauge struct {
	now, peak atomic.Int32
}

// enter counts one more goroutine inside and returns how many are.
func (g *gauge) enter() int32 {
	n := g.now.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return n
		}
	}
}

func (g *gauge) leave() { g.now.Add(-1) }

// readersDemo runs the same 8 readers behind a Mutex, then behind an
// RWMutex's read lock.
func readersDemo(ctx context.Context, s *lesson.Stage) error {
	s.Say("%d readers each hold the lock for %v while they read.", nReaders, s.Scale(readHold))
	var mu sync.Mutex
	s.Heading("sync.Mutex: Lock / Unlock")
	took, peak, err := readAll(ctx, s, "mu", mu.Lock, mu.Unlock)
	if err != nil {
		return err
	}
	s.FindingDuration("mutex-ms", took)
	s.Finding("readers-overlapped-mutex", float64(peak), "at once")

	if err := s.Pause(ctx, "now with an RWMutex read lock: how long?"); err != nil {
		return err
	}
	var rw sync.RWMutex
	s.Heading("sync.RWMutex: RLock / RUnlock")
	rtook, rpeak, err := readAll(ctx, s, "rw", rw.RLock, rw.RUnlock)
	if err != nil {
		return err
	}
	s.FindingDuration("rwmutex-ms", rtook)
	s.Finding("readers-overlapped-rwmutex", float64(rpeak), "at once")
	s.Finding("ratio", took.Seconds()/rtook.Seconds(), "x")
	s.Say("A Mutex lets one reader in at a time; RLock lets every reader in together.")
	s.Say("A writer (rw.Lock) would still wait for all of them to leave, and have the lock alone.")
	return nil
}

// readAll starts the readers together and returns how long they took and
// how many were inside the lock at once at the peak.
func readAll(ctx context.Context, s *lesson.Stage, object string, lock, unlock func()) (time.Duration, int, error) {
	var inside gauge
	errs := make([]error, nReaders)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range nReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane(fmt.Sprintf("reader%d", i+1))
			<-start
			lane.Waiting(object)
			lock()
			lane.Acquired(object)
			lane.Printf("reading, %d inside", inside.enter())
			errs[i] = s.Sleep(ctx, readHold) // reading
			inside.leave()
			lane.Released(object)
			unlock()
		}()
	}
	begin := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(begin)
	peak := int(inside.peak.Load())
	s.Say("%d readers done in %v, at most %d inside at once", nReaders, took.Round(time.Millisecond), peak)
	for _, err := range errs {
		if err != nil {
			return 0, 0, err
		}
	}
	return took, peak, nil
}
