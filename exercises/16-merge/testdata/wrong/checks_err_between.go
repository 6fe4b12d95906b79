// want: deadlock
// The copiers check ctx.Err() between values instead of selecting on ctx.Done(): a copier already waiting, for a value or for a reader, never looks again.
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
			for ctx.Err() == nil {
				v, ok := <-in
				if !ok {
					return
				}
				out <- v
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
