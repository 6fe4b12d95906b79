// want: deadlock
// Merge is the textbook fan-in without ctx: when the reader walks away, every copier stays blocked on its send, and on inputs that never close.
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
