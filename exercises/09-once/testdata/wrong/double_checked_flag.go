// want: race
// The classic double-checked locking: the first check reads the flag without the lock while the builder writes it under the lock.
package once

import "sync"

type Lazy[T any] struct {
	mu        sync.Mutex
	construct func() (T, error)
	done      bool
	value     T
	err       error
}

func New[T any](construct func() (T, error)) *Lazy[T] {
	return &Lazy[T]{construct: construct}
}

func (l *Lazy[T]) Get() (T, error) {
	if !l.done {
		l.mu.Lock()
		if !l.done {
			l.value, l.err = l.construct()
			l.done = true
		}
		l.mu.Unlock()
	}
	return l.value, l.err
}
