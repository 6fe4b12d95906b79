package race

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLossStory(t *testing.T) {
	// A few collisions: the three steps, and no word of a write-back.
	few := strings.Join(lossStory(123_456, PerGoroutine), " ")
	assert.Contains(t, few, "LOAD the value")
	assert.NotContains(t, few, "stale write-back", "a partial loss is collisions")

	// One goroutine's whole million: the stale write-back is explained.
	whole := strings.Join(lossStory(PerGoroutine, PerGoroutine), " ")
	assert.Contains(t, whole, "whole count vanished")
	assert.Contains(t, whole, "stale write-back")
	assert.Contains(t, whole, "the old value plus 1")
}
