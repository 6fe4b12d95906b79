// want: deadlock
// Shutdown waits for the tasks but never tells the workers to stop: they stay blocked on the channel forever.
package pool

import (
	"errors"
	"log"
	"sync"
)

// ErrClosed is returned by Submit once Shutdown has been called.
var ErrClosed = errors.New("pool: shut down")

// Pool runs submitted tasks on a fixed set of worker goroutines.
// Create it with New.
type Pool struct {
	tasks   chan func()
	wg      sync.WaitGroup // one per worker
	pending sync.WaitGroup // one per accepted task

	// mu guards closed and the close of tasks. Submit holds it for reading
	// while it sends, so that Shutdown (which holds it for writing) cannot
	// close the channel under a sender's feet.
	mu     sync.RWMutex
	closed bool
}

// New starts a pool of workers goroutines. It panics if workers < 1.
func New(workers int) *Pool {
	if workers < 1 {
		panic("pool: need at least one worker")
	}
	p := &Pool{tasks: make(chan func())}
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// work runs tasks until the channel is closed and drained.
func (p *Pool) work() {
	defer p.wg.Done()
	for task := range p.tasks {
		run(task)
		p.pending.Done()
	}
}

// run calls task, and survives its panic: one bad task must not cost the
// pool a worker.
func run(task func()) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("pool: task panicked: %v", r)
		}
	}()
	task()
}

// Submit hands task to a worker, waiting while every worker is busy.
// It returns ErrClosed, and does not run task, once Shutdown has been
// called.
func (p *Pool) Submit(task func()) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	p.pending.Add(1)
	p.tasks <- task
	return nil
}

// Shutdown stops accepting tasks, waits for every accepted task to finish,
// and stops the workers. Calling it again does nothing more.
func (p *Pool) Shutdown() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
	}
	p.mu.Unlock()
	p.pending.Wait()
}
