// want: race
// Get checks "already built?" without any lock: goroutines arriving together all build, and read and write the fields at once.
package once

type Lazy[T any] struct {
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
		l.value, l.err = l.construct()
		l.done = true
	}
	return l.value, l.err
}
