// Package once builds an expensive value lazily: on first use, once, no
// matter how many goroutines ask for it at the same moment.
package once

import "sync"

// Lazy holds a value that is built on the first call to Get.
// Create it with New.
type Lazy[T any] struct {
	once      sync.Once
	construct func() (T, error)
	value     T
	err       error
}

// New returns a Lazy that will build its value with construct. It does
// not call construct.
func New[T any](construct func() (T, error)) *Lazy[T] {
	return &Lazy[T]{construct: construct}
}

// Get returns the value, calling construct on the first call only. Calls
// that arrive while construct runs wait for it. Every call returns what
// that one call of construct returned, error included: a failed
// construction is not retried.
func (l *Lazy[T]) Get() (T, error) {
	// Do runs the function once, and every other Do waits until it has
	// returned: no caller can see a value that is still being built.
	l.once.Do(func() {
		l.value, l.err = l.construct()
		l.construct = nil // let the garbage collector have what it captured
	})
	return l.value, l.err
}
