package mutex

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// watchdog bounds the child that locks twice. It needs microseconds to
// get there; seconds of silence afterwards mean it is stuck for good.
const watchdog = 2 * time.Second

// runtimeDeadlock is the runtime's own verdict, printed when every
// goroutine of a program is blocked (a binary linking cgo, like this one,
// never gets that check, so usually the watchdog fires first).
const runtimeDeadlock = "all goroutines are asleep - deadlock!"

// counter is the deadlocking version: Inc locks mu and calls Add, which
// locks mu again. In Python's RLock that would be allowed; in Go the second
// Lock waits for the first Unlock, which never comes.
type counter struct {
	mu sync.Mutex
	n  int
}

// Add adds d under the lock.
func (c *counter) Add(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += d
}

// Inc adds 1 by calling Add while already holding the lock: a deadlock.
func (c *counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Add(1) // locks c.mu a second time: waits for itself forever
}

// callingInc is what the child prints just before it calls Inc.
const callingInc = "calling Inc, which holds c.mu and calls Add, which locks c.mu again"

// doubleLock is a child's main: it calls Inc and never comes back.
func doubleLock(ctx context.Context, s *lesson.Stage) error {
	lane := s.Lane("main")
	lane.Start()
	var c counter
	lane.Printf("%s", callingInc)
	lane.Acquired("c.mu")
	lane.Waiting("c.mu")
	c.Inc()
	lane.Printf("Inc returned: unreachable")
	return nil
}

// lockTwice runs doubleLock in a child process under a watchdog, shows how
// it ended, then runs the refactored counter.
func lockTwice(ctx context.Context, s *lesson.Stage) error {
	s.Say("Inc locks c.mu and calls Add, which locks c.mu again. It runs in a child process")
	s.Say("watched by a %v watchdog, so this program survives what happens.", s.Limit(watchdog))
	if err := s.Pause(ctx, "what happens on the second Lock?"); err != nil {
		return err
	}
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "double-lock", Timeout: watchdog,
		// Stuck for good only once it has called Inc; before that it was
		// merely slow to start, and the stage runs it again.
		Reached: func(r *lesson.ChildResult) bool { return strings.Contains(r.Stdout, callingInc) },
	})
	if err != nil {
		return err
	}
	asleep := strings.Contains(res.Stderr, runtimeDeadlock)
	switch {
	case asleep:
		s.Warn("The runtime stopped the child: %q", runtimeDeadlock)
	case res.TimedOut:
		s.Warn("The child made no progress for %v: the watchdog sent SIGQUIT and Go printed its goroutines.", s.Limit(watchdog))
		s.Say("(The runtime's own \"all goroutines are asleep\" check never fires in a program that links")
		s.Say("cgo, as this one does; a watchdog and the goroutine dump are the general tool.)")
	default:
		return fmt.Errorf("the child was meant to deadlock, but it ended on its own (exit %d):\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if strings.Contains(res.Stdout, "unreachable") {
		return fmt.Errorf("Inc returned: the second Lock did not block:\n%s", res.Stdout)
	}
	s.Finding("deadlocked", 1, "")
	s.FindingDuration("child-ended-after", res.Elapsed)
	for _, line := range stuckAt(res.Stderr) {
		s.Say("    %s", line)
	}

	if err := s.Pause(ctx, "the fix: the inner function assumes the lock is held"); err != nil {
		return err
	}
	s.Heading("The fix: a ...Locked helper that expects the caller to hold the lock")
	var c safeCounter
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Inc()
			c.Add(2)
		}()
	}
	wg.Wait()
	s.Finding("fixed-count", float64(c.Value()), "after 100 Inc and 100 Add(2)")
	if c.Value() != 300 {
		return fmt.Errorf("the fixed counter reads %d, want 300", c.Value())
	}
	return nil
}

// stuckAt picks the lines of a goroutine dump that show where main is
// blocked: the goroutine header and the frames in this lesson's code.
func stuckAt(dump string) []string {
	var lines []string
	for _, line := range strings.Split(dump, "\n") {
		if strings.HasPrefix(line, "goroutine ") && strings.Contains(line, "sync.Mutex.Lock") ||
			strings.Contains(line, "(*Mutex).Lock(") ||
			strings.Contains(line, "03-mutex.(*counter)") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}

// safeCounter is the refactored counter: the exported methods lock, and
// addLocked does the work assuming the caller already holds mu.
type safeCounter struct {
	mu sync.Mutex
	n  int
}

// Add adds d.
func (c *safeCounter) Add(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(d)
}

// Inc adds 1, reusing addLocked instead of calling Add.
func (c *safeCounter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(1)
}

// Value reads the count.
func (c *safeCounter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// addLocked needs c.mu held by the caller; the name says so.
func (c *safeCounter) addLocked(d int) { c.n += d }
