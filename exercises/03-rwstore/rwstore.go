// Package rwstore is exercise 3: a key/value store that many readers can
// use at the same time, while each writer has it to itself.
package rwstore

// Store is a map from string to string that is safe for concurrent use.
// Any number of readers (View, Read, Get, Snapshot) may run at the same
// time; an Update runs alone, with no other Update and no reader at the
// same time.
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
// runs, no other Update and no reader runs.
func (s *Store) Update(fn func(m map[string]string)) {
	// TODO: let fn change the map with nobody else inside.
}

// Get returns the value stored under key, and whether there is one.
func (s *Store) Get(key string) (string, bool) {
	// TODO: read one key alongside other readers.
	return "", false
}

// Read calls fn with get, which reads one key of the store as Get does.
// fn may call get as often as it likes; it sees one state of the store,
// because Read holds the read lock until fn returns, so no Update runs in
// between. get must not be called after fn returns.
func (s *Store) Read(fn func(get func(key string) (string, bool))) {
	// TODO: like View, but fn gets a function that reads one key. Mind
	// lesson 4's trap: what happens if get takes the read lock again
	// while a writer is waiting?
}

// Snapshot returns a copy of the store's contents, which the caller owns:
// later Updates do not change it, and changing it does not change the
// store.
func (s *Store) Snapshot() map[string]string {
	// TODO: copy the map under the read lock.
	return nil
}
