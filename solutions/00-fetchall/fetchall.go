// Package fetchall is exercise 0: fetch every URL at once, each in a
// goroutine of its own, and wait for all of them.
package fetchall

import "sync"

// Result is what fetching one URL gave: its body, or the error that
// fetch returned for it.
type Result struct {
	Body string
	Err  error
}

// FetchAll calls fetch once for every URL, each call in a goroutine of
// its own and all of them at the same time, and returns their results in
// the order of urls: results[i] is what fetch(urls[i]) returned. It
// returns only once every call of fetch has returned.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	// One element per URL, made before any goroutine starts: each
	// goroutine writes its own element, a variable no other goroutine
	// touches, so they need no lock. Appending from the goroutines
	// instead would be a data race on the slice.
	results := make([]Result, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		// wg.Go counts the goroutine before it starts, so Wait below
		// cannot miss one that has not run yet.
		wg.Go(func() {
			results[i].Body, results[i].Err = fetch(url)
		})
	}
	// Without Wait, FetchAll would return while fetches still run and
	// still write results: its caller would read a half-filled slice.
	wg.Wait()
	return results
}
