package ship

import (
	"fmt"
	"sync"
	"testing"
)

// TestStopShipsEverything logs from two goroutines, stops the shipper and
// checks that every line was written.
func TestStopShipsEverything(t *testing.T) {
	var (
		mu      sync.Mutex
		shipped int
	)
	s := New(func(batch []string) {
		mu.Lock()
		shipped += len(batch)
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				s.Log(fmt.Sprintf("g%d line %d", g, i))
			}
		}()
	}
	wg.Wait()
	s.Stop()
	if shipped != 40 {
		t.Fatalf("shipped %d lines, want 40", shipped)
	}
}
