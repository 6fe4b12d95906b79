package exercises

import "time"

var rwstore = Exercise{
	Number:  3,
	Slug:    "rwstore",
	Title:   "A store for many readers and one writer at a time",
	Lesson:  "rwmutex",
	Files:   []string{"rwstore.go"},
	Imports: []string{"maps", "sync", "sync/atomic"},
	Hints: [3]string{
		"Readers only look, so any number of them may be inside View together; a writer changes the map, so it must be alone: no reader and no other writer. One kind of lock offers exactly these two modes.",
		"Keep the map next to a sync.RWMutex. View takes the read lock (RLock/RUnlock) around the call to fn; Update takes the write lock (Lock/Unlock) around its call to fn. Hold the lock for the whole call to fn, not just while fetching the map.",
		`The map sits next to its lock, and View holds the read lock for the
whole call to fn:

	type Store struct {
		mu sync.RWMutex
		m  map[string]string
	}

	func (s *Store) View(fn func(m map[string]string)) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		fn(s.m)
	}

Update is the same with Lock and Unlock. New makes the map with
make(map[string]string). Never call View from inside Update: the read
lock waits for the write lock you hold.`,
	},
	Points: map[string]int{
		"TestUpdateThenView":    1,
		"TestReadersShareView":  2,
		"TestWriterRunsAlone":   3,
		"TestUpdatesAreNotLost": 2,
	},
	// Four tests, the longest 3 deadlines of 5 s, even when all deadlock.
	Timeout: 60 * time.Second,
}
