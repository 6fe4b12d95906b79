// want: race
// View locks only to fetch the map and calls fn after unlocking: the lock protects nothing that matters.
package rwstore

import "sync"

// Store is a map from string to string.
type Store struct {
	mu sync.RWMutex
	m  map[string]string
}

// New returns an empty store.
func New() *Store { return &Store{m: make(map[string]string)} }

// View calls fn with the map for reading.
func (s *Store) View(fn func(m map[string]string)) {
	s.mu.RLock()
	m := s.m
	s.mu.RUnlock()
	fn(m)
}

// Update calls fn with the map for writing.
func (s *Store) Update(fn func(m map[string]string)) {
	s.mu.Lock()
	m := s.m
	s.mu.Unlock()
	fn(m)
}
