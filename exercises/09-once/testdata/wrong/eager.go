// want: fail
// New builds the value at once, before anyone asked: the construction is not lazy.
package once

type Lazy[T any] struct {
	value T
	err   error
}

func New[T any](construct func() (T, error)) *Lazy[T] {
	v, err := construct()
	return &Lazy[T]{value: v, err: err}
}

func (l *Lazy[T]) Get() (T, error) { return l.value, l.err }
