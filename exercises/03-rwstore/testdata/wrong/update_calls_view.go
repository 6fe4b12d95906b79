// want: deadlock
// Update holds the write lock and then calls View, whose RLock waits for that write lock to be released: forever.
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
	s.mu.Lock()
	defer s.mu.Unlock()
	// "Take a snapshot first, for safety": View locks again.
	before := 0
	s.View(func(m map[string]string) { before = len(m) })
	_ = before
	fn(s.m)
}
