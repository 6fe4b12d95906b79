// want: fail
// One page after another: safe and bounded, but the limit is never reached and the crawl takes the sum of every fetch.
package crawler

import (
	"context"
	"errors"
)

var ErrLimit = errors.New("crawler: limit must be at least 1")

type Fetch func(ctx context.Context, url string) ([]string, error)

// Crawl fetches one page at a time: never more than the limit, and never
// more than one either.
func Crawl(ctx context.Context, start string, limit int, fetch Fetch) ([]string, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	visited := map[string]bool{start: true}
	var pages []string
	for todo := []string{start}; len(todo) > 0; todo = todo[1:] {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		links, err := fetch(ctx, todo[0])
		if err != nil {
			return nil, err
		}
		pages = append(pages, todo[0])
		for _, l := range links {
			if !visited[l] {
				visited[l] = true
				todo = append(todo, l)
			}
		}
	}
	return pages, nil
}
