// want: fail
// Checks under the lock, loads with the lock released, stores under the lock again: callers that arrive during a load all miss and load the key again.
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

// result is a key's loaded value and error.
type result[V any] struct {
	v   V
	err error
}

// Cache loads a value per key.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	load    func(K) (V, error)
	results map[K]result[V]
}

// NewCache returns a Cache that loads with load.
func NewCache[K comparable, V any](load func(K) (V, error)) *Cache[K, V] {
	return &Cache[K, V]{load: load, results: make(map[K]result[V])}
}

// Get never holds the lock during a load, but nothing makes the others wait for it.
func (c *Cache[K, V]) Get(key K) (V, error) {
	c.mu.Lock()
	r, ok := c.results[key]
	c.mu.Unlock()
	if ok {
		return r.v, r.err
	}
	r.v, r.err = c.load(key)
	c.mu.Lock()
	c.results[key] = r
	c.mu.Unlock()
	return r.v, r.err
}
