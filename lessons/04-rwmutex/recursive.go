package rwmutex

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// watchdog bounds the child that takes RLock twice; it gets there in
// microseconds, so seconds of silence mean it is stuck for good.
const watchdog = 2 * time.Second

// runtimeDeadlock is the runtime's own verdict when every goroutine is
// blocked; a binary linking cgo never gets it, so the watchdog usually
// fires first. Either counts.
const runtimeDeadlock = "all goroutines are asleep - deadlock!"

// secondRLock is what the child prints just before its second RLock.
const secondRLock = "a writer is waiting; RLock again, as a recursive read would"

// rlockTwice is a child's main: it holds a read lock, waits until a writer
// is queued, and asks for the read lock again.
func rlockTwice(ctx context.Context, s *lesson.Stage) error {
	var rw sync.RWMutex
	reader, writer := s.Lane("reader"), s.Lane("writer")
	rw.RLock()
	reader.Acquired("rw(read)")
	reader.Printf("holding the read lock")

	go func() {
		writer.Waiting("rw(write)")
		writer.Printf("Lock: waiting for the reader to leave")
		rw.Lock() // waits for the reader's RUnlock, which never comes
		writer.Printf("unreachable: the writer got the lock")
		rw.Unlock()
	}()

	// TryRLock fails exactly when a writer is queued: that is how we know
	// the writer is waiting, without guessing with a sleep.
	for rw.TryRLock() {
		rw.RUnlock()
		time.Sleep(s.Scale(time.Millisecond))
	}
	reader.Printf("%s", secondRLock)
	reader.Waiting("rw(read)")
	rw.RLock() // waits behind the writer, who waits for us
	reader.Printf("unreachable: the second RLock returned")
	return nil
}

// writerBlocksReaders runs rlockTwice in a child process under a watchdog,
// explains the cycle, and shows the fix.
func writerBlocksReaders(ctx context.Context, s *lesson.Stage) error {
	s.Say("A reader holds rw.RLock(); a writer calls rw.Lock() and waits; the reader calls rw.RLock() again.")
	s.Say("It runs in a child process watched by a %v watchdog.", s.Limit(watchdog))
	if err := s.Pause(ctx, "does the second RLock get in?"); err != nil {
		return err
	}
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "rlock-twice", Timeout: watchdog,
		// Stuck for good only once it asks for its second RLock; before
		// that it was merely slow to start, and the stage runs it again.
		Reached: func(r *lesson.ChildResult) bool { return strings.Contains(r.Stdout, secondRLock) },
	})
	if err != nil {
		return err
	}
	switch {
	case strings.Contains(res.Stderr, runtimeDeadlock):
		s.Warn("The runtime stopped the child: %q", runtimeDeadlock)
	case res.TimedOut:
		s.Warn("No progress for %v: the watchdog sent SIGQUIT and Go printed every goroutine.", s.Limit(watchdog))
	default:
		return fmt.Errorf("the child was meant to deadlock, but it ended (exit %d):\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if strings.Contains(res.Stdout, "unreachable") {
		return fmt.Errorf("a lock was granted that should not have been:\n%s", res.Stdout)
	}
	s.Finding("deadlocked", 1, "")
	s.FindingDuration("child-ended-after", res.Elapsed)
	// Read the dump: who is blocked in which half of the RWMutex, and at
	// which line of this lesson.
	for _, g := range traceback.ParseDump(res.Stderr) {
		on := g.WaitingOn()
		if on != traceback.RWMutexRLock && on != traceback.RWMutexLock {
			continue
		}
		s.Finding("blocked-in-"+strings.ToLower(strings.TrimPrefix(on, "RWMutex.")), 1, "goroutine")
		at, _ := traceback.UserFrame(g.Frames, func(file string) bool { return strings.Contains(file, "04-rwmutex") })
		s.Say("    goroutine %d is blocked in %s at %s", g.ID, on, at.Short())
	}
	s.Say("The writer waits for the reader to RUnlock. RWMutex favours a waiting writer, so the")
	s.Say("reader's second RLock queues behind it. Each waits for the other: a deadlock.")

	if err := s.Pause(ctx, "the fix: read once, call a helper that assumes the read lock"); err != nil {
		return err
	}
	s.Heading("The fix: one RLock per operation, helpers that assume it is held")
	var c catalog
	c.items = map[string]int{"tea": 3, "coffee": 5}
	var wg sync.WaitGroup
	var total int
	wg.Add(2)
	go func() {
		defer wg.Done()
		total = c.Total("tea", "coffee")
	}()
	go func() {
		defer wg.Done()
		c.Set("tea", 4) // a writer arriving in the middle is fine now
	}()
	wg.Wait()
	s.Finding("fixed-total", float64(total), "tea + coffee")
	if total != 8 && total != 9 {
		return fmt.Errorf("total is %d, want 8 (before the write) or 9 (after)", total)
	}
	s.Say("Total read the catalog under one RLock: %d, before or after the writer, never stuck.", total)
	return nil
}

// catalog is the fixed shape: exported methods lock once, lookups that
// need the read lock held are ...RLocked helpers that never lock.
type catalog struct {
	mu    sync.RWMutex
	items map[string]int
}

// Total adds up the named items under one read lock.
func (c *catalog) Total(names ...string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 0
	for _, name := range names {
		n += c.getRLocked(name) // not c.Get: that would RLock again
	}
	return n
}

// Set writes one item under the write lock.
func (c *catalog) Set(name string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[name] = v
}

// getRLocked needs c.mu held (read or write) by the caller.
func (c *catalog) getRLocked(name string) int { return c.items[name] }
