package gaphelper

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDsDifferPerGoroutine(t *testing.T) {
	mine := conclabGapID()
	require.NotZero(t, mine, "the goroutine ID must be read from the stack")
	other := make(chan uint64)
	go func() { other <- conclabGapID() }()
	assert.NotEqual(t, mine, <-other, "two goroutines must have two IDs")
	assert.Equal(t, mine, conclabGapID(), "a goroutine's ID must not change")
}

// gapped runs one call of f in a bubble and reports how many gaps it
// opened: each is a nanosecond of the bubble's clock.
func gapped(t *testing.T, f func()) (gaps time.Duration) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		f()
		gaps = time.Since(start) / time.Nanosecond
	})
	return gaps
}

func TestGapsOpenWhenNoLockIsHeld(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	assert.Equal(t, time.Duration(1), gapped(t, func() {
		conclabGapLock()
		conclabGapUnlock()
	}), "an unlock that leaves no lock held opens a gap")
	assert.Equal(t, time.Duration(1), gapped(t, func() {
		conclabGapLock()
		conclabGapLock()
		conclabGapUnlock()
		conclabGapUnlock()
	}), "an unlock that leaves another lock held opens none")
	assert.Equal(t, time.Duration(2), gapped(t, func() {
		conclabGapUnlock() // of a lock another goroutine took
		conclabGapLock()
		conclabGapUnlock()
	}), "an unlock with no lock counted opens a gap and the count stays at zero")
	assert.Zero(t, conclabGapSlot().Load(), "the goroutine's count must be back at zero")
}

func TestNoGapsUnlessAsked(t *testing.T) {
	assert.Zero(t, gapped(t, func() {
		conclabGapLock()
		conclabGapUnlock()
	}), "without CONCLAB_GAPS=1 no gap opens")
	t.Setenv("CONCLAB_GAPS", "1")
	assert.False(t, conclabGapActive(), "outside a bubble gaps are off")
	conclabGapLock()
	assert.Zero(t, conclabGapSlot().Load(), "outside a bubble no lock is counted")
	assert.True(t, conclabGapBubbleEpoch.Before(time.Now()), "the real clock is past the bubble's epoch")
}
