// want: deadlock
// Read hands fn the exported Get, which takes the read lock again: once a writer waits between the two RLocks, the second waits for the writer and the writer for the first.
package rwstore

import (
	"maps"
	"sync"
)

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
	fn(s.m)
}

// Get returns the value under key.
func (s *Store) Get(key string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.m[key]
	return v, ok
}

// Read calls fn with Get: "readers share, so reading inside a read is fine".
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.Get)
}

// Snapshot returns a copy of the map.
func (s *Store) Snapshot() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.m)
}
