package events_test

import (
	"testing"

	events "github.com/conclab/conclab/lessons/07-events"
	"github.com/conclab/conclab/lessons/lessontest"
)

// TestLevels: a signal between the waiter's check and its sleep is lost
// after five steps; checking and sleeping under the lock never loses it.
func TestLevels(t *testing.T) {
	lessontest.Levels(t, events.Lesson, map[string]int{
		"missed-signal": 5, // check, set, signal (lost), then sleep
		"cond-wait":     0, // fixed
	})
}
