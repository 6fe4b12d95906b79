// want: race
// Each copier closes the output when its own input closes: the second one to finish closes a closed channel, and the first has cut the others off.
package merge

import "context"

// Merge copies every input to the returned channel.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T)
	for _, in := range inputs {
		go func() {
			defer close(out)
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
	if len(inputs) == 0 {
		close(out)
	}
	return out
}
