// Package rwstore is exercise 3: a key/value store that many readers can
// use at the same time, while each writer has it to itself.
package rwstore

import (
	"maps"
	"sync"
)

// Store is a map from string to string that is safe for concurrent use.
// Any number of readers (View, Read, Get, Snapshot) may run at the same
// time; an Update runs alone, with no other Update and no reader at the
// same time.
type Store struct {
	// mu guards m. Readers share it (RLock), writers take it alone (Lock).
	mu sync.RWMutex
	m  map[string]string
}

// New returns an empty store.
func New() *Store { return &Store{m: make(map[string]string)} }

// View calls fn with the store's map for reading. fn must not modify the
// map or keep it after returning. Several View calls may be inside fn at
// the same time.
func (s *Store) View(fn func(m map[string]string)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.m)
}

// Update calls fn with the store's map for reading and writing. While fn
// runs, no other Update and no reader runs.
func (s *Store) Update(fn func(m map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.m)
}

// Get returns the value stored under key, and whether there is one.
func (s *Store) Get(key string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.getRLocked(key)
}

// getRLocked is Get for a caller that already holds the read lock. It
// takes no lock of its own: a second RLock in the same goroutine waits
// behind any writer that arrived in between, and that writer waits for
// the first RLock, so the reader would wait for itself (lesson 4).
func (s *Store) getRLocked(key string) (string, bool) {
	v, ok := s.m[key]
	return v, ok
}

// Read calls fn with get, which reads one key of the store as Get does.
// fn may call get as often as it likes; it sees one state of the store,
// because Read holds the read lock until fn returns, so no Update runs in
// between. get must not be called after fn returns.
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.getRLocked)
}

// Snapshot returns a copy of the store's contents, which the caller owns:
// later Updates do not change it, and changing it does not change the
// store.
func (s *Store) Snapshot() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.m)
}
