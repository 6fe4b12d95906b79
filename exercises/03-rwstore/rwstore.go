// Package rwstore is exercise 3: a key/value store that many readers can
// use at the same time, while each writer has it to itself.
package rwstore

// Store is a map from string to string that is safe for concurrent use.
// Any number of View calls may run at the same time; an Update runs alone,
// with no other Update and no View at the same time.
type Store struct {
	// TODO: the map, and the lock that lets readers share it.
}

// New returns an empty store.
func New() *Store {
	// TODO: make the map.
	return &Store{}
}

// View calls fn with the store's map for reading. fn must not modify the
// map or keep it after returning. Several View calls may be inside fn at
// the same time.
func (s *Store) View(fn func(m map[string]string)) {
	// TODO: let fn read the map alongside other readers, never alongside a writer.
}

// Update calls fn with the store's map for reading and writing. While fn
// runs, no other Update and no View runs.
func (s *Store) Update(fn func(m map[string]string)) {
	// TODO: let fn change the map with nobody else inside.
}
