// want: fail
// Read copies the map under the lock and lets fn read the copy after unlocking: an Update runs while fn is inside, so Read no longer holds the store for fn as View does.
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

// Read lets fn read a copy, "so that it never holds the lock for long".
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	c := s.Snapshot()
	fn(func(key string) (string, bool) {
		v, ok := c[key]
		return v, ok
	})
}

// Snapshot returns a copy of the map.
func (s *Store) Snapshot() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.m)
}
