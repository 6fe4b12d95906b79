// want: fail
// Wait is inside the loop: FetchAll starts one fetch, waits for it, then starts the next. Goroutines and a WaitGroup, and still one fetch at a time.
package fetchall

import "sync"

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll waits for each fetch before starting the next.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	results := make([]Result, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Go(func() {
			results[i].Body, results[i].Err = fetch(url)
		})
		wg.Wait()
	}
	return results
}
