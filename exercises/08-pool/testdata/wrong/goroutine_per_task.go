// want: fail
// Submit starts a goroutine per task: nothing limits how many run at once.
package pool

import (
	"errors"
	"sync"
)

var ErrClosed = errors.New("pool: shut down")

type Pool struct {
	mu      sync.Mutex
	closed  bool
	running sync.WaitGroup
}

func New(workers int) *Pool { return &Pool{} }

func (p *Pool) Submit(task func()) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.running.Go(func() {
		defer func() { recover() }()
		task()
	})
	return nil
}

func (p *Pool) Shutdown() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.running.Wait()
}
