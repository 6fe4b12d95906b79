package gaphelper

import (
	"sync"
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

func TestGapLengthAndHeldGaps(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "30ns")
	assert.Equal(t, time.Duration(30), gapped(t, func() {
		conclabGapLock()
		conclabGapUnlock()
	}), "CONCLAB_GAPS=30ns makes a gap 30ns long")
	t.Setenv("CONCLAB_GAPS", "1")
	t.Setenv("CONCLAB_GAPS_HELD", "1")
	assert.Equal(t, time.Duration(2), gapped(t, func() {
		conclabGapLock()
		conclabGapLock()
		conclabGapUnlock()
		conclabGapUnlock()
	}), "with held gaps, an unlock that leaves another lock held opens one too")
}

func TestGapsAfterLoads(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	assert.Zero(t, gapped(t, func() { conclabGapAfter(1) }), "no gap after a load unless CONCLAB_GAPS_LOADS=1")
	t.Setenv("CONCLAB_GAPS_LOADS", "1")
	assert.Equal(t, time.Duration(1), gapped(t, func() {
		assert.Equal(t, 7, conclabGapAfter(7), "the load's value comes back")
	}), "a gap after a load")
	assert.Equal(t, time.Duration(1), gapped(t, func() {
		conclabGapLock()
		conclabGapAfter(7)
		conclabGapUnlock()
	}), "no gap after a load made under a lock, only after the unlock")
}

// TestTakeWaitsDurably: with held gaps a goroutine waiting for a lock
// sleeps on the bubble's clock between tries, so the holder's own gap
// can end; without them the lock is taken as written.
func TestTakeWaitsDurably(t *testing.T) {
	t.Setenv("CONCLAB_GAPS", "1")
	t.Setenv("CONCLAB_GAPS_HELD", "1")
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var rw sync.RWMutex
		var l sync.Locker = &mu
		conclabGapTake(&l, false) // through an interface
		got := make(chan bool)
		go func() {
			conclabGapTake(&mu, false) // waits for the holder
			got <- true
			mu.Unlock()
		}()
		synctest.Wait() // durably asleep between tries
		time.Sleep(time.Millisecond)
		mu.Unlock()
		assert.True(t, <-got)
		conclabGapTake(&rw, true)
		conclabGapTake(&rw, true) // two readers at once
		rw.RUnlock()
		rw.RUnlock()
		p := &rw
		conclabGapTake(&p, false) // through a pointer
		rw.Unlock()
	})
}
