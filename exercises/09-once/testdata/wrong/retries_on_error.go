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

// Cache loads a value per key, once per key.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	load    func(K) (V, error)
	entries map[K]func() (V, error)
}

// NewCache returns a Cache that loads with load.
func NewCache[K comparable, V any](load func(K) (V, error)) *Cache[K, V] {
	return &Cache[K, V]{load: load, entries: make(map[K]func() (V, error))}
}

// Get loads key once; the others wait in its sync.OnceValues.
func (c *Cache[K, V]) Get(key K) (V, error) {
	c.mu.Lock()
	get, ok := c.entries[key]
	if !ok {
		get = sync.OnceValues(func() (V, error) { return c.load(key) })
		c.entries[key] = get
	}
	c.mu.Unlock()
	return get()
}
