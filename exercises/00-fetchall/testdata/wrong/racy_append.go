// want: race
// The goroutines append their results to one shared slice: append reads and writes the slice's header and its array from many goroutines at once, a data race (and the order is the order they finish in).
package fetchall

import "sync"

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll fetches at once and appends each result as it comes.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	var results []Result
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Go(func() {
			body, err := fetch(url)
			results = append(results, Result{body, err})
		})
	}
	wg.Wait()
	return results
}
