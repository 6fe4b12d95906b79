// Package pool is a worker pool: a fixed number of goroutines run the
// tasks submitted to it, and Shutdown lets them finish and stop.
//
// Read README.md for the task; the tests in pool_test.go are the contract.
package pool

import "errors"

// ErrClosed is returned by Submit once Shutdown has been called.
var ErrClosed = errors.New("pool: shut down")

// Pool runs submitted tasks on a fixed set of worker goroutines.
// Create it with New.
type Pool struct {
	// TODO: a way to hand tasks to the workers, a way to wait for the
	// workers to stop, and whether the pool is shut down (with a lock).
}

// New starts a pool of workers goroutines. It panics if workers < 1.
func New(workers int) *Pool {
	// TODO: start the workers.
	return &Pool{}
}

// Submit hands task to a worker, waiting while every worker is busy.
// It returns ErrClosed, and does not run task, once Shutdown has been
// called.
func (p *Pool) Submit(task func()) error {
	// TODO
	return errors.New("TODO: Submit is not written yet")
}

// Shutdown stops accepting tasks, waits for every accepted task to finish,
// and stops the workers. Calling it again does nothing more.
func (p *Pool) Shutdown() {
	// TODO
}
