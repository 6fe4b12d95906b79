package queue

import (
	"fmt"
	"sync"
	"testing"
)

// TestTwoConsumers feeds jobs to two consumers and checks every job is
// taken exactly once.
func TestTwoConsumers(t *testing.T) {
	const jobs = 200
	q := New()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = make(map[string]int)
	)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs / 2 {
				job := q.Take()
				mu.Lock()
				seen[job]++
				mu.Unlock()
			}
		}()
	}
	for i := range jobs {
		q.Put(fmt.Sprint("job", i))
	}
	wg.Wait()
	if len(seen) != jobs {
		t.Fatalf("%d distinct jobs taken, want %d", len(seen), jobs)
	}
}
