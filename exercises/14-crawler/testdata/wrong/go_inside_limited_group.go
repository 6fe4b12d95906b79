// want: deadlock
// Every fetching goroutine calls g.Go for the links it found, in a group with SetLimit: it waits for a free slot while holding one, and with all slots held like that, nobody ever frees one.
package crawler

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/errgroup"
)

var ErrLimit = errors.New("crawler: limit must be at least 1")

type Fetch func(ctx context.Context, url string) ([]string, error)

func Crawl(ctx context.Context, start string, limit int, fetch Fetch) ([]string, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	var mu sync.Mutex
	visited := map[string]bool{start: true}
	var pages []string
	var visit func(url string)
	visit = func(url string) {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			links, err := fetch(gctx, url)
			if err != nil {
				return err
			}
			mu.Lock()
			pages = append(pages, url)
			var fresh []string
			for _, l := range links {
				if !visited[l] {
					visited[l] = true
					fresh = append(fresh, l)
				}
			}
			mu.Unlock()
			for _, l := range fresh {
				visit(l) // g.Go blocks while limit goroutines run, this one among them
			}
			return nil
		})
	}
	visit(start)
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return pages, nil
}
