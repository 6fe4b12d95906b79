// want: fail
// Forgets a key whose load failed, so the next Get loads it again: errors are meant to be final per key, as in Lazy.
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

// Cache loads a value per key.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	load    func(K) (V, error)
	entries map[K]func() (V, error)
}

// NewCache returns a Cache that loads with load.
func NewCache[K comparable, V any](load func(K) (V, error)) *Cache[K, V] {
	return &Cache[K, V]{load: load, entries: make(map[K]func() (V, error))}
}

// Get drops the entry after a failed load, "so that it can be retried".
func (c *Cache[K, V]) Get(key K) (V, error) {
	c.mu.Lock()
	get, ok := c.entries[key]
	if !ok {
		get = sync.OnceValues(func() (V, error) { return c.load(key) })
		c.entries[key] = get
	}
	c.mu.Unlock()
	v, err := get()
	if err != nil {
		c.mu.Lock()
		delete(c.entries, key)
		c.mu.Unlock()
	}
	return v, err
}
