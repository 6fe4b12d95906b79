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

// Get returns the value under key.
func (s *Store) Get(key string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.m[key]
	return v, ok
}

// Read calls fn with a get that reads the map without locking again.
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(func(key string) (string, bool) {
		v, ok := s.m[key]
		return v, ok
	})
}

// Snapshot returns a copy of the map.
func (s *Store) Snapshot() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := make(map[string]string, len(s.m))
	for k, v := range s.m {
		c[k] = v
	}
	return c
}
