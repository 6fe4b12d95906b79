package search

import (
	"runtime"
	"testing"
	"time"
)

// TestGatherFastest asks two fast backends and a slow one for two answers,
// then checks that no backend goroutine outlives the query.
func TestGatherFastest(t *testing.T) {
	before := runtime.NumGoroutine()
	slow := make(chan struct{})
	backends := []Backend{
		func(q string) string { return "fast:" + q },
		func(q string) string { return "fast:" + q },
		func(q string) string { <-slow; return "slow:" + q },
	}
	got := Gather(backends, "gopher", 2)
	if len(got) != 2 {
		t.Fatalf("Gather returned %d answers, want 2", len(got))
	}
	close(slow) // the slow backend answers now
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still running after Gather", runtime.NumGoroutine()-before)
		}
		runtime.Gosched()
	}
}
