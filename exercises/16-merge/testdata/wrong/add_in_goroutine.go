// want: race
// wg.Add runs inside each copier: the closer's Wait can see a count of zero before any copier has started, close the output, and a copier then sends on a closed channel.
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
		go func() {
			wg.Add(1)
			defer wg.Done()
			for {
				select {
				case v, ok := <-in:
					if !ok {
						return
					}
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
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
