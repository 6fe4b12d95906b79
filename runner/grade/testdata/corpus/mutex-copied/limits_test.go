package limits

import (
	"sync"
	"testing"
)

func TestAllowParallel(t *testing.T) {
	q := NewQuota(10)
	var wg sync.WaitGroup
	for _, client := range []string{"ann", "bob"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !q.Allow(client) {
				t.Errorf("first call by %s refused", client)
			}
		}()
	}
	wg.Wait()
	if got := q.Used("ann") + q.Used("bob"); got != 2 {
		t.Fatalf("%d calls recorded, want 2", got)
	}
}
