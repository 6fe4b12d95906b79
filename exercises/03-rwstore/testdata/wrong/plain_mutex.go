// want: fail
// A plain Mutex is correct but lets only one reader in at a time: readers never share View.
package rwstore

import "sync"

// Store is a map from string to string.
type Store struct {
	mu sync.Mutex
	m  map[string]string
}

// New returns an empty store.
func New() *Store { return &Store{m: make(map[string]string)} }

// View calls fn with the map for reading.
func (s *Store) View(fn func(m map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

// Read calls fn with a get that reads the map without locking again.
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(func(key string) (string, bool) {
		v, ok := s.m[key]
		return v, ok
	})
}

// Snapshot returns a copy of the map.
func (s *Store) Snapshot() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[string]string, len(s.m))
	for k, v := range s.m {
		c[k] = v
	}
	return c
}
