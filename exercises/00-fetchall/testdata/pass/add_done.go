// pass: wg.Add(1) before each go statement and a deferred wg.Done, the form older code uses
// Lesson 1 shows both forms: Add before go counts the goroutine before it can run, so Wait cannot miss it, just as wg.Go does.
package fetchall

import "sync"

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll counts each goroutine with Add before starting it.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	results := make([]Result, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i].Body, results[i].Err = fetch(url)
		}()
	}
	wg.Wait()
	return results
}
