// want: fail
// One lock held around every load: each key loads once, but a slow load of one key makes every Get of every other key wait for it.
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

// Get loads key once, holding the lock throughout "to be safe".
func (c *Cache[K, V]) Get(key K) (V, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.results[key]
	if !ok {
		r.v, r.err = c.load(key)
		c.results[key] = r
	}
	return r.v, r.err
}
