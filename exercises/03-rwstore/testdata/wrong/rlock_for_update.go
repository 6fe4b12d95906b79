// want: race
// Update takes only the read lock, so writers run alongside each other and alongside readers.
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
	defer s.mu.RUnlock()
	fn(s.m)
}

// Update calls fn with the map for writing.
func (s *Store) Update(fn func(m map[string]string)) {
	s.mu.RLock() // wrong: a writer needs Lock
	defer s.mu.RUnlock()
	fn(s.m)
}
