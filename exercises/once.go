package exercises

import "time"

var once = Exercise{
	Number:  9,
	Slug:    "once",
	Title:   "Lazy initialization, exactly once",
	Lesson:  "once",
	Files:   []string{"once.go"},
	Imports: []string{"errors", "fmt", "sync", "sync/atomic"},
	Hints: [3]string{
		"Checking 'is it built yet?' and then building is two steps; another goroutine can run between them. Both the check and the build must happen as one step, and the callers that lose must wait for the winner.",
		"sync.Once does exactly that: Do runs its function once and makes every other Do wait until it has returned. Keep the value and the error in the Lazy next to the sync.Once, and set both inside Do.",
		`The value and its error live next to the sync.Once, and Do sets
both:

	type Lazy[T any] struct {
		once      sync.Once
		construct func() (T, error)
		value     T
		err       error
	}

	func (l *Lazy[T]) Get() (T, error) {
		l.once.Do(func() { l.value, l.err = l.construct() })
		return l.value, l.err
	}

sync.OnceValues(construct) returns such a function ready-made.`,
	},
	Timeout: 30 * time.Second,
}
