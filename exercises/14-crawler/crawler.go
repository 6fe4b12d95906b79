// Package crawler crawls a web site: every page reachable from a start
// page, each fetched exactly once, at most a limit at a time, stopping at
// the first error.
//
// Read README.md for the task; the tests in crawler_test.go are the
// contract.
package crawler

import (
	"context"
	"errors"
)

// ErrLimit is returned when the limit is less than 1.
var ErrLimit = errors.New("crawler: limit must be at least 1")

// Fetch fetches the page at url and returns the links on it.
type Fetch func(ctx context.Context, url string) ([]string, error)

// Crawl fetches start and every page reachable from it by links, each
// exactly once, with at most limit fetches running at once, and returns
// the pages fetched, in any order. The first error cancels the context
// the running fetches got, no fetch starts after it, and Crawl returns
// it once every fetch it started has returned.
func Crawl(ctx context.Context, start string, limit int, fetch Fetch) ([]string, error) {
	// TODO: a visited set shared safely, a bound on the fetches running
	// at once, and cancellation on the first error.
	return nil, errors.New("TODO: Crawl is not written yet")
}
