// want: deadlock
// On cancel the copiers keep draining their inputs, to spare the producers a blocked send; an input that never closes keeps its copier forever.
package merge

import (
	"context"
	"sync"
)

// Merge copies every input to the returned channel.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				select {
				case out <- v:
				case <-ctx.Done():
					for range in { // drain, so the producer is not stuck
					}
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
