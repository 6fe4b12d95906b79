// Package once builds an expensive value lazily: on first use, once, no
// matter how many goroutines ask for it at the same moment.
//
// Read README.md for the task; the tests in once_test.go are the contract.
package once

import "errors"

// Lazy holds a value that is built on the first call to Get.
// Create it with New.
type Lazy[T any] struct {
	// TODO: the constructor, the value and error it returned, and what
	// makes sure it runs only once.
}

// New returns a Lazy that will build its value with construct. It does
// not call construct.
func New[T any](construct func() (T, error)) *Lazy[T] {
	// TODO
	return &Lazy[T]{}
}

// Get returns the value, calling construct on the first call only. Calls
// that arrive while construct runs wait for it. Every call returns what
// that one call of construct returned, error included: a failed
// construction is not retried.
func (l *Lazy[T]) Get() (T, error) {
	var zero T
	// TODO
	return zero, errors.New("TODO: Get is not written yet")
}

// Cache loads a value per key on first use, once per key, no matter how
// many goroutines ask for the same key at the same moment; different
// keys load in parallel. Create it with NewCache.
type Cache[K comparable, V any] struct {
	// TODO: the loader, and per key what makes its load run only once.
}

// NewCache returns a Cache that loads the value of a key with load. It
// does not call load.
func NewCache[K comparable, V any](load func(K) (V, error)) *Cache[K, V] {
	// TODO
	return &Cache[K, V]{}
}

// Get returns the value of key, calling load(key) on the first Get of
// that key only. Calls for a key whose load is running wait for it; calls
// for other keys do not. Every call for a key returns what that key's one
// load returned, error included: a failed load is not retried.
func (c *Cache[K, V]) Get(key K) (V, error) {
	var zero V
	// TODO
	return zero, errors.New("TODO: Cache.Get is not written yet")
}
