// pass: a done channel per key instead of sync.Once
// Each entry holds its value and a channel closed when its load is done: the first caller loads, the others wait on the channel. Correct, without sync.Once.
package once

import "sync"

// Lazy holds a value built on the first Get.
type Lazy[T any] struct {
	once      sync.Once
	construct func() (T, error)
	value     T
	err       error
}

// New returns a Lazy that builds with construct.
func New[T any](construct func() (T, error)) *Lazy[T] {
	return &Lazy[T]{construct: construct}
}

// Get builds the value once and returns it.
func (l *Lazy[T]) Get() (T, error) {
	l.once.Do(func() { l.value, l.err = l.construct() })
	return l.value, l.err
}

// entry is one key's load: done is closed once v and err are set.
type entry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// Cache loads a value per key.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	load    func(K) (V, error)
	entries map[K]*entry[V]
}

// NewCache returns a Cache that loads with load.
func NewCache[K comparable, V any](load func(K) (V, error)) *Cache[K, V] {
	return &Cache[K, V]{load: load, entries: make(map[K]*entry[V])}
}

// Get loads key in the goroutine that made its entry; the others wait for done.
func (c *Cache[K, V]) Get(key K) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &entry[V]{done: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.Unlock()
	if !ok {
		e.v, e.err = c.load(key)
		close(e.done)
	}
	<-e.done
	return e.v, e.err
}
