// want: race
// wg.Add(1) runs inside each goroutine, so nothing orders it before Wait: on more than one CPU a goroutine that runs early adds while Wait starts waiting, which the race detector reports as WaitGroup misuse (on one CPU, Wait sees a count of zero and returns while every fetch still runs). go vet, which the grader runs, names it too.
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
