package mutex_test

import (
	"testing"

	mutex "github.com/conclab/conclab/lessons/03-mutex"
	"github.com/conclab/conclab/lessons/lessontest"
)

// TestLevels: both goroutines get into the critical section after 8
// steps when check and act are apart, and never when one lock covers both.
func TestLevels(t *testing.T) {
	lessontest.Levels(t, mutex.Lesson, map[string]int{
		"check-then-act": 8, // both check, then both set and print
		"check-and-set":  0, // fixed
	})
}
