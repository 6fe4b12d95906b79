// Package latch is a one-shot "done" latch with a lock-free fast path, in
// the style of hand-rolled readiness flags that pair an atomic with a
// sync.Cond so that callers after the release do not touch the lock.
package latch

import (
	"sync"
	"sync/atomic"
)

// Latch blocks waiters until Release.
type Latch struct {
	done atomic.Bool
	mu   sync.Mutex
	cond *sync.Cond
}

// New returns an unreleased latch.
func New() *Latch {
	l := &Latch{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Release lets every waiter through, now and later.
func (l *Latch) Release() {
	l.done.Store(true)
	l.cond.Broadcast()
}

// Wait returns once the latch is released.
func (l *Latch) Wait() {
	if l.done.Load() {
		return
	}
	l.mu.Lock()
	l.cond.Wait()
	l.mu.Unlock()
}
