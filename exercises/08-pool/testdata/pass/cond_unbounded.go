// pass: an unbounded queue on sync.Cond (Submit never waits)
// The statement says Submit may wait, not that it must: every task it accepts still runs before Shutdown returns.
package pool

import (
	"errors"
	"sync"
)

// ErrClosed is returned by Submit once Shutdown has been called.
var ErrClosed = errors.New("pool: shut down")

// Pool runs tasks on a fixed number of workers.
type Pool struct {
	mu     sync.Mutex
	ready  *sync.Cond // a task was queued, or the pool closed
	queue  []func()
	closed bool
	done   sync.WaitGroup
}

// New starts workers worker goroutines.
func New(workers int) *Pool {
	if workers < 1 {
		panic("pool: need at least one worker")
	}
	p := &Pool{}
	p.ready = sync.NewCond(&p.mu)
	for range workers {
		p.done.Go(p.work)
	}
	return p
}

func (p *Pool) work() {
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.ready.Wait()
		}
		if len(p.queue) == 0 { // closed and drained
			p.mu.Unlock()
			return
		}
		task := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		run(task)
	}
}

func run(task func()) {
	defer func() { _ = recover() }()
	task()
}

// Submit queues task; it never waits.
func (p *Pool) Submit(task func()) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.queue = append(p.queue, task)
	p.ready.Signal()
	return nil
}

// Shutdown refuses new tasks, runs the queued ones and waits for the workers.
func (p *Pool) Shutdown() {
	p.mu.Lock()
	p.closed = true
	p.ready.Broadcast()
	p.mu.Unlock()
	p.done.Wait()
}
