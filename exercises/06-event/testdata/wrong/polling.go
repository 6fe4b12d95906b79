// want: fail
// Wait polls the flag every 10ms instead of being woken: waiters return late.
package event

import (
	"context"
	"sync"
	"time"
)

type Event struct {
	mu  sync.Mutex
	set bool
}

func New() *Event { return &Event{} }

func (e *Event) Set() {
	e.mu.Lock()
	e.set = true
	e.mu.Unlock()
}

func (e *Event) Clear() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

func (e *Event) Wait(ctx context.Context) error {
	for !e.IsSet() {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}
