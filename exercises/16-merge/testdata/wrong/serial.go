// want: fail
// Merge reads the inputs one after another: an input that stays open and silent holds up every input after it.
package merge

import "context"

// Merge copies each input in turn to the returned channel.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		for _, in := range inputs {
			for {
				select {
				case v, ok := <-in:
					if !ok {
						goto next
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
		next:
		}
	}()
	return out
}
