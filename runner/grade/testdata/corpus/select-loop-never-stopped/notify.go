// Package notify is an event dispatcher in the style of file watchers and
// pub/sub clients: the constructor starts a background loop that hands
// each event to a handler until the dispatcher is told to quit.
package notify

import (
	"errors"
	"sync"
)

// ErrClosed is returned by Notify after Close.
var ErrClosed = errors.New("notify: dispatcher closed")

// Dispatcher delivers events to a handler on its own goroutine.
type Dispatcher struct {
	in   chan string
	quit chan struct{}

	mu     sync.Mutex
	closed bool
}

// New starts a dispatcher that calls handle for every event.
func New(handle func(event string)) *Dispatcher {
	d := &Dispatcher{in: make(chan string), quit: make(chan struct{})}
	go d.loop(handle)
	return d
}

func (d *Dispatcher) loop(handle func(string)) {
	for {
		select {
		case ev := <-d.in:
			handle(ev)
		case <-d.quit:
			return
		}
	}
}

// Notify hands ev to the handler and waits until the loop took it.
func (d *Dispatcher) Notify(ev string) error {
	d.mu.Lock()
	closed := d.closed
	d.mu.Unlock()
	if closed {
		return ErrClosed
	}
	d.in <- ev
	return nil
}

// Close stops the dispatcher; later calls to Notify fail.
func (d *Dispatcher) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}
