package race

import (
	"sync"
	"testing"
)

func TestParallel(t *testing.T) {
	var c Counter
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 100 {
						c.Inc()
					}
				}()
			}
			wg.Wait()
			_ = c.Value()
		})
	}
}
