// Package search is a scatter-gather query in the style of search front
// ends and replicated reads: ask every backend, return as soon as enough
// answers arrived, and close the channel to wind the query down.
package search

// Backend answers a query.
type Backend func(query string) string

// Gather sends query to every backend and returns the first need answers.
func Gather(backends []Backend, query string, need int) []string {
	answers := make(chan string)
	for _, b := range backends {
		go func() {
			answers <- b(query)
		}()
	}
	var got []string
	for a := range answers {
		got = append(got, a)
		if len(got) == need {
			break
		}
	}
	close(answers)
	return got
}
