package race_test

import (
	"testing"

	race "github.com/conclab/conclab/lessons/02-race"
	"github.com/conclab/conclab/lessons/lessontest"
)

// TestLevels: the stepper's search wins each level with the schedule
// length a person would find, and proves the mutex level unwinnable.
func TestLevels(t *testing.T) {
	lessontest.Levels(t, race.Lesson, map[string]int{
		"lost-update": 6, // every step runs: the loss shows when both have stored
		"lose-two":    9,
		"mutex":       0, // fixed
	})
}
