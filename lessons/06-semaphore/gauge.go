package semaphore

import "sync"

// gauge counts how many goroutines are inside a section right now and the
// most there ever were: the instrument that proves a limit holds. It uses
// its own mutex, not the semaphore under test, so it cannot hide a bug.
type gauge struct {
	mu        sync.Mutex
	now, peak int
}

// enter adds n and returns the new level.
func (g *gauge) enter(n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now += n
	g.peak = max(g.peak, g.now)
	return g.now
}

// leave subtracts n.
func (g *gauge) leave(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now -= n
}

// highest returns the highest level seen.
func (g *gauge) highest() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}
