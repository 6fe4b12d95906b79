// want: fail
// Get holds a lock but never remembers the value: every caller builds a new one.
package once

import "sync"

type Lazy[T any] struct {
	mu        sync.Mutex
	construct func() (T, error)
}

func New[T any](construct func() (T, error)) *Lazy[T] {
	return &Lazy[T]{construct: construct}
}

func (l *Lazy[T]) Get() (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.construct()
}
