// want: fail
// Each fetch runs in its own goroutine, but nothing waits for them: FetchAll returns at once, while every fetch is still running and its result not yet written.
package fetchall

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll starts a goroutine per URL and returns without waiting.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	results := make([]Result, len(urls))
	for i, url := range urls {
		go func() {
			results[i].Body, results[i].Err = fetch(url)
		}()
	}
	return results
}
