// Package fetchall is exercise 0: fetch every URL at once, each in a
// goroutine of its own, and wait for all of them.
//
// This FetchAll is right but slow: it fetches one URL after another, so
// ten fetches of a second each take ten seconds. Run `conclab check
// fetchall` to see the tests say so, then make it concurrent.
//
// Read README.md for the task; the tests in fetchall_test.go are the
// contract.
package fetchall

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
	results := make([]Result, len(urls))
	for i, url := range urls {
		// TODO: each fetch waits for the one before it to return. Start
		// every fetch in a goroutine of its own, and wait for all of
		// them before returning: once FetchAll returns, its caller
		// reads results.
		results[i].Body, results[i].Err = fetch(url)
	}
	return results
}
