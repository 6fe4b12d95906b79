// Package rwstore is exercise 3: a key/value store that many readers can
// use at the same time, while each writer has it to itself.
package rwstore

import "sync"

// Store is a map from string to string that is safe for concurrent use.
// Any number of View calls may run at the same time; an Update runs alone,
// with no other Update and no View at the same time.
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
// runs, no other Update and no View runs.
func (s *Store) Update(fn func(m map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.m)
}
