// want: race or fail
// wg.Add(1) runs inside each goroutine, so nothing orders it before Wait: a goroutine that runs early adds while Wait starts waiting, which the race detector reports as WaitGroup misuse, and when they run late Wait sees a count of zero and returns while the fetches still run, which the tests report; which one a run sees depends on the schedule. go vet, which the grader runs, names it every time.
package fetchall

import "sync"

// Result is what fetching one URL gave.
type Result struct {
	Body string
	Err  error
}

// FetchAll counts each goroutine from inside it.
func FetchAll(urls []string, fetch func(url string) (string, error)) []Result {
	results := make([]Result, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		go func() {
			wg.Add(1)
			defer wg.Done()
			results[i].Body, results[i].Err = fetch(url)
		}()
	}
	wg.Wait()
	return results
}
