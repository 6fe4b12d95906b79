// Package ready is a start-up gate in the style of servers that make
// their handlers wait until the listener (or cache, or schema) is ready,
// built on a sync.Cond.
package ready

import "sync"

// Gate blocks callers of Wait until Open is called.
type Gate struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
	logf func(format string, args ...any)
}

// NewGate returns a closed gate that reports waits through logf.
func NewGate(logf func(format string, args ...any)) *Gate {
	g := &Gate{logf: logf}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Open lets every waiter through.
func (g *Gate) Open() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
	g.cond.Broadcast()
}

// Wait returns once the gate is open.
func (g *Gate) Wait(who string) {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	if open {
		return
	}
	g.logf("%s waits for the gate", who)
	g.mu.Lock()
	g.cond.Wait()
	g.mu.Unlock()
}
