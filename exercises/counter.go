package exercises

import "time"

var counter = Exercise{
	Number:  1,
	Slug:    "counter",
	Title:   "A counter safe for concurrent use",
	Lesson:  "race",
	Files:   []string{"counter.go"},
	Imports: []string{"sync", "sync/atomic"},
	Hints: [3]string{
		"c.n++ is three steps (load, add, store). When two goroutines do them at the same time, one store overwrites the other. Every method that touches the count, Value included, must be protected.",
		"Give Counter a sync.Mutex next to the count and hold it in Inc, Add and Value; or keep the count in an atomic.Int64 and use its Add and Load (never a Load followed by a Store).",
		`Put the mutex next to the count, and hold it wherever the count is
touched:

	type Counter struct {
		mu sync.Mutex
		n  int64
	}

	func (c *Counter) Add(n int64) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.n += n
	}

Inc calls Add(1) without taking the lock itself (Go's Mutex is not
reentrant). Value locks, reads c.n and unlocks.`,
	},
	Points: map[string]int{
		"TestZeroValueCountsFromZero": 1,
		"TestIncFromManyGoroutines":   2,
		"TestAddFromManyGoroutines":   2,
		"TestValueWhileCounting":      2,
	},
	// Four tests of at most 3 s each, even when every one deadlocks.
	Timeout: 30 * time.Second,
}
