package latch

import (
	"sync"
	"testing"
)

// TestWaitersAndRelease starts a few waiters and releases the latch while
// they arrive.
func TestWaitersAndRelease(t *testing.T) {
	l := New()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Wait()
		}()
	}
	l.Release()
	wg.Wait()
}
