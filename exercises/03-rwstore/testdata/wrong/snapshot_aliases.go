// want: fail
// Snapshot returns the store's own map, not a copy: the caller's changes reach the store, and later Updates change the caller's "snapshot".
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
	fn(s.m)
}

// Get returns the value under key.
func (s *Store) Get(key string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.m[key]
	return v, ok
}

// Read calls fn with a get that takes no lock of its own.
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.getRLocked)
}

// Snapshot returns a copy of the map.
func (s *Store) Snapshot() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m // the lock covers handing it over, not its later use
}

// getRLocked reads key; the caller holds the lock.
func (s *Store) getRLocked(key string) (string, bool) {
	v, ok := s.m[key]
	return v, ok
}
