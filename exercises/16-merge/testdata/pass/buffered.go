// pass: a buffered output channel (16 values)
// The statement allows a buffer: after cancel what is already in it may still be received, and then the channel reads as closed.
package merge

import (
	"context"
	"sync"
)

// Merge returns a channel that receives every value sent on any of the
// inputs, each exactly once, in the order each input sent them. It is
// closed once every input is closed and every value delivered, or soon
// after ctx is done, even if nobody reads it any more; then every
// goroutine Merge started has returned.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T, 16) // room for 16 values the reader has not taken yet
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Add(1) // before the go statement: Wait below must count it
		go func() {
			defer wg.Done()
			for {
				// Both waits select on ctx: a copier stuck on an input
				// that never closes, or on a reader who left, would leak.
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
		wg.Wait() // every copier has returned: nobody sends on out again
		close(out)
	}()
	return out
}
