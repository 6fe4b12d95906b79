// Package once builds an expensive value lazily: on first use, once, no
// matter how many goroutines ask for it at the same moment.
package once

import "sync"

// Lazy holds a value that is built on the first call to Get.
// Create it with New.
type Lazy[T any] struct {
	once      sync.Once
	construct func() (T, error)
	value     T
	err       error
}

// New returns a Lazy that will build its value with construct. It does
// not call construct.
func New[T any](construct func() (T, error)) *Lazy[T] {
	return &Lazy[T]{construct: construct}
}

// Get returns the value, calling construct on the first call only. Calls
// that arrive while construct runs wait for it. Every call returns what
// that one call of construct returned, error included: a failed
// construction is not retried.
func (l *Lazy[T]) Get() (T, error) {
	// Do runs the function once, and every other Do waits until it has
	// returned: no caller can see a value that is still being built.
	l.once.Do(func() {
		l.value, l.err = l.construct()
		l.construct = nil // let the garbage collector have what it captured
	})
	return l.value, l.err
}

// Cache loads a value per key on first use, once per key, no matter how
// many goroutines ask for the same key at the same moment; different
// keys load in parallel. Create it with NewCache.
type Cache[K comparable, V any] struct {
	load func(K) (V, error)

	// mu guards entries: the map itself, never a load. Each entry is the
	// getter of one key, made by sync.OnceValues: calling it loads the
	// key once and makes every other caller wait for that load, the way
	// Lazy's Get does, while mu is already free for other keys.
	mu      sync.Mutex
	entries map[K]func() (V, error)
}

// NewCache returns a Cache that loads the value of a key with load. It
// does not call load.
func NewCache[K comparable, V any](load func(K) (V, error)) *Cache[K, V] {
	return &Cache[K, V]{load: load, entries: make(map[K]func() (V, error))}
}

// Get returns the value of key, calling load(key) on the first Get of
// that key only. Calls for a key whose load is running wait for it; calls
// for other keys do not. Every call for a key returns what that key's one
// load returned, error included: a failed load is not retried.
func (c *Cache[K, V]) Get(key K) (V, error) {
	// Finding or making the key's entry is check-then-act on the map:
	// one step under the lock. The load runs after the lock is released.
	c.mu.Lock()
	get, ok := c.entries[key]
	if !ok {
		get = sync.OnceValues(func() (V, error) { return c.load(key) })
		c.entries[key] = get
	}
	c.mu.Unlock()
	return get()
}
