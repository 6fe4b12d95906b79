// Package fetch wraps a blocking call in a deadline the way many Go
// clients do: the call runs in its own goroutine, and the caller waits
// for either its result or the end of the context.
package fetch

import "context"

// Getter performs one blocking request.
type Getter func(url string) (string, error)

type result struct {
	body string
	err  error
}

// Fetch calls get(url) and returns its result, or the context's error if
// the context ends first.
func Fetch(ctx context.Context, get Getter, url string) (string, error) {
	done := make(chan result)
	go func() {
		body, err := get(url)
		done <- result{body, err}
	}()
	select {
	case r := <-done:
		return r.body, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
