// want: fail
// The goroutines write into r, the range loop's copy of each element, not into the slice: each copy is a variable of its own, so the results FetchAll returns stay empty.
package fetchall

import "sync"

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll writes each result into the loop's copy of its element.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	results := make([]Result, len(urls))
	var wg sync.WaitGroup
	for i, r := range results {
		wg.Go(func() {
			r.Body, r.Err = fetch(urls[i])
		})
	}
	wg.Wait()
	return results
}
