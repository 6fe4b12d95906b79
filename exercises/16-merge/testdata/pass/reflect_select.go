// pass: one goroutine over reflect.Select, dropping each input's case when it closes
// The statement allows any design: one goroutine may wait on every input and ctx at once, and an unbuffered output still holds each value until it is read.
package merge

import (
	"context"
	"reflect"
)

// Merge copies every input to the returned channel from one goroutine:
// it waits on every open input and on ctx at once, then hands the value
// over while still watching ctx.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())}}
		for _, in := range inputs {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(in)})
		}
		for len(cases) > 1 {
			i, v, ok := reflect.Select(cases)
			if i == 0 {
				return // ctx is done
			}
			if !ok {
				cases = append(cases[:i], cases[i+1:]...) // that input is closed
				continue
			}
			select {
			case out <- v.Interface().(T):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
