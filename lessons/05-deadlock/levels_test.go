package deadlock_test

import (
	"testing"

	deadlock "github.com/conclab/conclab/lessons/05-deadlock"
	"github.com/conclab/conclab/lessons/lessontest"
)

// TestLevels: opposite lock orders deadlock in two steps; one global
// order never does.
func TestLevels(t *testing.T) {
	lessontest.Levels(t, deadlock.Lesson, map[string]int{
		"lock-order":   2, // each takes its first lock
		"global-order": 0, // fixed
	})
}
