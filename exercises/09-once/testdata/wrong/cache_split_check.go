// want: fail
// Looks the key up under the lock, unlocks, then locks again to make its entry: callers of one key that arrive together all miss, and each runs a load of its own.
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

// lookup finds key's entry under the lock.
func (c *Cache[K, V]) lookup(key K) (func() (V, error), bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	get, ok := c.entries[key]
	return get, ok
}

// Get looks up, and makes the entry in a second critical section.
func (c *Cache[K, V]) Get(key K) (V, error) {
	get, ok := c.lookup(key)
	if !ok {
		c.mu.Lock()
		get = sync.OnceValues(func() (V, error) { return c.load(key) })
		c.entries[key] = get
		c.mu.Unlock()
	}
	return get()
}
