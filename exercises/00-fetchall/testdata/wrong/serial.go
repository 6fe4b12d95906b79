// want: fail
// FetchAll calls fetch for one URL after another: each fetch waits for the one before it, so ten fetches of a second take ten seconds.
package fetchall

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll fetches the URLs one after another.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	results := make([]Result, len(urls))
	for i, url := range urls {
		results[i].Body, results[i].Err = fetch(url)
	}
	return results
}
