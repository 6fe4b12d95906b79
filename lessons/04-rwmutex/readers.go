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

// gauge counts the readers inside a lock and remembers the peak, and
// counts every moment a reader and a writer were inside together. It is the
// demo's evidence: not how long things took, but who was really inside the
// lock at the same time.
type gauge struct {
	now, peak atomic.Int32
	writing   atomic.Bool   // a writer is inside
	shared    atomic.Int32  // readers seen inside together with a writer
	full      chan struct{} // closed once all nReaders are inside together
	fullOnce  sync.Once
}

func newGauge() *gauge { return &gauge{full: make(chan struct{})} }

// enter counts one more reader inside and returns how many are.
func (g *gauge) enter() int32 {
	n := g.now.Add(1)
	g.checkWriter()
	if n == nReaders {
		g.fullOnce.Do(func() { close(g.full) })
	}
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return n
		}
	}
}

// leave counts one reader out.
func (g *gauge) leave() {
	g.checkWriter()
	g.now.Add(-1)
}

func (g *gauge) checkWriter() {
	if g.writing.Load() {
		g.shared.Add(1)
	}
}

// writerIn marks the writer inside and returns how many readers are too.
func (g *gauge) writerIn() int32 {
	g.writing.Store(true)
	n := g.now.Load()
	g.shared.Add(n)
	return n
}

// writerOut marks the writer gone, counting readers still inside.
func (g *gauge) writerOut() {
	g.shared.Add(g.now.Load())
	g.writing.Store(false)
}

// readersDemo runs the same 8 readers behind a Mutex, then behind an
// RWMutex's read lock with a writer arriving while they read.
func readersDemo(ctx context.Context, s *lesson.Stage) error {
	s.Say("%d readers each hold the lock for %v while they read.", nReaders, s.Scale(readHold))
	var mu sync.Mutex
	s.Heading("sync.Mutex: Lock / Unlock")
	muInside := newGauge()
	took, err := readAll(ctx, s, "mu", mu.Lock, mu.Unlock, muInside)
	if err != nil {
		return err
	}
	s.FindingDuration("mutex-ms", took)
	s.Finding("readers-overlapped-mutex", float64(muInside.peak.Load()), "at once")

	if err := s.Pause(ctx, "now with an RWMutex read lock, and a writer arriving while they read: how long?"); err != nil {
		return err
	}
	var rw sync.RWMutex
	s.Heading("sync.RWMutex: RLock / RUnlock, and a writer's Lock")
	rwInside := newGauge()
	readersDone := make(chan struct{})
	wrote := make(chan error, 1)
	go func() {
		w := s.Lane("writer")
		// Arrive while every reader is inside (or, on a machine too
		// busy to get them all in at once, after they are gone).
		select {
		case <-rwInside.full:
		case <-readersDone:
		}
		w.Waiting("rw")
		w.Printf("Lock: waiting for the %d readers inside to leave", rwInside.now.Load())
		rw.Lock()
		w.Acquired("rw")
		w.Printf("writing, %d readers inside", rwInside.writerIn())
		err := s.Sleep(ctx, readHold/2) // writing
		rwInside.writerOut()
		w.Released("rw")
		rw.Unlock()
		wrote <- err
	}()
	rtook, err := readAll(ctx, s, "rw", rw.RLock, rw.RUnlock, rwInside)
	close(readersDone)
	if werr := <-wrote; err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	s.FindingDuration("rwmutex-ms", rtook)
	rpeak := rwInside.peak.Load()
	s.Finding("readers-overlapped-rwmutex", float64(rpeak), "at once")
	s.Finding("ratio", took.Seconds()/rtook.Seconds(), "x")
	shared := rwInside.shared.Load()
	s.Finding("writer-shared-with-readers", float64(shared), "times")

	if err := s.Pause(ctx, "how many readers were inside at once, and who was with the writer?"); err != nil {
		return err
	}
	s.Say("%d readers overlapped; Mutex %d ms, RWMutex %d ms.", rpeak, took.Milliseconds(), rtook.Milliseconds())
	s.Say("A Mutex lets one reader in at a time; RLock lets every reader in together.")
	s.Say("The writer's Lock waited for all of them to leave, and nobody was inside with it (%d times).", shared)
	return nil
}

// readAll starts the readers together and returns how long they took; the
// gauge counts them in and out of the lock.
func readAll(ctx context.Context, s *lesson.Stage, object string, lock, unlock func(), inside *gauge) (time.Duration, error) {
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
	s.Say("%d readers done in %v, at most %d inside at once", nReaders, took.Round(time.Millisecond), inside.peak.Load())
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return took, nil
}
