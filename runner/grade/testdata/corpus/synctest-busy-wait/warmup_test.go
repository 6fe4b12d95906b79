package warmup

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestReadyAfterDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := Start(time.Second)
		defer b.Stop()
		time.Sleep(999 * time.Millisecond)
		if b.Ready() {
			t.Fatal("ready before the warm-up was over")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait() // the timer's function runs at this same instant
		if !b.Ready() {
			t.Fatal("not ready after the warm-up")
		}
	})
}

// TestWaitReady waits for the warm-up on the bubble's clock, with a
// deadline in case it never ends.
func TestWaitReady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := Start(time.Second)
		defer b.Stop()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if err := b.WaitReady(ctx); err != nil {
			t.Fatalf("WaitReady: %v", err)
		}
	})
}
