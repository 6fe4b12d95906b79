// want: fail
// Get only remembers a successful construction: after an error the next Get calls the constructor again.
package once

import "sync"

type Lazy[T any] struct {
	mu        sync.Mutex
	construct func() (T, error)
	done      bool
	value     T
}

func New[T any](construct func() (T, error)) *Lazy[T] {
	return &Lazy[T]{construct: construct}
}

func (l *Lazy[T]) Get() (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		v, err := l.construct()
		if err != nil {
			return v, err
		}
		l.value, l.done = v, true
	}
	return l.value, nil
}
